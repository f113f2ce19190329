/* cmd_tuak.c - imsauth tuak: the TUAK set (TS 35.231) with TS 35.233 sizes. */
#include <stdio.h>

#include "aka.h"
#include "imsauth.h"
#include "tuak.h"
#include "util.h"

int
cmd_tuak(int argc, char **argv)
{
	static const unsigned mac_bits[] = { 64, 128, 256, 0 };
	static const unsigned res_bits[] = { 32, 64, 128, 256, 0 };
	static const unsigned key_bits[] = { 128, 256, 0 };
	struct opts o;
	struct tuak_params p;
	uint8_t k[32], top[32], topc[32], rand[16], sqn[6], amf[2];
	uint8_t mac_a[32], mac_s[32], res[32], ck[32], ik[32], ak[6], ak_s[6];
	size_t klen;
	int rc;

	opts_parse(&o, "tuak", argc, argv, "k top topc rand sqn amf "
	    "keccak-iterations mac-bits res-bits ck-bits ik-bits");
	klen = opts_hexvar(&o, "k", k, sizeof(k));
	if (klen != 16 && klen != 32)
		usage_error(o.cmd, "--k: expected 16 or 32 bytes of hex");
	opts_hex(&o, "rand", rand, sizeof(rand));
	opts_hex(&o, "amf", amf, sizeof(amf));
	aka_sqn_to_bytes(opts_sqn(&o, "sqn"), sqn);
	p.keccak_iterations = opts_uint(&o, "keccak-iterations", 1, 1, 65535,
	    NULL);
	p.mac_bits = opts_uint(&o, "mac-bits", 64, 64, 256, mac_bits);
	p.res_bits = opts_uint(&o, "res-bits", 64, 32, 256, res_bits);
	p.ck_bits = opts_uint(&o, "ck-bits", 128, 128, 256, key_bits);
	p.ik_bits = opts_uint(&o, "ik-bits", 128, 128, 256, key_bits);
	if (opts_one_of(&o, "top", "topc") == 0) {
		opts_hex(&o, "top", top, sizeof(top));
		if ((rc = tuak_topc(k, klen, top, p.keccak_iterations, topc)) < 0)
			lib_error(o.cmd, rc);
	} else
		opts_hex(&o, "topc", topc, sizeof(topc));

	if ((rc = tuak_f1(&p, k, klen, topc, rand, sqn, amf, mac_a, mac_s)) < 0 ||
	    (rc = tuak_f2345(&p, k, klen, topc, rand, res, ck, ik, ak)) < 0 ||
	    (rc = tuak_f5star(&p, k, klen, topc, rand, ak_s)) < 0)
		lib_error(o.cmd, rc);
	out_hex("topc", topc, 32);
	out_hex("mac_a", mac_a, p.mac_bits / 8);
	out_hex("mac_s", mac_s, p.mac_bits / 8);
	out_hex("res", res, p.res_bits / 8);
	out_hex("ck", ck, p.ck_bits / 8);
	out_hex("ik", ik, p.ik_bits / 8);
	out_hex("ak", ak, 6);
	out_hex("ak_s", ak_s, 6);
	secure_wipe(k, sizeof(k));
	secure_wipe(topc, sizeof(topc));
	secure_wipe(ck, sizeof(ck));
	secure_wipe(ik, sizeof(ik));
	return 0;
}
