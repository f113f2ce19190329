/* test_pcscf_strip.c - what the P-CSCF removes from the UE side
 * (pcscf_strip_untrusted: RFC 3325 2.3, RFC 7315 4, RFC 3327 5) on
 * messages as the proxy handles them: a request copied with msg_dup and a
 * response as received (with its fragment chain); any spelling of the
 * names, several values, a malformed Path; what sipx_hdr_add puts back
 * lands among the headers; the rest of the message (the UE's own
 * P-Access-Network-Info too) is untouched. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/msg_parser.h>

#include "pcscf.h"
#include "t.h"

static const char request[] =
    "INVITE sip:bob@x SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:alice@x>;tag=1\r\n"
    "To: <sip:bob@x>\r\n"
    "Call-ID: c1\r\n"
    "CSeq: 1 INVITE\r\n"
    "P-Asserted-Identity: <sip:forged1@x>\r\n"
    "p-asserted-identity: <sip:forged2@x>, <tel:+1555>\r\n"
    "P-Preferred-Identity: <sip:forged3@x>\r\n"
    "P-Charging-Vector: icid-value=forged4\r\n"
    "P-CHARGING-FUNCTION-ADDRESSES: ccf=forged5\r\n"
    "P-Visited-Network-ID: forged6\r\n"
    "Path: <sip:forged7@x;lr>\r\n"
    "Path: <<forged8\r\n"
    "P-Served-User: <sip:forged9@x>\r\n"
    "P-Profile-Key: <sip:forged10@x>\r\n"
    "P-Asserted-Service: urn:forged11\r\n"
    "P-Private-Network-Indication: forged12\r\n"
    "P-Access-Network-Info: 3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=kept\r\n"
    "Subject: kept\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 4\r\n"
    "\r\n"
    "body";

static const char response[] =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc\r\n"
    "From: <sip:alice@x>;tag=1\r\n"
    "To: <sip:bob@x>;tag=2\r\n"
    "Call-ID: c1\r\n"
    "CSeq: 1 INVITE\r\n"
    "P-Asserted-Identity: <sip:forged1@x>\r\n"
    "P-Charging-Vector: icid-value=forged2\r\n"
    "Subject: kept\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

/* The message as it would go on the wire. */
static char *
wire(msg_t *m)
{
	sip_t *sip = sip_object(m);

	if (msg_serialize(m, (msg_pub_t *)sip) < 0 || msg_prepare(m) < 0)
		return NULL;
	return msg_as_string(msg_home(m), m, NULL, 0, NULL);
}

static void
check_msg(const char *name, const char *text, int dup)
{
	msg_t *orig, *m;
	sip_t *sip;
	char *out, *sep;

	orig = msg_make(sip_default_mclass(), 0, text, (isize_t)strlen(text));
	m = dup ? msg_dup(orig) : orig;
	T_CHECK(m != NULL && (sip = sip_object(m)) != NULL, "%s: parsed",
	    name);
	if (m == NULL)
		return;
	pcscf_strip_untrusted(m, sip);
	T_CHECK(sipx_hdr_add(m, sip, "P-Asserted-Identity",
	    "<sip:alice@x>") == 0, "%s: assert", name);
	out = wire(m);
	T_CHECK(out != NULL, "%s: encoded", name);
	if (out == NULL)
		return;
	T_CHECK(strstr(out, "forged") == NULL, "%s: nothing forged left:\n%s",
	    name, out);
	T_CHECK(strcasestr(out, "P-Charging") == NULL &&
	    strcasestr(out, "P-Visited") == NULL &&
	    strcasestr(out, "\r\nPath:") == NULL &&
	    strcasestr(out, "P-Preferred") == NULL &&
	    strcasestr(out, "P-Served") == NULL, "%s: no such header", name);
	T_CHECK(strcasestr(out, "P-Asserted-Service") == NULL &&
	    strcasestr(out, "P-Private-Network") == NULL, "%s: no such header "
	    "(RFC 6050, RFC 7316)", name);
	sep = strstr(out, "\r\n\r\n");
	T_CHECK(sep != NULL && strstr(out, "P-Asserted-Identity: "
	    "<sip:alice@x>\r\n") != NULL &&
	    strstr(out, "P-Asserted-Identity") < sep,
	    "%s: the asserted identity is a header, before the body:\n%s",
	    name, out);
	T_CHECK(strstr(out, "Subject: kept\r\n") != NULL, "%s: the rest kept",
	    name);
	T_CHECK(strstr(text, "P-Access-Network-Info") == NULL ||
	    strstr(out, "utran-cell-id-3gpp=kept") != NULL,
	    "%s: the UE's P-Access-Network-Info kept", name);
	if (dup)
		msg_destroy(m);
	msg_destroy(orig);
}

int
main(void)
{
	check_msg("request (a proxy's copy)", request, 1);
	check_msg("request as received", request, 0);
	check_msg("response as received", response, 0);
	return t_done("test_pcscf_strip");
}
