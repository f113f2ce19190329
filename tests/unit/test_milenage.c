/* test_milenage.c - MILENAGE against TS 35.207/35.208 test sets. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "milenage.h"
#include "t.h"
#include "vectors.h"

static void
test_set(const cJSON *v)
{
	uint8_t k[16], op[16], opc[16], opc_got[16], rand[16], sqn[6], amf[2];
	uint8_t mac_a[8], mac_s[8], res[8], ck[16], ik[16], ak[6], ak_s[6];
	struct milenage_ctx *m;
	int set = cJSON_GetObjectItemCaseSensitive(v, "set")->valueint;

	vec_hex(v, "k", k, 16);
	vec_hex(v, "op", op, 16);
	vec_hex(v, "opc", opc, 16);
	vec_hex(v, "rand", rand, 16);
	vec_hex(v, "sqn", sqn, 6);
	vec_hex(v, "amf", amf, 2);

	T_CHECK(milenage_opc(k, op, opc_got) == 0, "set %d opc", set);
	T_EQ_HEX(opc_got, 16, vec_str(v, "opc"));

	m = milenage_new(k, opc);
	T_CHECK(m != NULL, "set %d new", set);
	if (m == NULL)
		return;
	T_CHECK(milenage_f1(m, rand, sqn, amf, mac_a, mac_s) == 0, "f1");
	T_EQ_HEX(mac_a, 8, vec_str(v, "mac_a"));
	T_EQ_HEX(mac_s, 8, vec_str(v, "mac_s"));
	T_CHECK(milenage_f2345(m, rand, res, ck, ik, ak) == 0, "f2345");
	T_EQ_HEX(res, 8, vec_str(v, "res"));
	T_EQ_HEX(ck, 16, vec_str(v, "ck"));
	T_EQ_HEX(ik, 16, vec_str(v, "ik"));
	T_EQ_HEX(ak, 6, vec_str(v, "ak"));
	T_CHECK(milenage_f5star(m, rand, ak_s) == 0, "f5*");
	T_EQ_HEX(ak_s, 6, vec_str(v, "ak_s"));

	/* Outputs may be requested one at a time, in any order. */
	memset(mac_s, 0, sizeof(mac_s));
	memset(ik, 0, sizeof(ik));
	memset(ak, 0, sizeof(ak));
	T_CHECK(milenage_f1(m, rand, sqn, amf, NULL, mac_s) == 0, "f1* only");
	T_EQ_HEX(mac_s, 8, vec_str(v, "mac_s"));
	T_CHECK(milenage_f2345(m, rand, NULL, NULL, ik, NULL) == 0, "f4 only");
	T_EQ_HEX(ik, 16, vec_str(v, "ik"));
	T_CHECK(milenage_f2345(m, rand, NULL, NULL, NULL, ak) == 0, "f5 only");
	T_EQ_HEX(ak, 6, vec_str(v, "ak"));
	milenage_free(m);
}

/* A context is tied to its K: another key must give other outputs. */
static void
test_key_bound(void)
{
	uint8_t k[16] = { 0 }, opc[16] = { 0 }, rand[16] = { 0 };
	uint8_t res1[8], res2[8];
	struct milenage_ctx *m1, *m2;

	m1 = milenage_new(k, opc);
	k[15] = 1;
	m2 = milenage_new(k, opc);
	T_CHECK(m1 != NULL && m2 != NULL, "new");
	if (m1 == NULL || m2 == NULL)
		return;
	T_CHECK(milenage_f2345(m1, rand, res1, NULL, NULL, NULL) == 0, "f2 1");
	T_CHECK(milenage_f2345(m2, rand, res2, NULL, NULL, NULL) == 0, "f2 2");
	T_CHECK(memcmp(res1, res2, 8) != 0, "different K, different RES");
	T_CHECK(milenage_f1(m1, NULL, k, k, res1, NULL) == -EINVAL, "NULL rand");
	T_CHECK(milenage_f5star(m1, rand, NULL) == -EINVAL, "NULL ak_s");
	T_CHECK(milenage_new(NULL, opc) == NULL, "NULL K");
	milenage_free(m1);
	milenage_free(m2);
	milenage_free(NULL);
}

int
main(void)
{
	cJSON *root = vec_load("milenage.json"), *v;
	int n = 0;

	cJSON_ArrayForEach(v, root) {
		test_set(v);
		n++;
	}
	T_CHECK(n == 11, "%d milenage sets", n);
	test_key_bound();
	cJSON_Delete(root);
	return t_done("test_milenage");
}
