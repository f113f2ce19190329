/* main.c - ims-ue: an IMS UE for tests and the lab.
 *
 *	ims-ue register|deregister|message --impi S --impu URI --k HEX
 *	    (--op HEX | --opc HEX) --pcscf HOST:PORT [options]
 *	    [--ipsec [--alg LIST] [--ealg LIST] [--port-uc N] [--port-us N]
 *	     [--ipsec-state FILE]]
 *	ims-ue gba-bootstrap|ut ...	(ue_gbacli.c: GBA, Ub and Ut)
 *
 * Output contract (as imsauth): one name=value line per result; exit 0
 * on success, 1 when the network rejects us or fails authentication, 2 on
 * bad usage or a local failure, with a one-line error on stderr.  Key
 * material is printed only with --debug-keys.
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "log.h"
#include "cliopts.h"
#include "ue.h"
#include "ue_gba.h"
#include "util.h"

#define UE_OPTS	"impi impu k op opc pcscf domain local transport expires " \
		"state amf-sep timeout alg ealg port-uc port-us ipsec-state"
/* TS 33.203 Annex H names, strongest first (secagree knows more) */
#define UE_ALG_DEFAULT	"hmac-sha-1-96,hmac-md5-96"
#define UE_EALG_DEFAULT	"aes-cbc,des-ede3-cbc,null"
#define UE_PORT_UC	5070	/* protected client port */
#define UE_PORT_US	5069	/* protected server port */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ims-ue register|deregister --impi S --impu URI --k HEX\n"
	    "\t(--op HEX | --opc HEX) --pcscf HOST:PORT [--domain D]\n"
	    "\t[--local ADDR:PORT] [--transport udp|tcp] [--expires N]\n"
	    "\t[--state FILE] [--amf-sep 0|1] [--timeout S] [--debug]\n"
	    "\t[--debug-keys]\n"
	    "\t[--ipsec [--alg LIST] [--ealg LIST] [--port-uc N] [--port-us N]\n"
	    "\t [--ipsec-state FILE]]\n"
	    "       ims-ue message ... --to URI --body TEXT\n"
	    "       ims-ue gba-bootstrap --impi S --k HEX (--op HEX | --opc HEX)\n"
	    "\t--bsf URL --naf FQDN [--cacert FILE] [--state FILE]\n"
	    "\t[--amf-sep 0|1] [--timeout S] [--realm R] [--debug]\n"
	    "\t[--debug-keys]\n"
	    "       ims-ue ut get|put|delete --url URL --btid B --ks-naf-b64 K\n"
	    "\t[--identity IMPU] [--cacert FILE] [--if-match ETAG]\n"
	    "\t[--body FILE|-] [--content-type T] [--timeout S] [--debug]\n"
	    "--ipsec: Gm sec-agree and ESP SAs (TS 33.203 7, UDP only); LIST is\n"
	    "\tcomma-separated (alg %s, ealg %s);\n"
	    "\tports default to %u (port-uc) and %u (port-us); the SA sets are\n"
	    "\tkept in --ipsec-state (default: the --state file + \".ipsec\")\n"
	    "\tand stay installed after register; needs CAP_NET_ADMIN\n",
	    UE_ALG_DEFAULT, UE_EALG_DEFAULT, UE_PORT_UC, UE_PORT_US);
}

/* Values go into header fields: no controls, no angle brackets. */
static void
header_safe(const struct opts *o, const char *name, const char *v)
{
	const unsigned char *p;

	if (*v == '\0')
		usage_error(o->cmd, "--%s must not be empty", name);
	for (p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>' ||
		    *p == '"' || *p == ' ')
			usage_error(o->cmd, "--%s: invalid character", name);
}

static void
hostport(const struct opts *o, const char *name, const char *v)
{
	char host[256], port[8];

	header_safe(o, name, v);
	if (ue_hostport_split(v, host, sizeof(host), port, sizeof(port)) < 0)
		usage_error(o->cmd, "--%s: expected HOST:PORT", name);
}

/* --pcscf NAME:PORT: the name resolved once, so that every request of
 * this run goes to one P-CSCF (a name such as a compose service's may
 * resolve to several replicas); the first address getaddrinfo gives. */
static const char *
pcscf_literal(const struct opts *o, const char *v)
{
	static char out[300];
	char hp[256], host[256], port[8], num[NI_MAXHOST];
	struct addrinfo hints, *ai;
	int rc;

	if (ue_hostport_split(v, hp, sizeof(hp), port, sizeof(port)) < 0)
		usage_error(o->cmd, "--pcscf: expected HOST:PORT");
	snprintf(host, sizeof(host), "%s", hp[0] == '[' ? hp + 1 : hp);
	host[strcspn(host, "]")] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(host, port, &hints, &ai) == 0) {
		freeaddrinfo(ai);
		return v;	/* already an address */
	}
	hints.ai_flags = 0;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0)
		usage_error(o->cmd, "--pcscf: cannot resolve %s: %s", host,
		    gai_strerror(rc));
	rc = getnameinfo(ai->ai_addr, ai->ai_addrlen, num, sizeof(num), NULL,
	    0, NI_NUMERICHOST);
	snprintf(out, sizeof(out), ai->ai_family == AF_INET6 ? "[%s]:%s" :
	    "%s:%s", rc == 0 ? num : host, port);
	freeaddrinfo(ai);
	return out;
}

/* --ipsec and its options (TS 33.203 7.1, Annex H). */
static void
ipsec_from_opts(const struct opts *o, struct ue_conf *c)
{
	static char state[4096];
	const char *only[] = { "alg", "ealg", "port-uc", "port-us",
	    "ipsec-state" };
	size_t i;

	if (!c->ipsec) {
		for (i = 0; i < sizeof(only) / sizeof(only[0]); i++)
			if (opts_get(o, only[i]) != NULL)
				usage_error(o->cmd, "--%s needs --ipsec", only[i]);
		return;
	}
	/* Sofia's client TCP sockets bind an ephemeral port, not port_uc
	 * (TS 33.203 7.1 wants the connection from the protected client
	 * port): not done yet. */
	if (strcmp(c->transport, "udp") != 0)
		usage_error(o->cmd, "--ipsec: only --transport udp so far");
	c->alg_list = opts_get(o, "alg") ? opts_get(o, "alg") : UE_ALG_DEFAULT;
	c->ealg_list = opts_get(o, "ealg") ? opts_get(o, "ealg") :
	    UE_EALG_DEFAULT;
	header_safe(o, "alg", c->alg_list);
	header_safe(o, "ealg", c->ealg_list);
	c->port_uc_given = opts_get(o, "port-uc") != NULL;
	c->port_uc = (uint16_t)opts_uint(o, "port-uc", UE_PORT_UC, 1, 65535,
	    NULL);
	c->port_us = (uint16_t)opts_uint(o, "port-us", UE_PORT_US, 1, 65535,
	    NULL);
	if (c->port_uc == c->port_us)
		usage_error(o->cmd, "--port-uc and --port-us must differ");
	if ((c->ipsec_state_path = opts_get(o, "ipsec-state")) == NULL) {
		if (c->state_path == NULL)
			usage_error(o->cmd, "--ipsec needs --state FILE or "
			    "--ipsec-state FILE (the SA sets outlive the run)");
		if ((size_t)snprintf(state, sizeof(state), "%s.ipsec",
		    c->state_path) >= sizeof(state))
			usage_error(o->cmd, "--state: path too long");
		c->ipsec_state_path = state;
	}
}

static void
conf_from_opts(const struct opts *o, struct ue_conf *c)
{
	uint8_t op[16];
	const char *at;
	int ipsec = c->ipsec;

	memset(c, 0, sizeof(*c));
	c->ipsec = ipsec;
	c->impi = opts_need(o, "impi");
	c->impu = opts_need(o, "impu");
	c->pcscf = opts_need(o, "pcscf");
	header_safe(o, "impi", c->impi);
	header_safe(o, "impu", c->impu);
	hostport(o, "pcscf", c->pcscf);
	c->pcscf = pcscf_literal(o, c->pcscf);
	if (strncmp(c->impu, "sip:", 4) != 0 && strncmp(c->impu, "tel:", 4) != 0)
		usage_error(o->cmd, "--impu: expected a sip: or tel: URI");
	/* TS 24.229 5.1.1.1 / TS 23.003 13.2: the home domain is the realm
	 * part of the private identity unless configured. */
	if ((c->domain = opts_get(o, "domain")) == NULL) {
		if ((at = strrchr(c->impi, '@')) == NULL || at[1] == '\0')
			usage_error(o->cmd, "--domain needed: --impi has no realm");
		c->domain = at + 1;
	}
	header_safe(o, "domain", c->domain);
	c->local = opts_get(o, "local");
	if (c->local != NULL)
		hostport(o, "local", c->local);
	c->transport = opts_get(o, "transport");
	if (c->transport == NULL)
		c->transport = "udp";
	else if (strcmp(c->transport, "udp") != 0 &&
	    strcmp(c->transport, "tcp") != 0)
		usage_error(o->cmd, "--transport: expected udp or tcp");
	c->state_path = opts_get(o, "state");
	opts_hex(o, "k", c->k, sizeof(c->k));
	if (opts_one_of(o, "op", "opc") == 0) {
		opts_hex(o, "op", op, sizeof(op));
		if (milenage_opc(c->k, op, c->opc) < 0)
			usage_error(o->cmd, "cannot derive OPc");
		secure_wipe(op, sizeof(op));
	} else
		opts_hex(o, "opc", c->opc, sizeof(c->opc));
	c->amf_sep = opts_get(o, "amf-sep") == NULL ? -1 :
	    (int)opts_uint(o, "amf-sep", 0, 0, 1, NULL);
	/* TS 24.229 5.1.1.2.1: the UE asks for 600000 s by default. */
	c->expires = opts_uint(o, "expires", 600000, 0, 0x7fffffff, NULL);
	c->timeout_ms = 1000 * opts_uint(o, "timeout", 10, 1, 3600, NULL);
	ipsec_from_opts(o, c);
}

/* Flags without a value, taken out before the "--name value" options. */
int
ue_take_flag(int *argc, char **argv, const char *flag)
{
	int i, found = 0;

	for (i = 0; i < *argc; i++)
		if (strcmp(argv[i], flag) == 0) {
			memmove(argv + i, argv + i + 1,
			    (size_t)(*argc - i - 1) * sizeof(*argv));
			(*argc)--;
			i--;
			found = 1;
		}
	return found;
}

static void
out_hex(const char *name, const uint8_t *b, size_t len)
{
	char hex[2 * 16 + 1];

	hex_encode(b, len, hex);
	printf("%s=%s\n", name, hex);
}

/* --ipsec: the set that carried the registration (decimal SPIs, as in
 * the sec-agree headers), or why there is none. */
static void
report_ipsec(const struct ue_result *r)
{
	const struct gm_sa *p = &r->gm_sa;

	if (r->outcome == UE_REJECTED)
		printf("error=%d %s\n", r->status, r->phrase);
	else if (r->why[0] != '\0')
		printf("error=%s\n", r->why);
	if (!r->gm) {
		printf("ipsec=no\n");
		return;
	}
	printf("ipsec=yes\nipsec_set=%s\nalg=%s\nealg=%s\n",
	    r->gm_kept ? "kept" : "new", secagree_alg_name(p->alg),
	    secagree_ealg_name(p->ealg));
	printf("spi_uc=%u\nspi_us=%u\nspi_pc=%u\nspi_ps=%u\n", p->spi_uc,
	    p->spi_us, p->spi_pc, p->spi_ps);
	printf("port_uc=%u\nport_us=%u\nport_pc=%u\nport_ps=%u\n",
	    p->port_uc, p->port_us, p->port_pc, p->port_ps);
	printf("ipsec_removed=%d\n", r->gm_removed);
}

static int
report(const struct ue_conf *c, const struct ue_result *r, int dereg)
{
	static const char *names[] = {
		[UE_REGISTERED] = "registered",
		[UE_REJECTED] = "rejected",
		[UE_MAC_FAILURE] = "mac-failure",
		[UE_AMF_FAILURE] = "amf-failure",
		[UE_TIMEOUT] = "timeout",
		[UE_UNREACHABLE] = "unreachable",
		[UE_NO_CHALLENGE] = "bad-challenge",
		[UE_SECAGREE_FAILED] = "sec-agree-failed",
		[UE_IPSEC_FAILED] = "ipsec-failed",
	};
	uint8_t sqnb[6];

	printf("result=%s\n", r->outcome == UE_REGISTERED && dereg ?
	    "deregistered" : names[r->outcome]);
	if (r->outcome != UE_TIMEOUT && r->outcome != UE_UNREACHABLE)
		printf("status=%d\n", r->status);
	if (r->outcome == UE_REGISTERED) {
		printf("expires=%ld\n", r->expires);
		printf("service_route=%s\n", r->service_route);
		printf("p_associated_uri=%s\n", r->p_associated_uri);
	}
	printf("resync=%d\n", r->resync);
	if (c->ipsec)
		report_ipsec(r);
	if (r->have_sqn) {
		aka_sqn_to_bytes(r->sqn, sqnb);
		out_hex("sqn", sqnb, 6);
		if (c->debug_keys) {
			out_hex("res", r->res, 8);
			out_hex("ck", r->ck, 16);
			out_hex("ik", r->ik, 16);
		}
	}
	fflush(stdout);
	return r->outcome == UE_REGISTERED ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct ue_conf c;
	struct ue_reg *u;
	struct ue_result r = { 0 };
	struct ue_resp mresp;
	const char *cmd, *to = NULL, *body = NULL;
	int debug, debug_keys, ipsec, dereg = 0, message = 0, rc, live = 0;

	log_init("ims-ue", LOG_LVL_WARN);
	if (argc < 2) {
		fprintf(stderr, "ims-ue: missing command (try ims-ue help)\n");
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0) {
		usage(stdout);
		return 0;
	}
	/* GBA (TS 33.220): own options and output, ue_gbacli.c */
	if (strcmp(cmd, "gba-bootstrap") == 0)
		return ue_gba_main(argc - 2, argv + 2);
	if (strcmp(cmd, "ut") == 0)
		return ue_ut_main(argc - 2, argv + 2);
	if (strcmp(cmd, "deregister") == 0)
		dereg = 1;
	else if (strcmp(cmd, "message") == 0)
		message = 1;
	else if (strcmp(cmd, "register") != 0) {
		fprintf(stderr, "ims-ue: unknown command \"%s\"\n", cmd);
		return 2;
	}
	argc -= 2;
	argv += 2;
	debug = ue_take_flag(&argc, argv, "--debug");
	debug_keys = ue_take_flag(&argc, argv, "--debug-keys");
	ipsec = ue_take_flag(&argc, argv, "--ipsec");
	opts_parse(&o, cmd, argc, argv, message ? UE_OPTS " to body" : UE_OPTS);
	memset(&c, 0, sizeof(c));
	c.ipsec = ipsec;
	conf_from_opts(&o, &c);
	c.debug_keys = debug_keys;
	if (message) {
		to = opts_need(&o, "to");
		body = opts_need(&o, "body");
		header_safe(&o, "to", to);
	}
	if (debug)
		log_setlevel(LOG_LVL_DEBUG);
	log_allow_keys(c.debug_keys);

	if ((u = ue_reg_new(&c)) == NULL) {
		secure_wipe(&c, sizeof(c));	/* the reason is logged */
		return 2;
	}
	/* message --ipsec with a live set: straight over it (no new
	 * registration, TS 33.203 7.1) */
	if (message && c.ipsec && (live = ue_reg_gm_resume(u)) < 0) {
		fprintf(stderr, "ims-ue: %s: internal error (%s)\n", cmd,
		    strerror(-live));
		ue_reg_free(u);
		return 2;
	}
	if (live) {
		printf("ipsec=yes\nipsec_set=live\n");
		rc = 0;
	} else
		rc = ue_reg_register(u, dereg ? 0 : c.expires, &r);
	if (live)
		;
	else if (rc < 0) {
		fprintf(stderr, "ims-ue: %s: internal error (%s)\n", cmd,
		    strerror(-rc));
		rc = 2;
	} else
		rc = report(&c, &r, dereg);
	if (rc == 0 && message) {
		if (ue_reg_message(u, to, body, &mresp) < 0) {
			fprintf(stderr, "ims-ue: message: cannot send\n");
			rc = 2;
		} else {
			printf("message_status=%d\n", mresp.status);
			rc = mresp.status >= 200 && mresp.status < 300 ? 0 : 1;
		}
	}
	ue_reg_free(u);
	secure_wipe(&r, sizeof(r));
	secure_wipe(&c, sizeof(c));
	return rc;
}
