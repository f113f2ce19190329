/* test_ike_sk.c - the SK payload (RFC 7296 3.14, RFC 5282): round trips
 * for AES-CBC-128/256 + HMAC-SHA2-256-128 and AES-GCM-16-128/256, every
 * bit of a sealed message flipped -> -EBADMSG, truncation, the wrong
 * direction, bad padding behind a good ICV -> -EPROTO, and known answers
 * recomputed with direct EVP calls (GCM: salt | explicit IV, AAD; CBC:
 * decryption and the truncated HMAC).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ike_crypto.h"
#include "t.h"

#define SK_OFF	IKE_HDR_LEN	/* the SK payload right after the header */

static const struct ike_suite suites[] = {
	{ IKE_ENCR_AES_CBC, 128, IKE_PRF_HMAC_SHA2_256,
	  IKE_INTEG_HMAC_SHA2_256_128, IKE_DH_ECP256 },
	{ IKE_ENCR_AES_CBC, 256, IKE_PRF_HMAC_SHA2_256,
	  IKE_INTEG_HMAC_SHA2_256_128, IKE_DH_ECP256 },
	{ IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256, IKE_INTEG_NONE,
	  IKE_DH_ECP256 },
	{ IKE_ENCR_AES_GCM_16, 256, IKE_PRF_HMAC_SHA2_256, IKE_INTEG_NONE,
	  IKE_DH_ECP256 },
};
#define NSUITES	(sizeof(suites) / sizeof(suites[0]))

static void
keys_for(const struct ike_suite *s, struct ike_sa_keys *k)
{
	uint8_t ni[32], nr[32], gir[64];

	memset(ni, 0xa1, sizeof(ni));
	memset(nr, 0xb2, sizeof(nr));
	memset(gir, 0xc3, sizeof(gir));
	if (ike_keys_derive(s, ni, sizeof(ni), nr, sizeof(nr), gir,
	    sizeof(gir), 0x1111222233334444ULL, 0x5555666677778888ULL,
	    k) != 0) {
		fprintf(stderr, "ike_keys_derive failed\n");
		exit(2);
	}
}

/* An IKE_AUTH request's header and the SK generic header (3.1, 3.2);
 * the Lengths are left for ike_sk_seal to patch. */
static void
msg_head(uint8_t *m)
{
	memset(m, 0, SK_OFF + IKE_PL_HDR_LEN);
	memset(m, 0x44, 16);			/* SPIi, SPIr */
	m[16] = IKE_PL_SK;
	m[17] = IKE_VERSION;
	m[18] = IKE_AUTH;
	m[19] = IKE_FLAG_I;
	m[23] = 1;				/* Message ID */
	m[SK_OFF] = IKE_PL_IDI;			/* the first inner payload */
}

static size_t
get_len32(const uint8_t *p)
{
	return (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
}

static void
test_round_trip(void)
{
	static const size_t plens[] = { 0, 1, 15, 16, 17, 100, 1000 };
	uint8_t msg[1200], plain[1000], out[1000], flip[1200];
	struct ike_sa_keys k;
	size_t i, j, b, mlen = 0, olen = 0, ivl, icvl, ct, bad;

	for (i = 0; i < sizeof(plain); i++)
		plain[i] = (uint8_t)(i * 13);
	for (i = 0; i < NSUITES; i++) {
		int gcm = suites[i].encr == IKE_ENCR_AES_GCM_16;

		keys_for(&suites[i], &k);
		ivl = gcm ? 8 : 16;
		icvl = 16;
		for (j = 0; j < sizeof(plens) / sizeof(plens[0]); j++) {
			size_t pl = plens[j];

			msg_head(msg);
			T_CHECK(ike_sk_seal(&k, 1, msg, sizeof(msg), SK_OFF,
			    plain, pl, &mlen) == 0, "suite %zu seal %zu", i, pl);
			ct = mlen - SK_OFF - 4 - ivl - icvl;
			T_CHECK(get_len32(msg + 24) == mlen &&
			    ((size_t)msg[SK_OFF + 2] << 8 | msg[SK_OFF + 3]) ==
			    mlen - SK_OFF, "suite %zu: the Lengths", i);
			/* CBC: plain + pad + Pad Length a multiple of 16, the
			 * least padding; GCM: only the Pad Length byte. */
			T_CHECK(gcm ? ct == pl + 1 :
			    ct % 16 == 0 && ct >= pl + 1 && ct < pl + 17,
			    "suite %zu: %zu bytes for %zu", i, ct, pl);
			T_CHECK(ike_sk_open(&k, 1, msg, mlen, SK_OFF, out,
			    sizeof(out), &olen) == 0 && olen == pl &&
			    memcmp(out, plain, pl) == 0, "suite %zu open %zu",
			    i, pl);
			T_CHECK(ike_sk_open(&k, 0, msg, mlen, SK_OFF, out,
			    sizeof(out), &olen) == -EBADMSG,
			    "suite %zu: the responder's keys", i);
			T_CHECK(ike_sk_open(&k, 1, msg, mlen - 1, SK_OFF, out,
			    sizeof(out), &olen) == -EBADMSG,
			    "suite %zu: truncated", i);
			if (pl > 0)
				T_CHECK(ike_sk_open(&k, 1, msg, mlen, SK_OFF,
				    out, pl - 1, &olen) == -ENOSPC,
				    "suite %zu: small output", i);
		}
		/* every bit of a 100-byte message's protected form */
		msg_head(msg);
		T_CHECK(ike_sk_seal(&k, 1, msg, sizeof(msg), SK_OFF, plain,
		    100, &mlen) == 0, "seal 100");
		for (b = 0, bad = 0; b < 8 * mlen; b++) {
			memcpy(flip, msg, mlen);
			flip[b / 8] ^= (uint8_t)(1 << (b % 8));
			if (ike_sk_open(&k, 1, flip, mlen, SK_OFF, out,
			    sizeof(out), &olen) != -EBADMSG)
				bad++;
		}
		T_CHECK(bad == 0, "suite %zu: %zu of %zu flipped bits accepted",
		    i, bad, 8 * mlen);
		/* the responder's direction works too */
		msg_head(msg);
		msg[19] = IKE_FLAG_R;
		T_CHECK(ike_sk_seal(&k, 0, msg, sizeof(msg), SK_OFF, plain, 50,
		    &mlen) == 0 && ike_sk_open(&k, 0, msg, mlen, SK_OFF, out,
		    sizeof(out), &olen) == 0 && olen == 50 &&
		    memcmp(out, plain, 50) == 0, "suite %zu: r -> i", i);
		T_CHECK(ike_sk_seal(&k, 1, msg, SK_OFF + 4 + ivl + 100, SK_OFF,
		    plain, 100, &mlen) == -ENOSPC, "suite %zu: small msg", i);
		T_CHECK(ike_sk_open(&k, 1, msg, SK_OFF + 4 + ivl, SK_OFF, out,
		    sizeof(out), &olen) == -EBADMSG, "suite %zu: no body", i);
	}
	ike_keys_wipe(&k);
}

/* GCM: the ciphertext and ICV equal AES-GCM under the key SK_ei[0..n),
 * the nonce SK_ei[n..n+4) | IV, the AAD = header | SK header (RFC 5282
 * 4, 5.1), of plain | 0x00 (Pad Length 0). */
static void
test_gcm_known_answer(void)
{
	uint8_t msg[300], plain[100], want[128], tag[16], nonce[12];
	struct ike_sa_keys k;
	EVP_CIPHER_CTX *c;
	size_t i, mlen = 0;
	int n = 0, f = 0, ok;

	for (i = 2; i < 4; i++) {
		size_t kl = suites[i].encr_bits / 8;

		keys_for(&suites[i], &k);
		memset(plain, 0x5c, sizeof(plain));
		msg_head(msg);
		T_CHECK(ike_sk_seal(&k, 1, msg, sizeof(msg), SK_OFF, plain,
		    sizeof(plain), &mlen) == 0, "seal");
		T_CHECK(mlen == SK_OFF + 4 + 8 + 101 + 16, "GCM length");
		memcpy(nonce, k.sk_ei + kl, 4);
		memcpy(nonce + 4, msg + SK_OFF + 4, 8);
		memcpy(want, plain, sizeof(plain));
		want[sizeof(plain)] = 0;
		c = EVP_CIPHER_CTX_new();
		ok = c != NULL && EVP_EncryptInit_ex(c, kl == 16 ?
		    EVP_aes_128_gcm() : EVP_aes_256_gcm(), NULL, NULL,
		    NULL) == 1 &&
		    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12,
		    NULL) == 1 &&
		    EVP_EncryptInit_ex(c, NULL, NULL, k.sk_ei, nonce) == 1 &&
		    EVP_EncryptUpdate(c, NULL, &n, msg, SK_OFF + 4) == 1 &&
		    EVP_EncryptUpdate(c, want, &n, want, 101) == 1 &&
		    EVP_EncryptFinal_ex(c, want + n, &f) == 1 &&
		    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
		EVP_CIPHER_CTX_free(c);
		T_CHECK(ok && n + f == 101, "EVP GCM");
		T_CHECK(memcmp(msg + SK_OFF + 12, want, 101) == 0,
		    "GCM-%zu ciphertext", 8 * kl);
		T_CHECK(memcmp(msg + SK_OFF + 12 + 101, tag, 16) == 0,
		    "GCM-%zu ICV", 8 * kl);
	}
	ike_keys_wipe(&k);
}

/* CBC: the ICV is HMAC-SHA-256(SK_ai, header .. Pad Length) cut to 16
 * bytes; the ciphertext decrypts under SK_ei and the IV. */
static void
test_cbc_known_answer(void)
{
	uint8_t msg[300], plain[40], pt[64], mac[64];
	struct ike_sa_keys k;
	EVP_CIPHER_CTX *c;
	size_t mlen = 0, ml = 0, ct;
	int n = 0, f = 0, ok;

	keys_for(&suites[1], &k);
	memset(plain, 0x3e, sizeof(plain));
	msg_head(msg);
	T_CHECK(ike_sk_seal(&k, 1, msg, sizeof(msg), SK_OFF, plain,
	    sizeof(plain), &mlen) == 0, "seal");
	ct = mlen - SK_OFF - 4 - 16 - 16;
	T_CHECK(ct == 48, "40 bytes + 7 padding + Pad Length");
	T_CHECK(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, k.sk_ai, 32,
	    msg, mlen - 16, mac, sizeof(mac), &ml) != NULL && ml == 32,
	    "HMAC");
	T_CHECK(memcmp(msg + mlen - 16, mac, 16) == 0, "CBC ICV");
	c = EVP_CIPHER_CTX_new();
	ok = c != NULL && EVP_DecryptInit_ex(c, EVP_aes_256_cbc(), NULL,
	    k.sk_ei, msg + SK_OFF + 4) == 1 &&
	    EVP_CIPHER_CTX_set_padding(c, 0) == 1 &&
	    EVP_DecryptUpdate(c, pt, &n, msg + SK_OFF + 20, (int)ct) == 1 &&
	    EVP_DecryptFinal_ex(c, pt + n, &f) == 1;
	EVP_CIPHER_CTX_free(c);
	T_CHECK(ok && n + f == 48, "EVP CBC");
	T_CHECK(memcmp(pt, plain, 40) == 0 && pt[47] == 7, "CBC plaintext");
	ike_keys_wipe(&k);
}

/* A Pad Length beyond the ciphertext behind a valid ICV: -EPROTO. */
static void
test_cbc_bad_padding(void)
{
	uint8_t msg[128], pt[16], mac[64], out[64];
	struct ike_sa_keys k;
	EVP_CIPHER_CTX *c;
	size_t mlen = SK_OFF + 4 + 16 + 16 + 16, ml = 0, olen = 0;
	int n = 0, f = 0, ok;

	keys_for(&suites[0], &k);
	msg_head(msg);
	msg[24] = (uint8_t)(mlen >> 24), msg[25] = (uint8_t)(mlen >> 16);
	msg[26] = (uint8_t)(mlen >> 8), msg[27] = (uint8_t)mlen;
	msg[SK_OFF + 2] = 0, msg[SK_OFF + 3] = (uint8_t)(mlen - SK_OFF);
	memset(msg + SK_OFF + 4, 0x77, 16);		/* IV */
	memset(pt, 0, sizeof(pt));
	pt[15] = 16;					/* > 15 */
	c = EVP_CIPHER_CTX_new();
	ok = c != NULL && EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL,
	    k.sk_ei, msg + SK_OFF + 4) == 1 &&
	    EVP_CIPHER_CTX_set_padding(c, 0) == 1 &&
	    EVP_EncryptUpdate(c, msg + SK_OFF + 20, &n, pt, 16) == 1 &&
	    EVP_EncryptFinal_ex(c, msg + SK_OFF + 20 + n, &f) == 1;
	EVP_CIPHER_CTX_free(c);
	T_CHECK(ok && EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, k.sk_ai,
	    32, msg, mlen - 16, mac, sizeof(mac), &ml) != NULL, "EVP");
	memcpy(msg + mlen - 16, mac, 16);
	T_CHECK(ike_sk_open(&k, 1, msg, mlen, SK_OFF, out, sizeof(out),
	    &olen) == -EPROTO, "Pad Length 16 in a 16-byte ciphertext");
	pt[15] = 15;		/* now all padding: an empty payload */
	c = EVP_CIPHER_CTX_new();
	ok = c != NULL && EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL,
	    k.sk_ei, msg + SK_OFF + 4) == 1 &&
	    EVP_CIPHER_CTX_set_padding(c, 0) == 1 &&
	    EVP_EncryptUpdate(c, msg + SK_OFF + 20, &n, pt, 16) == 1;
	EVP_CIPHER_CTX_free(c);
	T_CHECK(ok && EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, k.sk_ai,
	    32, msg, mlen - 16, mac, sizeof(mac), &ml) != NULL, "EVP");
	memcpy(msg + mlen - 16, mac, 16);
	T_CHECK(ike_sk_open(&k, 1, msg, mlen, SK_OFF, out, sizeof(out),
	    &olen) == 0 && olen == 0, "Pad Length 15: empty");
	ike_keys_wipe(&k);
}

int
main(void)
{
	test_round_trip();
	test_gcm_known_answer();
	test_cbc_known_answer();
	test_cbc_bad_padding();
	return t_done("test_ike_sk");
}
