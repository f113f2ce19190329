/* ike_crypto_bench.c - what one IKE SA costs in common/ike's crypto, per
 * operation on one core: a DH key pair and its shared secret per group
 * (one side of IKE_SA_INIT), the key schedule (2.14), SK seal + open of
 * a 1 KiB payload per cipher (3.14), the PSK AUTH, and the RFC 7427
 * signatures (sign, verify) with RSA-2048 and P-256.
 *
 * Prints figures; asserts nothing.  Usage: ike_crypto_bench [seconds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "ike_crypto.h"

static double secs = 0.5;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#define RUN(what, body) do {						\
	unsigned long n_ = 0;						\
	double t0_ = now(), t_;						\
	while ((t_ = now() - t0_) < secs) {				\
		body;							\
		n_++;							\
	}								\
	printf("ike_crypto_bench: %-44s %9.0f /s  %8.1f us\n", what,	\
	    n_ / t_, 1e6 * t_ / n_);					\
} while (0)

static void
fail(const char *what)
{
	fprintf(stderr, "ike_crypto_bench: %s failed\n", what);
	exit(1);
}

static void
bench_dh(uint16_t group, const char *name)
{
	uint8_t peer[IKE_MAX_DH], out[IKE_MAX_DH];
	struct ike_dh *other, *d;
	size_t pl, n;
	char what[64];

	if (ike_dh_new(group, &other) < 0 ||
	    ike_dh_public(other, peer, sizeof(peer), &pl) < 0)
		fail("dh");
	snprintf(what, sizeof(what), "DH %s: key pair + g^ir", name);
	RUN(what, {
		if (ike_dh_new(group, &d) < 0 ||
		    ike_dh_shared(d, peer, pl, out, sizeof(out), &n) < 0)
			fail(what);
		ike_dh_free(d);
	});
	ike_dh_free(other);
}

static void
bench_sk(const struct ike_sa_keys *k, const char *what)
{
	static uint8_t msg[2048], plain[1024], out[1024];
	size_t ml, ol;

	memset(msg, 0, 32);
	msg[16] = IKE_PL_SK;
	RUN(what, {
		if (ike_sk_seal(k, 1, msg, sizeof(msg), IKE_HDR_LEN, plain,
		    sizeof(plain), &ml) < 0 || ike_sk_open(k, 1, msg, ml,
		    IKE_HDR_LEN, out, sizeof(out), &ol) < 0)
			fail(what);
	});
}

static void
bench_sig(EVP_PKEY *key, const char *name)
{
	uint8_t oct[600], sig[600], m;
	size_t sl;
	char what[64];

	memset(oct, 0x11, sizeof(oct));
	snprintf(what, sizeof(what), "AUTH %s: sign", name);
	RUN(what, {
		if (ike_auth_sign(key, oct, sizeof(oct), &m, sig, sizeof(sig),
		    &sl) < 0)
			fail(what);
	});
	snprintf(what, sizeof(what), "AUTH %s: verify", name);
	RUN(what, {
		if (ike_auth_verify(key, m, sig, sl, oct, sizeof(oct)) < 0)
			fail(what);
	});
}

int
main(int argc, char **argv)
{
	struct ike_suite s = { IKE_ENCR_AES_CBC, 128, IKE_PRF_HMAC_SHA2_256,
	    IKE_INTEG_HMAC_SHA2_256_128, IKE_DH_ECP256 };
	uint8_t ni[32] = { 1 }, nr[32] = { 2 }, gir[256] = { 3 }, oct[600];
	uint8_t auth[IKE_MAX_KEY];
	struct ike_sa_keys k;
	EVP_PKEY *rsa = NULL, *ec = NULL;
	size_t al;

	if (argc > 1 && (secs = atof(argv[1])) <= 0)
		secs = 0.5;
	bench_dh(IKE_DH_MODP2048, "group 14 (MODP 2048)");
	bench_dh(IKE_DH_ECP256, "group 19 (P-256)");
	bench_dh(IKE_DH_ECP384, "group 20 (P-384)");
	RUN("keys: SKEYSEED + 7 keys (CBC-128)", {
		if (ike_keys_derive(&s, ni, 32, nr, 32, gir, 256, 1, 2,
		    &k) < 0)
			fail("keys");
	});
	bench_sk(&k, "SK seal + open 1 KiB, AES-CBC-128 + SHA2-256");
	s.encr = IKE_ENCR_AES_GCM_16;
	s.integ = IKE_INTEG_NONE;
	if (ike_keys_derive(&s, ni, 32, nr, 32, gir, 256, 1, 2, &k) < 0)
		fail("keys");
	bench_sk(&k, "SK seal + open 1 KiB, AES-GCM-16-128");
	memset(oct, 0x22, sizeof(oct));
	RUN("AUTH PSK (600 octets)", {
		if (ike_auth_psk(IKE_PRF_HMAC_SHA2_256, ni, 32, oct,
		    sizeof(oct), auth, &al) < 0)
			fail("psk");
	});
	if ((rsa = EVP_RSA_gen(2048)) == NULL ||
	    (ec = EVP_EC_gen("P-256")) == NULL)
		fail("keygen");
	bench_sig(rsa, "RSA-2048 SHA-256");
	bench_sig(ec, "ECDSA P-256 SHA-256");
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
	ike_keys_wipe(&k);
	return 0;
}
