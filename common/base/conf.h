/* conf.h - one configuration format for the daemons and the tools.
 *
 * A file is lines of "key = value".  '#' starts a comment at the start of
 * a line or after a blank; blank lines are ignored.  Keys are lower-case
 * letters, digits, '-' and '.' ("max-expires", "diameter.identity").  A
 * value is the rest of the line up to a comment, blanks around it removed,
 * taken literally (no quoting).  A key marked CONF_LIST is repeated, one
 * value a line; any other key may appear once.
 *
 * Keys are described by tables (struct conf_key), each filling one
 * settings struct (struct conf_table); several tables compose one file:
 * the daemon skeleton's, Diameter's, the daemon's own.  Precedence:
 * documented defaults < file < command line (a list given on the command
 * line replaces the file's).  Every error is one line, "FILE:LINE: what",
 * or "FILE: missing required key 'x'"; functions return 0 or -EINVAL with
 * the message in err.  Strings and lists are malloc'd: conf_free.
 */
#ifndef IMS_CONF_H
#define IMS_CONF_H

#include <stddef.h>
#include <stdio.h>

#define CONF_LINE_MAX	1024		/* characters, without the newline */
#define CONF_FILE_MAX	(1024 * 1024)
#define CONF_LIST_MAX	64		/* values of a list key, by default */
#define CONF_ERR_MAX	512		/* an err buffer of this size is enough */
#define CONF_TABLES_MAX	8

enum conf_type {
	CONF_STRING,	/* char *; max: longest length (0: CONF_LINE_MAX) */
	CONF_UINT,	/* unsigned, decimal in [min, max] */
	CONF_BOOL,	/* int 0/1 from yes/no, true/false, on/off, 1/0 */
	CONF_ENUM,	/* int: index of the value in choices */
	CONF_HOSTPORT,	/* char *: IPV4:PORT, [IPV6]:PORT or NAME:PORT */
	CONF_SIPURI,	/* char *: a sip: or sips: URI */
};

#define CONF_REQUIRED	0x01	/* no default; the file or a flag sets it */
#define CONF_LIST	0x02	/* repeatable; the field is a struct conf_list */
#define CONF_RELOAD	0x04	/* taken over on SIGHUP (daemon.h) */

/* The values of a CONF_LIST key, in the order given. */
struct conf_list {
	size_t		 n;
	char		**v;	/* as written */
	unsigned	*u;	/* CONF_UINT lists: the numbers */
};

struct conf_key {
	const char	*name;		/* NULL ends a table */
	enum conf_type	 type;		/* of each value for a CONF_LIST */
	size_t		 offset;	/* of the field in the settings struct */
	const char	*dflt;		/* as written in a file; NULL: unset */
	unsigned	 flags;		/* CONF_REQUIRED, CONF_LIST, CONF_RELOAD */
	unsigned	 min, max;	/* CONF_UINT range; CONF_STRING length */
	unsigned	 maxn;		/* CONF_LIST: most values (0: LIST_MAX) */
	const char *const *choices;	/* CONF_ENUM, NULL-terminated */
	int		 opt;		/* short option letter, 0 for none */
	const char	*optval;	/* the value a short option without
					 * argument sets; NULL: it takes one */
	const char	*help;		/* one line, for -p and -h */
	/* Further checks of a value that passed its type's: 0, or -EINVAL
	 * with the reason (no key name, no location) in why. */
	int		(*check)(const char *value, char *why, size_t whysize);
	/* Only in a table's last entry (name NULL): a check of the table's
	 * settings struct once every key is loaded, for keys that only make
	 * sense together: 0, or -EINVAL with the reason in why. */
	int		(*check_all)(const void *base, char *why,
			    size_t whysize);
};

struct conf_table {
	const char		*title;	/* section heading in conf_print */
	const struct conf_key	*keys;
	void			*base;	/* the settings struct */
	size_t			 size;	/* its size: reload loads a fresh copy */
};

/* A command-line setting, in the order given. */
struct conf_over {
	const char	*key;
	const char	*value;
	char		*mem;	/* owned copy behind key/value, or NULL */
};

/* What conf_cli_parse found. */
struct conf_cli {
	const char		*file;		/* -c FILE, or NULL */
	struct conf_over	*over;
	size_t			 nover;
	char			 flags[16];	/* the caller's flag letters given */
	int			 argi;		/* first argument not an option */
};

/* Defaults, then the file (path NULL: none), then the command line, then
 * the required check.  Values already in the structs are freed first.  On
 * error the structs hold what was parsed so far (conf_free them). */
int	conf_load(const struct conf_table *, size_t nt, const char *path,
	    const struct conf_over *, size_t nover, char *err, size_t errsize);
/* The same over a buffer in memory; name is used in messages. */
int	conf_load_buf(const struct conf_table *, size_t nt, const char *name,
	    const char *buf, size_t len, const struct conf_over *,
	    size_t nover, char *err, size_t errsize);
void	conf_free(const struct conf_table *, size_t nt);
/* SIGHUP: for every CONF_RELOAD key, swap the value of live and fresh
 * (tables in the same order): live gets the new value, fresh the old one
 * to be freed with conf_free. */
void	conf_take_reloadable(const struct conf_table *live,
	    const struct conf_table *fresh, size_t nt);
/* Whether some key of the tables is CONF_RELOAD. */
int	conf_has_reloadable(const struct conf_table *, size_t nt);

/* The effective configuration in the file format: every key with its help,
 * type and default as comments; unset keys as "# key =". */
int	conf_print(FILE *, const char *progname, const struct conf_table *,
	    size_t nt);

/* Command line: -c FILE, -o KEY=VALUE, --KEY VALUE for every key, the
 * keys' short letters, and the caller's flag letters (no argument; e.g.
 * "nph"); --config, --check, --print-config and --help stand for -c, -n,
 * -p and -h when those are among the flags.  stop: leave at the first
 * argument that is not an option (a tool's command); else any is an
 * error.  0, or -EINVAL with the usage error in err.  Free with
 * conf_cli_free. */
int	conf_cli_parse(const struct conf_table *, size_t nt, int argc,
	    char **argv, const char *flags, int stop, struct conf_cli *,
	    char *err, size_t errsize);
int	conf_cli_has(const struct conf_cli *, int flag);
void	conf_cli_free(struct conf_cli *);
/* The options, for -h. */
void	conf_usage(FILE *, const char *progname, const struct conf_table *,
	    size_t nt, const char *synopsis);

/* Value helpers (conf_value.c), also used by key checks. */
/* HOST:PORT as checked for CONF_HOSTPORT into host (brackets removed) and
 * port.  0 or -EINVAL. */
int	conf_hostport_split(const char *, char *host, size_t hostsize,
	    unsigned *port);
/* An IPv4 or IPv6 literal (no brackets): 0 or -EINVAL. */
int	conf_ip_check(const char *);
/* A DNS name or Diameter identity: labels of letters, digits and '-',
 * separated by dots; with dot, at least two labels.  0 or -EINVAL. */
int	conf_name_check(const char *, int dot);
/* A conf_key check: a domain name (conf_name_check without dot). */
int	conf_check_domain(const char *, char *why, size_t whysize);

#endif
