/* fuzz_conf.c - conf_load_buf() never crashes, fails with one line
 * "NAME:LINE: ..." or "NAME: ...", and whatever it accepts survives
 * conf_print() -> conf_load_buf() -> conf_print() unchanged. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fz {
	char			*s;
	unsigned		 u;
	int			 b, e;
	char			*hp, *uri, *name;
	struct conf_list	 ls, lu;
};

static const char *const fz_choices[] = { "one", "two", "three", NULL };

#define F(x)	offsetof(struct fz, x)
static const struct conf_key fz_keys[] = {
	{ .name = "s", .type = CONF_STRING, .offset = F(s), .max = 40,
	  .help = "string" },
	{ .name = "u", .type = CONF_UINT, .offset = F(u), .dflt = "7",
	  .min = 1, .max = 100000, .help = "number", .flags = CONF_RELOAD },
	{ .name = "b", .type = CONF_BOOL, .offset = F(b), .dflt = "no",
	  .help = "bool" },
	{ .name = "e", .type = CONF_ENUM, .offset = F(e), .dflt = "two",
	  .choices = fz_choices, .help = "enum" },
	{ .name = "host.port", .type = CONF_HOSTPORT, .offset = F(hp),
	  .help = "host and port" },
	{ .name = "uri", .type = CONF_SIPURI, .offset = F(uri), .help = "uri" },
	{ .name = "dom-ain", .type = CONF_STRING, .offset = F(name),
	  .check = conf_check_domain, .help = "domain" },
	{ .name = "ls", .type = CONF_STRING, .offset = F(ls),
	  .flags = CONF_LIST, .maxn = 5, .help = "list" },
	{ .name = "lu", .type = CONF_UINT, .offset = F(lu), .flags = CONF_LIST,
	  .max = 1000, .dflt = "3", .help = "numbers" },
	{ .name = NULL }
};

static struct fz fz;
static const struct conf_table fz_table[] = {
	{ "fuzz", fz_keys, &fz, sizeof(fz) },
};

static char *
print(size_t *len)
{
	char *p = NULL;
	FILE *f = open_memstream(&p, len);

	if (f == NULL)
		abort();
	if (conf_print(f, "fuzz", fz_table, 1) != 0)
		abort();
	(void)fclose(f);
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CONF_ERR_MAX], *p1, *p2;
	size_t l1, l2;
	int rc;

	rc = conf_load_buf(fz_table, 1, "f", (const char *)data, size, NULL, 0,
	    err, sizeof(err));
	if (rc < 0) {
		if (err[0] != 'f' || strchr(err, '\n') != NULL)
			abort();
		conf_free(fz_table, 1);
		return 0;
	}
	p1 = print(&l1);
	if (conf_load_buf(fz_table, 1, "p", p1, l1, NULL, 0, err,
	    sizeof(err)) != 0)
		abort();
	p2 = print(&l2);
	if (l1 != l2 || memcmp(p1, p2, l1) != 0)
		abort();
	free(p1);
	free(p2);
	conf_free(fz_table, 1);
	return 0;
}
