/* dia_conf.c - Diameter settings (dia_conf.h): the keys, the generated
 * freeDiameter configuration, and the validation of incoming peers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "dia.h"
#include "dia_conf.h"
#include "dia_fd.h"
#include "log.h"
#include "met.h"
#include "strbuf.h"

#define DIA_FD_CONF_MAX	16384

union dia_addr {
	struct in_addr	v4;
	struct in6_addr	v6;
};

/* One entry of diameter.connect or diameter.accept. */
struct dia_peer_entry {
	char		 id[256];	/* accept: maybe a pattern */
	char		 addr[INET6_ADDRSTRLEN];
	struct addr_acl_entry net;	/* accept: maybe a prefix */
	unsigned	 port;		/* 0: diameter's 3868 */
	unsigned	 kind;		/* DIA_PEER_CONNECT or DIA_PEER_ACCEPT */
};

/* IDENTITY@ADDRESS[:PORT] (connect) or IDENTITY@ADDRESS[/PREFIX] with an
 * identity pattern allowed (accept); IPv6 in brackets. */
static int
peer_parse(const char *s, int connect, struct dia_peer_entry *e)
{
	const char *at = strchr(s, '@'), *a, *end;
	char *p, net[INET6_ADDRSTRLEN + 8];
	size_t n;
	unsigned long port = 0;
	int v6 = 0;

	memset(e, 0, sizeof(*e));
	if (at == NULL || at == s || (size_t)(at - s) >= sizeof(e->id))
		return -EINVAL;
	memcpy(e->id, s, (size_t)(at - s));
	if (conf_name_check(e->id, 1) < 0 &&
	    (connect || dia_id_pattern_check(e->id) < 0))
		return -EINVAL;
	a = at + 1;
	if (*a == '[') {
		a++;
		v6 = 1;
		if ((end = strchr(a, ']')) == NULL)
			return -EINVAL;
		p = (char *)end + 1;
	} else {
		end = a + strcspn(a, connect ? ":" : "/");
		p = (char *)end;
	}
	n = (size_t)(end - a);
	if (n == 0 || n >= sizeof(e->addr) || memchr(a, '/', n) != NULL)
		return -EINVAL;
	memcpy(e->addr, a, n);
	if (!connect && *p == '/') {
		/* The prefix: addr_acl's syntax and checks. */
		if (snprintf(net, sizeof(net), "%s%s", e->addr, p) >=
		    (int)sizeof(net))
			return -EINVAL;
		p += strlen(p);
	} else
		(void)snprintf(net, sizeof(net), "%s", e->addr);
	if (addr_acl_entry_parse(net, &e->net) < 0 ||
	    (e->net.af == AF_INET6) != v6)
		return -EINVAL;
	if (*p == ':' && connect) {
		if (p[1] < '0' || p[1] > '9')
			return -EINVAL;
		errno = 0;
		port = strtoul(p + 1, &p, 10);
		if (errno != 0 || port == 0 || port > 65535)
			return -EINVAL;
	}
	if (*p != '\0')
		return -EINVAL;
	e->port = (unsigned)port;
	return 0;
}

static int
check_connect(const char *v, char *why, size_t size)
{
	struct dia_peer_entry e;

	if (peer_parse(v, 1, &e) == 0)
		return 0;
	(void)snprintf(why, size, "expected IDENTITY@ADDRESS[:PORT] (an IP "
	    "address, IPv6 in brackets), not \"%s\"", v);
	return -EINVAL;
}

static int
check_accept(const char *v, char *why, size_t size)
{
	struct dia_peer_entry e;

	if (peer_parse(v, 0, &e) == 0)
		return 0;
	(void)snprintf(why, size, "expected IDENTITY@ADDRESS[/PREFIX] (an IP "
	    "address, IPv6 in brackets; IDENTITY may be a pattern whose first "
	    "label ends in '*'), not \"%s\"", v);
	return -EINVAL;
}

static int
check_identity(const char *v, char *why, size_t size)
{
	if (conf_name_check(v, 1) == 0)
		return 0;
	(void)snprintf(why, size, "expected a fully qualified name, not "
	    "\"%s\"", v);
	return -EINVAL;
}

static int
check_realm(const char *v, char *why, size_t size)
{
	if (conf_name_check(v, 0) == 0)
		return 0;
	(void)snprintf(why, size, "expected a realm (a domain name), not "
	    "\"%s\"", v);
	return -EINVAL;
}

static int
check_ip(const char *v, char *why, size_t size)
{
	if (conf_ip_check(v) == 0)
		return 0;
	(void)snprintf(why, size, "expected an IP address, not \"%s\"", v);
	return -EINVAL;
}

static int
check_dir(const char *v, char *why, size_t size)
{
	if (v[0] == '/' && strpbrk(v, "\"\\") == NULL)
		return 0;
	(void)snprintf(why, size, "expected an absolute path without '\"' or "
	    "'\\'");
	return -EINVAL;
}

static const char *const dia_transports[] = { "tcp", "sctp", NULL };
static const char *const dia_tls_modes[] = { "off", "required", NULL };

#define DO(f)	offsetof(struct dia_conf, f)
const struct conf_key dia_conf_keys[] = {
	{ .name = "diameter.identity", .type = CONF_STRING,
	  .offset = DO(identity), .flags = CONF_REQUIRED, .max = 255,
	  .check = check_identity,
	  .help = "our Diameter identity (Origin-Host), a fully qualified "
	    "name" },
	{ .name = "diameter.realm", .type = CONF_STRING, .offset = DO(realm),
	  .max = 255, .check = check_realm,
	  .help = "our realm (Origin-Realm); unset: the identity without its "
	    "first label" },
	{ .name = "diameter.port", .type = CONF_UINT, .offset = DO(port),
	  .dflt = "3868", .min = 1, .max = 65535,
	  .help = "port we listen on (RFC 6733 2.1), only when diameter.accept "
	    "lists a peer: a node that only connects out has no listening "
	    "socket" },
	{ .name = "diameter.transport", .type = CONF_ENUM,
	  .offset = DO(transport), .dflt = "tcp", .choices = dia_transports,
	  .help = "tcp, or sctp where the kernel has it (RFC 6733 2.1)" },
	{ .name = "diameter.listen-on", .type = CONF_STRING,
	  .offset = DO(listen_on), .max = 64, .check = check_ip,
	  .help = "address to listen on; unset: every address" },
	{ .name = "diameter.connect", .type = CONF_STRING,
	  .offset = DO(connect), .flags = CONF_LIST, .maxn = DIA_PEERS_MAX,
	  .max = 320, .check = check_connect,
	  .help = "a peer we connect to, IDENTITY@ADDRESS[:PORT] (IP address). "
	    "With diameter.tls = required the link is TLS and the peer's "
	    "certificate must name IDENTITY" },
	{ .name = "diameter.accept", .type = CONF_STRING,
	  .offset = DO(accept), .flags = CONF_LIST, .maxn = DIA_PEERS_MAX,
	  .max = 320, .check = check_accept,
	  .help = "a peer allowed to connect to us, IDENTITY@ADDRESS[/PREFIX]: "
	    "that identity, from that address (or prefix), in our realm; any "
	    "other is refused.  IDENTITY may be a pattern whose first label "
	    "ends in '*' (scscf-*.ims.example.org@10.79.0.0/24: replicas not "
	    "enumerated).  Not with diameter.connect: a node either accepts or "
	    "connects" },
	{ .name = "diameter.tc-timer", .type = CONF_UINT,
	  .offset = DO(tc_timer), .dflt = "30", .min = 1, .max = 3600,
	  .help = "seconds between attempts to connect to a peer (RFC 6733 "
	    "Tc)" },
	{ .name = "diameter.tw-timer", .type = CONF_UINT,
	  .offset = DO(tw_timer), .dflt = "30", .min = 6, .max = 3600,
	  .help = "seconds of silence before a watchdog request (RFC 3539 "
	    "Tw, at least 6): a peer that stops answering is closed after "
	    "about two of them and its requests go to another" },
	{ .name = "diameter.threads", .type = CONF_UINT,
	  .offset = DO(threads), .dflt = "4", .min = 1, .max = 256,
	  .help = "freeDiameter's dispatch threads (AppServThreads): requests "
	    "handled at once.  The hss's MARs wait for an fsync there, and "
	    "those of concurrent MARs share one (group commit), so more "
	    "threads mean more MARs per fsync" },
	{ .name = "diameter.timeout", .type = CONF_UINT,
	  .offset = DO(timeout_ms), .dflt = "3000", .min = 100, .max = 600000,
	  .help = "milliseconds to wait for the answer to one of our requests" },
	{ .name = "diameter.dest-realm", .type = CONF_STRING,
	  .offset = DO(dest_realm), .max = 255, .check = check_realm,
	  .help = "Destination-Realm of our requests (the HSS's realm); unset: "
	    "our realm" },
	{ .name = "diameter.extensions-dir", .type = CONF_STRING,
	  .offset = DO(extensions_dir), .dflt = "/usr/lib/freeDiameter",
	  .max = 1024, .check = check_dir,
	  .help = "freeDiameter's extensions (dict_nasreq, dict_dcca, "
	    "dict_dcca_3gpp are loaded; never dict_sip)" },
	{ .name = "diameter.tls", .type = CONF_ENUM, .offset = DO(tls),
	  .dflt = "off", .choices = dia_tls_modes,
	  .help = "off: clear links (NDS/IP or a trusted network must protect "
	    "them, TS 33.210); required: TLS from the first octet on every "
	    "link (RFC 6733 13.1), no clear port and no clear peer, each "
	    "peer's certificate chaining to diameter.tls-ca and, for a peer "
	    "that connects to us, naming the identity of its CER.  "
	    "diameter.port is then the TLS port" },
	{ .name = "diameter.tls-cert", .type = CONF_STRING,
	  .offset = DO(tls_cert), .max = 1024,
	  .check = dia_tls_check_file,
	  .help = "our certificate (PEM, then any intermediates), naming "
	    "diameter.identity (subjectAltName DNS or CN) and chaining to "
	    "diameter.tls-ca" },
	{ .name = "diameter.tls-key", .type = CONF_STRING,
	  .offset = DO(tls_key), .max = 1024,
	  .check = dia_tls_check_file,
	  .help = "its private key (PEM), read as root at start-up" },
	{ .name = "diameter.tls-ca", .type = CONF_STRING,
	  .offset = DO(tls_ca), .max = 1024,
	  .check = dia_tls_check_file,
	  .help = "the CA certificates (PEM) a peer's certificate must chain "
	    "to" },
	{ .name = NULL, .check_all = dia_tls_check_conf }
};

const char *
dia_conf_realm(const struct dia_conf *c)
{
	const char *dot;

	if (c->realm != NULL)
		return c->realm;
	dot = c->identity != NULL ? strchr(c->identity, '.') : NULL;
	return dot != NULL ? dot + 1 : "";
}

const char *
dia_conf_dest_realm(const struct dia_conf *c)
{
	return c->dest_realm != NULL ? c->dest_realm : dia_conf_realm(c);
}

static void
sb_printf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		sb->overflow = 1;
	else
		strbuf_puts(sb, line);
}

/* freeDiameter 1.2.1's syntax (libfdcore/fdd.y).  diameter.tls off: no
 * TLS credentials, SecPort = 0 and No_TLS on each peer, else the core
 * refuses to start.  Required (dia_tls.c): the credentials, Port = 0 (no
 * clear listener) and SecPort = diameter.port, and peers without No_TLS:
 * freeDiameter then handshakes right after connecting, on the port given.
 *
 * Port = 0 when diameter.accept is empty: freeDiameter then opens no
 * listening socket (server.c creates one only for a non-zero port).  A
 * node that only connects out (the CSCFs) must not listen: freeDiameter
 * calls the validation callback only for peers it does not know, so a
 * CER claiming a diameter.connect identity (the HSS's) would be taken
 * from any address whenever the real link is not open.  NoRelay: a node
 * never forwards a request that is not for itself (RFC 6733 6.1.8), so a
 * Cx peer cannot reach a third node through it under an Origin-Host of
 * its choice. */
int
dia_conf_render(const struct dia_conf *c, char *buf, size_t size)
{
	static const char *const dicts[] = { "dict_nasreq", "dict_dcca",
	    "dict_dcca_3gpp" };
	struct dia_peer_entry e;
	struct strbuf sb;
	size_t i;
	int v6 = c->listen_on != NULL && strchr(c->listen_on, ':') != NULL;
	int tls = c->tls == DIA_TLS_REQUIRED;

	strbuf_init(&sb, buf, size);
	for (i = 0; i < c->connect.n; i++)
		if (peer_parse(c->connect.v[i], 1, &e) == 0 &&
		    e.net.af == AF_INET6)
			v6 = 1;
	sb_printf(&sb, "# generated from the diameter.* settings\n"
	    "Identity = \"%s\";\nRealm = \"%s\";\nPort = %u;\nSecPort = %u;\n"
	    "NoRelay;\n%s\n%sTcTimer = %u;\nTwTimer = %u;\n"
	    "AppServThreads = %u;\n", c->identity,
	    dia_conf_realm(c),
	    c->accept.n > 0 && !tls ? c->port : 0,
	    c->accept.n > 0 && tls ? c->port : 0,
	    c->transport == DIA_TRANSPORT_SCTP ? "No_TCP;" : "No_SCTP;",
	    v6 ? "" : "No_IPv6;\n", c->tc_timer, c->tw_timer,
	    c->threads ? c->threads : 4);
	if (c->listen_on != NULL)
		sb_printf(&sb, "ListenOn = \"%s\";\n", c->listen_on);
	dia_tls_render(c, &sb);
	for (i = 0; i < sizeof(dicts) / sizeof(dicts[0]); i++)
		sb_printf(&sb, "LoadExtension = \"%s/%s.fdx\";\n",
		    c->extensions_dir, dicts[i]);
	for (i = 0; i < c->connect.n; i++) {
		if (peer_parse(c->connect.v[i], 1, &e) < 0)
			return -EINVAL;
		sb_printf(&sb, "ConnectPeer = \"%s\" { ConnectTo = \"%s\"; "
		    "Port = %u;%s };\n", e.id, e.addr,
		    e.port ? e.port : 3868, tls ? "" : " No_TLS;");
	}
	return strbuf_status(&sb);
}

/* ---- incoming peers ---- */

/* Every configured peer (diameter.accept, diameter.connect), set once
 * before freeDiameter starts and read-only afterwards. */
static struct dia_peer_entry dia_allowed[2 * DIA_PEERS_MAX];
static size_t dia_nallowed;
static char dia_realm[256], dia_dest_realm[256];
static int dia_tls_required;

/* The address the connection comes from: the endpoint the lower layer
 * gave (EP_FL_LL) and that is primary (TCP: the only one; SCTP: the
 * primary path), never one the peer only advertised in its CER
 * (Host-IP-Address, EP_FL_ADV).  IPv4-mapped IPv6 becomes IPv4.
 *
 * freeDiameter 1.2.1 keeps a peer's entry (ZOMBIE) after it disconnects
 * and, when the same identity connects again, adds the new connection's
 * endpoints to the old ones (p_ce.c set_peer_cnx): an earlier
 * connection's address would still be there.  So the lower-layer flags
 * are cleared after every validation, and exactly one such endpoint must
 * be present. */
static int
peer_source(struct peer_info *info, int *family, union dia_addr *a,
    char *text, size_t size)
{
	struct fd_list *li;
	int n = 0;

	for (li = info->pi_endpoints.next; li != &info->pi_endpoints;
	    li = li->next) {
		struct fd_endpoint *ep = (struct fd_endpoint *)li;

		if ((ep->flags & (EP_FL_LL | EP_FL_PRIMARY)) !=
		    (EP_FL_LL | EP_FL_PRIMARY))
			continue;
		if (ep->sa.sa_family == AF_INET) {
			*family = AF_INET;
			a->v4 = ep->sin.sin_addr;
		} else if (ep->sa.sa_family == AF_INET6 &&
		    IN6_IS_ADDR_V4MAPPED(&ep->sin6.sin6_addr)) {
			*family = AF_INET;
			memcpy(&a->v4, &ep->sin6.sin6_addr.s6_addr[12], 4);
		} else if (ep->sa.sa_family == AF_INET6) {
			*family = AF_INET6;
			a->v6 = ep->sin6.sin6_addr;
		} else
			continue;
		(void)inet_ntop(*family, a, text, (socklen_t)size);
		n++;
	}
	(void)fd_ep_clearflags(&info->pi_endpoints, EP_FL_LL | EP_FL_PRIMARY);
	if (n != 1) {
		*family = 0;
		(void)snprintf(text, size, "%s", n ? "several addresses" :
		    "an unknown address");
		return -ENOENT;
	}
	return 0;
}

/* freeDiameter's peer-validation callback (libfdcore.h
 * fd_peer_validate_register), called for a peer it does not know, after
 * the CER arrived: *auth 1 accepts, -1 refuses. */
static int
dia_peer_validate(struct peer_info *info, int *auth,
    int (**cb2)(struct peer_info *))
{
	union dia_addr a;
	char from[INET6_ADDRSTRLEN] = "an unknown address", why[96];
	const char *id = info->pi_diamid, *realm = info->runtime.pir_realm;
	int family = 0, listed = 0, match = 0;
	size_t i;

	(void)cb2;
	*auth = -1;
	(void)peer_source(info, &family, &a, from, sizeof(from));
	for (i = 0; i < dia_nallowed; i++) {
		if (dia_allowed[i].kind != DIA_PEER_ACCEPT ||
		    !dia_id_match(dia_allowed[i].id, id, strlen(id)))
			continue;
		listed = 1;
		if (family != 0 && addr_acl_entry_match(&dia_allowed[i].net,
		    family, (const uint8_t *)&a))
			match = 1;
	}
	if (!listed) {
		metric_inc1(&met_dia_refused, MET_DIA_REFUSED_NOT_LISTED);
		log_sec(LOG_LVL_WARN, 3, NULL, from, "dia: refused peer %s "
		    "from %s: not in diameter.accept", id, from);
	} else if (!match) {
		metric_inc1(&met_dia_refused, MET_DIA_REFUSED_ADDRESS);
		log_sec(LOG_LVL_WARN, 3, NULL, from, "dia: refused peer %s "
		    "from %s: not the address diameter.accept gives it", id,
		    from);
	} else if (realm == NULL || strcasecmp(realm, dia_realm) != 0) {
		metric_inc1(&met_dia_refused, MET_DIA_REFUSED_REALM);
		log_sec(LOG_LVL_WARN, 3, NULL, from, "dia: refused peer %s "
		    "from %s: realm %s is not ours (%s)", id, from,
		    realm != NULL ? realm : "(none)", dia_realm);
	} else if (dia_tls_required &&
	    dia_tls_peer_check(info, why, sizeof(why)) < 0) {
		metric_inc1(&met_dia_refused, MET_DIA_REFUSED_CERTIFICATE);
		log_sec(LOG_LVL_WARN, 3, NULL, from, "dia: refused peer %s "
		    "from %s: %s", id, from, why);
	} else if (dia_peer_source_set(id, family, (const uint8_t *)&a) < 0) {
		metric_inc1(&met_dia_refused, MET_DIA_REFUSED_FULL);
		log_sec(LOG_LVL_WARN, 3, NULL, from, "dia: refused peer %s "
		    "from %s: more than %u peers accepted", id, from,
		    DIA_PEER_SOURCES_MAX);
	} else {
		/* Clear links: "no TLS needed" (else freeDiameter refuses
		 * the CER); TLS ones keep the default, already TLS. */
		if (!dia_tls_required)
			info->config.pic_flags.sec = PI_SEC_NONE;
		*auth = 1;
		log_sec(LOG_LVL_INFO, 3, NULL, from, "dia: accepted peer %s "
		    "from %s", id, from);
	}
	return 0;
}

static int
dia_peers_init(const struct dia_conf *c)
{
	size_t i;

	dia_nallowed = 0;
	dia_tls_required = c->tls == DIA_TLS_REQUIRED;
	(void)snprintf(dia_realm, sizeof(dia_realm), "%s", dia_conf_realm(c));
	(void)snprintf(dia_dest_realm, sizeof(dia_dest_realm), "%s",
	    dia_conf_dest_realm(c));
	for (i = 0; i < c->accept.n && dia_nallowed < DIA_PEERS_MAX * 2; i++) {
		IMS_CHECK_RC(peer_parse(c->accept.v[i], 0,
		    &dia_allowed[dia_nallowed]));
		dia_allowed[dia_nallowed++].kind = DIA_PEER_ACCEPT;
	}
	for (i = 0; i < c->connect.n && dia_nallowed < DIA_PEERS_MAX * 2; i++) {
		IMS_CHECK_RC(peer_parse(c->connect.v[i], 1,
		    &dia_allowed[dia_nallowed]));
		dia_allowed[dia_nallowed++].kind = DIA_PEER_CONNECT;
	}
	return 0;
}

unsigned
dia_peer_kind(const char *id, size_t len, const char **realm)
{
	size_t i;

	for (i = 0; id != NULL && i < dia_nallowed; i++)
		if (dia_allowed[i].kind == DIA_PEER_ACCEPT ?
		    dia_id_match(dia_allowed[i].id, id, len) :
		    strlen(dia_allowed[i].id) == len &&
		    strncasecmp(dia_allowed[i].id, id, len) == 0) {
			if (realm != NULL)
				*realm = dia_allowed[i].kind == DIA_PEER_ACCEPT ?
				    dia_realm : dia_dest_realm;
			return dia_allowed[i].kind;
		}
	return 0;
}

/* The generated configuration reaches fd_core_parseconf through a memfd
 * (/proc/self/fd/N): nothing on disk. */
int
dia_conf_apply(const struct dia_conf *c)
{
	static char path[64];
	char *text;
	size_t len;
	int fd, rc;

	IMS_CHECK_PARAMS(c != NULL && c->identity != NULL);
	if (c->connect.n > 0 && c->accept.n > 0) {
		/* A listening node would take a CER claiming a connect
		 * peer's identity from any address (see dia_conf_render). */
		log_err("dia: diameter.connect and diameter.accept together "
		    "are refused: a node either accepts its Cx peers (the "
		    "HSS) or connects to them (the CSCFs)");
		return -EINVAL;
	}
	IMS_CHECK_MALLOC(text = malloc(DIA_FD_CONF_MAX));
	if ((rc = dia_conf_render(c, text, DIA_FD_CONF_MAX)) < 0) {
		free(text);
		return rc;
	}
	len = strlen(text);
	if (log_getlevel() >= LOG_LVL_DEBUG) {
		char *line, *save = NULL, *copy = strdup(text);

		for (line = copy != NULL ? strtok_r(copy, "\n", &save) : NULL;
		    line != NULL; line = strtok_r(NULL, "\n", &save))
			log_debug("dia: generated: %s", line);
		free(copy);
	}
	if ((fd = memfd_create("imssec-freediameter.conf", MFD_CLOEXEC)) < 0 ||
	    write(fd, text, len) != (ssize_t)len) {
		rc = -errno;
		free(text);
		if (fd >= 0)
			(void)close(fd);
		log_err("dia: memfd: %s", strerror(-rc));
		return rc;
	}
	free(text);
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rc = fd_core_parseconf(path);
	(void)close(fd);
	dia_tls_loaded_close();		/* read: the key leaves the files */
	if (rc != 0) {
		log_err("dia: freeDiameter refused the generated configuration");
		return -(rc > 0 ? rc : EINVAL);
	}
	IMS_CHECK_RC(dia_peers_init(c));
	IMS_CHECK_FD(fd_peer_validate_register(dia_peer_validate));
	IMS_CHECK_RC(dia_tls_hook_init());
	return 0;
}
