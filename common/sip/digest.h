/* digest.h - HTTP Digest for SIP: RFC 2617, RFC 7616 (syntax), RFC 3310
 * (AKAv1-MD5) and RFC 4169 (AKAv2-MD5).
 *
 * digest_parse() takes the VALUE of a WWW-Authenticate, Proxy-Authenticate,
 * Authorization or Proxy-Authorization header ("Digest k=v, k2=\"v2\"").
 * Every buffer is fixed size; nothing is allocated.  Limits:
 *	- a parameter value is at most DIGEST_MAX_VALUE bytes (after removing
 *	  the quoted-string escapes),
 *	- a parameter name at most DIGEST_MAX_NAME bytes,
 *	- at most DIGEST_MAX_PARAMS parameters in all (known + unknown).
 * Anything malformed or beyond a limit gives -EINVAL; the struct is then
 * unspecified (but safe to pass to digest_format/digest_equal).
 *
 * Syntax accepted (RFC 2617 1.2 / RFC 3261 25.1):
 *	challenge   = "Digest" 1*LWS auth-param *("," auth-param)
 *	auth-param  = token LWS "=" LWS ( token / quoted-string )
 * Parameter names and the scheme are case-insensitive; LWS (SP, HT, and
 * CRLF folding followed by SP/HT) may surround "=" and ",".  Null list
 * elements ("a=1, , b=2") are skipped as RFC 2616 2.1 requires.  Quoted
 * strings keep their text verbatim after undoing quoted-pairs; control
 * characters other than HT (raw or escaped, including NUL and CR/LF) are
 * rejected inside them so that a re-emitted header cannot be split.
 * Duplicated parameters (case-insensitively), empty names, parameters
 * without "=", nc that is not 8 hex digits (RFC 2617 3.2.2), stale other
 * than true/false and a qop that is not a token list are rejected.
 */
#ifndef IMS_DIGEST_H
#define IMS_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DIGEST_MAX_VALUE	512
#define DIGEST_MAX_NAME		64
#define DIGEST_MAX_PARAMS	32
/* Enough for any struct digest digest_format() can produce (every value
 * fully escaped), including the NUL. */
#define DIGEST_FORMAT_MAX	(16 + DIGEST_MAX_PARAMS * \
				    (DIGEST_MAX_NAME + 6 + 2 * DIGEST_MAX_VALUE))

/* The parameters digest_parse() knows, in digest_format() output order. */
enum digest_field {
	DIGEST_USERNAME,
	DIGEST_REALM,
	DIGEST_NONCE,
	DIGEST_URI,
	DIGEST_RESPONSE,
	DIGEST_ALGORITHM,
	DIGEST_CNONCE,
	DIGEST_OPAQUE,
	DIGEST_QOP,
	DIGEST_NC,
	DIGEST_AUTS,		/* RFC 3310 3.4 */
	DIGEST_CK,		/* TS 24.229 7.2A.x / 33.203 (S-CSCF -> P-CSCF) */
	DIGEST_IK,
	DIGEST_STALE,
	DIGEST_NFIELDS
};

/* A parameter digest_parse() does not know: kept, in order, for re-emission
 * by a proxy (RFC 2617 3.2.1 auth-param). */
struct digest_param {
	char	name[DIGEST_MAX_NAME + 1];
	char	value[DIGEST_MAX_VALUE + 1];
	int	quoted;		/* value was (is to be) a quoted-string */
};

struct digest {
	char	scheme[8];	/* always "Digest" after a successful parse */
	uint32_t present;	/* bit (1 << enum digest_field) per known param */
	char	username[DIGEST_MAX_VALUE + 1];
	char	realm[DIGEST_MAX_VALUE + 1];
	char	nonce[DIGEST_MAX_VALUE + 1];
	char	uri[DIGEST_MAX_VALUE + 1];
	char	response[DIGEST_MAX_VALUE + 1];
	char	algorithm[DIGEST_MAX_VALUE + 1];
	char	cnonce[DIGEST_MAX_VALUE + 1];
	char	opaque[DIGEST_MAX_VALUE + 1];
	char	qop[DIGEST_MAX_VALUE + 1];	/* challenge: may be "auth,auth-int" */
	char	nc[DIGEST_MAX_VALUE + 1];	/* 8 hex digits when present */
	char	auts[DIGEST_MAX_VALUE + 1];
	char	ck[DIGEST_MAX_VALUE + 1];
	char	ik[DIGEST_MAX_VALUE + 1];
	char	stale[DIGEST_MAX_VALUE + 1];
	struct digest_param unknown[DIGEST_MAX_PARAMS];
	size_t	nunknown;
};

#define DIGEST_HAS(d, f)	(((d)->present >> (f)) & 1u)

/* Parse a header value of `len` bytes (need not be NUL-terminated; an
 * embedded NUL is an error).  0 or -EINVAL. */
int	digest_parse(const char *s, size_t len, struct digest *d);

/* digest_format() flags. */
#define DIGEST_FMT_CHALLENGE	0x01	/* qop as quoted list (RFC 2617 3.2.1) */
#define DIGEST_FMT_NO_KEYS	0x02	/* omit ck/ik: P-CSCF -> UE 401 */
/* Write "Digest a=..., b=..." into out (NUL-terminated): known parameters
 * in enum digest_field order, then the unknown ones in their order.  Values
 * the RFCs quote are quoted; token-form values that are not tokens are
 * quoted too.  0, -EINVAL or -ENOSPC. */
int	digest_format(const struct digest *d, int flags, char *out,
	    size_t outsz);

/* Strict equality (fields, presence, unknown parameters with their order
 * and quoting): 1 equal, 0 not. */
int	digest_equal(const struct digest *a, const struct digest *b);

/* Value of a known field (NULL when absent) / set one (-EINVAL if too long
 * or s is NULL). */
const char *digest_get(const struct digest *d, enum digest_field f);
int	digest_set(struct digest *d, enum digest_field f, const char *s);
/* Initialise an empty struct (scheme "Digest", nothing present). */
void	digest_init(struct digest *d);

/* 1 if the (challenge) qop list contains `opt` (case-insensitive). */
int	digest_qop_has(const struct digest *d, const char *opt);

/* RFC 3310 3.2: nonce = base64(RAND || AUTN || server data).  out must hold
 * base64_encoded_len(32 + extra_len) + 1 bytes (-ENOSPC otherwise); the
 * result must fit DIGEST_MAX_VALUE (-EINVAL otherwise). */
int	digest_aka_nonce_make(const uint8_t rand[16], const uint8_t autn[16],
	    const uint8_t *extra, size_t extra_len, char *out, size_t outsz);
/* Split a nonce back.  extra may be NULL (server data then ignored).
 * -EINVAL on bad base64, a decoded length < 32, or server data longer than
 * extra_max. */
int	digest_aka_nonce_split(const char *nonce, uint8_t rand[16],
	    uint8_t autn[16], uint8_t *extra, size_t extra_max,
	    size_t *extra_len);

/* The 14-byte AUTS from the auts parameter (RFC 3310 3.4, base64).
 * -ENOENT if absent, -EINVAL if not base64 of exactly 14 bytes. */
int	digest_auts(const struct digest *d, uint8_t auts[14]);
/* CK and IK from the ck/ik parameters (32 hex digits each). -ENOENT if
 * either is absent, -EINVAL if malformed. */
int	digest_keys(const struct digest *d, uint8_t ck[16], uint8_t ik[16]);

#define DIGEST_AKA_PW_MAX	32
/* The Digest password for AKA (RES is 4..16 bytes, TS 33.102 6.3.7):
 *	AKAv1-MD5: RES as raw octets (RFC 3310 3.3);
 *	AKAv2-MD5: base64(HMAC-MD5(RES || IK || CK, "http-digest-akav2-password"))
 *	           (RFC 4169 3), 24 characters.
 * res_len == 0 selects the synchronisation-failure password: empty
 * (RFC 3310 3.4; RFC 4169 keeps that procedure).  The algorithm name is
 * case-insensitive.  pw must hold DIGEST_AKA_PW_MAX bytes.  0, -EINVAL
 * (unknown algorithm, bad RES length, v2 without ck/ik) or -EIO. */
int	digest_aka_password(const char *algorithm, const uint8_t *res,
	    size_t res_len, const uint8_t *ck, const uint8_t *ik,
	    uint8_t pw[DIGEST_AKA_PW_MAX], size_t *pw_len);

/* RFC 2617 3.2.2 with MD5 (RFC 2617 "MD5" algorithm, not -sess):
 *	HA1 = MD5(username ":" realm ":" password)
 *	HA2 = MD5(method ":" uri)		qop absent or "auth"
 *	HA2 = MD5(method ":" uri ":" MD5(body))	qop "auth-int"
 *	response = MD5(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)
 *	response = MD5(HA1 ":" nonce ":" HA2)	(RFC 2069 form, no qop)
 * The password may be binary.  out gets 32 lower-case hex digits.
 * 0, -EINVAL (qop unknown, qop without 8-hex nc or cnonce) or -EIO. */
int	digest_response_md5(const char *username, const char *realm,
	    const uint8_t *pw, size_t pw_len, const char *method,
	    const char *uri, const char *nonce, const char *qop,
	    const char *nc, const char *cnonce, const uint8_t *body,
	    size_t body_len, char out[33]);

/* UE side: the response for AKAv1-MD5 / AKAv2-MD5.  ck may be NULL for v1;
 * qop NULL or "auth" (then nc and cnonce are required).  res_len 0 means
 * the synchronisation-failure (empty) password.  0 or -EINVAL / -EIO. */
int	digest_aka_response(const char *algorithm, const char *username,
	    const char *realm, const char *method, const char *uri,
	    const char *nonce, const uint8_t *res, size_t res_len,
	    const uint8_t *ck, const uint8_t *ik, const char *qop,
	    const char *nc, const char *cnonce, char out[33]);

/* Server side: check parsed credentials against XRES (and CK/IK for v2).
 * Needs username, realm, nonce, uri, response and algorithm AKAv1-MD5 or
 * AKAv2-MD5; qop absent or "auth".  When the credentials carry auts the
 * empty password is used (RFC 3310 3.4) and xres is not needed: the caller
 * then resynchronises with digest_auts().  The comparison is constant
 * time.  1 match, 0 mismatch, <0 error (-EINVAL for unusable credentials). */
int	digest_aka_verify(const struct digest *creds, const char *method,
	    const uint8_t *xres, size_t xres_len, const uint8_t *ck,
	    const uint8_t *ik);

#endif
