/* cmd_digest.c - imsauth digest (RFC 3310/4169) and ks-naf (TS 33.220). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "digest.h"
#include "imsauth.h"
#include "kdf.h"
#include "util.h"

int
cmd_digest(int argc, char **argv)
{
	struct opts o;
	const char *alg, *qop;
	uint8_t res[16], ck[16], ik[16];
	size_t res_len;
	char response[33];
	int have_keys, v2, rc;

	opts_parse(&o, "digest", argc, argv, "algorithm username realm method "
	    "uri nonce res ck ik qop nc cnonce");
	alg = opts_need(&o, "algorithm");
	if (strcmp(alg, "AKAv1-MD5") != 0 && strcmp(alg, "AKAv2-MD5") != 0)
		usage_error(o.cmd, "--algorithm: expected AKAv1-MD5 or AKAv2-MD5");
	v2 = strcmp(alg, "AKAv2-MD5") == 0;
	/* RES is 4 to 16 bytes (TS 33.102 6.3.7); --res "" is the empty
	 * password of a synchronisation failure (RFC 3310 3.4). */
	if (*opts_need(&o, "res") == '\0')
		res_len = 0;
	else if ((res_len = opts_hexvar(&o, "res", res, sizeof(res))) < 4)
		usage_error(o.cmd, "--res: expected 4 to 16 bytes of hex");
	have_keys = opts_get(&o, "ck") != NULL || opts_get(&o, "ik") != NULL;
	if (have_keys) {
		opts_hex(&o, "ck", ck, sizeof(ck));
		opts_hex(&o, "ik", ik, sizeof(ik));
	} else if (v2)
		usage_error(o.cmd, "AKAv2-MD5 needs --ck and --ik (RFC 4169)");
	qop = opts_get(&o, "qop");
	if (qop != NULL) {
		if (strcmp(qop, "auth") != 0)
			usage_error(o.cmd, "--qop: only \"auth\" is supported");
		opts_need(&o, "nc");
		opts_need(&o, "cnonce");
	} else if (opts_get(&o, "nc") || opts_get(&o, "cnonce"))
		usage_error(o.cmd, "--nc and --cnonce go with --qop auth");

	rc = digest_aka_response(alg, opts_need(&o, "username"),
	    opts_need(&o, "realm"), opts_need(&o, "method"),
	    opts_need(&o, "uri"), opts_need(&o, "nonce"), res, res_len,
	    have_keys ? ck : NULL, have_keys ? ik : NULL, qop,
	    opts_get(&o, "nc"), opts_get(&o, "cnonce"), response);
	secure_wipe(res, sizeof(res));
	secure_wipe(ck, sizeof(ck));
	secure_wipe(ik, sizeof(ik));
	if (rc == -EINVAL)
		usage_error(o.cmd, "invalid digest parameters (nc must be 8 hex)");
	if (rc < 0)
		lib_error(o.cmd, rc);
	out_str("response", response);
	return 0;
}

/* TS 33.220 Annex B.3: Ks_NAF = KDF(CK || IK, "gba-me", RAND, IMPI, NAF_Id). */
int
cmd_ks_naf(int argc, char **argv)
{
	struct opts o;
	uint8_t ck[16], ik[16], rand[16], naf_id[512], ks_naf[KDF_OUT_LEN];
	size_t naf_len;
	const char *impi;
	int rc;

	opts_parse(&o, "ks-naf", argc, argv, "ck ik rand impi naf-id");
	opts_hex(&o, "ck", ck, sizeof(ck));
	opts_hex(&o, "ik", ik, sizeof(ik));
	opts_hex(&o, "rand", rand, sizeof(rand));
	impi = opts_need(&o, "impi");
	if (*impi == '\0' || strlen(impi) > 0xffff)
		usage_error(o.cmd, "--impi: must not be empty");
	naf_len = opts_hexvar(&o, "naf-id", naf_id, sizeof(naf_id));
	rc = kdf_ks_naf(ck, ik, rand, impi, naf_id, naf_len, ks_naf);
	secure_wipe(ck, sizeof(ck));
	secure_wipe(ik, sizeof(ik));
	if (rc < 0)
		lib_error(o.cmd, rc);
	out_hex("ks_naf", ks_naf, sizeof(ks_naf));
	secure_wipe(ks_naf, sizeof(ks_naf));
	return 0;
}
