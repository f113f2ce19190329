/* util.c - hex/base64 codecs and secret-handling helpers. */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "util.h"

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_decode_var(const char *hex, uint8_t *out, size_t max, size_t *outlen)
{
	size_t n, i;

	if (hex == NULL)
		return -EINVAL;
	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	n = strlen(hex);
	if (n % 2 != 0 || n / 2 > max)
		return -EINVAL;
	for (i = 0; i < n / 2; i++) {
		int hi = hex_digit((unsigned char)hex[2 * i]);
		int lo = hex_digit((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*outlen = n / 2;
	return 0;
}

int
hex_decode(const char *hex, uint8_t *out, size_t len)
{
	size_t got;

	if (hex_decode_var(hex, out, len, &got) < 0 || got != len)
		return -EINVAL;
	return 0;
}

void
hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
base64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

void
base64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t i;
	char *o = out;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | in[i + 1] << 8 | in[i + 2];
		*o++ = b64chars[v >> 18];
		*o++ = b64chars[(v >> 12) & 63];
		*o++ = b64chars[(v >> 6) & 63];
		*o++ = b64chars[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		*o++ = b64chars[v >> 18];
		*o++ = b64chars[(v >> 12) & 63];
		*o++ = '=';
		*o++ = '=';
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | in[i + 1] << 8;
		*o++ = b64chars[v >> 18];
		*o++ = b64chars[(v >> 12) & 63];
		*o++ = b64chars[(v >> 6) & 63];
		*o++ = '=';
	}
	*o = '\0';
}

static int
b64val(int c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(b64chars, c);
	return p ? (int)(p - b64chars) : -1;
}

int
base64_decode(const char *in, size_t inlen, uint8_t *out, size_t max,
    size_t *outlen)
{
	size_t i, n = 0, pad = 0;

	if (inlen % 4 != 0)
		return -EINVAL;
	if (inlen >= 1 && in[inlen - 1] == '=') {
		pad++;
		if (in[inlen - 2] == '=')
			pad++;
	}
	if (inlen / 4 * 3 - pad > max)
		return -EINVAL;
	for (i = 0; i < inlen; i += 4) {
		int v[4], k, last = (i + 4 == inlen);
		uint32_t w;

		for (k = 0; k < 4; k++) {
			if (last && in[i + k] == '=' && k >= 4 - (int)pad) {
				v[k] = 0;
				continue;
			}
			if ((v[k] = b64val((unsigned char)in[i + k])) < 0)
				return -EINVAL;
		}
		w = (uint32_t)v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3];
		/* RFC 4648 3.5: pad bits must be zero (canonical encoding). */
		if (last && pad == 2 && (w & 0xffff) != 0)
			return -EINVAL;
		if (last && pad == 1 && (w & 0xff) != 0)
			return -EINVAL;
		out[n++] = (uint8_t)(w >> 16);
		if (!last || pad < 2)
			out[n++] = (uint8_t)(w >> 8);
		if (!last || pad < 1)
			out[n++] = (uint8_t)w;
	}
	*outlen = n;
	return 0;
}

int
ct_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

void
secure_wipe(void *p, size_t len)
{
	/* glibc's memset behind a compiler barrier: the same guarantee as
	 * OPENSSL_cleanse, several times faster on the KiB-sized buffers of
	 * the batched vector path (milenage.c). */
	explicit_bzero(p, len);
}
