/* test_dia_server.c - the server side of common/dia without a network:
 * the answer dia_server builds for a request (dia_answer_request), with
 * freeDiameter's core initialised from a generated configuration but not
 * started.
 *
 * - the one-result rule (RFC 6733 7.1, dia.h): a handler that adds two
 *   results, none, or fails after adding a result and other AVPs has
 *   everything it added discarded; the answer is DIAMETER_UNABLE_TO_COMPLY
 *   alone, and still carries the VSAI, Auth-Session-State and Origin-*;
 * - the origin rule (dia_msg_from_peer): a request from a peer that is
 *   not configured, of the wrong kind (an RTR from a peer we accept), or
 *   whose Origin-Host or Origin-Realm is not the sending peer's, never
 *   reaches the handler and is answered DIAMETER_UNABLE_TO_COMPLY;
 * - diameter.connect with diameter.accept is refused (dia_conf_apply).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "dia_fd.h"
#include "check.h"
#include "conf.h"
#include "cx.h"
#include "dia.h"
#include "dia_conf.h"
#include "dia_int.h"
#include "log.h"
#include "t.h"

#define REALM	"unit.test"
#define SCSCF	"scscf." REALM

static struct dia_conf dia;
static const struct conf_table tables[] = {
	{ "Diameter", dia_conf_keys, &dia, sizeof(dia) },
};

static int called;

static int
h_good(struct msg *req, struct msg *ans, void *arg)
{
	(void)req;
	(void)arg;
	called++;
	IMS_CHECK_RC(dia_set_error(ans, DIA_SUCCESS, NULL));
	return dia_add_str(ans, DIA_AVP_SERVER_NAME, "sip:scscf." REALM);
}

static int
h_two_results(struct msg *req, struct msg *ans, void *arg)
{
	(void)req;
	(void)arg;
	called++;
	IMS_CHECK_RC(dia_set_error(ans, DIA_SUCCESS, NULL));
	IMS_CHECK_RC(dia_add_str(ans, DIA_AVP_SERVER_NAME, "sip:x"));
	return dia_add_exp_result(ans, CX_FIRST_REGISTRATION);
}

static int
h_no_result(struct msg *req, struct msg *ans, void *arg)
{
	(void)req;
	(void)ans;
	(void)arg;
	called++;
	return 0;
}

/* A result, User-Data, then a failure (a store write that fails last). */
static int
h_fail_late(struct msg *req, struct msg *ans, void *arg)
{
	(void)req;
	(void)arg;
	called++;
	IMS_CHECK_RC(dia_set_error(ans, DIA_SUCCESS, NULL));
	IMS_CHECK_RC(dia_add_str(ans, DIA_AVP_USER_DATA, "<IMSSubscription/>"));
	return -EIO;
}

static int
h_missing(struct msg *req, struct msg *ans, void *arg)
{
	(void)req;
	(void)arg;
	called++;
	return dia_set_missing(ans, DIA_AVP_USER_NAME);
}

/* A request of command code as if received from peer `from`, with the
 * given Origin-Host/Realm (NULL: left out). */
static struct msg *
request(uint32_t code, const char *from, const char *host, const char *realm)
{
	struct msg *m = NULL;
	struct msg_hdr *h;

	if (fd_msg_new(dia_cx_cmd(code, 1), MSGFL_ALLOC_ETEID, &m) != 0)
		return NULL;
	if (fd_msg_hdr(m, &h) == 0)
		h->msg_appl = DIA_APP_CX;
	(void)fd_msg_new_session(m, NULL, 0);
	if (host != NULL)
		(void)dia_add_str(m, DIA_AVP_ORIGIN_HOST, host);
	if (realm != NULL)
		(void)dia_add_str(m, DIA_AVP_ORIGIN_REALM, realm);
	if (from != NULL)
		(void)fd_msg_source_set(m, (DiamId_t)(uintptr_t)from,
		    strlen(from));
	return m;
}

/* The top-level AVPs of the answer with this code (vendor 0 or 3GPP). */
static unsigned
count(struct msg *m, uint32_t code)
{
	struct avp *a = NULL;
	struct avp_hdr *h;
	unsigned n = 0;

	if (fd_msg_browse(m, MSG_BRW_FIRST_CHILD, &a, NULL) != 0)
		return 0;
	for (; a != NULL; (void)fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL))
		if (fd_msg_avp_hdr(a, &h) == 0 && h->avp_code == code)
			n++;
	return n;
}

struct outcome {
	int	 rc;
	int	 called;
	uint32_t result, exp;
	unsigned nresult, nexp, nserver, ndata, nvsai, nass, nohost, nfailed;
};

static void
run(dia_handler fn, uint32_t code, unsigned from, struct msg *m,
    struct outcome *o)
{
	struct dia_reg r = { fn, NULL, DIA_APP_CX, code, from };

	memset(o, 0, sizeof(*o));
	called = 0;
	if (m == NULL) {
		o->rc = -ENOMEM;
		return;
	}
	o->rc = dia_answer_request(&r, &m);
	o->called = called;
	dia_get_result(m, &o->result, &o->exp);
	o->nresult = count(m, 268);
	o->nexp = count(m, 297);
	o->nserver = count(m, 602);
	o->ndata = count(m, 606);
	o->nvsai = count(m, 260);
	o->nass = count(m, 277);
	o->nohost = count(m, 264);
	o->nfailed = count(m, 279);
	(void)fd_msg_free(m);	/* the answer, and the request it holds */
}

static void
refused(const char *what, const struct outcome *o)
{
	T_CHECK(o->rc == 0, "%s: answered (%d)", what, o->rc);
	T_CHECK(o->called == 0, "%s: the handler was not called", what);
	T_CHECK(o->result == DIA_UNABLE_TO_COMPLY && o->nresult == 1 &&
	    o->nexp == 0, "%s: one Result-Code 5012 (got %u, %u results)",
	    what, o->result, o->nresult + o->nexp);
}

static void
unable(const char *what, const struct outcome *o)
{
	T_CHECK(o->rc == 0 && o->called == 1, "%s: handler called once",
	    what);
	T_CHECK(o->nresult == 1 && o->nexp == 0 &&
	    o->result == DIA_UNABLE_TO_COMPLY,
	    "%s: one Result-Code, 5012 (got %u/%u, %u results)", what,
	    o->result, o->exp, o->nresult + o->nexp);
	T_CHECK(o->nserver == 0 && o->ndata == 0,
	    "%s: the handler's other AVPs discarded", what);
	T_CHECK(o->nvsai == 1 && o->nass == 1 && o->nohost == 1,
	    "%s: VSAI, Auth-Session-State, Origin-Host kept", what);
}

/* Identity patterns and the accept syntax (dia_conf.h). */
static void
patterns(void)
{
	static const char *const good[] = { "*.ims.example.org",
	    "scscf-*.ims.example.org", "hss.ims.example.org@10.0.0.0/8",
	    NULL };
	static const char *const bad[] = { "*", "*.org.*", "a*b.example.org",
	    "**.example.org", "ims.*.example.org", "*.-bad.example.org",
	    NULL };
	char why[256];
	const struct conf_key *k;
	size_t i;

	T_CHECK(dia_id_pattern_check(good[0]) == 0 &&
	    dia_id_pattern_check(good[1]) == 0, "patterns taken");
	for (i = 0; bad[i] != NULL; i++)
		T_CHECK(dia_id_pattern_check(bad[i]) == -EINVAL,
		    "pattern %s refused", bad[i]);
	T_CHECK(dia_id_match("*.ims.example.org", "scscf-1.IMS.example.org",
	    strlen("scscf-1.IMS.example.org")), "any first label");
	T_CHECK(!dia_id_match("*.ims.example.org", "a.b.ims.example.org",
	    strlen("a.b.ims.example.org")), "one label only");
	T_CHECK(!dia_id_match("*.ims.example.org", "a.ims.example.org.evil",
	    strlen("a.ims.example.org.evil")), "the rest exactly");
	T_CHECK(!dia_id_match("*.ims.example.org", "a_b.ims.example.org",
	    strlen("a_b.ims.example.org")), "label characters only");
	T_CHECK(dia_id_match("hss.ims.example.org", "HSS.ims.example.org",
	    strlen("HSS.ims.example.org")) &&
	    !dia_id_match("hss.ims.example.org", "hss.ims.example.org", 3),
	    "no '*': the identity itself");
	for (k = dia_conf_keys; k->name != NULL; k++)
		if (strcmp(k->name, "diameter.accept") == 0)
			break;
	T_CHECK(k->check("*.ims.example.org@10.79.0.0/24", why,
	    sizeof(why)) == 0 && k->check("a.b.c@[2001:db8::]/32", why,
	    sizeof(why)) == 0 && k->check(good[2], why, sizeof(why)) == 0,
	    "accept: patterns and prefixes");
	T_CHECK(k->check("a.b.c@10.0.0.0/33", why, sizeof(why)) < 0 &&
	    k->check("a.b.c@2001:db8::/32", why, sizeof(why)) < 0 &&
	    k->check("a.b.c@[10.0.0.1]", why, sizeof(why)) < 0 &&
	    k->check("a*.b.c@10.0.0.1:3868", why, sizeof(why)) < 0,
	    "accept: bad prefix, IPv6 without brackets, IPv4 in them, port");
	for (k = dia_conf_keys; k->name != NULL; k++)
		if (strcmp(k->name, "diameter.connect") == 0)
			break;
	T_CHECK(k->check("*.b.c@10.0.0.1", why, sizeof(why)) < 0 &&
	    k->check("a.b.c@10.0.0.0/8", why, sizeof(why)) < 0,
	    "connect: no pattern, no prefix");
}

int
main(void)
{
	static const char text[] =
	    "diameter.identity = hss." REALM "\n"
	    "diameter.accept = " SCSCF "@192.0.2.2\n"
	    "diameter.accept = icscf." REALM "@192.0.2.3\n"
	    "diameter.accept = sc-*." REALM "@192.0.2.64/26\n"
	    "diameter.extensions-dir = /usr/lib/freeDiameter\n";
	static const char both[] =
	    "diameter.identity = scscf." REALM "\n"
	    "diameter.connect = hss." REALM "@192.0.2.1\n"
	    "diameter.accept = as." REALM "@192.0.2.9\n";
	char err[CONF_ERR_MAX], buf[4096];
	struct outcome o;
	int rc;

	log_init("test_dia_server", LOG_LVL_ERR);
	if (conf_load_buf(tables, 1, "both", both, sizeof(both) - 1, NULL, 0,
	    err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	T_CHECK(dia_conf_apply(&dia) == -EINVAL,
	    "diameter.connect with diameter.accept is refused");
	T_CHECK(dia_conf_render(&dia, buf, sizeof(buf)) == 0 &&
	    strstr(buf, "NoRelay;") != NULL, "NoRelay always");
	conf_free(tables, 1);

	if (conf_load_buf(tables, 1, "unit", text, sizeof(text) - 1, NULL, 0,
	    err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	T_CHECK(dia_conf_render(&dia, buf, sizeof(buf)) == 0 &&
	    strstr(buf, "Port = 3868;") != NULL,
	    "a node with diameter.accept listens");
	if (dia_init(&dia) < 0 || cx_dict_init() < 0) {
		fprintf(stderr, "test_dia_server: freeDiameter set-up failed\n");
		return 1;
	}
	T_CHECK(dia_peer_kind(SCSCF, strlen(SCSCF), NULL) == DIA_PEER_ACCEPT,
	    "an accepted peer is known as one");
	T_CHECK(dia_peer_kind("SCSCF.Unit.Test", strlen(SCSCF), NULL) ==
	    DIA_PEER_ACCEPT, "identities compare without case");
	T_CHECK(dia_peer_kind("scscf", 5, NULL) == 0, "no prefix match");
	T_CHECK(dia_peer_kind("sc-10-0-0-7." REALM, strlen("sc-10-0-0-7."
	    REALM), NULL) == DIA_PEER_ACCEPT, "a pattern's identity is known");
	T_CHECK(dia_peer_kind("sc-." REALM, strlen("sc-." REALM), NULL) == 0 &&
	    dia_peer_kind("xsc-1." REALM, strlen("xsc-1." REALM), NULL) == 0,
	    "the '*' stands for at least one character, after the prefix");
	patterns();

	/* The one-result rule. */
	run(h_good, CX_CMD_SAR, DIA_PEER_ACCEPT,
	    request(CX_CMD_SAR, SCSCF, SCSCF, REALM), &o);
	T_CHECK(o.rc == 0 && o.called == 1 && o.result == DIA_SUCCESS &&
	    o.nresult == 1 && o.nserver == 1, "a good handler's answer");
	run(h_two_results, CX_CMD_SAR, DIA_PEER_ACCEPT,
	    request(CX_CMD_SAR, SCSCF, SCSCF, REALM), &o);
	unable("two results", &o);
	run(h_no_result, CX_CMD_SAR, DIA_PEER_ACCEPT,
	    request(CX_CMD_SAR, SCSCF, SCSCF, REALM), &o);
	unable("no result", &o);
	run(h_fail_late, CX_CMD_SAR, DIA_PEER_ACCEPT,
	    request(CX_CMD_SAR, SCSCF, SCSCF, REALM), &o);
	unable("failure after a result and User-Data", &o);
	run(h_missing, CX_CMD_SAR, DIA_PEER_ACCEPT,
	    request(CX_CMD_SAR, SCSCF, SCSCF, REALM), &o);
	T_CHECK(o.result == DIA_MISSING_AVP && o.nresult == 1 &&
	    o.nfailed == 1, "dia_set_missing: 5005 with one Failed-AVP");

	/* The origin rule. */
	run(h_good, CX_CMD_SAR, DIA_PEER_ACCEPT,
	    request(CX_CMD_SAR, "rogue." REALM, "rogue." REALM, REALM), &o);
	refused("an unconfigured peer", &o);
	run(h_good, CX_CMD_SAR, DIA_PEER_ACCEPT,
	    request(CX_CMD_SAR, NULL, SCSCF, REALM), &o);
	refused("no sending peer", &o);
	run(h_good, CX_CMD_RTR, DIA_PEER_CONNECT,
	    request(CX_CMD_RTR, SCSCF, SCSCF, REALM), &o);
	refused("an RTR from a peer we accept (not the HSS we connect to)",
	    &o);
	run(h_good, CX_CMD_SAR, DIA_PEER_ACCEPT,
	    request(CX_CMD_SAR, "icscf." REALM, SCSCF, REALM), &o);
	refused("Origin-Host of another peer (the I-CSCF as the S-CSCF)", &o);
	run(h_good, CX_CMD_SAR, DIA_PEER_ACCEPT,
	    request(CX_CMD_SAR, SCSCF, NULL, REALM), &o);
	refused("no Origin-Host", &o);
	run(h_good, CX_CMD_SAR, DIA_PEER_ACCEPT,
	    request(CX_CMD_SAR, SCSCF, SCSCF, "other.test"), &o);
	refused("Origin-Realm not the peer's", &o);
	run(h_good, CX_CMD_SAR, DIA_PEER_ACCEPT,
	    request(CX_CMD_SAR, "ScScF.unit.test", "scscf.UNIT.test", REALM),
	    &o);
	T_CHECK(o.called == 1 && o.result == DIA_SUCCESS,
	    "Origin-Host compared without case");

	/* freeDiameter's core is not shut down (never started); leave
	 * without its exit handlers. */
	rc = t_done("test_dia_server");
	fflush(stdout);
	_exit(rc);
}
