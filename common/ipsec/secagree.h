/* secagree.h - SIP security mechanism agreement: RFC 3329 with the
 * ipsec-3gpp mechanism of 3GPP TS 33.203 (Annex H, clause 7) and
 * TS 24.229.
 *
 * secagree_parse() takes the VALUE of a Security-Client, Security-Server or
 * Security-Verify header (all three share one grammar, RFC 3329 2.2):
 *	sec-mechanism = mechanism-name *(SEMI mech-parameters)
 *	mech-param    = token [EQUAL (token / host / quoted-string)]
 * with SWS around ";", "," and "=".  Mechanism and parameter names are
 * case-insensitive.  Fixed limits, all giving -EINVAL when exceeded:
 * SECAGREE_MAX_MECHS mechanisms, SECAGREE_MAX_PARAMS generic parameters per
 * mechanism, SECAGREE_MAX_NAME / SECAGREE_MAX_VALUE bytes per name / value.
 *
 * For every mechanism "q" (RFC 3329 2.2 qvalue: 0..1, at most 3 decimals)
 * is decoded.  For "ipsec-3gpp" the TS 33.203 Annex H parameters are
 * decoded and checked:
 *	alg    hmac-md5-96 | hmac-sha-1-96 | aes-gmac | null (mandatory);
 *	       any other token is kept as SECAGREE_ALG_OTHER with its text,
 *	       so an offer list from a newer UE still parses: such offers
 *	       are never chosen,
 *	ealg   null | des-ede3-cbc | aes-cbc | aes-gcm, other tokens kept
 *	       likewise (SECAGREE_EALG_OTHER); an absent ealg is treated
 *	       as NULL encryption (integrity only), which is how we read
 *	       TS 33.203 Rel-6+ Annex H / 7.1 for UEs that offer no
 *	       confidentiality (to be re-checked against the spec text),
 *	prot   esp | ah; absent means esp.  ah parses (it is in the Annex H
 *	       grammar) but secagree_choose() never selects it,
 *	mod    trans | tun | UDP-enc-tun; absent means trans,
 *	spi-c, spi-s  1*10DIGIT, 0..4294967295 (mandatory),
 *	port-c, port-s  1*5DIGIT, 1..65535 (mandatory).
 * Other parameters of any mechanism (d-alg, d-qop, d-ver of "digest",
 * extensions) are kept generically, in order.  A parameter given twice in
 * one mechanism is an error.
 *
 * AES-GCM and AES-GMAC (TS 33.203 Rel-15+, Annex H; RFC 4106 / RFC 4543)
 * each bring integrity and, for GCM, confidentiality in one transform, so
 * only some alg/ealg pairs make an SA (secagree_pair_ok):
 *	hmac-md5-96 | hmac-sha-1-96  with  null | des-ede3-cbc | aes-cbc
 *	aes-gmac                     with  null (integrity only)
 *	null                         with  aes-gcm (its ICV is the integrity)
 * Any pair parses (a header is a list of offers, not a choice); only
 * these are ever chosen.  alg=null with ealg=null or a CBC cipher would
 * leave Gm without integrity, which TS 33.203 5.1.4 makes mandatory.
 */
#ifndef IMS_SECAGREE_H
#define IMS_SECAGREE_H

#include <stddef.h>
#include <stdint.h>

#define SECAGREE_MAX_MECHS	16
#define SECAGREE_MAX_PARAMS	16
#define SECAGREE_MAX_NAME	32
#define SECAGREE_MAX_VALUE	128
/* Enough for anything secagree_format() can produce, NUL included. */
#define SECAGREE_FORMAT_MAX	(SECAGREE_MAX_MECHS * \
    (SECAGREE_MAX_NAME + 200 + SECAGREE_MAX_PARAMS * \
    (SECAGREE_MAX_NAME + 4 + 2 * SECAGREE_MAX_VALUE)) + 1)

enum secagree_alg {
	SECAGREE_ALG_NONE = 0,		/* not present */
	SECAGREE_ALG_HMAC_MD5_96,
	SECAGREE_ALG_HMAC_SHA1_96,
	SECAGREE_ALG_AES_GMAC,		/* RFC 4543, integrity only */
	SECAGREE_ALG_NULL,		/* "null": with ealg aes-gcm only */
	SECAGREE_ALG_OTHER,		/* unknown token, in alg_other */
};

enum secagree_ealg {
	SECAGREE_EALG_NULL = 0,		/* also the value when absent */
	SECAGREE_EALG_DES_EDE3_CBC,
	SECAGREE_EALG_AES_CBC,
	SECAGREE_EALG_AES_GCM,		/* RFC 4106, with alg null */
	SECAGREE_EALG_OTHER,		/* unknown token, in ealg_other */
};

enum secagree_prot {
	SECAGREE_PROT_ESP = 0,		/* also the value when absent */
	SECAGREE_PROT_AH,
};

enum secagree_mode {
	SECAGREE_MODE_TRANS = 0,	/* also the value when absent */
	SECAGREE_MODE_TUN,
	SECAGREE_MODE_UDP_ENC_TUN,
};

/* Which parameters were present in a mechanism (struct secagree_mech.have). */
#define SECAGREE_HAVE_Q		0x001
#define SECAGREE_HAVE_ALG	0x002
#define SECAGREE_HAVE_EALG	0x004
#define SECAGREE_HAVE_PROT	0x008
#define SECAGREE_HAVE_MOD	0x010
#define SECAGREE_HAVE_SPI_C	0x020
#define SECAGREE_HAVE_SPI_S	0x040
#define SECAGREE_HAVE_PORT_C	0x080
#define SECAGREE_HAVE_PORT_S	0x100
#define SECAGREE_IPSEC_MANDATORY (SECAGREE_HAVE_ALG | SECAGREE_HAVE_SPI_C | \
    SECAGREE_HAVE_SPI_S | SECAGREE_HAVE_PORT_C | SECAGREE_HAVE_PORT_S)

struct secagree_param {
	char	name[SECAGREE_MAX_NAME + 1];
	char	value[SECAGREE_MAX_VALUE + 1];
	int	has_value;	/* "name" alone vs "name=value" */
	int	quoted;		/* value was a quoted-string */
};

struct secagree_mech {
	char	name[SECAGREE_MAX_NAME + 1];	/* as received */
	int	ipsec3gpp;			/* name is "ipsec-3gpp" */
	unsigned have;				/* SECAGREE_HAVE_* */
	int	q;				/* thousandths, when HAVE_Q */
	/* ipsec-3gpp only (TS 33.203 Annex H): */
	enum secagree_alg alg;
	enum secagree_ealg ealg;
	char	alg_other[SECAGREE_MAX_NAME + 1];	/* when ALG_OTHER */
	char	ealg_other[SECAGREE_MAX_NAME + 1];	/* when EALG_OTHER */
	enum secagree_prot prot;
	enum secagree_mode mode;
	uint32_t spi_c, spi_s;
	uint16_t port_c, port_s;
	/* Everything else, in order. */
	struct secagree_param params[SECAGREE_MAX_PARAMS];
	size_t	nparams;
};

struct secagree {
	struct secagree_mech mech[SECAGREE_MAX_MECHS];
	size_t	nmech;
};

enum secagree_header {
	SECAGREE_CLIENT,	/* Security-Client */
	SECAGREE_SERVER,	/* Security-Server */
	SECAGREE_VERIFY,	/* Security-Verify */
};

/* Parse a header value of `len` bytes (embedded NUL is an error).  Returns
 * 0 or -EINVAL. */
int	secagree_parse(const char *s, size_t len, struct secagree *sa);

/* Write the header value ("ipsec-3gpp;alg=...;..., digest;q=0.1") into out,
 * NUL-terminated.  ipsec-3gpp parameters come in the order q, alg, ealg,
 * prot, mod, spi-c, spi-s, port-c, port-s (only those present), then the
 * generic ones.  0, -EINVAL (unformattable struct) or -ENOSPC. */
int	secagree_format(const struct secagree *sa, char *out, size_t outsz);
/* The same with the header name in front: "Security-Server: ...". */
int	secagree_format_header(enum secagree_header h,
	    const struct secagree *sa, char *out, size_t outsz);

/* Strict equality (mechanism order, parameter order, presence, quoting):
 * what a parse/format round trip preserves.  1 equal, 0 not. */
int	secagree_equal(const struct secagree *a, const struct secagree *b);

/* Bidding-down defence (RFC 3329 2.3.1 step 3, TS 33.203 7.2 / 7.4): does
 * the Security-Verify received from the UE carry exactly the mechanisms
 * of the Security-Server that was sent?  Mechanisms must be the same, in
 * the same order; within a mechanism the order of parameters does not
 * matter, names and token values compare case-insensitively, quoted
 * values exactly, and the decoded ipsec-3gpp values by value (so
 * "q=0.5" equals "q=0.500", and an absent ealg/prot/mod equals its
 * default).  1 equal, 0 differs. */
int	secagree_verify_matches(const struct secagree *verify,
	    const struct secagree *server);

/* Does this alg/ealg pair make an ESP SA (see the table above)?  1 yes,
 * 0 no (NONE, OTHER, out of range, or a pair without integrity or with
 * two integrity transforms). */
int	secagree_pair_ok(enum secagree_alg alg, enum secagree_ealg ealg);

/* A server policy entry: one acceptable alg/ealg combination.  An entry
 * that secagree_pair_ok() refuses never matches, so the cross product of
 * a list of algs and a list of ealgs is a valid policy. */
struct secagree_policy {
	enum secagree_alg alg;
	enum secagree_ealg ealg;
};

/* Choose, among the client's ipsec-3gpp offers (Security-Client) that use
 * prot=esp and whose alg/ealg pair makes an SA and is in the policy, the
 * strongest:
 *	1. encryption: aes-gcm > aes-cbc > des-ede3-cbc > null,
 *	2. integrity: aes-gmac > hmac-sha-1-96 > hmac-md5-96 (with aes-gcm
 *	   alg is null: its integrity is GCM's own),
 *	3. the client's q (higher first; an offer without q ranks as q=0),
 *	4. position of the pair in the policy (earlier first),
 *	5. the client's order (earlier first).
 * *idx gets the index into client->mech.  Returns 0, -ENOENT when nothing
 * acceptable is offered, -EINVAL on bad arguments. */
int	secagree_choose(const struct secagree *client,
	    const struct secagree_policy *policy, size_t npolicy, size_t *idx);

/* Names used on the wire (NULL for an out-of-range value). */
const char *secagree_alg_name(enum secagree_alg);
const char *secagree_ealg_name(enum secagree_ealg);

#endif
