/* conf_print.c - the effective configuration written back in the file
 * format (the -p option): what the samples in the repository are made of
 * and how ./lab writes the configurations it runs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf_int.h"

/* "HOST:PORT; required" and the like. */
static void
about(const struct conf_key *k, char *buf, size_t size)
{
	char type[128];
	size_t n;

	conf_type_text(k, type, sizeof(type));
	n = (size_t)snprintf(buf, size, "%s", type);
	if ((k->flags & CONF_LIST) && n < size)
		n += (size_t)snprintf(buf + n, size - n, "; repeat the line "
		    "for each value (at most %u)",
		    k->maxn ? k->maxn : CONF_LIST_MAX);
	if ((k->flags & CONF_REQUIRED) && n < size)
		n += (size_t)snprintf(buf + n, size - n, "; required");
	else if (k->dflt != NULL && n < size)
		n += (size_t)snprintf(buf + n, size - n, "; default %s",
		    k->dflt);
	else if (n < size)
		n += (size_t)snprintf(buf + n, size - n, "; default: none");
	if ((k->flags & CONF_RELOAD) && n < size)
		n += (size_t)snprintf(buf + n, size - n, "; reloaded on SIGHUP");
	if (k->opt != 0 && k->optval != NULL && n < size)
		(void)snprintf(buf + n, size - n, "; flag -%c sets %s", k->opt,
		    k->optval);
	else if (k->opt != 0 && n < size)
		(void)snprintf(buf + n, size - n, "; flag -%c", k->opt);
}

/* "# text" wrapped before column 78, continuation lines indented. */
static void
print_wrapped(FILE *f, const char *prefix, const char *text)
{
	const char *p = text;
	size_t col = strlen(prefix), w;
	int first = 1;

	fputs(prefix, f);
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if ((w = strcspn(p, " ")) == 0)
			break;
		if (!first && col + 1 + w > 77) {
			fputs("\n#   ", f);
			col = 4;
		} else if (!first) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)w, p);
		col += w;
		p += w;
		first = 0;
	}
	fputc('\n', f);
}

int
conf_print(FILE *f, const char *progname, const struct conf_table *t,
    size_t nt)
{
	const struct conf_key *k;
	char buf[64], line[512];
	size_t i, j, n;

	fprintf(f, "# %s configuration (`%s -p` prints the one in effect).\n"
	    "# Lines \"key = value\"; '#' starts a comment at the start of a "
	    "line or\n# after a blank; values are literal (no quotes); a list "
	    "key is repeated.\n# Flags (--key VALUE, -o key=VALUE) override "
	    "the file; `%s -n` checks it.\n", progname, progname, progname);
	for (i = 0; i < nt; i++) {
		if (t[i].title != NULL)
			fprintf(f, "\n# ---- %s ----\n", t[i].title);
		for (k = t[i].keys; k->name != NULL; k++) {
			(void)snprintf(line, sizeof(line), "%s: %s", k->name,
			    k->help);
			fputc('\n', f);
			print_wrapped(f, "# ", line);
			about(k, line, sizeof(line));
			print_wrapped(f, "#   ", line);
			n = conf_value_count(k, t[i].base);
			if (n == 0)
				fprintf(f, "# %s =\n", k->name);
			for (j = 0; j < n; j++)
				fprintf(f, "%s = %s\n", k->name,
				    conf_value_text(k, t[i].base, j, buf,
				    sizeof(buf)));
		}
	}
	return ferror(f) ? -EIO : 0;
}
