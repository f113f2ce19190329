/* test_bsf_core.c - the bsf's parts without a network: the RFC 2617 /
 * RFC 3310 checks (vectors computed with Python's hashlib, not with our
 * code), the pending challenges (nonce, replacement, room, expiry), the
 * per-IMPI MAR limit and the SQLite store of bootstraps (replacement by
 * IMPI, expiry, purge).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsf.h"
#include "t.h"

#define IMPI	"alice@imst.test"
#define REALM	"bsf.imst.test"

static const uint8_t pw[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static void
creds(struct digest *d, const char *qop, const char *response)
{
	digest_init(d);
	(void)digest_set(d, DIGEST_USERNAME, IMPI);
	(void)digest_set(d, DIGEST_REALM, REALM);
	(void)digest_set(d, DIGEST_NONCE, "bm9uY2U=");
	(void)digest_set(d, DIGEST_URI, "/");
	(void)digest_set(d, DIGEST_RESPONSE, response);
	(void)digest_set(d, DIGEST_ALGORITHM, "AKAv1-MD5");
	if (qop != NULL) {
		(void)digest_set(d, DIGEST_QOP, qop);
		(void)digest_set(d, DIGEST_NC, "00000001");
		(void)digest_set(d, DIGEST_CNONCE, "c0ffee");
	}
}

static void
test_digest(void)
{
	static struct digest d;
	const uint8_t *body = (const uint8_t *)"hello\n";
	char out[33];

	creds(&d, "auth-int", "0f3d4e197d298dd975af91249d95f182");
	T_CHECK(bsf_digest_check(&d, "GET", pw, sizeof(pw), NULL, 0) == 1,
	    "auth-int, empty body");
	creds(&d, "auth-int", "0F3D4E197D298DD975AF91249D95F182");
	T_CHECK(bsf_digest_check(&d, "GET", pw, sizeof(pw), NULL, 0) == 1,
	    "upper-case hex");
	T_CHECK(bsf_digest_check(&d, "POST", pw, sizeof(pw), NULL, 0) == 0,
	    "another method");
	T_CHECK(bsf_digest_check(&d, "GET", pw, 7, NULL, 0) == 0,
	    "another password");
	creds(&d, "auth-int", "495ddb00e96c543d1577cb8173131c2d");
	T_CHECK(bsf_digest_check(&d, "POST", pw, sizeof(pw), body, 6) == 1,
	    "auth-int over a body");
	T_CHECK(bsf_digest_check(&d, "POST", pw, sizeof(pw), body, 5) == 0,
	    "auth-int: the body is protected");
	creds(&d, "auth", "a0647461c098d401508ce139e9887864");
	T_CHECK(bsf_digest_check(&d, "GET", pw, sizeof(pw), body, 6) == 1,
	    "auth ignores the body");
	creds(&d, "auth-int", "d5f82b7ce7cbc679271abdefc6a985e8");
	T_CHECK(bsf_digest_check(&d, "GET", (const uint8_t *)"", 0, NULL,
	    0) == 1, "the empty password of a resynchronisation");
	creds(&d, NULL, "0f3d4e197d298dd975af91249d95f182");
	T_CHECK(bsf_digest_check(&d, "GET", pw, sizeof(pw), NULL, 0) < 0,
	    "no qop (RFC 2069 form) refused");
	creds(&d, "auth-int", "0f3d4e19");
	T_CHECK(bsf_digest_check(&d, "GET", pw, sizeof(pw), NULL, 0) == 0,
	    "short response");
	creds(&d, "auth-int", "x");
	T_CHECK(bsf_digest_rspauth(&d, pw, sizeof(pw),
	    (const uint8_t *)"<x/>", 4, out) == 0 &&
	    strcmp(out, "71cc1e31050b21675dbabc9510bd12e6") == 0,
	    "rspauth over our body: %s", out);
}

static struct zh_answer *
vector(uint8_t seed)
{
	static struct zh_answer a;

	memset(&a, 0, sizeof(a));
	memset(a.rand, seed, 16);
	memset(a.autn, seed + 1, 16);
	memset(a.xres, seed + 2, 8);
	a.xres_len = 8;
	memset(a.ck, seed + 3, 16);
	memset(a.ik, seed + 4, 16);
	a.has_vector = 1;
	return &a;
}

static void
test_chals(void)
{
	struct bsf_chals t;
	struct bsf_chal *c, *c2;
	struct zh_answer *a;
	uint8_t rand[16], autn[16], sd[32];
	size_t sdlen;
	char hdr[DIGEST_FORMAT_MAX], nonce[DIGEST_MAX_VALUE + 1];

	T_CHECK(bsf_chals_init(&t, 2, 60, 5, 60) == 0, "init");
	T_CHECK(bsf_chals_room(&t, 0) && !bsf_chals_room(&t, 2), "room");
	c = bsf_chal_new(&t, IMPI, vector(0x10));
	T_CHECK(c != NULL && t.n == 1, "new");
	if (c == NULL)
		return;
	T_CHECK(digest_aka_nonce_split(c->nonce, rand, autn, sd, sizeof(sd),
	    &sdlen) == 0 && rand[0] == 0x10 && autn[15] == 0x11 &&
	    sdlen == BSF_SERVER_DATA_LEN,
	    "nonce = base64(RAND || AUTN || server data)");
	T_CHECK(strlen(c->opaque) == 2 * BSF_OPAQUE_LEN, "opaque");
	T_CHECK(bsf_chal_header(c, REALM, 1, hdr, sizeof(hdr)) == 0 &&
	    strstr(hdr, "qop=\"auth-int\"") != NULL &&
	    strstr(hdr, "algorithm=AKAv1-MD5") != NULL &&
	    strstr(hdr, "realm=\"" REALM "\"") != NULL &&
	    strstr(hdr, "stale=true") != NULL, "header: %s", hdr);
	T_CHECK(bsf_chal_find(&t, c->nonce) == c, "find");
	(void)snprintf(nonce, sizeof(nonce), "%s", c->nonce);
	c2 = bsf_chal_new(&t, IMPI, vector(0x20));
	T_CHECK(c2 != NULL && t.n == 1 && bsf_chal_find(&t, nonce) == NULL,
	    "a new challenge replaces the IMPI's old one");
	T_CHECK(bsf_chal_new(&t, "bob@imst.test", vector(0x30)) != NULL &&
	    t.n == 2 && !bsf_chals_room(&t, 0), "full");
	T_CHECK(bsf_chal_new(&t, "carol@imst.test", vector(0x40)) == NULL,
	    "no slot left");
	a = vector(0);
	a->xres_len = 2;
	T_CHECK(bsf_chal_new(&t, IMPI, a) == NULL, "RES too short");
	if (c2 != NULL) {
		bsf_chal_release(&t, c2);
		T_CHECK(t.n == 1 && !c2->used && c2->ck[0] == 0,
		    "release wipes");
	}
	t.timeout = 0;
	bsf_chals_expire(&t);
	T_CHECK(t.n == 0, "expiry");
	bsf_chals_free(&t);
}

static void
test_mar_limit(void)
{
	struct bsf_chals t;

	T_CHECK(bsf_chals_init(&t, 2, 60, 2, 60) == 0, "init");
	T_CHECK(bsf_mar_allow(&t, IMPI) && bsf_mar_allow(&t, IMPI),
	    "two MARs");
	T_CHECK(!bsf_mar_allow(&t, IMPI), "a third refused");
	T_CHECK(bsf_mar_allow(&t, "bob@imst.test"), "another IMPI");
	T_CHECK(bsf_mar_allow(&t, "carol@imst.test"),
	    "a full table drops the oldest window");
	t.mar_window = 0;
	T_CHECK(bsf_mar_allow(&t, IMPI), "a new window");
	bsf_chals_free(&t);
}

static void
test_store(void)
{
	char path[] = "/tmp/test_bsf_core.XXXXXX";
	char db[64], aux[80];
	struct bsf_store *s = NULL;
	struct bsf_boot b, g;
	int fd;

	if ((fd = mkstemp(path)) < 0) {
		T_CHECK(0, "mkstemp");
		return;
	}
	(void)close(fd);
	(void)unlink(path);
	(void)snprintf(db, sizeof(db), "%s.db", path);
	T_CHECK(bsf_store_open(db, &s) == 0, "open");
	if (s == NULL)
		return;
	memset(&b, 0, sizeof(b));
	(void)snprintf(b.btid, sizeof(b.btid), "AAAA@" REALM);
	(void)snprintf(b.impi, sizeof(b.impi), IMPI);
	memset(b.rand, 7, 16);
	memset(b.ks, 9, 32);
	b.created = 1000;
	b.expires = 2000;
	b.guss = "<guss/>";
	T_CHECK(bsf_store_put(s, &b) == 0, "put");
	T_CHECK(bsf_store_get(s, b.btid, 1500, &g) == 0 &&
	    strcmp(g.impi, IMPI) == 0 && g.ks[31] == 9 && g.rand[0] == 7 &&
	    g.expires == 2000 && g.guss != NULL &&
	    strcmp(g.guss, "<guss/>") == 0, "get");
	bsf_boot_clear(&g);
	T_CHECK(bsf_store_get(s, b.btid, 2000, &g) == -ENOENT, "expired");
	T_CHECK(bsf_store_get(s, "nope@" REALM, 1500, &g) == -ENOENT,
	    "unknown");
	(void)snprintf(b.btid, sizeof(b.btid), "BBBB@" REALM);
	b.guss = NULL;
	b.expires = 3000;
	T_CHECK(bsf_store_put(s, &b) == 0, "put again");
	T_CHECK(bsf_store_get(s, "AAAA@" REALM, 1500, &g) == -ENOENT,
	    "a new bootstrap of the IMPI replaces the old B-TID");
	T_CHECK(bsf_store_get(s, b.btid, 1500, &g) == 0 && g.guss == NULL,
	    "the new one, without GUSS");
	bsf_boot_clear(&g);
	(void)snprintf(b.btid, sizeof(b.btid), "CCCC@" REALM);
	(void)snprintf(b.impi, sizeof(b.impi), "bob@imst.test");
	b.expires = 1200;
	T_CHECK(bsf_store_put(s, &b) == 0, "bob");
	T_CHECK(bsf_store_purge(s, 1500) == 1, "purge removes bob's");
	T_CHECK(bsf_store_get(s, "BBBB@" REALM, 1500, &g) == 0,
	    "alice's stays");
	bsf_boot_clear(&g);
	bsf_store_close(s);
	(void)unlink(db);
	(void)snprintf(aux, sizeof(aux), "%s-wal", db);
	(void)unlink(aux);
	(void)snprintf(aux, sizeof(aux), "%s-shm", db);
	(void)unlink(aux);
}

int
main(void)
{
	test_digest();
	test_chals();
	test_mar_limit();
	test_store();
	return t_done("test_bsf_core");
}
