/* cliopts.h - "--name value" option tables for the command-line tools
 * (imsauth, ims-ue, hss-ctl).
 *
 * Every failure here is a usage error: a one-line message on stderr,
 * "PROGRAM: CMD: what", and exit status 2, as the tools' contracts say.
 */
#ifndef IMS_CLIOPTS_H
#define IMS_CLIOPTS_H

#include <stddef.h>
#include <stdint.h>

#define OPTS_MAX	40

struct opts {
	const char	*cmd;		/* sub-command, for messages */
	size_t		 n;
	const char	*name[OPTS_MAX];	/* without the leading "--" */
	const char	*val[OPTS_MAX];
};

/* Parses argv (after the sub-command) against a space-separated list of
 * allowed option names.  Exits 2 on unknown, duplicated or value-less
 * options and on stray arguments. */
void	opts_parse(struct opts *, const char *cmd, int argc, char **argv,
	    const char *allowed);
/* The same, but the names in the space-separated `repeatable` (a subset of
 * `allowed`; NULL for none) may be given more than once: read them with
 * opts_get_nth. */
void	opts_parse_rep(struct opts *, const char *cmd, int argc, char **argv,
	    const char *allowed, const char *repeatable);
/* The value of --name (the first one given), or NULL. */
const char *opts_get(const struct opts *, const char *name);
/* The value of the nth (from 0) --name given, or NULL. */
const char *opts_get_nth(const struct opts *, const char *name, size_t nth);
/* The value of --name; exits 2 when it is missing. */
const char *opts_need(const struct opts *, const char *name);
/* Exactly one of --a / --b must be given; returns which (0 for a, 1 for b). */
int	opts_one_of(const struct opts *, const char *a, const char *b);

/* Hex of exactly len bytes, or exit 2. */
void	opts_hex(const struct opts *, const char *name, uint8_t *out, size_t len);
/* Hex of 1..max bytes; returns the length, or exit 2. */
size_t	opts_hexvar(const struct opts *, const char *name, uint8_t *out,
	    size_t max);
/* A 48-bit SQN given as 1 to 12 hex digits (0x prefix allowed), or exit 2. */
uint64_t opts_sqn(const struct opts *, const char *name);
/* An unsigned decimal in [min, max] that is one of `choices` (0-terminated,
 * NULL for any), or exit 2.  Returns dflt when the option is absent. */
unsigned opts_uint(const struct opts *, const char *name, unsigned dflt,
	    unsigned min, unsigned max, const unsigned *choices);

/* "PROGRAM: CMD: message" on stderr, then exit(2). */
void	usage_error(const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

#endif
