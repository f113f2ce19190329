/* test_sipx_ident.c - what a CSCF takes across the trust boundary
 * (common/sipx/sipx_ident.c): public identities only from SIP URIs with
 * a user part and global tel URIs (RFC 3261 16.3 step 2: another scheme
 * is -EPROTONOSUPPORT, answered 416), the trust domain's headers
 * stripped (TS 24.229 4.4.1), our own Route entries popped with their
 * originating indication (RFC 3608 6, TS 24.229 5.4.3.2), and no
 * asserted identity out of the trust domain under Privacy: id (RFC 3325
 * 5). */
#include <errno.h>
#include <string.h>

#include "sipx.h"
#include "t.h"

static int
id_of(const char *uri, int tel, char *out, size_t size)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	url_t *u = url_make(home, uri);
	int rc = u != NULL ? sipx_public_id(u, tel, out, size) : -EFAULT;

	su_home_deinit(home);
	return rc;
}

static void
test_public_id(void)
{
	char id[SIPX_URI_MAX], small[12];

	T_CHECK(id_of("sip:bob@IMS.Example.ORG:5060;transport=tcp", 1, id,
	    sizeof(id)) == 0 && strcmp(id, "sip:bob@ims.example.org") == 0,
	    "sip: %s", id);
	T_CHECK(id_of("SIP:Bob@example.org", 1, id, sizeof(id)) == 0 &&
	    strcmp(id, "sip:Bob@example.org") == 0, "user case kept: %s", id);
	T_CHECK(id_of("sips:a@b.example", 0, id, sizeof(id)) == 0 &&
	    strcmp(id, "sips:a@b.example") == 0, "sips: %s", id);
	T_CHECK(id_of("tel:+1-555-0100;phone-context=x", 1, id,
	    sizeof(id)) == 0 && strcmp(id, "tel:+15550100") == 0,
	    "global tel: %s", id);
	/* Names nobody: 404. */
	T_CHECK(id_of("sip:192.0.2.103", 1, id, sizeof(id)) == -ENOENT &&
	    id[0] == '\0', "no user part");
	T_CHECK(id_of("sip:@ims.example.org", 1, id, sizeof(id)) == -ENOENT,
	    "empty user part");
	T_CHECK(id_of("tel:5550100;phone-context=example.org", 1, id,
	    sizeof(id)) == -ENOENT, "local number");
	T_CHECK(id_of("tel:+", 1, id, sizeof(id)) == -ENOENT, "no digits");
	T_CHECK(id_of("tel:+1x", 1, id, sizeof(id)) == -ENOENT, "not digits");
	/* Other schemes: 416 (RFC 4475 3.3.2, 3.3.3). */
	T_CHECK(id_of("nobodyKnowsThisScheme:totallyopaquecontent", 1, id,
	    sizeof(id)) == -EPROTONOSUPPORT, "unknown scheme");
	T_CHECK(id_of("soap.beep://192.0.2.103:3002", 1, id, sizeof(id)) ==
	    -EPROTONOSUPPORT, "atypical scheme");
	T_CHECK(id_of("isbn:2983792873", 1, id, sizeof(id)) ==
	    -EPROTONOSUPPORT, "isbn");
	T_CHECK(id_of("im:bob@example.org", 1, id, sizeof(id)) ==
	    -EPROTONOSUPPORT, "im");
	T_CHECK(id_of("tel:+15550100", 0, id, sizeof(id)) == -EPROTONOSUPPORT,
	    "tel where only SIP URIs are identities");
	T_CHECK(id_of("sip:somebody@example.org", 1, small, sizeof(small)) ==
	    -ENOSPC && small[0] == '\0', "does not fit");
	T_CHECK(id_of("tel:+123456789012", 1, small, sizeof(small)) ==
	    -ENOSPC, "tel does not fit");
}

static msg_t *
parse(const char *text)
{
	msg_t *msg = msg_make(sip_default_mclass(), 0, text, strlen(text));

	if (msg == NULL || sip_object(msg) == NULL ||
	    sip_object(msg)->sip_request == NULL) {
		fprintf(stderr, "cannot parse:\n%s\n", text);
		exit(1);
	}
	return msg;
}

#define REQ_HEAD							\
	"MESSAGE sip:bob@ims.example.org SIP/2.0\r\n"			\
	"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"		\
	"Max-Forwards: 70\r\n"						\
	"From: <sip:eve@example.net>;tag=1\r\n"				\
	"To: <sip:bob@ims.example.org>\r\n"				\
	"Call-ID: ident-1\r\nCSeq: 1 MESSAGE\r\n"

static void
test_strip(void)
{
	static const char *const gone[] = { "P-Asserted-Identity",
	    "P-Preferred-Identity", "P-Served-User", "P-Charging-Vector",
	    "P-Charging-Function-Addresses", "P-Visited-Network-ID",
	    "P-Access-Network-Info", "P-Profile-Key", "P-Asserted-Service",
	    "P-Private-Network-Indication" };
	msg_t *msg = parse(REQ_HEAD
	    "P-Asserted-Identity: <sip:alice@ims.example.org>\r\n"
	    "p-asserted-identity: <tel:+15550100>\r\n"
	    "P-Preferred-Identity: <sip:alice@ims.example.org>\r\n"
	    "P-Served-User: <sip:alice@ims.example.org>;sescase=orig\r\n"
	    "P-Charging-Vector: icid-value=1\r\n"
	    "P-Charging-Function-Addresses: ccf=192.0.2.9\r\n"
	    "P-Visited-Network-ID: home.net\r\n"
	    "P-Access-Network-Info: 3GPP-E-UTRAN-FDD\r\n"
	    "P-Profile-Key: <sip:x@ims.example.org>\r\n"
	    "P-Asserted-Service: urn:urn-7:3gpp-service.ims.icsi.mmtel\r\n"
	    "P-Private-Network-Indication: example.com\r\n"
	    "Subject: kept\r\n"
	    "Content-Length: 0\r\n\r\n");
	sip_t *sip = sip_object(msg);
	size_t i;

	sipx_untrusted_strip(msg, sip);
	for (i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		T_CHECK(sipx_hdr_get(sip, gone[i]) == NULL, "%s left",
		    gone[i]);
	T_CHECK(sip->sip_subject != NULL, "other headers stay");
	msg_destroy(msg);
}

static void
test_pop_own(void)
{
	struct sipx_agent a;
	msg_t *msg;
	sip_t *sip;
	int orig;

	memset(&a, 0, sizeof(a));
	(void)snprintf(a.host, sizeof(a.host), "10.0.0.2");
	a.port = 6060;

	msg = parse(REQ_HEAD "Route: <sip:orig@10.0.0.2:6060;lr>\r\n"
	    "Content-Length: 0\r\n\r\n");
	sip = sip_object(msg);
	T_CHECK(sipx_route_pop_own(&a, msg, sip, &orig) == 1 && orig == 1 &&
	    sip->sip_route == NULL, "orig user part");
	msg_destroy(msg);

	/* Routed to ourselves first, orig below: both ours, both popped
	 * (never forwarded to ourselves, where it would come back from a
	 * trusted address). */
	msg = parse(REQ_HEAD "Route: <sip:10.0.0.2:6060;lr>, "
	    "<sip:orig@10.0.0.2:6060;lr>, <sip:10.0.0.4:5060;lr>\r\n"
	    "Content-Length: 0\r\n\r\n");
	sip = sip_object(msg);
	T_CHECK(sipx_route_pop_own(&a, msg, sip, &orig) == 2 && orig == 1 &&
	    sip->sip_route != NULL &&
	    strcmp(sip->sip_route->r_url->url_host, "10.0.0.4") == 0,
	    "two own entries, the next hop kept");
	msg_destroy(msg);

	msg = parse(REQ_HEAD "Route: <sip:10.0.0.2:6060;lr;orig>\r\n"
	    "Content-Length: 0\r\n\r\n");
	sip = sip_object(msg);
	T_CHECK(sipx_route_pop_own(&a, msg, sip, &orig) == 1 && orig == 1,
	    "orig parameter");
	msg_destroy(msg);

	msg = parse(REQ_HEAD "Route: <sip:10.0.0.2:6060;lr>\r\n"
	    "Content-Length: 0\r\n\r\n");
	sip = sip_object(msg);
	T_CHECK(sipx_route_pop_own(&a, msg, sip, &orig) == 1 && orig == 0,
	    "plain own entry");
	msg_destroy(msg);

	/* Not ours: the other S-CSCF's orig is not our business. */
	msg = parse(REQ_HEAD "Route: <sip:orig@10.0.0.5:6060;lr>\r\n"
	    "Content-Length: 0\r\n\r\n");
	sip = sip_object(msg);
	T_CHECK(sipx_route_pop_own(&a, msg, sip, &orig) == 0 && orig == 0 &&
	    sip->sip_route != NULL, "another element's entry stays");
	msg_destroy(msg);

	msg = parse(REQ_HEAD "Content-Length: 0\r\n\r\n");
	sip = sip_object(msg);
	T_CHECK(sipx_route_pop_own(&a, msg, sip, &orig) == 0 && orig == 0,
	    "no Route");
	msg_destroy(msg);
}

static int
privacy(const struct sipx_trust *t, const char *extra, const char *hop,
    int *pai_left)
{
	char text[1024];
	su_home_t home[1] = { SU_HOME_INIT(home) };
	msg_t *msg;
	int rc;

	(void)snprintf(text, sizeof(text), REQ_HEAD
	    "P-Asserted-Identity: <sip:alice@ims.example.org>\r\n"
	    "%sContent-Length: 0\r\n\r\n", extra);
	msg = parse(text);
	rc = sipx_privacy_apply(t, msg, sip_object(msg), url_make(home, hop));
	*pai_left = sipx_hdr_get(sip_object(msg), "P-Asserted-Identity") !=
	    NULL;
	msg_destroy(msg);
	su_home_deinit(home);
	return rc;
}

static void
test_privacy(void)
{
	char *nets[] = { "10.0.0.0/24" };
	struct conf_list l = { 1, nets, NULL };
	struct sipx_trust t;
	int left;

	T_CHECK(sipx_trust_set(&t, &l) == 0, "trust");
	T_CHECK(privacy(&t, "Privacy: id\r\n", "sip:x@192.0.2.7:5060",
	    &left) == 1 && !left, "id, outside: removed");
	T_CHECK(privacy(&t, "Privacy: header;id\r\n", "sip:x@192.0.2.7",
	    &left) == 1 && !left, "among other values");
	T_CHECK(privacy(&t, "Privacy: id\r\n", "sip:x@peer.example.net",
	    &left) == 1 && !left, "a name is outside");
	T_CHECK(privacy(&t, "Privacy: id\r\n", "sip:10.0.0.4:5060;lr",
	    &left) == 0 && left, "inside: kept");
	T_CHECK(privacy(&t, "Privacy: none\r\n", "sip:x@192.0.2.7",
	    &left) == 0 && left, "no privacy asked");
	T_CHECK(privacy(&t, "", "sip:x@192.0.2.7", &left) == 0 && left,
	    "no Privacy header");
}

int
main(void)
{
	test_public_id();
	test_strip();
	test_pop_own();
	test_privacy();
	return t_done("test_sipx_ident");
}
