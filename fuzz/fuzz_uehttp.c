/* fuzz_uehttp.c - the parsers of ims-ue's Ub/Ut client never crash: the
 * response head, chunked bodies, URLs, WWW-Authenticate challenges as
 * ue_dauth_challenge picks them, Authentication-Info and the rspauth check
 * (tools/ims-ue/ue_httpmsg.c, ue_httpauth.c).  The first byte picks the
 * parser; the rest is its input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ue_http.h"
#include "ue_httpauth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint8_t out[UE_HTTP_BODY_MAX];
static char vals[UE_HTTP_MAX_AUTH][UE_HTTP_HDR_MAX];

static void
head(const uint8_t *d, size_t n)
{
	struct ue_http_resp r = { .content_length = -1 };
	struct digest chal;
	struct ue_dauth a;
	char auth[DIGEST_FORMAT_MAX];

	if (ue_http_head_parse((const char *)d, n, &r) != 0)
		return;
	if (r.status < 100 || r.status > 999 || r.nwww_auth > UE_HTTP_MAX_AUTH ||
	    (r.chunked && r.content_length >= 0))
		abort();
	memcpy(vals, r.www_auth, sizeof(vals));
	if (ue_dauth_challenge((const char (*)[UE_HTTP_HDR_MAX])vals,
	    r.nwww_auth, "MD5", &chal) == 0 ||
	    ue_dauth_challenge((const char (*)[UE_HTTP_HDR_MAX])vals,
	    r.nwww_auth, "AKAv1-MD5", &chal) == 0) {
		memset(&a, 0, sizeof(a));
		strcpy(a.username, "u@x");
		strcpy(a.uri, "/");
		(void)ue_dauth_answer(&a, &chal, "auth-int", "GET", NULL, 0,
		    "00112233445566778899aabbccddeeff", NULL, auth,
		    sizeof(auth));
	}
	ue_http_resp_clear(&r);
}

static void
info(const uint8_t *d, size_t n)
{
	struct digest i;
	struct ue_dauth a;

	if (ue_authinfo_parse((const char *)d, n, &i) != 0)
		return;
	memset(&a, 0, sizeof(a));
	strcpy(a.username, "u@x");
	strcpy(a.uri, "/");
	strcpy(a.realm, "r");
	strcpy(a.nonce, "n");
	strcpy(a.qop, "auth-int");
	strcpy(a.nc, "00000001");
	strcpy(a.cnonce, "c");
	(void)ue_dauth_rspauth(&a, &i, d, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ue_url u;
	char s[2048], why[128];
	size_t olen, used;

	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		head(data + 1, size - 1);
		break;
	case 1:
		if (ue_http_dechunk(data + 1, size - 1, out, sizeof(out), &olen,
		    &used) == 0 && (used > size - 1 || olen > size - 1))
			abort();
		break;
	case 2:
		info(data + 1, size - 1);
		break;
	case 3:
		if (size - 1 >= sizeof(s))
			return 0;
		memcpy(s, data + 1, size - 1);
		s[size - 1] = '\0';
		if (ue_url_parse(s, &u, why, sizeof(why)) == 0 &&
		    (u.path[0] != '/' || u.host[0] == '\0'))
			abort();
		break;
	}
	return 0;
}
