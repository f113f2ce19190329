/* fuzz_user_data.c - user_data_assoc() (the S-CSCF's scan of the SAA's
 * IMSSubscription for P-Associated-URI) never reads out of bounds (the
 * input is not NUL-terminated), and what it writes is always a header
 * value "<uri>, <uri>" with no control character, whatever the buffer
 * size. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "user_data.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* "<x>" items joined by ", ", nothing else; n items. */
static void
check_list(const char *s, int n)
{
	const char *p = s;
	int items = 0;

	while (*p != '\0') {
		if (items > 0) {
			if (p[0] != ',' || p[1] != ' ')
				abort();
			p += 2;
		}
		if (*p++ != '<')
			abort();
		if (*p == '>')
			abort();		/* empty */
		for (; *p != '>'; p++)
			if ((unsigned char)*p <= ' ' ||
			    (unsigned char)*p > '~' || *p == '<' || *p == '"')
				abort();
		p++;
		items++;
	}
	if (n > 0 && items != n)
		abort();
}

static void
run(const char *xml, size_t len, size_t size)
{
	char out[2048];
	int rc;

	memset(out, 'x', sizeof(out));
	rc = user_data_assoc(xml, len, "sip:impu@example.org", out, size);
	if (rc < 0 && rc != -ENOSPC)
		abort();
	if (memchr(out, '\0', size) == NULL)
		abort();
	if (size < sizeof(out) && out[size] != 'x')
		abort();		/* wrote past size */
	check_list(out, rc);
	if (rc == 0 && strcmp(out, "<sip:impu@example.org>") != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy;

	/* An exact-size heap copy: ASan sees any read past the end. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	run(copy, size, 1024);
	run(copy, size, 40);
	run(copy, size, 1);
	free(copy);
	return 0;
}
