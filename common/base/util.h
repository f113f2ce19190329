/* util.h - hex and base64 codecs, constant-time compare, key wiping. */
#ifndef IMS_UTIL_H
#define IMS_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Decode exactly `len` bytes from a hex string (upper or lower case, no
 * separators; an optional 0x prefix is accepted).  Returns 0, or -EINVAL if
 * the string is not exactly 2*len hex digits. */
int	hex_decode(const char *hex, uint8_t *out, size_t len);
/* The value of one hex digit (either case), or -1. */
int	hex_digit(int c);
/* Decode a hex string of any even length up to `max` bytes; *outlen gets the
 * length.  Returns 0 or -EINVAL. */
int	hex_decode_var(const char *hex, uint8_t *out, size_t max, size_t *outlen);
/* Encode to lower-case hex; out must hold 2*len+1 bytes. */
void	hex_encode(const uint8_t *in, size_t len, char *out);

/* Standard base64 (RFC 4648 section 4) with '=' padding. */
size_t	base64_encoded_len(size_t len);		/* without the NUL */
void	base64_encode(const uint8_t *in, size_t len, char *out);	/* NUL-terminates */
/* Strict decoding: rejects bad characters, bad padding and non-zero pad bits.
 * Returns 0 or -EINVAL (also when the result would exceed max). */
int	base64_decode(const char *in, size_t inlen, uint8_t *out, size_t max,
	    size_t *outlen);

/* Constant-time equality of two buffers of the same length: 1 if equal. */
int	ct_equal(const void *a, const void *b, size_t len);
/* Wipe key material (OPENSSL_cleanse: not optimised away). */
void	secure_wipe(void *p, size_t len);

#endif
