/* cmd_aka.c - imsauth milenage, vector, auts, auts-make, ue-check. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "aka.h"
#include "digest.h"
#include "imsauth.h"
#include "milenage.h"
#include "util.h"

#define KEY_OPTS "k op opc "

/* TS 35.206: every function of the set for one RAND/SQN/AMF. */
int
cmd_milenage(int argc, char **argv)
{
	struct opts o;
	struct milenage_ctx *ctx;
	struct aka_vector v;
	uint8_t opc[16], rand[16], amf[2], mac_s[8], ak_s[6], sqnb[6];
	int rc;

	opts_parse(&o, "milenage", argc, argv, KEY_OPTS "rand sqn amf");
	opts_hex(&o, "rand", rand, sizeof(rand));
	opts_hex(&o, "amf", amf, sizeof(amf));
	aka_sqn_to_bytes(opts_sqn(&o, "sqn"), sqnb);
	ctx = ctx_from_opts(&o, opc);
	if ((rc = aka_vector_make(ctx, aka_sqn_from_bytes(sqnb), amf, rand,
	    &v)) < 0 ||
	    (rc = milenage_f1(ctx, rand, sqnb, amf, NULL, mac_s)) < 0 ||
	    (rc = milenage_f5star(ctx, rand, ak_s)) < 0)
		lib_error(o.cmd, rc);
	out_hex("opc", opc, 16);
	out_hex("mac_a", v.autn + 8, 8);	/* AUTN = SQN^AK || AMF || MAC-A */
	out_hex("mac_s", mac_s, 8);
	out_hex("res", v.xres, v.xres_len);
	out_hex("ck", v.ck, 16);
	out_hex("ik", v.ik, 16);
	out_hex("ak", v.ak, 6);
	out_hex("ak_s", ak_s, 6);
	out_hex("autn", v.autn, 16);
	aka_vector_wipe(&v);
	secure_wipe(opc, sizeof(opc));
	milenage_free(ctx);
	return 0;
}

/* TS 33.102 6.3.2: a full vector, plus the RFC 3310 nonce. */
int
cmd_vector(int argc, char **argv)
{
	struct opts o;
	struct milenage_ctx *ctx;
	struct aka_vector v;
	uint8_t rand[16], amf[2], sqnb[6];
	char nonce[64];
	uint64_t sqn;
	int rc;

	opts_parse(&o, "vector", argc, argv, KEY_OPTS "sqn amf rand");
	opts_hex(&o, "amf", amf, sizeof(amf));
	sqn = opts_sqn(&o, "sqn");
	if (opts_get(&o, "rand") != NULL)
		opts_hex(&o, "rand", rand, sizeof(rand));
	ctx = ctx_from_opts(&o, NULL);
	rc = aka_vector_make(ctx, sqn, amf,
	    opts_get(&o, "rand") != NULL ? rand : NULL, &v);
	milenage_free(ctx);
	if (rc < 0)
		lib_error(o.cmd, rc);
	if ((rc = digest_aka_nonce_make(v.rand, v.autn, NULL, 0, nonce,
	    sizeof(nonce))) < 0)
		lib_error(o.cmd, rc);
	out_hex("rand", v.rand, 16);
	out_hex("xres", v.xres, v.xres_len);
	out_hex("ck", v.ck, 16);
	out_hex("ik", v.ik, 16);
	out_hex("ak", v.ak, 6);
	out_hex("autn", v.autn, 16);
	aka_sqn_to_bytes(v.sqn, sqnb);
	out_hex("sqn", sqnb, 6);
	out_str("nonce", nonce);
	aka_vector_wipe(&v);
	return 0;
}

/* TS 33.102 6.3.5: the HSS recovers SQN_MS from AUTS and checks MAC-S. */
int
cmd_auts(int argc, char **argv)
{
	struct opts o;
	struct milenage_ctx *ctx;
	uint8_t rand[16], auts[AKA_AUTS_LEN], sqnb[6];
	uint64_t sqn_ms;
	int rc;

	opts_parse(&o, "auts", argc, argv, KEY_OPTS "rand auts");
	opts_hex(&o, "rand", rand, sizeof(rand));
	opts_hex(&o, "auts", auts, sizeof(auts));
	ctx = ctx_from_opts(&o, NULL);
	rc = aka_auts_verify(ctx, rand, auts, &sqn_ms);
	milenage_free(ctx);
	if (rc == -EBADMSG) {
		fprintf(stderr, "imsauth: auts: MAC-S verification failed\n");
		return 1;
	}
	if (rc < 0)
		lib_error(o.cmd, rc);
	aka_sqn_to_bytes(sqn_ms, sqnb);
	out_hex("sqn_ms", sqnb, 6);
	return 0;
}

/* TS 33.102 6.3.3: the UE's AUTS for its SQN_MS. */
int
cmd_auts_make(int argc, char **argv)
{
	struct opts o;
	struct milenage_ctx *ctx;
	uint8_t rand[16], auts[AKA_AUTS_LEN];
	uint64_t sqn_ms;
	int rc;

	opts_parse(&o, "auts-make", argc, argv, KEY_OPTS "rand sqn-ms");
	opts_hex(&o, "rand", rand, sizeof(rand));
	sqn_ms = opts_sqn(&o, "sqn-ms");
	ctx = ctx_from_opts(&o, NULL);
	rc = aka_auts_make(ctx, rand, sqn_ms, auts);
	milenage_free(ctx);
	if (rc < 0)
		lib_error(o.cmd, rc);
	out_hex("auts", auts, sizeof(auts));
	return 0;
}

/*
 * TS 33.102 6.3.3: what a USIM does with RAND/AUTN.  The UE state is "every
 * IND slot has seen SEQ(--sqn-ms)", a conservative stand-in for a USIM
 * whose history we do not know.  Exit 1 on MAC or sync failure (with auts).
 */
int
cmd_ue_check(int argc, char **argv)
{
	struct opts o;
	struct milenage_ctx *ctx;
	struct aka_ue_sqn st;
	uint8_t rand[16], autn[16], res[8], ck[16], ik[16], auts[14], sqnb[6];
	uint64_t sqn_ms = 0;
	unsigned ind_bits, i;
	int rc, sep = -1;

	opts_parse(&o, "ue-check", argc, argv,
	    KEY_OPTS "rand autn sqn-ms ind-bits amf-sep");
	opts_hex(&o, "rand", rand, sizeof(rand));
	opts_hex(&o, "autn", autn, sizeof(autn));
	if (opts_get(&o, "sqn-ms") != NULL)
		sqn_ms = opts_sqn(&o, "sqn-ms");
	ind_bits = opts_uint(&o, "ind-bits", AKA_IND_BITS_DEFAULT, 0, 5, NULL);
	if (opts_get(&o, "amf-sep") != NULL)
		sep = (int)opts_uint(&o, "amf-sep", 0, 0, 1, NULL);
	aka_ue_sqn_init(&st, ind_bits);
	for (i = 0; i < (1u << ind_bits); i++)
		st.seq_ms[i] = sqn_ms >> ind_bits;
	ctx = ctx_from_opts(&o, NULL);
	rc = aka_ue_check(ctx, &st, rand, autn, sep, res, ck, ik, auts);
	milenage_free(ctx);
	switch (rc) {
	case AKA_OK:
		out_str("result", "ok");
		out_hex("res", res, 8);
		out_hex("ck", ck, 16);
		out_hex("ik", ik, 16);
		aka_sqn_to_bytes(aka_ue_sqn_ms(&st), sqnb);
		out_hex("sqn", sqnb, 6);
		rc = 0;
		break;
	case AKA_SYNC_FAILURE:
		out_str("result", "sync-failure");
		out_hex("auts", auts, 14);
		rc = 1;
		break;
	case AKA_MAC_FAILURE:
		out_str("result", "mac-failure");
		rc = 1;
		break;
	case AKA_AMF_FAILURE:
		out_str("result", "amf-failure");
		rc = 1;
		break;
	default:
		lib_error(o.cmd, rc);
	}
	secure_wipe(ck, sizeof(ck));
	secure_wipe(ik, sizeof(ik));
	secure_wipe(res, sizeof(res));
	return rc;
}
