/* hss_ctl.c - hss-ctl: administration of the HSS store.
 *
 *   hss-ctl [--db STORE] add --impi S --impu URI [--impu URI ...]
 *           (--k-file FILE|- | --k HEX)
 *           (--op-file FILE|- | --opc-file FILE|- | --op HEX | --opc HEX)
 *           [--amf HEX] [--sqn HEX] [--ind-bits N]
 *           [--visited NET[,NET...]|*] [--ifc FILE]
 *   hss-ctl --db FILE show --impi S
 *   hss-ctl --db FILE list
 *   hss-ctl --db FILE del --impi S
 *   hss-ctl --db FILE set-sqn --impi S --sqn HEX
 *   hss-ctl --db FILE deregister --impu URI [--reason 0..3]
 *   hss-ctl --db FILE set-ifc --impi S --ifc FILE
 *   hss-ctl --db FILE gba-set --impi S [--uss ID:[NAFGROUP][:UID[,UID...]]]...
 *           [--flag ID:N]... [--lifetime SECONDS] [--uicc-type GBA|GBA_U]
 *   hss-ctl --db FILE gba-none --impi S | gba-default --impi S
 *   hss-ctl --db FILE gba-show --impi S
 *   (GBA: hss_ctl_gba.c)
 *
 * --db is a file (SQLite) or postgresql://... (PostgreSQL, hss_db.h);
 * without --db, the store named by the environment variable HSS_DB (as
 * the container image sets it).
 *
 * Output: name=value lines.  Exit 0 ok, 1 not found or refused (duplicate),
 * 2 bad usage or invalid input, with a one-line error on stderr.  Key
 * material is never printed.
 *
 * Keys: --k-file, --op-file, --opc-file read 32 hex digits from a file,
 * or from stdin with "-" (one value a line: K first, then OP or OPc), so
 * that they never appear in the argument list (ps, /proc/PID/cmdline).
 * --k, --op, --opc stay for scripts that accept that exposure.
 *
 * A file store and its -wal/-shm are 0600 whatever the caller's umask (a
 * new store is created so, an existing one is tightened when ours).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aka.h"
#include "cliopts.h"
#include "hss_ctl.h"
#include "hss_db.h"
#include "log.h"
#include "milenage.h"
#include "util.h"

void
die(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hss-ctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* opts_need, and the value must fit the store's identities. */
const char *
need_id(const struct opts *o, const char *name)
{
	const char *v = opts_need(o, name);

	if (*v == '\0' || strlen(v) >= HSS_ID_MAX)
		usage_error(o->cmd, "invalid --%s", name);
	return v;
}

static int
sip_uri_ok(const char *s)
{
	return (strncmp(s, "sip:", 4) == 0 || strncmp(s, "sips:", 5) == 0 ||
	    strncmp(s, "tel:", 4) == 0) && strpbrk(s, " \t\r\n<>\"") == NULL;
}

static char *
file_read(const char *cmd, const char *path)
{
	FILE *f;
	char *buf;
	long len;

	if ((f = fopen(path, "r")) == NULL)
		die(2, "%s: cannot read %s: %s", cmd, path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    len > 1 << 20 || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = calloc(1, (size_t)len + 1)) == NULL ||
	    fread(buf, 1, (size_t)len, f) != (size_t)len)
		die(2, "%s: cannot read %s", cmd, path);
	fclose(f);
	return buf;
}

/* One line from fd 0 read byte by byte: nothing of the next line is
 * consumed (and no stdio buffer keeps a copy of the keys). */
static ssize_t
stdin_line(char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;
	char c;

	while ((r = read(STDIN_FILENO, &c, 1)) == 1 && c != '\n')
		if (n + 1 < size)
			buf[n++] = c;
		else
			return -1;
	if (r < 0 || (r == 0 && n == 0))
		return -1;
	buf[n] = '\0';
	return (ssize_t)n;
}

/* A 16-byte key given as 32 hex digits in FILE (its first line), or on
 * the next line of stdin for "-"; blanks around it are ignored.  Exit 2
 * on anything else, without echoing what was read. */
static void
key_read(const char *opt, const char *path, uint8_t out[16])
{
	char buf[128], *p, *e;
	ssize_t n = -1;
	struct stat sb;
	int fd;

	if (strcmp(path, "-") == 0)
		n = stdin_line(buf, sizeof(buf));
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		if (fstat(fd, &sb) == 0 && (sb.st_mode & 077))
			fprintf(stderr, "hss-ctl: add: warning: %s can be read "
			    "by others\n", path);
		n = read(fd, buf, sizeof(buf) - 1);
		(void)close(fd);
		if (n >= 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
		}
	} else
		die(2, "add: --%s: cannot read %s: %s", opt, path,
		    strerror(errno));
	if (n >= 0) {
		for (p = buf; *p == ' ' || *p == '\t'; p++)
			;
		for (e = p + strlen(p); e > p && (e[-1] == ' ' ||
		    e[-1] == '\t' || e[-1] == '\r'); e--)
			;
		*e = '\0';
		if (hex_decode(p, out, 16) == 0) {
			secure_wipe(buf, sizeof(buf));
			return;
		}
	}
	secure_wipe(buf, sizeof(buf));
	die(2, "add: --%s: expected one line of 32 hex digits%s", opt,
	    strcmp(path, "-") == 0 ? " on stdin" : "");
}

/* Exactly one of the given options (NULL-terminated names); its index. */
static int
one_of(const struct opts *o, const char *const *names)
{
	int i, found = -1;

	for (i = 0; names[i] != NULL; i++)
		if (opts_get(o, names[i]) != NULL) {
			if (found >= 0)
				usage_error(o->cmd, "--%s and --%s exclude each "
				    "other", names[found], names[i]);
			found = i;
		}
	if (found < 0) {
		char list[128] = "";

		for (i = 0; names[i] != NULL; i++)
			(void)snprintf(list + strlen(list), sizeof(list) -
			    strlen(list), "%s--%s", i ? ", " : "", names[i]);
		usage_error(o->cmd, "give one of %s", list);
	}
	return found;
}

static int
cmd_add(struct hss_db *db, int argc, char **argv)
{
	static const char *const kopts[] = { "k-file", "k", NULL };
	static const char *const oopts[] = { "op-file", "opc-file", "op",
	    "opc", NULL };
	struct opts o;
	struct hss_sub s;
	const char *impus[OPTS_MAX], *v;
	uint8_t op[16];
	char *ifc = NULL;
	size_t n = 0;
	int rc, which, kwhich;

	opts_parse_rep(&o, "add", argc, argv, "impi impu k k-file op opc"
	    " op-file opc-file amf sqn ind-bits visited ifc", "impu");
	memset(&s, 0, sizeof(s));
	(void)snprintf(s.impi, sizeof(s.impi), "%s", need_id(&o, "impi"));
	if (strpbrk(s.impi, " \t\r\n<>\"") != NULL)
		die(2, "add: invalid --impi");
	while ((v = opts_get_nth(&o, "impu", n)) != NULL) {
		if (!sip_uri_ok(v) || strlen(v) >= HSS_ID_MAX)
			die(2, "add: invalid --impu \"%s\"", v);
		impus[n++] = v;
	}
	if (n == 0)
		die(2, "add: missing --impu");
	/* Both choices checked before any key is read; K before OP/OPc:
	 * that is the order of the lines on stdin. */
	kwhich = one_of(&o, kopts);
	which = one_of(&o, oopts);
	if (kwhich == 0)
		key_read("k-file", opts_get(&o, "k-file"), s.k);
	else
		opts_hex(&o, "k", s.k, 16);
	switch (which) {
	case 0:
	case 2:
		if (which == 0)
			key_read("op-file", opts_get(&o, "op-file"), op);
		else
			opts_hex(&o, "op", op, 16);
		rc = milenage_opc(s.k, op, s.opc);
		secure_wipe(op, sizeof(op));
		if (rc < 0)
			die(2, "add: cannot compute OPc");
		break;
	case 1:
		key_read("opc-file", opts_get(&o, "opc-file"), s.opc);
		break;
	default:
		opts_hex(&o, "opc", s.opc, 16);
	}
	if (opts_get(&o, "amf") != NULL)
		opts_hex(&o, "amf", s.amf, 2);
	/* else 0000: IMS AKA vectors have the AMF separation bit 0 (TS 33.102
	 * Annex H; only E-UTRAN vectors set it, TS 33.401 6.1.1). */
	s.sqn = opts_get(&o, "sqn") ? opts_sqn(&o, "sqn") : 0;
	s.ind_bits = AKA_IND_BITS_DEFAULT;
	if ((v = opts_get(&o, "ind-bits")) != NULL) {
		if (strlen(v) != 1 || v[0] < '0' || v[0] > '5')
			die(2, "add: --ind-bits must be 0..5");
		s.ind_bits = (unsigned)(v[0] - '0');
	}
	v = opts_get(&o, "visited");
	(void)snprintf(s.visited, sizeof(s.visited), "%s", v ? v : "*");
	if (v != NULL && (*v == '\0' || strlen(v) >= sizeof(s.visited) ||
	    strpbrk(v, " \t\r\n") != NULL))
		die(2, "add: invalid --visited");
	if ((v = opts_get(&o, "ifc")) != NULL)
		ifc = file_read("add", v);
	rc = hss_db_sub_add(db, &s, impus, n, ifc);
	secure_wipe(&s, sizeof(s));
	free(ifc);
	if (rc == -EEXIST)
		die(1, "add: IMPI or IMPU already exists");
	if (rc < 0)
		die(1, "add: %s", strerror(-rc));
	printf("impi=%s\n", opts_get(&o, "impi"));
	return 0;
}

static const char *
state_name(enum hss_reg_state st)
{
	switch (st) {
	case HSS_REGISTERED:
		return "registered";
	case HSS_UNREGISTERED:
		return "unregistered";
	default:
		return "not-registered";
	}
}

static int
show_impu(void *arg, const struct hss_impu *u)
{
	(void)arg;
	printf("impu=%s\n", u->impu);
	printf("state=%s\n", state_name(u->state));
	printf("scscf=%s\n", u->scscf);
	printf("scscf_host=%s\n", u->scscf_host);
	printf("barred=%d\n", u->barred);
	return 0;
}

static int
cmd_show(struct hss_db *db, int argc, char **argv)
{
	struct opts o;
	struct hss_sub s;
	uint8_t sqnb[6];
	char hex[13];
	int rc;

	opts_parse(&o, "show", argc, argv, "impi");
	if ((rc = hss_db_sub_get(db, need_id(&o, "impi"), &s)) == -ENOENT)
		die(1, "show: no such IMPI");
	if (rc < 0)
		die(1, "show: %s", strerror(-rc));
	printf("impi=%s\n", s.impi);
	hex_encode(s.amf, 2, hex);
	printf("amf=%s\n", hex);
	aka_sqn_to_bytes(s.sqn, sqnb);
	hex_encode(sqnb, 6, hex);
	printf("sqn=%s\n", hex);
	printf("ind_bits=%u\n", s.ind_bits);
	printf("visited=%s\n", s.visited);
	secure_wipe(&s, sizeof(s));
	if ((rc = hss_db_impu_foreach(db, need_id(&o, "impi"), -1,
	    show_impu, NULL)) < 0)
		die(1, "show: %s", strerror(-rc));
	return 0;
}

static int
list_one(void *arg, const char *impi)
{
	(void)arg;
	printf("impi=%s\n", impi);
	return 0;
}

static int
cmd_list(struct hss_db *db, int argc, char **argv)
{
	struct opts o;
	int rc;

	opts_parse(&o, "list", argc, argv, "");
	if ((rc = hss_db_sub_foreach(db, list_one, NULL)) < 0)
		die(1, "list: %s", strerror(-rc));
	return 0;
}

static int
cmd_del(struct hss_db *db, int argc, char **argv)
{
	struct opts o;
	int rc;

	opts_parse(&o, "del", argc, argv, "impi");
	if ((rc = hss_db_sub_del(db, need_id(&o, "impi"))) == -ENOENT)
		die(1, "del: no such IMPI");
	if (rc < 0)
		die(1, "del: %s", strerror(-rc));
	printf("deleted=%s\n", need_id(&o, "impi"));
	return 0;
}

static int
cmd_set_sqn(struct hss_db *db, int argc, char **argv)
{
	struct opts o;
	uint64_t sqn;
	int rc;

	opts_parse(&o, "set-sqn", argc, argv, "impi sqn");
	sqn = opts_sqn(&o, "sqn");
	if ((rc = hss_db_sqn_set(db, need_id(&o, "impi"), sqn)) == -ENOENT)
		die(1, "set-sqn: no such IMPI");
	if (rc < 0)
		die(1, "set-sqn: %s", strerror(-rc));
	printf("sqn=%012llx\n", (unsigned long long)sqn);
	return 0;
}

/* TS 29.228 6.1.3: administrative de-registration.  The store changes
 * at once; when an S-CSCF held the registration an RTR is queued, which
 * the running hss sends (hss_rtr.c). */
static int
cmd_deregister(struct hss_db *db, int argc, char **argv)
{
	struct opts o;
	struct hss_impu u;
	const char *v;
	uint32_t reason = 0;
	int rc, queued;

	opts_parse(&o, "deregister", argc, argv, "impu reason");
	if ((v = opts_get(&o, "reason")) != NULL) {
		if (strlen(v) != 1 || v[0] < '0' || v[0] > '3')
			die(2, "deregister: --reason must be 0..3");
		reason = (uint32_t)(v[0] - '0');
	}
	rc = hss_db_deregister(db, need_id(&o, "impu"), reason, &u, &queued);
	if (rc == -ENOENT)
		die(1, "deregister: no such IMPU");
	if (rc < 0)
		die(1, "deregister: %s", strerror(-rc));
	printf("impu=%s\nprevious_scscf=%s\nstate=not-registered\n", u.impu,
	    u.scscf);
	printf("rtr=%s\n", queued ? "queued" : "none");
	return 0;
}

/* TS 29.228 6.2.1: a new service profile (iFC XML) for the IMPI; a PPR is
 * queued when an S-CSCF holds the registration. */
static int
cmd_set_ifc(struct hss_db *db, int argc, char **argv)
{
	struct opts o;
	char *xml;
	int rc, queued;

	opts_parse(&o, "set-ifc", argc, argv, "impi ifc");
	xml = file_read("set-ifc", need_id(&o, "ifc"));
	rc = hss_db_profile_update(db, need_id(&o, "impi"), xml, &queued);
	free(xml);
	if (rc == -ENOENT)
		die(1, "set-ifc: no such IMPI");
	if (rc < 0)
		die(1, "set-ifc: %s", strerror(-rc));
	printf("impi=%s\nppr=%s\n", need_id(&o, "impi"),
	    queued ? "queued" : "none");
	return 0;
}

static const struct {
	const char	*name;
	int		(*fn)(struct hss_db *, int, char **);
} cmds[] = {
	{ "add", cmd_add },
	{ "add-range", cmd_add_range },
	{ "show", cmd_show },
	{ "list", cmd_list },
	{ "del", cmd_del },
	{ "set-sqn", cmd_set_sqn },
	{ "deregister", cmd_deregister },
	{ "set-ifc", cmd_set_ifc },
	{ "gba-set", cmd_gba_set },
	{ "gba-none", cmd_gba_none },
	{ "gba-default", cmd_gba_default },
	{ "gba-show", cmd_gba_show },
};

/* The store and its WAL/SHM files: 0600 when they already exist with
 * looser modes and are ours (root: any); a new store gets 0600 from the
 * umask, and SQLite gives the -wal/-shm files the store's mode.  A
 * missing directory is made 0700 (as the hss does, daemon_store_own). */
static void
store_tighten(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char p[4200], *slash;
	struct stat sb;
	size_t i;
	int fd;

	(void)snprintf(p, sizeof(p), "%s", path);
	if ((slash = strrchr(p, '/')) != NULL && slash != p) {
		*slash = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			fprintf(stderr, "hss-ctl: warning: cannot make %s: %s\n",
			    p, strerror(errno));
	}

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		(void)snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		if ((fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
		    O_NONBLOCK)) < 0)
			continue;
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (sb.st_mode & 077) && (sb.st_uid == geteuid() ||
		    geteuid() == 0) && fchmod(fd, 0600) < 0)
			fprintf(stderr, "hss-ctl: warning: cannot make %s "
			    "0600: %s\n", p, strerror(errno));
		(void)close(fd);
	}
}

int
main(int argc, char **argv)
{
	struct hss_db *db;
	const char *path;
	char shown[1100];
	size_t i;
	int rc, a;

	log_init("hss-ctl", LOG_LVL_WARN);
	(void)umask(077);	/* a new store holds keys: 0600 */
	/* hss-ctl --db STORE COMMAND ... | hss-ctl COMMAND ... (HSS_DB) */
	if (argc >= 3 && strcmp(argv[1], "--db") == 0) {
		path = argv[2];
		a = 3;
	} else {
		path = getenv("HSS_DB");
		a = 1;
	}
	if (argc <= a || path == NULL || path[0] == '\0')
		die(2, "usage: hss-ctl [--db FILE|postgresql://...] COMMAND"
		    " [--option value ...] (add, add-range, show, list, del, set-sqn,"
		    " deregister, set-ifc, gba-set, gba-none, gba-default,"
		    " gba-show); without --db, the store in $HSS_DB");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[a], cmds[i].name) == 0)
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0]))
		die(2, "unknown command \"%s\"", argv[a]);
	if (!hss_db_is_url(path))
		store_tighten(path);
	hss_db_display(path, shown, sizeof(shown));
	if ((rc = hss_db_open(path, &db)) < 0)
		die(2, "cannot open database %s", shown);
	rc = cmds[i].fn(db, argc - a - 1, argv + a + 1);
	hss_db_close(db);
	return rc;
}
