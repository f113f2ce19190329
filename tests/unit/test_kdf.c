/* test_kdf.c - TS 33.220 Annex B KDF, Ks_NAF and B-TID. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "kdf.h"
#include "t.h"
#include "vectors.h"

static void
test_generic(const cJSON *v)
{
	uint8_t key[64], fc, pbuf[KDF_MAX_PARAMS][64], out[KDF_OUT_LEN];
	struct kdf_param p[KDF_MAX_PARAMS];
	const cJSON *params, *it;
	size_t keylen, n = 0;

	keylen = vec_hexvar(v, "key", key, sizeof(key));
	vec_hex(v, "fc", &fc, 1);
	params = cJSON_GetObjectItemCaseSensitive(v, "params");
	cJSON_ArrayForEach(it, params) {
		if (n == KDF_MAX_PARAMS || !cJSON_IsString(it) ||
		    hex_decode_var(it->valuestring, pbuf[n], sizeof(pbuf[n]),
		    &p[n].len) < 0) {
			fprintf(stderr, "bad params in %s\n", vec_str(v, "name"));
			exit(2);
		}
		p[n].p = pbuf[n];
		n++;
	}
	T_CHECK(n > 0, "%s: params", vec_str(v, "name"));
	T_CHECK(kdf_derive(key, keylen, fc, p, n, out) == 0, "%s",
	    vec_str(v, "name"));
	T_EQ_HEX(out, KDF_OUT_LEN, vec_str(v, "expected"));
}

static void
test_gba(const cJSON *v)
{
	uint8_t ck[16], ik[16], rand[16], naf_id[64], out[KDF_OUT_LEN];
	uint8_t other[KDF_OUT_LEN], zero[KDF_OUT_LEN] = { 0 };
	const char *impi = vec_str(v, "impi");
	char btid[128];
	size_t nlen;

	vec_hex(v, "ck", ck, 16);
	vec_hex(v, "ik", ik, 16);
	vec_hex(v, "rand", rand, 16);
	nlen = vec_hexvar(v, "naf_id_hex", naf_id, sizeof(naf_id));
	T_CHECK(nlen == strlen(vec_str(v, "naf_fqdn")) + 5, "naf_id length");
	/* The vector's NAF_Id is FQDN || the Annex H HTTP Digest id. */
	{
		static const uint8_t proto[] = KDF_UA_PROTO_HTTP_DIGEST;
		uint8_t id[KDF_NAF_ID_MAX];
		size_t idlen;

		T_CHECK(kdf_naf_id(vec_str(v, "naf_fqdn"), proto, id,
		    sizeof(id), &idlen) == 0 && idlen == nlen &&
		    memcmp(id, naf_id, nlen) == 0, "kdf_naf_id");
		T_CHECK(kdf_naf_id(vec_str(v, "naf_fqdn"), proto, id, nlen - 1,
		    &idlen) == -ENOSPC, "kdf_naf_id ENOSPC");
		T_CHECK(kdf_naf_id("", proto, id, sizeof(id), &idlen) ==
		    -EINVAL, "kdf_naf_id empty");
	}

	T_CHECK(kdf_ks_naf(ck, ik, rand, impi, naf_id, nlen, out) == 0, "ks_naf");
	T_EQ_HEX(out, KDF_OUT_LEN, vec_str(v, "ks_naf"));
	T_CHECK(kdf_ks_naf_label("gba-me", ck, ik, rand, impi, naf_id, nlen,
	    other) == 0 && memcmp(out, other, KDF_OUT_LEN) == 0,
	    "gba-me label is Ks_NAF");
	/* Ks_int_NAF ("gba-u") must differ from Ks_ext_NAF. */
	T_CHECK(kdf_ks_naf_label("gba-u", ck, ik, rand, impi, naf_id, nlen,
	    other) == 0, "ks_int_naf");
	T_CHECK(memcmp(out, other, KDF_OUT_LEN) != 0 &&
	    memcmp(other, zero, KDF_OUT_LEN) != 0, "gba-u differs");

	T_CHECK(kdf_btid(rand, "bsf.ims.example.org", btid, sizeof(btid)) == 0,
	    "btid");
	T_CHECK(strcmp(btid, vec_str(v, "btid_example")) == 0, "btid %s", btid);
	/* 24 base64 chars + '@' + 19 name chars + NUL = 45 bytes. */
	T_CHECK(kdf_btid(rand, "bsf.ims.example.org", btid, 45) == 0, "fit");
	T_CHECK(kdf_btid(rand, "bsf.ims.example.org", btid, 44) == -ENOSPC,
	    "ENOSPC");
}

static void
test_errors(void)
{
	uint8_t key[32] = { 0 }, out[KDF_OUT_LEN], out0[KDF_OUT_LEN];
	struct kdf_param p[KDF_MAX_PARAMS + 1];
	size_t i;

	for (i = 0; i <= KDF_MAX_PARAMS; i++) {
		p[i].p = key;
		p[i].len = 1;
	}
	T_CHECK(kdf_derive(key, 32, 0x10, p, KDF_MAX_PARAMS + 1, out) ==
	    -EINVAL, "too many params");
	p[0].len = 65536;
	T_CHECK(kdf_derive(key, 32, 0x10, p, 1, out) == -EINVAL, "long param");
	T_CHECK(kdf_derive(NULL, 32, 0x10, p, 0, out) == -EINVAL, "NULL key");
	/* An empty parameter still contributes its length 0x0000. */
	p[0].len = 0;
	T_CHECK(kdf_derive(key, 32, 0x10, p, 1, out) == 0, "empty param");
	T_CHECK(kdf_derive(key, 32, 0x10, NULL, 0, out0) == 0, "no param");
	T_CHECK(memcmp(out, out0, KDF_OUT_LEN) != 0, "L0 is hashed");
}

int
main(void)
{
	cJSON *root = vec_load("kdf.json"), *v;
	int n = 0, g = 0;

	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(root,
	    "generic_kdf_from_public_tests")) {
		test_generic(v);
		n++;
	}
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(root,
	    "gba_computed")) {
		test_gba(v);
		g++;
	}
	T_CHECK(n == 7 && g == 1, "%d generic, %d gba vectors", n, g);
	test_errors();
	cJSON_Delete(root);
	return t_done("test_kdf");
}
