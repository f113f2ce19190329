/* test_ue_http.c - the pure parts of ims-ue's HTTP client for Ub and Ut
 * (tools/ims-ue/ue_httpmsg.c, ue_httpauth.c): URLs, response heads,
 * chunked bodies, Digest answers (RFC 2617 3.5), Authentication-Info and
 * rspauth, auth-int over a body, the AKAv1 password. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "t.h"
#include "ue_http.h"
#include "ue_httpauth.h"

static void
test_url(void)
{
	struct ue_url u;
	char why[128];

	T_CHECK(ue_url_parse("http://bsf.ims.example.org:8080", &u, why,
	    sizeof(why)) == 0 && !u.tls && strcmp(u.host,
	    "bsf.ims.example.org") == 0 && strcmp(u.port, "8080") == 0 &&
	    strcmp(u.path, "/") == 0 && !u.host_is_ip &&
	    strcmp(u.authority, "bsf.ims.example.org:8080") == 0, "bsf url");
	T_CHECK(ue_url_parse("https://10.0.0.1/simservs.ngn.etsi.org/users/"
	    "sip:dave@ims.example.org/simservs.xml", &u, why,
	    sizeof(why)) == 0 && u.tls && u.host_is_ip &&
	    strcmp(u.port, "443") == 0 && strcmp(u.path, "/simservs.ngn."
	    "etsi.org/users/sip:dave@ims.example.org/simservs.xml") == 0,
	    "naf url");
	T_CHECK(ue_url_parse("HTTPS://[2001:db8::1]:4443?x=1", &u, why,
	    sizeof(why)) == 0 && u.host_is_ip && strcmp(u.host,
	    "2001:db8::1") == 0 && strcmp(u.port, "4443") == 0 &&
	    strcmp(u.path, "/?x=1") == 0 &&
	    strcmp(u.authority, "[2001:db8::1]:4443") == 0, "v6 url");
	T_CHECK(ue_url_parse("ftp://x/", &u, why, sizeof(why)) == -EINVAL,
	    "scheme");
	T_CHECK(ue_url_parse("http://u@x/", &u, why, sizeof(why)) == -EINVAL,
	    "userinfo");
	T_CHECK(ue_url_parse("http://x:0/", &u, why, sizeof(why)) == -EINVAL,
	    "port 0");
	T_CHECK(ue_url_parse("http://x:65536/", &u, why, sizeof(why)) ==
	    -EINVAL, "port");
	T_CHECK(ue_url_parse("http://x/a b", &u, why, sizeof(why)) == -EINVAL,
	    "blank");
	T_CHECK(ue_url_parse("http://x/a#f", &u, why, sizeof(why)) == -EINVAL,
	    "fragment");
	T_CHECK(ue_url_parse("http:///", &u, why, sizeof(why)) == -EINVAL,
	    "no host");
	T_CHECK(ue_url_parse("http://[::1/", &u, why, sizeof(why)) == -EINVAL,
	    "bracket");
}

static int
head(const char *s, struct ue_http_resp *r)
{
	return ue_http_head_parse(s, strlen(s), r);
}

static void
test_head(void)
{
	struct ue_http_resp r = { .content_length = -1 };

	T_CHECK(head("HTTP/1.1 401 Unauthorized\r\n"
	    "WWW-Authenticate: Digest realm=\"bsf\", nonce=\"n\"\r\n"
	    "www-authenticate:Basic realm=\"x\"  \r\n"
	    "Content-Length: 0\r\nContent-Length: 0\r\n\r\n", &r) == 0 &&
	    r.status == 401 && strcmp(r.phrase, "Unauthorized") == 0 &&
	    r.nwww_auth == 2 && strcmp(r.www_auth[1], "Basic realm=\"x\"") ==
	    0 && r.content_length == 0 && r.keep_alive, "401");
	T_CHECK(head("HTTP/1.0 200 OK\nETag: \"e1\"\nContent-Type: "
	    "application/vnd.3gpp.bsf+xml\nAuthentication-Info: qop=auth\n"
	    "Transfer-Encoding: chunked\n\n", &r) == 0 && r.status == 200 &&
	    !r.keep_alive && r.chunked && strcmp(r.etag, "\"e1\"") == 0 &&
	    strcmp(r.auth_info, "qop=auth") == 0, "1.0, bare LF");
	T_CHECK(head("HTTP/1.1 204 \r\nConnection: keep-alive, close\r\n\r\n",
	    &r) == 0 && !r.keep_alive && r.phrase[0] == '\0', "close wins");
	T_CHECK(head("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n\r\n",
	    &r) == 0 && r.keep_alive, "1.0 keep-alive");
	T_CHECK(head("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
	    "Content-Length: 2\r\n\r\n", &r) == -EINVAL, "two lengths");
	T_CHECK(head("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", &r) == -EINVAL,
	    "length and chunked");
	T_CHECK(head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
	    &r) == -EINVAL, "coding");
	T_CHECK(head("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", &r) == -EINVAL,
	    "obs-fold");
	T_CHECK(head("HTTP/1.1 200 OK\r\nX : a\r\n\r\n", &r) == -EINVAL,
	    "blank before colon");
	T_CHECK(head("HTTP/1.1 200 OK\r\nX: a\001\r\n\r\n", &r) == -EINVAL,
	    "control");
	T_CHECK(head("HTTP/2 200 OK\r\n\r\n", &r) == -EINVAL, "version");
	T_CHECK(head("HTTP/1.1 20 OK\r\n\r\n", &r) == -EINVAL, "status");
	T_CHECK(head("HTTP/1.1 200 OK\r\n", &r) == -EINVAL, "unterminated");
	T_CHECK(head("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", &r) ==
	    -EINVAL, "negative length");
	T_CHECK(head("HTTP/1.1 200 OK\r\nAuthentication-Info: a=1\r\n"
	    "Authentication-Info: a=1\r\n\r\n", &r) == -EINVAL, "two infos");
	ue_http_resp_clear(&r);
}

static void
test_dechunk(void)
{
	static const char ok[] = "4;ext=1\r\nWiki\r\n5\r\npedia\r\n"
	    "E\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\nNEXT";
	uint8_t out[64];
	size_t outlen, used, i;

	T_CHECK(ue_http_dechunk((const uint8_t *)ok, sizeof(ok) - 1, out,
	    sizeof(out), &outlen, &used) == 0 && outlen == 23 &&
	    memcmp(out, "Wikipedia in\r\n\r\nchunks.", 23) == 0 &&
	    used == sizeof(ok) - 1 - 4, "RFC 9112 7.1 (%zu, %zu)", outlen,
	    used);
	for (i = 0; i < sizeof(ok) - 1 - 4; i++)
		T_CHECK(ue_http_dechunk((const uint8_t *)ok, i, out,
		    sizeof(out), &outlen, &used) == -EAGAIN, "prefix %zu", i);
	T_CHECK(ue_http_dechunk((const uint8_t *)ok, sizeof(ok) - 1, out, 8,
	    &outlen, &used) == -E2BIG, "too big");
	T_CHECK(ue_http_dechunk((const uint8_t *)"x\r\n", 3, out, sizeof(out),
	    &outlen, &used) == -EINVAL, "not hex");
	T_CHECK(ue_http_dechunk((const uint8_t *)"1\r\nab\r\n", 7, out,
	    sizeof(out), &outlen, &used) == -EINVAL, "no CRLF after data");
	T_CHECK(ue_http_dechunk((const uint8_t *)"fffffffff\r\n", 11, out,
	    sizeof(out), &outlen, &used) == -E2BIG, "huge size");
}

/* RFC 2617 3.5: the Mufasa example. */
static void
test_rfc2617(void)
{
	struct digest chal, cr;
	struct ue_dauth a;
	char out[DIGEST_FORMAT_MAX];
	static const char ch[] = "Digest realm=\"testrealm@host.com\", "
	    "qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
	    "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
	char vals[1][UE_HTTP_HDR_MAX];

	snprintf(vals[0], sizeof(vals[0]), "%s", ch);
	T_CHECK(ue_dauth_challenge((const char (*)[UE_HTTP_HDR_MAX])vals, 1,
	    "MD5", &chal) == 0, "challenge without algorithm is MD5");
	T_CHECK(ue_dauth_challenge((const char (*)[UE_HTTP_HDR_MAX])vals, 1,
	    "AKAv1-MD5", &chal) == -ENOENT, "not AKA");
	(void)ue_dauth_challenge((const char (*)[UE_HTTP_HDR_MAX])vals, 1,
	    "MD5", &chal);
	memset(&a, 0, sizeof(a));
	strcpy(a.username, "Mufasa");
	strcpy(a.uri, "/dir/index.html");
	memcpy(a.pw, "Circle Of Life", 14);
	a.pw_len = 14;
	T_CHECK(ue_dauth_answer(&a, &chal, "auth", "GET", NULL, 0,
	    "0a4f113b", NULL, out, sizeof(out)) == 0, "answer");
	T_CHECK(strcmp(a.response, "6629fae49393a05397450978507c4ef1") == 0,
	    "response %s", a.response);
	T_CHECK(digest_parse(out, strlen(out), &cr) == 0 &&
	    strcmp(cr.qop, "auth") == 0 && strcmp(cr.nc, "00000001") == 0 &&
	    strcmp(cr.opaque, "5ccc069c403ebaf9f0171e9517f40e41") == 0 &&
	    !DIGEST_HAS(&cr, DIGEST_ALGORITHM), "Authorization %s", out);
	/* auth-int preferred: the other qop */
	T_CHECK(ue_dauth_answer(&a, &chal, "auth-int", "PUT",
	    (const uint8_t *)"x", 1, "0a4f113b", NULL, out, sizeof(out)) ==
	    0 && strcmp(a.qop, "auth-int") == 0, "auth-int");
	ue_dauth_wipe(&a);
}

/* The server's side of rspauth as the bsf computes it (RFC 2617 3.2.3:
 * the method empty, auth-int over the response body). */
static void
test_rspauth(void)
{
	static const uint8_t res[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const char body[] = "<BootstrappingInfo/>";
	struct digest chal, info;
	struct ue_dauth a;
	char out[DIGEST_FORMAT_MAX], rsp[33], hdr[256];
	size_t pwlen;

	digest_init(&chal);
	digest_set(&chal, DIGEST_REALM, "bsf.ims.example.org");
	digest_set(&chal, DIGEST_NONCE, "AAECAwQFBgcICQoLDA0ODwABAgMEBQYHCAkKCwwNDg8=");
	digest_set(&chal, DIGEST_ALGORITHM, "AKAv1-MD5");
	digest_set(&chal, DIGEST_QOP, "auth-int");
	memset(&a, 0, sizeof(a));
	strcpy(a.username, "dave@ims.example.org");
	strcpy(a.uri, "/");
	T_CHECK(digest_aka_password("AKAv1-MD5", res, sizeof(res), NULL, NULL,
	    a.pw, &pwlen) == 0 && pwlen == 8 && memcmp(a.pw, res, 8) == 0,
	    "AKAv1 password is RES");
	a.pw_len = pwlen;
	T_CHECK(ue_dauth_answer(&a, &chal, "auth-int", "GET", NULL, 0,
	    "00112233445566778899aabbccddeeff", "YXV0cw==", out,
	    sizeof(out)) == 0 && strstr(out, "auts=\"YXV0cw==\"") != NULL &&
	    strstr(out, "algorithm=AKAv1-MD5") != NULL, "answer %s", out);
	T_CHECK(digest_response_md5(a.username, a.realm, a.pw, a.pw_len, "",
	    a.uri, a.nonce, "auth-int", "00000001",
	    "00112233445566778899aabbccddeeff", (const uint8_t *)body,
	    strlen(body), rsp) == 0, "server rspauth");
	snprintf(hdr, sizeof(hdr), " qop=auth-int, rspauth=\"%s\", "
	    "cnonce=\"00112233445566778899aabbccddeeff\", nc=00000001", rsp);
	T_CHECK(ue_authinfo_parse(hdr, strlen(hdr), &info) == 0 &&
	    ue_digest_param(&info, "rspauth") != NULL, "Authentication-Info");
	T_CHECK(ue_dauth_rspauth(&a, &info, (const uint8_t *)body,
	    strlen(body)) == 1, "rspauth verifies");
	T_CHECK(ue_dauth_rspauth(&a, &info, (const uint8_t *)body,
	    strlen(body) - 1) == 0, "another body");
	/* another cnonce, an upper-case rspauth */
	snprintf(hdr, sizeof(hdr), "qop=auth-int, rspauth=\"%s\", "
	    "cnonce=\"ff\", nc=00000001", rsp);
	T_CHECK(ue_authinfo_parse(hdr, strlen(hdr), &info) == 0 &&
	    ue_dauth_rspauth(&a, &info, (const uint8_t *)body,
	    strlen(body)) == 0, "cnonce echoed");
	for (size_t i = 0; i < 32; i++)
		if (rsp[i] >= 'a')
			rsp[i] = (char)(rsp[i] - 'a' + 'A');
	snprintf(hdr, sizeof(hdr), "rspauth=\"%s\"", rsp);
	T_CHECK(ue_authinfo_parse(hdr, strlen(hdr), &info) == 0 &&
	    ue_dauth_rspauth(&a, &info, (const uint8_t *)body,
	    strlen(body)) == 1, "case of rspauth");
	T_CHECK(ue_authinfo_parse("nextnonce=\"x\"", 13, &info) == 0 &&
	    ue_dauth_rspauth(&a, &info, NULL, 0) == 0, "no rspauth");
	T_CHECK(ue_authinfo_parse("  ", 2, &info) == -EINVAL, "empty");
	T_CHECK(ue_authinfo_parse("rspauth=\"a", 10, &info) == -EINVAL,
	    "unterminated");
	ue_dauth_wipe(&a);
}

int
main(void)
{
	test_url();
	test_head();
	test_dechunk();
	test_rfc2617();
	test_rspauth();
	return t_done("test_ue_http");
}
