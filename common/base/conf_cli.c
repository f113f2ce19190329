/* conf_cli.c - the command line of conf.h: every key is a long option
 * (--key VALUE, dots included), some have a short letter, -o KEY=VALUE
 * sets any, -c names the file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conf_int.h"

#define OPT_KEY_BASE	0x100

static int
cli_err(char *err, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
cli_err(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
cli_add(struct conf_cli *cli, const char *key, const char *value, char *mem)
{
	struct conf_over *o;

	if ((o = reallocarray(cli->over, cli->nover + 1, sizeof(*o))) ==
	    NULL) {
		free(mem);
		return -ENOMEM;
	}
	cli->over = o;
	o[cli->nover].key = key;
	o[cli->nover].value = value;
	o[cli->nover].mem = mem;
	cli->nover++;
	return 0;
}

/* -o KEY=VALUE */
static int
cli_setting(const struct conf_table *t, size_t nt, struct conf_cli *cli,
    const char *arg, char *err, size_t errsize)
{
	const char *eq = strchr(arg, '=');
	char *mem;

	if (eq == NULL || eq == arg)
		return cli_err(err, errsize, "-o needs KEY=VALUE, not \"%s\"",
		    arg);
	if (conf_key_find(t, nt, arg, (size_t)(eq - arg), NULL) == NULL)
		return cli_err(err, errsize, "-o: unknown key \"%.*s\"",
		    (int)(eq - arg), arg);
	if ((mem = strdup(arg)) == NULL)
		return cli_err(err, errsize, "out of memory");
	mem[eq - arg] = '\0';
	if (cli_add(cli, mem, mem + (eq - arg) + 1, mem) < 0)
		return cli_err(err, errsize, "out of memory");
	return 0;
}

/* The option tables for getopt_long: every key, then the file and the
 * caller's flags by their long names. */
static int
cli_options(const struct conf_table *t, size_t nt, const char *flags,
    int stop, struct option **lop, const struct conf_key ***keysp,
    char *shorts, size_t shortsize, char *err, size_t errsize)
{
	static const struct { int c; const char *name; } named[] = {
		{ 'n', "check" }, { 'p', "print-config" }, { 'h', "help" },
	};
	const struct conf_key *k, **keys;
	struct option *lo;
	size_t i, n = 0, ki = 0, sl;

	for (i = 0; i < nt; i++)
		for (k = t[i].keys; k->name != NULL; k++)
			n++;
	lo = calloc(n + 5, sizeof(*lo));
	keys = calloc(n + 1, sizeof(*keys));
	if (lo == NULL || keys == NULL) {
		free(lo);
		free(keys);
		return cli_err(err, errsize, "out of memory");
	}
	(void)snprintf(shorts, shortsize, "%s:c:o:%s", stop ? "+" : "", flags);
	for (i = 0; i < nt; i++)
		for (k = t[i].keys; k->name != NULL; k++, ki++) {
			keys[ki] = k;
			lo[ki].name = k->name;
			lo[ki].has_arg = required_argument;
			lo[ki].val = OPT_KEY_BASE + (int)ki;
			if (k->opt == 0)
				continue;
			sl = strlen(shorts);
			if (strchr(shorts, k->opt) != NULL || k->opt == ':' ||
			    k->opt == '+' || sl + 3 > shortsize) {
				free(lo);
				free(keys);
				return cli_err(err, errsize, "option letter -%c "
				    "of %s used twice", k->opt, k->name);
			}
			shorts[sl] = (char)k->opt;
			shorts[sl + 1] = k->optval == NULL ? ':' : '\0';
			shorts[sl + 2] = '\0';
		}
	lo[ki].name = "config";
	lo[ki].has_arg = required_argument;
	lo[ki++].val = 'c';
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strchr(flags, named[i].c) != NULL) {
			lo[ki].name = named[i].name;
			lo[ki++].val = named[i].c;
		}
	*lop = lo;
	*keysp = keys;
	return 0;
}

static const struct conf_key *
key_by_letter(const struct conf_table *t, size_t nt, int c)
{
	const struct conf_key *k;
	size_t i;

	for (i = 0; i < nt; i++)
		for (k = t[i].keys; k->name != NULL; k++)
			if (k->opt == c)
				return k;
	return NULL;
}

int
conf_cli_parse(const struct conf_table *t, size_t nt, int argc, char **argv,
    const char *flags, int stop, struct conf_cli *cli, char *err,
    size_t errsize)
{
	const struct conf_key **keys = NULL, *k;
	struct option *lo = NULL;
	char shorts[256];
	size_t fl;
	int ch, rc = 0;

	memset(cli, 0, sizeof(*cli));
	if (strlen(flags) >= sizeof(cli->flags))
		return cli_err(err, errsize, "too many flags");
	IMS_CHECK_RC(cli_options(t, nt, flags, stop, &lo, &keys, shorts,
	    sizeof(shorts), err, errsize));
	opterr = 0;
	optind = 0;		/* GNU: start over, also after another parse */
	while (rc == 0 && (ch = getopt_long(argc, argv, shorts, lo, NULL)) !=
	    -1) {
		if (ch >= OPT_KEY_BASE) {
			k = keys[ch - OPT_KEY_BASE];
			rc = cli_add(cli, k->name, optarg, NULL);
		} else if (ch == 'c') {
			cli->file = optarg;
		} else if (ch == 'o') {
			rc = cli_setting(t, nt, cli, optarg, err, errsize);
		} else if (ch == ':') {
			rc = cli_err(err, errsize, "option %s needs a value",
			    argv[optind - 1]);
		} else if (ch == '?') {
			if (optopt != 0 && optopt < OPT_KEY_BASE)
				rc = cli_err(err, errsize, "unknown option -%c",
				    optopt);
			else
				rc = cli_err(err, errsize, "unknown option %s",
				    argv[optind - 1]);
		} else if (strchr(flags, ch) != NULL) {
			fl = strlen(cli->flags);
			if (strchr(cli->flags, ch) == NULL)
				cli->flags[fl] = (char)ch;
		} else if ((k = key_by_letter(t, nt, ch)) != NULL) {
			rc = cli_add(cli, k->name, k->optval != NULL ?
			    k->optval : optarg, NULL);
		} else
			rc = cli_err(err, errsize, "unknown option -%c", ch);
		if (rc == -ENOMEM)
			(void)cli_err(err, errsize, "out of memory");
	}
	cli->argi = optind;
	if (rc == 0 && !stop && optind < argc)
		rc = cli_err(err, errsize, "unexpected argument \"%s\"",
		    argv[optind]);
	free(lo);
	free(keys);
	if (rc < 0)
		conf_cli_free(cli);
	return rc < 0 ? -EINVAL : 0;
}

int
conf_cli_has(const struct conf_cli *cli, int flag)
{
	return flag != 0 && strchr(cli->flags, flag) != NULL;
}

void
conf_cli_free(struct conf_cli *cli)
{
	size_t i;

	for (i = 0; i < cli->nover; i++)
		free(cli->over[i].mem);
	free(cli->over);
	cli->over = NULL;
	cli->nover = 0;
}

void
conf_usage(FILE *f, const char *progname, const struct conf_table *t,
    size_t nt, const char *synopsis)
{
	const struct conf_key *k;
	char type[128];
	size_t i;

	fprintf(f, "usage: %s %s\n", progname, synopsis);
	fprintf(f, "settings (file lines \"key = value\", or --key VALUE, "
	    "or -o key=VALUE):\n");
	for (i = 0; i < nt; i++)
		for (k = t[i].keys; k->name != NULL; k++) {
			conf_type_text(k, type, sizeof(type));
			fprintf(f, "  ");
			if (k->opt != 0 && k->optval != NULL)
				fprintf(f, "-%c (= %s), ", k->opt, k->optval);
			else if (k->opt != 0)
				fprintf(f, "-%c, ", k->opt);
			fprintf(f, "--%s %s%s\n      %s\n", k->name, type,
			    (k->flags & CONF_LIST) ? " (repeatable)" : "",
			    k->help);
		}
}
