/* test_util.c - hex and base64 codecs, constant-time compare. */
#include <stdint.h>
#include <string.h>

#include "t.h"
#include "util.h"

static void
test_hex(void)
{
	uint8_t b[8];
	size_t n;
	char s[17];

	T_CHECK(hex_decode("00ff7Aa0", b, 4) == 0, "decode");
	T_EQ_HEX(b, 4, "00ff7aa0");
	T_CHECK(hex_decode("0x0102", b, 2) == 0, "0x prefix");
	T_CHECK(hex_decode("010", b, 2) < 0, "odd length");
	T_CHECK(hex_decode("0102", b, 3) < 0, "too short for len");
	T_CHECK(hex_decode("010203", b, 2) < 0, "too long for len");
	T_CHECK(hex_decode("01g2", b, 2) < 0, "bad digit");
	T_CHECK(hex_decode("01 2", b, 2) < 0, "space");
	T_CHECK(hex_decode("", b, 0) == 0, "empty for 0");
	T_CHECK(hex_decode_var("aabbccddeeff001122", b, 8, &n) < 0, "over max");
	T_CHECK(hex_decode_var("aabb", b, 8, &n) == 0 && n == 2, "var");
	T_CHECK(hex_decode(NULL, b, 1) < 0, "NULL");
	hex_encode((const uint8_t *)"\x01\xab", 2, s);
	T_CHECK(strcmp(s, "01ab") == 0, "encode %s", s);
}

static void
test_base64(void)
{
	/* RFC 4648 section 10 test vectors. */
	static const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba",
	    "foobar" };
	static const char *enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==",
	    "Zm9vYmE=", "Zm9vYmFy" };
	static const char *bad[] = { "Zg=", "Z===", "Zh==", "Zm9=", "Zm9v!A==",
	    "=Zg=", "Zg==Zg==", "Zm 9", "Zm9vYg=a" };
	uint8_t out[16];
	char e[32];
	size_t i, n;

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		base64_encode((const uint8_t *)plain[i], strlen(plain[i]), e);
		T_CHECK(strcmp(e, enc[i]) == 0, "encode %s -> %s", plain[i], e);
		T_CHECK(base64_encoded_len(strlen(plain[i])) == strlen(enc[i]),
		    "len %zu", i);
		T_CHECK(base64_decode(enc[i], strlen(enc[i]), out, sizeof(out),
		    &n) == 0 && n == strlen(plain[i]) &&
		    memcmp(out, plain[i], n) == 0, "decode %s", enc[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		T_CHECK(base64_decode(bad[i], strlen(bad[i]), out, sizeof(out),
		    &n) < 0, "rejects \"%s\"", bad[i]);
	T_CHECK(base64_decode("Zm9vYmFy", 8, out, 5, &n) < 0, "overflow");
	T_CHECK(base64_decode("Zm9vYmFy", 8, out, 6, &n) == 0, "exact fit");
}

static void
test_ct(void)
{
	uint8_t a[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, b[8];

	memcpy(b, a, 8);
	T_CHECK(ct_equal(a, b, 8), "equal");
	b[7] ^= 1;
	T_CHECK(!ct_equal(a, b, 8), "differs in last byte");
	secure_wipe(a, sizeof(a));
	T_CHECK(a[0] == 0 && a[7] == 0, "wiped");
}

int
main(void)
{
	test_hex();
	test_base64();
	test_ct();
	return t_done("test_util");
}
