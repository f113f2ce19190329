/* test_ike_crypto.c - the IKEv2 key schedule (common/ike/ike_crypto.h):
 * the PRF on RFC 4231 / RFC 4868, prf+ and the keys on the SP 800-135
 * IKEv2 KDF vectors and recomputed from the PRF, the DH groups on RFC 5903
 * 8 and the RFC 6989 refusals.  The SK payload: test_ike_sk.c; AUTH:
 * test_ike_auth.c.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "ike_crypto.h"
#include "t.h"
#include "vectors.h"

static size_t
unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t len = 0;

	if (hex_decode_var(hex, out, max, &len) < 0) {
		fprintf(stderr, "bad hex in the test: %s\n", hex);
		exit(2);
	}
	return len;
}

/* An independent HMAC for the expected values (EVP_Q_mac one-shot). */
static void
hmac(const char *md, const uint8_t *k, size_t kl, const uint8_t *d,
    size_t dl, uint8_t *out)
{
	size_t n = 0;

	if (EVP_Q_mac(NULL, "HMAC", NULL, md, NULL, k, kl, d, dl, out, 64,
	    &n) == NULL) {
		fprintf(stderr, "EVP_Q_mac failed\n");
		exit(2);
	}
}

/* RFC 4231 4.2-4.8 (HMAC-SHA-256; RFC 4868 2.7.1 uses the same cases for
 * PRF_HMAC_SHA2_256), test case 5 (truncation) left out. */
static void
test_prf_rfc4231(void)
{
	static const struct {
		const char *key, *data, *mac;
	} tc[] = {
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		{ "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
		  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
		{ "0102030405060708090a0b0c0d0e0f10111213141516171819",
		  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
		  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
		{ NULL, "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
		{ NULL, "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
		  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
	};
	uint8_t key[131], data[160], out[32];
	size_t i, kl, dl;

	for (i = 0; i < sizeof(tc) / sizeof(tc[0]); i++) {
		if (tc[i].key != NULL) {
			kl = unhex(tc[i].key, key, sizeof(key));
		} else {		/* 4.7, 4.8: 131 bytes of 0xaa */
			memset(key, 0xaa, sizeof(key));
			kl = sizeof(key);
		}
		dl = unhex(tc[i].data, data, sizeof(data));
		T_CHECK(ike_prf(IKE_PRF_HMAC_SHA2_256, key, kl, data, dl,
		    out) == 0, "case %zu", i);
		T_EQ_HEX(out, 32, tc[i].mac);
	}
	T_CHECK(ike_prf(99, key, 4, data, 4, out) == -EINVAL, "unknown prf");
	T_CHECK(ike_prf_len(IKE_PRF_HMAC_SHA2_256) == 32 &&
	    ike_prf_len(IKE_PRF_HMAC_SHA1) == 20 && ike_prf_len(7) == 0,
	    "prf lengths");
}

/* 2.13: T1 = prf(K, S | 0x01), T2 = prf(K, T1 | S | 0x02); at most 255
 * blocks; a shorter output is a prefix of a longer one. */
static void
test_prf_plus(void)
{
	static uint8_t big[255 * 32 + 1];
	const uint8_t k[] = "a key", s[] = "the seed";
	uint8_t buf[80], t[64], want[64], out[100];
	const uint16_t prf = IKE_PRF_HMAC_SHA2_256;

	memcpy(buf, s, sizeof(s));
	buf[sizeof(s)] = 0x01;
	hmac("SHA256", k, sizeof(k), buf, sizeof(s) + 1, want);
	T_CHECK(ike_prf_plus(prf, k, sizeof(k), s, sizeof(s), out, 100) == 0,
	    "prf+ 100");
	T_CHECK(memcmp(out, want, 32) == 0, "T1 = prf(K, S | 0x01)");
	memcpy(buf, want, 32);
	memcpy(buf + 32, s, sizeof(s));
	buf[32 + sizeof(s)] = 0x02;
	hmac("SHA256", k, sizeof(k), buf, 32 + sizeof(s) + 1, t);
	T_CHECK(memcmp(out + 32, t, 32) == 0, "T2 = prf(K, T1 | S | 0x02)");
	T_CHECK(ike_prf_plus(prf, k, sizeof(k), s, sizeof(s), t, 50) == 0 &&
	    memcmp(t, out, 50) == 0, "50 bytes: a prefix of 100");
	T_CHECK(ike_prf_plus(prf, k, sizeof(k), s, sizeof(s), big,
	    255 * 32) == 0, "255 blocks");
	T_CHECK(memcmp(big, out, 100) == 0, "255 blocks: same prefix");
	T_CHECK(ike_prf_plus(prf, k, sizeof(k), s, sizeof(s), big,
	    255 * 32 + 1) == -EINVAL, "256 blocks refused");
	T_CHECK(ike_prf_plus(IKE_PRF_HMAC_SHA1, k, sizeof(k), s, sizeof(s),
	    big, 255 * 20 + 1) == -EINVAL, "SHA1: 256 blocks refused");
}

static const struct ike_suite suites[] = {
	{ IKE_ENCR_AES_CBC, 128, IKE_PRF_HMAC_SHA2_256,
	  IKE_INTEG_HMAC_SHA2_256_128, IKE_DH_ECP256 },
	{ IKE_ENCR_AES_CBC, 256, IKE_PRF_HMAC_SHA2_256,
	  IKE_INTEG_HMAC_SHA2_256_128, IKE_DH_MODP2048 },
	{ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256, IKE_INTEG_NONE,
	  IKE_DH_ECP384 },
	{ IKE_ENCR_AES_GCM_16, 256, IKE_PRF_HMAC_SHA2_256, IKE_INTEG_NONE,
	  IKE_DH_NONE },
};
#define NSUITES	(sizeof(suites) / sizeof(suites[0]))

static void
test_suite_check(void)
{
	static const struct ike_suite bad[] = {
		{ IKE_ENCR_AES_GCM_16, 128, 5, IKE_INTEG_HMAC_SHA2_256_128, 0 },
		{ IKE_ENCR_AES_CBC, 128, 5, IKE_INTEG_NONE, 0 },
		{ IKE_ENCR_AES_CBC, 192, 5, IKE_INTEG_HMAC_SHA2_256_128, 0 },
		{ 3 /* 3DES */, 128, 5, IKE_INTEG_HMAC_SHA2_256_128, 0 },
		{ IKE_ENCR_AES_CBC, 128, 4, IKE_INTEG_HMAC_SHA2_256_128, 0 },
		{ IKE_ENCR_AES_CBC, 128, 5, 2 /* SHA1-96 */, 0 },
		{ IKE_ENCR_AES_CBC, 128, 5, IKE_INTEG_HMAC_SHA2_256_128, 2 },
	};
	size_t i;

	for (i = 0; i < NSUITES; i++)
		T_CHECK(ike_suite_check(&suites[i]) == 0, "suite %zu", i);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		T_CHECK(ike_suite_check(&bad[i]) == -EINVAL, "bad suite %zu",
		    i);
	T_CHECK(ike_encr_keylen(IKE_ENCR_AES_CBC, 128) == 16 &&
	    ike_encr_keylen(IKE_ENCR_AES_CBC, 256) == 32 &&
	    ike_encr_keylen(IKE_ENCR_AES_GCM_16, 128) == 20 &&
	    ike_encr_keylen(IKE_ENCR_AES_GCM_16, 256) == 36 &&
	    ike_integ_keylen(IKE_INTEG_HMAC_SHA2_256_128) == 32 &&
	    ike_integ_icvlen(IKE_INTEG_HMAC_SHA2_256_128) == 16,
	    "transform lengths (RFC 3602, 5282 7.1, 4868 2.1)");
}

static uint64_t
be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The seven keys in their 2.14 order, concatenated. */
static size_t
keys_cat(const struct ike_sa_keys *k, uint8_t *out)
{
	uint8_t *p = out;

	memcpy(p, k->sk_d, k->prf_len), p += k->prf_len;
	memcpy(p, k->sk_ai, k->integ_len), p += k->integ_len;
	memcpy(p, k->sk_ar, k->integ_len), p += k->integ_len;
	memcpy(p, k->sk_ei, k->encr_len), p += k->encr_len;
	memcpy(p, k->sk_er, k->encr_len), p += k->encr_len;
	memcpy(p, k->sk_pi, k->prf_len), p += k->prf_len;
	memcpy(p, k->sk_pr, k->prf_len), p += k->prf_len;
	return (size_t)(p - out);
}

/* SP 800-135 IKEv2 KDF vectors (tests/vectors/ikev2_kdf.json), HMAC-SHA1:
 * AES-GCM-256 makes the 2.14 output 3 * 20 + 2 * 36 = 132 bytes, the
 * vectors' DKM length. */
static void
test_kdf_vectors(void)
{
	const struct ike_suite s = { IKE_ENCR_AES_GCM_16, 256,
	    IKE_PRF_HMAC_SHA1, IKE_INTEG_NONE, IKE_DH_NONE };
	const struct ike_suite cs = { IKE_ENCR_AES_CBC, 128, 0,
	    IKE_INTEG_HMAC_SHA2_256_128, 0 };
	static const struct ike_sa_keys zero;
	uint8_t ni[64], nr[64], spi[8], gir[256], girn[256], nn[144];
	uint8_t want[256], got[256], seed[20];
	struct ike_sa_keys k, k2;
	struct ike_child_keys ck;
	cJSON *all = vec_load("ikev2_kdf.json");
	const cJSON *v;
	uint64_t spi_i, spi_r;
	size_t nil, nrl, gl, gnl, wl, n = 0;
	int i;

	cJSON_ArrayForEach(v, all) {
		const char *name = vec_str(v, "name");

		nil = vec_hexvar(v, "ni", ni, sizeof(ni));
		nrl = vec_hexvar(v, "nr", nr, sizeof(nr));
		vec_hex(v, "spi_i", spi, 8);
		spi_i = be64(spi);
		vec_hex(v, "spi_r", spi, 8);
		spi_r = be64(spi);
		gl = vec_hexvar(v, "gir", gir, sizeof(gir));
		gnl = vec_hexvar(v, "gir_new", girn, sizeof(girn));
		memcpy(nn, ni, nil);
		memcpy(nn + nil, nr, nrl);
		T_CHECK(ike_prf(IKE_PRF_HMAC_SHA1, nn, nil + nrl, gir, gl,
		    seed) == 0, "%s: prf", name);
		T_EQ_HEX(seed, 20, vec_str(v, "skeyseed"));
		T_CHECK(ike_keys_derive(&s, ni, nil, nr, nrl, gir, gl, spi_i,
		    spi_r, &k) == 0, "%s: derive", name);
		wl = vec_hexvar(v, "dkm", want, sizeof(want));
		T_CHECK(keys_cat(&k, got) == wl && memcmp(got, want, wl) == 0,
		    "%s: SK_d .. SK_pr = DKM", name);
		/* 2.18: the new keys = prf+(SKEYSEED_rekey, Ni | Nr | SPIi |
		 * SPIr), the seed built here (same SPIs for the test). */
		vec_hex(v, "skeyseed_rekey", seed, 20);
		for (i = 0; i < 8; i++) {
			nn[nil + nrl + i] = (uint8_t)(spi_i >> (56 - 8 * i));
			nn[nil + nrl + 8 + i] = (uint8_t)(spi_r >> (56 - 8 * i));
		}
		T_CHECK(ike_keys_rekey(&s, &k, girn, gnl, ni, nil, nr, nrl,
		    spi_i, spi_r, &k2) == 0, "%s: rekey", name);
		T_CHECK(ike_prf_plus(IKE_PRF_HMAC_SHA1, seed, 20, nn,
		    nil + nrl + 16, want, wl) == 0, "prf+");
		T_CHECK(keys_cat(&k2, got) == wl && memcmp(got, want, wl) == 0,
		    "%s: rekeyed keys from SKEYSEED_rekey", name);
		if (cJSON_GetObjectItemCaseSensitive(v, "dkm_child")) {
			/* 2.17: KEYMAT's first 96 bytes as 4 keys */
			T_CHECK(ike_child_keymat(&k, &cs, NULL, 0, ni, nil, nr,
			    nrl, &ck) == 0, "%s: keymat", name);
			wl = vec_hexvar(v, "dkm_child", want, sizeof(want));
			T_CHECK(memcmp(ck.encr_i, want, 16) == 0 &&
			    memcmp(ck.integ_i, want + 16, 32) == 0 &&
			    memcmp(ck.encr_r, want + 48, 16) == 0 &&
			    memcmp(ck.integ_r, want + 64, 32) == 0,
			    "%s: KEYMAT", name);
			T_CHECK(ike_child_keymat(&k, &cs, girn, gnl, ni, nil,
			    nr, nrl, &ck) == 0, "%s: keymat dh", name);
			wl = vec_hexvar(v, "dkm_child_dh", want, sizeof(want));
			T_CHECK(memcmp(ck.encr_i, want, 16) == 0 &&
			    memcmp(ck.integ_i, want + 16, 32) == 0 &&
			    memcmp(ck.encr_r, want + 48, 16) == 0 &&
			    memcmp(ck.integ_r, want + 64, 32) == 0,
			    "%s: KEYMAT with g^ir (new)", name);
		}
		n++;
	}
	T_CHECK(n == 2, "both vector sets ran");
	ike_keys_wipe(&k);
	T_CHECK(memcmp(&k, &zero, sizeof(k)) == 0, "ike_keys_wipe zeroes");
	cJSON_Delete(all);
}

/* 2.14 recomputed here from ike_prf alone (checked on RFC 4231 above)
 * for each suite of the profile: SKEYSEED = prf(Ni | Nr, g^ir), then the
 * prf+ blocks by hand. */
static void
test_keys_recomputed(void)
{
	uint8_t ni[32], nr[48], gir[256], nn[80], skeyseed[32];
	uint8_t seed[32 + 80 + 17], want[8 * 32], got[8 * 32];
	const uint64_t spi_i = 0x0123456789abcdefULL, spi_r = 0xfedcba98765432ULL;
	struct ike_sa_keys k;
	size_t i, j, total, off;

	for (i = 0; i < sizeof(gir); i++)
		gir[i] = (uint8_t)(i * 7 + 1);
	memset(ni, 0x11, sizeof(ni));
	memset(nr, 0x22, sizeof(nr));
	memcpy(nn, ni, sizeof(ni));
	memcpy(nn + sizeof(ni), nr, sizeof(nr));
	T_CHECK(ike_prf(IKE_PRF_HMAC_SHA2_256, nn, sizeof(nn), gir,
	    sizeof(gir), skeyseed) == 0, "SKEYSEED");
	for (i = 0; i < NSUITES; i++) {
		const struct ike_suite *s = &suites[i];
		size_t el = ike_encr_keylen(s->encr, s->encr_bits);
		size_t il = ike_integ_keylen(s->integ);

		T_CHECK(ike_keys_derive(s, ni, sizeof(ni), nr, sizeof(nr), gir,
		    sizeof(gir), spi_i, spi_r, &k) == 0, "derive %zu", i);
		T_CHECK(k.prf_len == 32 && k.integ_len == il &&
		    k.encr_len == el && (il == 32 || il == 0) &&
		    (el == 16 || el == 20 || el == 32 || el == 36),
		    "suite %zu lengths", i);
		total = 3 * 32 + 2 * il + 2 * el;
		/* T1 | T2 | ...: Tn = prf(SKEYSEED, Tn-1 | Ni | Nr | SPIs | n) */
		for (j = 0, off = 0; off < total; j++, off += 32) {
			size_t sl = 0, b;

			if (j > 0) {
				memcpy(seed, want + off - 32, 32);
				sl = 32;
			}
			memcpy(seed + sl, nn, sizeof(nn));
			sl += sizeof(nn);
			for (b = 0; b < 8; b++) {
				seed[sl + b] = (uint8_t)(spi_i >> (56 - 8 * b));
				seed[sl + 8 + b] = (uint8_t)(spi_r >> (56 - 8 * b));
			}
			sl += 16;
			seed[sl++] = (uint8_t)(j + 1);
			T_CHECK(ike_prf(IKE_PRF_HMAC_SHA2_256, skeyseed, 32, seed,
			    sl, want + off) == 0, "T%zu", j + 1);
		}
		T_CHECK(keys_cat(&k, got) == total &&
		    memcmp(got, want, total) == 0, "suite %zu: the 7 keys", i);
	}
	{
		const struct ike_suite nodh = { IKE_ENCR_AES_CBC, 128, 0,
		    IKE_INTEG_HMAC_SHA2_256_128, 0 };

		T_CHECK(ike_keys_derive(&nodh, ni, sizeof(ni), nr, sizeof(nr),
		    gir, sizeof(gir), spi_i, spi_r, &k) == -EINVAL,
		    "an IKE SA needs a PRF");
	}
	ike_keys_wipe(&k);
}

/* RFC 5903 8.1 and 8.2: i and r give g^i, g^r (x | y) and g^ir's x. */
static void
test_dh_rfc5903(void)
{
	static const struct {
		uint16_t group;
		const char *i, *gi, *r, *gr, *x;
	} tv[] = {
		{ IKE_DH_ECP256,
		  "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
		  "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
		  "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
		  "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
		  "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
		  "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
		  "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de" },
		{ IKE_DH_ECP384,
		  "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655"
		  "e35b538041e649ee3faef896783ab194",
		  "667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6"
		  "de3ac808acb4bdb4c88732aee95f41aa9482ed1fc0eeb9cafc4984625ccfc23f"
		  "65032149e0e144ada024181535a0f38eeb9fcff3c2c947dae69b4c634573a81c",
		  "41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942"
		  "e0308312916b8ed2960e4bd55a7448fc",
		  "e558dbef53eecde3d3fccfc1aea08a89a987475d12fd950d83cfa41732bc509d"
		  "0d1ac43a0336def96fda41d0774a3571dcfbec7aacf3196472169e838430367f"
		  "66eebe3c6e70c416dd5f0c68759dd1fff83fa40142209dff5eaad96db9e6386c",
		  "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4"
		  "d603135569b9e9d09cf5d4a270f59746" },
	};
	uint8_t priv[48], pub[96], peer[97], out[96];
	struct ike_dh *di, *dr;
	size_t i, pl, len, n;

	for (i = 0; i < 2; i++) {
		pl = ike_dh_publen(tv[i].group);
		T_CHECK(pl == (i == 0 ? 64 : 96), "publen %u", tv[i].group);
		n = unhex(tv[i].i, priv, sizeof(priv));
		T_CHECK(ike_dh_new_priv(tv[i].group, priv, n, &di) == 0, "i");
		n = unhex(tv[i].r, priv, sizeof(priv));
		T_CHECK(ike_dh_new_priv(tv[i].group, priv, n, &dr) == 0, "r");
		OPENSSL_cleanse(priv, sizeof(priv));
		if (di == NULL || dr == NULL)
			return;
		T_CHECK(ike_dh_public(di, pub, sizeof(pub), &len) == 0 &&
		    len == pl, "g^i");
		T_EQ_HEX(pub, len, tv[i].gi);
		T_CHECK(ike_dh_shared(dr, pub, len, out, sizeof(out), &n) == 0 &&
		    n == pl / 2, "r: g^ir");
		T_EQ_HEX(out, n, tv[i].x);
		T_CHECK(ike_dh_public(dr, pub, sizeof(pub), &len) == 0, "g^r");
		T_EQ_HEX(pub, len, tv[i].gr);
		T_CHECK(ike_dh_shared(di, pub, len, out, sizeof(out), &n) == 0,
		    "i: g^ir");
		T_EQ_HEX(out, n, tv[i].x);
		T_CHECK(ike_dh_public(di, pub, pl - 1, &len) == -ENOSPC,
		    "public: small buffer");
		/* RFC 6989 2.3 / RFC 5903 7: length, curve membership, range */
		T_CHECK(ike_dh_shared(di, pub, len - 1, out, sizeof(out), &n) ==
		    -EBADMSG, "short peer value");
		memcpy(peer, pub, len);
		peer[len] = 0;
		T_CHECK(ike_dh_shared(di, peer, len + 1, out, sizeof(out), &n) ==
		    -EBADMSG, "long peer value");
		peer[len - 1] ^= 0x01;
		T_CHECK(ike_dh_shared(di, peer, len, out, sizeof(out), &n) ==
		    -EBADMSG, "point off the curve");
		memset(peer, 0xff, len);
		T_CHECK(ike_dh_shared(di, peer, len, out, sizeof(out), &n) ==
		    -EBADMSG, "coordinates >= p");
		memset(peer, 0, len);
		T_CHECK(ike_dh_shared(di, peer, len, out, sizeof(out), &n) ==
		    -EBADMSG, "(0, 0)");
		ike_dh_free(di);
		ike_dh_free(dr);
	}
}

/* Group 14 (RFC 3526 3): two generated pairs agree on a 256-byte secret;
 * 0, 1, p-1, p and a wrong length are refused (RFC 6989 2.1); a fixed
 * private value gives 2^x mod p. */
static void
test_dh_modp(void)
{
	uint8_t a_pub[256], b_pub[256], s1[256], s2[256], bad[257], x[32];
	BIGNUM *p = BN_get_rfc3526_prime_2048(NULL), *y = BN_new(),
	    *g = BN_new();
	BN_CTX *bn = BN_CTX_new();
	struct ike_dh *a = NULL, *b = NULL, *f = NULL;
	size_t al = 0, bl = 0, n1 = 0, n2 = 0;

	T_CHECK(p != NULL && y != NULL && g != NULL && bn != NULL, "bn");
	T_CHECK(ike_dh_publen(IKE_DH_MODP2048) == 256 &&
	    ike_dh_publen(2) == 0, "publen");
	T_CHECK(ike_dh_new(2, &a) == -EINVAL, "group 2 unsupported");
	T_CHECK(ike_dh_new(IKE_DH_MODP2048, &a) == 0 &&
	    ike_dh_new(IKE_DH_MODP2048, &b) == 0, "keygen");
	if (a == NULL || b == NULL)
		return;
	T_CHECK(ike_dh_public(a, a_pub, sizeof(a_pub), &al) == 0 &&
	    al == 256 && ike_dh_public(b, b_pub, sizeof(b_pub), &bl) == 0,
	    "publics");
	T_CHECK(memcmp(a_pub, b_pub, 256) != 0, "two different keys");
	T_CHECK(ike_dh_shared(a, b_pub, bl, s1, sizeof(s1), &n1) == 0 &&
	    ike_dh_shared(b, a_pub, al, s2, sizeof(s2), &n2) == 0 &&
	    n1 == 256 && n2 == 256 && memcmp(s1, s2, 256) == 0, "agreement");
	T_CHECK(ike_dh_shared(a, b_pub, bl, s1, 255, &n1) == -ENOSPC, "cap");
	T_CHECK(ike_dh_shared(a, b_pub, 255, s1, sizeof(s1), &n1) == -EBADMSG,
	    "255 bytes");
	memset(bad, 0, sizeof(bad));
	T_CHECK(ike_dh_shared(a, bad, 256, s1, sizeof(s1), &n1) == -EBADMSG,
	    "y = 0");
	bad[255] = 1;
	T_CHECK(ike_dh_shared(a, bad, 256, s1, sizeof(s1), &n1) == -EBADMSG,
	    "y = 1");
	T_CHECK(BN_bn2binpad(p, bad, 256) == 256, "p");
	T_CHECK(ike_dh_shared(a, bad, 256, s1, sizeof(s1), &n1) == -EBADMSG,
	    "y = p");
	bad[255] -= 1;		/* p is odd: p-1 only changes the last byte */
	T_CHECK(ike_dh_shared(a, bad, 256, s1, sizeof(s1), &n1) == -EBADMSG,
	    "y = p - 1");
	T_CHECK(ike_dh_shared(a, bad, 257, s1, sizeof(s1), &n1) == -EBADMSG,
	    "257 bytes");
	/* a fixed x: the public value is 2^x mod p */
	memset(x, 0x5a, sizeof(x));
	T_CHECK(ike_dh_new_priv(IKE_DH_MODP2048, x, sizeof(x), &f) == 0,
	    "fixed x");
	T_CHECK(BN_bin2bn(x, sizeof(x), y) != NULL && BN_set_word(g, 2) &&
	    BN_mod_exp(y, g, y, p, bn) && BN_bn2binpad(y, s2, 256) == 256,
	    "2^x");
	T_CHECK(f != NULL && ike_dh_public(f, s1, sizeof(s1), &n1) == 0 &&
	    memcmp(s1, s2, 256) == 0, "fixed x: public = 2^x mod p");
	T_CHECK(f != NULL && ike_dh_shared(f, a_pub, al, s1, sizeof(s1),
	    &n1) == 0 && ike_dh_shared(a, s2, 256, bad, sizeof(bad),
	    &n2) == 0 && memcmp(s1, bad, 256) == 0, "fixed x agrees with a");
	ike_dh_free(a);
	ike_dh_free(b);
	ike_dh_free(f);
	ike_dh_free(NULL);
	BN_free(p);
	BN_free(y);
	BN_free(g);
	BN_CTX_free(bn);
}

int
main(void)
{
	test_prf_rfc4231();
	test_prf_plus();
	test_suite_check();
	test_kdf_vectors();
	test_keys_recomputed();
	test_dh_rfc5903();
	test_dh_modp();
	return t_done("test_ike_crypto");
}
