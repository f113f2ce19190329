/* test_tuak.c - Keccak-p[1600,24] and TUAK against TS 35.232/35.233 data. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "keccak.h"
#include "t.h"
#include "tuak.h"
#include "vectors.h"

static unsigned
vec_uint(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsNumber(it)) {
		fprintf(stderr, "vector: no number member \"%s\"\n", key);
		exit(2);
	}
	return (unsigned)it->valueint;
}

static void
test_keccak(const cJSON *root)
{
	const cJSON *chk, *sets, *v;
	uint8_t st[200];
	int n = 0;

	chk = cJSON_GetObjectItemCaseSensitive(root, "keccak_permutation_check");
	sets = cJSON_GetObjectItemCaseSensitive(chk, "sets");
	cJSON_ArrayForEach(v, sets) {
		vec_hex(v, "in", st, sizeof(st));
		keccak_p1600(st);
		T_EQ_HEX(st, sizeof(st), vec_str(v, "out"));
		n++;
	}
	T_CHECK(n == 6, "%d keccak sets", n);
}

static void
test_tuak_set(const cJSON *v)
{
	struct tuak_params p;
	uint8_t k[32], top[32], topc[32], rand[16], sqn[6], amf[2];
	uint8_t mac_a[32], mac_s[32], res[32], ck[32], ik[32], ak[6], ak_s[6];
	size_t klen;
	unsigned set = vec_uint(v, "set");

	klen = vec_hexvar(v, "k", k, sizeof(k));
	vec_hex(v, "top", top, 32);
	vec_hex(v, "rand", rand, 16);
	vec_hex(v, "sqn", sqn, 6);
	vec_hex(v, "amf", amf, 2);
	p.keccak_iterations = vec_uint(v, "keccak_iterations");
	p.mac_bits = vec_uint(v, "mac_bits");
	p.res_bits = vec_uint(v, "res_bits");
	p.ck_bits = vec_uint(v, "ck_bits");
	p.ik_bits = vec_uint(v, "ik_bits");

	T_CHECK(tuak_topc(k, klen, top, p.keccak_iterations, topc) == 0,
	    "set %u topc", set);
	T_EQ_HEX(topc, 32, vec_str(v, "topc"));
	T_CHECK(tuak_f1(&p, k, klen, topc, rand, sqn, amf, mac_a, mac_s) == 0,
	    "set %u f1", set);
	T_EQ_HEX(mac_a, p.mac_bits / 8, vec_str(v, "mac_a"));
	T_EQ_HEX(mac_s, p.mac_bits / 8, vec_str(v, "mac_s"));
	T_CHECK(tuak_f2345(&p, k, klen, topc, rand, res, ck, ik, ak) == 0,
	    "set %u f2345", set);
	T_EQ_HEX(res, p.res_bits / 8, vec_str(v, "res"));
	T_EQ_HEX(ck, p.ck_bits / 8, vec_str(v, "ck"));
	T_EQ_HEX(ik, p.ik_bits / 8, vec_str(v, "ik"));
	T_EQ_HEX(ak, 6, vec_str(v, "ak"));
	T_CHECK(tuak_f5star(&p, k, klen, topc, rand, ak_s) == 0,
	    "set %u f5*", set);
	T_EQ_HEX(ak_s, 6, vec_str(v, "ak_s"));

	/* f1* alone gives the same MAC-S. */
	memset(mac_s, 0, sizeof(mac_s));
	T_CHECK(tuak_f1(&p, k, klen, topc, rand, sqn, amf, NULL, mac_s) == 0,
	    "f1* only");
	T_EQ_HEX(mac_s, p.mac_bits / 8, vec_str(v, "mac_s"));
}

static void
test_params(void)
{
	struct tuak_params p = { 1, 64, 32, 128, 128 };
	uint8_t k[16] = { 0 }, top[32] = { 0 }, topc[32], topc2[32];
	uint8_t rand[16] = { 0 }, sqn[6] = { 0 }, amf[2] = { 0 }, out[32];

	T_CHECK(tuak_topc(k, 16, top, 1, topc) == 0, "topc");
	T_CHECK(tuak_topc(k, 16, top, 2, topc2) == 0, "topc 2 iterations");
	T_CHECK(memcmp(topc, topc2, 32) != 0, "iterations matter");
	T_CHECK(tuak_topc(k, 16, top, 0, topc) == -EINVAL, "0 iterations");
	T_CHECK(tuak_topc(k, 24, top, 1, topc) == -EINVAL, "192-bit K");
	p.mac_bits = 96;
	T_CHECK(tuak_f1(&p, k, 16, topc, rand, sqn, amf, out, NULL) == -EINVAL,
	    "mac_bits 96");
	p.mac_bits = 64;
	p.res_bits = 16;
	T_CHECK(tuak_f2345(&p, k, 16, topc, rand, out, NULL, NULL, NULL) ==
	    -EINVAL, "res_bits 16");
	p.res_bits = 128;
	T_CHECK(tuak_f2345(&p, k, 16, topc, rand, out, NULL, NULL, NULL) == 0,
	    "res_bits 128");
	p.ck_bits = 192;
	T_CHECK(tuak_f2345(&p, k, 16, topc, rand, NULL, out, NULL, NULL) ==
	    -EINVAL, "ck_bits 192");
}

int
main(void)
{
	cJSON *root = vec_load("tuak.json"), *v;
	int n = 0;

	test_keccak(root);
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(root, "vectors")) {
		test_tuak_set(v);
		n++;
	}
	T_CHECK(n == 3, "%d tuak sets", n);
	test_params();
	cJSON_Delete(root);
	return t_done("test_tuak");
}
