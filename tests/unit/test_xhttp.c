/* test_xhttp.c - the helpers of the naf and the xcap server: identity
 * header values (X-3GPP-Asserted/Intended-Identity), entity-tag lists of
 * If-Match / If-None-Match (RFC 7232 2.3, 3.1, 3.2), and the trusted
 * source prefixes (naf/xhttp.c, common/base/addr_acl.c). */
#include <string.h>

#include "addr_acl.h"
#include "t.h"
#include "xhttp.h"

static void
test_ident(void)
{
	char id[XHTTP_IDENT_MAX];

	T_CHECK(xhttp_ident("\"sip:alice@ims.lab\"", id, sizeof(id)) == 0 &&
	    strcmp(id, "sip:alice@ims.lab") == 0, "quoted");
	T_CHECK(xhttp_ident("  tel:+15551234 ", id, sizeof(id)) == 0 &&
	    strcmp(id, "tel:+15551234") == 0, "bare, blanks");
	T_CHECK(xhttp_ident(NULL, id, sizeof(id)) < 0, "absent");
	T_CHECK(xhttp_ident("", id, sizeof(id)) < 0, "empty");
	T_CHECK(xhttp_ident("\"\"", id, sizeof(id)) < 0, "empty quoted");
	T_CHECK(xhttp_ident("\"sip:a@b", id, sizeof(id)) < 0, "unterminated");
	T_CHECK(xhttp_ident("\"sip:a\"@b\"", id, sizeof(id)) < 0, "a quote");
	T_CHECK(xhttp_ident("sip:a@b\r\nX: y", id, sizeof(id)) < 0, "CRLF");
	T_CHECK(xhttp_ident("sip:a b@c", id, sizeof(id)) < 0, "a blank");
	T_CHECK(xhttp_ident("sip:a@b", id, 4) < 0, "too long");
}

static void
test_etag(void)
{
	const char *e = "0123abcd";

	T_CHECK(xhttp_etag_match("\"0123abcd\"", e), "one");
	T_CHECK(xhttp_etag_match("\"x\", \"0123abcd\"", e), "in a list");
	T_CHECK(!xhttp_etag_match("\"0123abc\"", e), "prefix");
	T_CHECK(!xhttp_etag_match("\"0123abcde\"", e), "longer");
	T_CHECK(!xhttp_etag_match("W/\"0123abcd\"", e), "weak never strong");
	T_CHECK(xhttp_etag_match("W/\"x\", \"0123abcd\"", e), "after a weak");
	T_CHECK(xhttp_etag_match("*", e), "* with a representation");
	T_CHECK(!xhttp_etag_match("*", NULL), "* without");
	T_CHECK(!xhttp_etag_match("\"0123abcd\"", NULL), "none current");
	T_CHECK(!xhttp_etag_match("0123abcd", e), "unquoted: malformed");
	T_CHECK(!xhttp_etag_match("", e), "empty");
}

static void
test_acl(void)
{
	struct addr_acl a;
	char why[128];

	memset(&a, 0, sizeof(a));
	T_CHECK(addr_acl_add(&a, "10.1.2.3") == 0, "host");
	T_CHECK(addr_acl_add(&a, "192.168.0.0/16") == 0, "prefix");
	T_CHECK(addr_acl_add(&a, "fd00::/8") == 0, "v6 prefix");
	T_CHECK(addr_acl_add(&a, "10.0.0.0/33") < 0, "/33");
	T_CHECK(addr_acl_add(&a, "10.0.0.0/") < 0, "empty prefix");
	T_CHECK(addr_acl_add(&a, "10.0.0.0/8x") < 0, "junk");
	T_CHECK(addr_acl_add(&a, "host.example") < 0, "a name");
	T_CHECK(addr_acl_check("nope", why, sizeof(why)) < 0 &&
	    strstr(why, "ADDRESS") != NULL, "check says why: %s", why);
	T_CHECK(addr_acl_match(&a, "10.1.2.3"), "the host");
	T_CHECK(!addr_acl_match(&a, "10.1.2.4"), "its neighbour");
	T_CHECK(addr_acl_match(&a, "192.168.77.1"), "in the /16");
	T_CHECK(!addr_acl_match(&a, "192.169.0.1"), "outside");
	T_CHECK(addr_acl_match(&a, "fd12::1"), "v6 in the /8");
	T_CHECK(!addr_acl_match(&a, "fe80::1"), "v6 outside");
	T_CHECK(addr_acl_match(&a, "::ffff:10.1.2.3"), "v4-mapped");
	T_CHECK(!addr_acl_match(&a, NULL) && !addr_acl_match(&a, "x"), "junk");
}

int
main(void)
{
	test_ident();
	test_etag();
	test_acl();
	return t_done("test_xhttp");
}
