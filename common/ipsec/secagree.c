/* secagree.c - RFC 3329 security agreement headers with the ipsec-3gpp
 * mechanism of 3GPP TS 33.203 Annex H.  See secagree.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "hdrlex.h"
#include "secagree.h"
#include "strbuf.h"

static const char *const alg_names[] = {
	[SECAGREE_ALG_NONE] = NULL,
	[SECAGREE_ALG_HMAC_MD5_96] = "hmac-md5-96",
	[SECAGREE_ALG_HMAC_SHA1_96] = "hmac-sha-1-96",
	[SECAGREE_ALG_AES_GMAC] = "aes-gmac",
	[SECAGREE_ALG_NULL] = "null",
};
static const char *const ealg_names[] = {
	[SECAGREE_EALG_NULL] = "null",
	[SECAGREE_EALG_DES_EDE3_CBC] = "des-ede3-cbc",
	[SECAGREE_EALG_AES_CBC] = "aes-cbc",
	[SECAGREE_EALG_AES_GCM] = "aes-gcm",
};
static const char *const prot_names[] = {
	[SECAGREE_PROT_ESP] = "esp",
	[SECAGREE_PROT_AH] = "ah",
};
static const char *const mode_names[] = {
	[SECAGREE_MODE_TRANS] = "trans",
	[SECAGREE_MODE_TUN] = "tun",
	[SECAGREE_MODE_UDP_ENC_TUN] = "UDP-enc-tun",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

const char *
secagree_alg_name(enum secagree_alg a)
{
	return (unsigned)a < NELEM(alg_names) ? alg_names[a] : NULL;
}

const char *
secagree_ealg_name(enum secagree_ealg e)
{
	return (unsigned)e < NELEM(ealg_names) ? ealg_names[e] : NULL;
}

/* gen-value = token / host / quoted-string (RFC 3261 25.1): the unquoted
 * forms are token characters plus ":[]" of IPv6 references. */
static int
is_vchar(int c)
{
	return hdr_is_tchar(c) || (c != '\0' && strchr(":[]", c) != NULL);
}

/* ---- value decoding ---- */

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
static int
parse_qvalue(const char *s, int *q)
{
	int v, scale = 100;

	if (s[0] != '0' && s[0] != '1')
		return -EINVAL;
	v = (s[0] - '0') * 1000;
	s++;
	if (*s == '.') {
		for (s++; *s != '\0'; s++) {
			if (!isdigit((unsigned char)*s) || scale == 0)
				return -EINVAL;
			v += (*s - '0') * scale;
			scale /= 10;
		}
	}
	if (*s != '\0' || v > 1000)
		return -EINVAL;
	*q = v;
	return 0;
}

static int
parse_uint(const char *s, size_t maxdigits, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t n;

	for (n = 0; s[n] != '\0'; n++) {
		if (!isdigit((unsigned char)s[n]) || n >= maxdigits)
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[n] - '0');
	}
	if (n == 0 || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcasecmp(names[i], s) == 0)
			return (int)i;
	return -EINVAL;
}

/* The TS 33.203 Annex H parameters of ipsec-3gpp (and q, RFC 3329 2.2,
 * for every mechanism).  Returns the SECAGREE_HAVE_* bit, or 0 if the
 * parameter is generic. */
static unsigned
known_param(const struct secagree_mech *m, const char *name)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} tab[] = {
		{ "alg", SECAGREE_HAVE_ALG }, { "ealg", SECAGREE_HAVE_EALG },
		{ "prot", SECAGREE_HAVE_PROT }, { "mod", SECAGREE_HAVE_MOD },
		{ "spi-c", SECAGREE_HAVE_SPI_C }, { "spi-s", SECAGREE_HAVE_SPI_S },
		{ "port-c", SECAGREE_HAVE_PORT_C },
		{ "port-s", SECAGREE_HAVE_PORT_S },
	};
	size_t i;

	if (strcasecmp(name, "q") == 0)
		return SECAGREE_HAVE_Q;
	if (!m->ipsec3gpp)
		return 0;
	for (i = 0; i < NELEM(tab); i++)
		if (strcasecmp(name, tab[i].name) == 0)
			return tab[i].bit;
	return 0;
}

/* An algorithm token we do not implement: kept so that the offer list
 * still parses and can be re-emitted, never chosen (secagree_choose). */
static int
keep_other(const char *v, char *out, size_t outsz)
{
	size_t n = strlen(v), i;

	if (n == 0 || n >= outsz)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)v[i]) && strchr("-._+", v[i]) == NULL)
			return -EINVAL;
	memcpy(out, v, n + 1);
	return 0;
}

static int
decode_known(struct secagree_mech *m, unsigned bit, const char *v)
{
	uint64_t n;
	int i;

	switch (bit) {
	case SECAGREE_HAVE_Q:
		return parse_qvalue(v, &m->q);
	case SECAGREE_HAVE_ALG:
		if ((i = lookup(alg_names, NELEM(alg_names), v)) >= 0) {
			m->alg = (enum secagree_alg)i;
			return 0;
		}
		m->alg = SECAGREE_ALG_OTHER;
		return keep_other(v, m->alg_other, sizeof(m->alg_other));
	case SECAGREE_HAVE_EALG:
		if ((i = lookup(ealg_names, NELEM(ealg_names), v)) >= 0) {
			m->ealg = (enum secagree_ealg)i;
			return 0;
		}
		m->ealg = SECAGREE_EALG_OTHER;
		return keep_other(v, m->ealg_other, sizeof(m->ealg_other));
	case SECAGREE_HAVE_PROT:
		IMS_CHECK_RC(i = lookup(prot_names, NELEM(prot_names), v));
		m->prot = (enum secagree_prot)i;
		return 0;
	case SECAGREE_HAVE_MOD:
		IMS_CHECK_RC(i = lookup(mode_names, NELEM(mode_names), v));
		m->mode = (enum secagree_mode)i;
		return 0;
	case SECAGREE_HAVE_SPI_C:
	case SECAGREE_HAVE_SPI_S:
		/* spivalue = 10DIGIT; up to 4294967295 (Annex H) */
		IMS_CHECK_RC(parse_uint(v, 10, UINT32_MAX, &n));
		if (bit == SECAGREE_HAVE_SPI_C)
			m->spi_c = (uint32_t)n;
		else
			m->spi_s = (uint32_t)n;
		return 0;
	case SECAGREE_HAVE_PORT_C:
	case SECAGREE_HAVE_PORT_S:
		/* port1 = 1*5DIGIT; a port number, 0 excluded */
		IMS_CHECK_RC(parse_uint(v, 5, 65535, &n));
		if (n == 0)
			return -EINVAL;
		if (bit == SECAGREE_HAVE_PORT_C)
			m->port_c = (uint16_t)n;
		else
			m->port_s = (uint16_t)n;
		return 0;
	}
	return -EINVAL;
}

/* mech-parameters = token [ EQUAL gen-value ] */
static int
parse_param(struct hdrlex *l, struct secagree_mech *m)
{
	char name[SECAGREE_MAX_NAME + 1], value[SECAGREE_MAX_VALUE + 1];
	struct secagree_param *p;
	int has_value = 0, quoted = 0;
	unsigned bit;
	size_t i;

	IMS_CHECK_RC(hdrlex_token(l, name, sizeof(name)));
	hdrlex_skip_sws(l);
	value[0] = '\0';
	if (hdrlex_accept(l, '=')) {
		hdrlex_skip_sws(l);
		has_value = 1;
		quoted = hdrlex_peek(l, '"');
		if (quoted)
			IMS_CHECK_RC(hdrlex_quoted(l, value, sizeof(value)));
		else
			IMS_CHECK_RC(hdrlex_run(l, is_vchar, value, sizeof(value)));
		hdrlex_skip_sws(l);
	}
	if ((bit = known_param(m, name)) != 0) {
		if ((m->have & bit) || !has_value || quoted)
			return -EINVAL;
		IMS_CHECK_RC(decode_known(m, bit, value));
		m->have |= bit;
		return 0;
	}
	for (i = 0; i < m->nparams; i++)
		if (strcasecmp(m->params[i].name, name) == 0)
			return -EINVAL;		/* duplicated */
	if (m->nparams >= SECAGREE_MAX_PARAMS)
		return -EINVAL;
	p = &m->params[m->nparams++];
	memcpy(p->name, name, strlen(name) + 1);
	memcpy(p->value, value, strlen(value) + 1);
	p->has_value = has_value;
	p->quoted = quoted;
	return 0;
}

/* sec-mechanism = mechanism-name *(SEMI mech-parameters) */
static int
parse_mech(struct hdrlex *l, struct secagree_mech *m)
{
	memset(m, 0, sizeof(*m));
	IMS_CHECK_RC(hdrlex_token(l, m->name, sizeof(m->name)));
	m->ipsec3gpp = strcasecmp(m->name, "ipsec-3gpp") == 0;
	hdrlex_skip_sws(l);
	while (hdrlex_accept(l, ';')) {
		hdrlex_skip_sws(l);
		IMS_CHECK_RC(parse_param(l, m));
	}
	/* TS 33.203 Annex H: alg, spi-c, spi-s, port-c, port-s mandatory. */
	if (m->ipsec3gpp &&
	    (m->have & SECAGREE_IPSEC_MANDATORY) != SECAGREE_IPSEC_MANDATORY)
		return -EINVAL;
	return 0;
}

int
secagree_parse(const char *s, size_t len, struct secagree *sa)
{
	struct hdrlex l;

	IMS_CHECK_PARAMS(sa != NULL);
	sa->nmech = 0;
	IMS_CHECK_PARAMS(s != NULL);
	hdrlex_init(&l, s, len);
	hdrlex_skip_sws(&l);
	for (;;) {
		if (sa->nmech >= SECAGREE_MAX_MECHS)
			return -EINVAL;
		IMS_CHECK_RC(parse_mech(&l, &sa->mech[sa->nmech]));
		sa->nmech++;
		if (hdrlex_eof(&l))
			return 0;
		if (!hdrlex_accept(&l, ','))
			return -EINVAL;
		hdrlex_skip_sws(&l);
	}
}

/* ---- formatting ---- */

static void
out_kv(struct strbuf *o, const char *name, const char *value)
{
	strbuf_putc(o, ';');
	strbuf_puts(o, name);
	strbuf_putc(o, '=');
	strbuf_puts(o, value);
}

static int
out_qvalue(struct strbuf *o, int q)
{
	char buf[8];
	size_t n;

	if (q < 0 || q > 1000)
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%d.%03d", q / 1000, q % 1000);
	n = strlen(buf);
	while (n > 2 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	if (strcmp(buf + 1, ".0") == 0)
		buf[1] = '\0';
	out_kv(o, "q", buf);
	return 0;
}

static int
format_ipsec(struct strbuf *o, const struct secagree_mech *m)
{
	char num[16];
	const char *s;

	if (m->have & SECAGREE_HAVE_ALG) {
		s = m->alg == SECAGREE_ALG_OTHER ? m->alg_other :
		    secagree_alg_name(m->alg);
		if (s == NULL || *s == '\0')
			return -EINVAL;
		out_kv(o, "alg", s);
	}
	if (m->have & SECAGREE_HAVE_EALG) {
		s = m->ealg == SECAGREE_EALG_OTHER ? m->ealg_other :
		    secagree_ealg_name(m->ealg);
		if (s == NULL || *s == '\0')
			return -EINVAL;
		out_kv(o, "ealg", s);
	}
	if (m->have & SECAGREE_HAVE_PROT) {
		if ((unsigned)m->prot >= NELEM(prot_names))
			return -EINVAL;
		out_kv(o, "prot", prot_names[m->prot]);
	}
	if (m->have & SECAGREE_HAVE_MOD) {
		if ((unsigned)m->mode >= NELEM(mode_names))
			return -EINVAL;
		out_kv(o, "mod", mode_names[m->mode]);
	}
	snprintf(num, sizeof(num), "%lu", (unsigned long)m->spi_c);
	if (m->have & SECAGREE_HAVE_SPI_C)
		out_kv(o, "spi-c", num);
	snprintf(num, sizeof(num), "%lu", (unsigned long)m->spi_s);
	if (m->have & SECAGREE_HAVE_SPI_S)
		out_kv(o, "spi-s", num);
	snprintf(num, sizeof(num), "%u", (unsigned)m->port_c);
	if (m->have & SECAGREE_HAVE_PORT_C)
		out_kv(o, "port-c", num);
	snprintf(num, sizeof(num), "%u", (unsigned)m->port_s);
	if (m->have & SECAGREE_HAVE_PORT_S)
		out_kv(o, "port-s", num);
	return 0;
}

static int
format_param(struct strbuf *o, const struct secagree_param *p)
{
	if (memchr(p->name, '\0', sizeof(p->name)) == NULL ||
	    memchr(p->value, '\0', sizeof(p->value)) == NULL ||
	    !hdr_is_token(p->name))
		return -EINVAL;
	strbuf_putc(o, ';');
	strbuf_puts(o, p->name);
	if (!p->has_value)
		return 0;
	strbuf_putc(o, '=');
	if (!p->quoted && hdr_all_of(p->value, is_vchar)) {
		strbuf_puts(o, p->value);
		return 0;
	}
	return hdr_put_quoted(o, p->value);
}

static int
format_mech(struct strbuf *o, const struct secagree_mech *m)
{
	size_t i;

	if (memchr(m->name, '\0', sizeof(m->name)) == NULL ||
	    !hdr_is_token(m->name) || m->nparams > SECAGREE_MAX_PARAMS)
		return -EINVAL;
	if (!m->ipsec3gpp != !(strcasecmp(m->name, "ipsec-3gpp") == 0))
		return -EINVAL;
	strbuf_puts(o, m->name);
	if (m->have & SECAGREE_HAVE_Q)
		IMS_CHECK_RC(out_qvalue(o, m->q));
	if (m->ipsec3gpp)
		IMS_CHECK_RC(format_ipsec(o, m));
	for (i = 0; i < m->nparams; i++)
		IMS_CHECK_RC(format_param(o, &m->params[i]));
	return 0;
}

int
secagree_format(const struct secagree *sa, char *out, size_t outsz)
{
	struct strbuf o;
	size_t i;

	IMS_CHECK_PARAMS(sa != NULL && out != NULL && outsz > 0);
	strbuf_init(&o, out, outsz);
	IMS_CHECK_PARAMS(sa->nmech > 0 && sa->nmech <= SECAGREE_MAX_MECHS);
	for (i = 0; i < sa->nmech; i++) {
		if (i > 0)
			strbuf_puts(&o, ", ");
		IMS_CHECK_RC(format_mech(&o, &sa->mech[i]));
	}
	return strbuf_status(&o);
}

int
secagree_format_header(enum secagree_header h, const struct secagree *sa,
    char *out, size_t outsz)
{
	static const char *const names[] = {
		[SECAGREE_CLIENT] = "Security-Client: ",
		[SECAGREE_SERVER] = "Security-Server: ",
		[SECAGREE_VERIFY] = "Security-Verify: ",
	};
	size_t n;

	IMS_CHECK_PARAMS((unsigned)h < NELEM(names) && out != NULL);
	n = strlen(names[h]);
	if (outsz <= n)
		return -ENOSPC;
	memcpy(out, names[h], n);
	return secagree_format(sa, out + n, outsz - n);
}

/* ---- comparisons ---- */

static int
param_equal(const struct secagree_param *a, const struct secagree_param *b,
    int loose)
{
	if (a->has_value != b->has_value || !a->quoted != !b->quoted)
		return 0;
	if (loose)
		return strcasecmp(a->name, b->name) == 0 && (a->quoted ?
		    strcmp(a->value, b->value) == 0 :
		    strcasecmp(a->value, b->value) == 0);
	return strcmp(a->name, b->name) == 0 &&
	    strcmp(a->value, b->value) == 0;
}

/* Decoded fields; `effective` applies the Annex H defaults of absent
 * ealg/prot/mod instead of requiring the same presence. */
static int
decoded_equal(const struct secagree_mech *a, const struct secagree_mech *b,
    int effective)
{
	unsigned ignore = effective ?
	    SECAGREE_HAVE_EALG | SECAGREE_HAVE_PROT | SECAGREE_HAVE_MOD : 0;

	if (!a->ipsec3gpp != !b->ipsec3gpp ||
	    (a->have & ~ignore) != (b->have & ~ignore))
		return 0;
	if ((a->have & SECAGREE_HAVE_Q) && a->q != b->q)
		return 0;
	if (!a->ipsec3gpp)
		return 1;
	if ((a->alg == SECAGREE_ALG_OTHER &&
	    strcasecmp(a->alg_other, b->alg_other) != 0) ||
	    (a->ealg == SECAGREE_EALG_OTHER &&
	    strcasecmp(a->ealg_other, b->ealg_other) != 0))
		return 0;
	return a->alg == b->alg && a->ealg == b->ealg && a->prot == b->prot &&
	    a->mode == b->mode && a->spi_c == b->spi_c &&
	    a->spi_s == b->spi_s && a->port_c == b->port_c &&
	    a->port_s == b->port_s;
}

static int
mech_equal_strict(const struct secagree_mech *a, const struct secagree_mech *b)
{
	size_t i;

	if (strcmp(a->name, b->name) != 0 || !decoded_equal(a, b, 0) ||
	    a->nparams != b->nparams || a->nparams > SECAGREE_MAX_PARAMS)
		return 0;
	for (i = 0; i < a->nparams; i++)
		if (!param_equal(&a->params[i], &b->params[i], 0))
			return 0;
	return 1;
}

int
secagree_equal(const struct secagree *a, const struct secagree *b)
{
	size_t i;

	if (a->nmech != b->nmech || a->nmech > SECAGREE_MAX_MECHS)
		return 0;
	for (i = 0; i < a->nmech; i++)
		if (!mech_equal_strict(&a->mech[i], &b->mech[i]))
			return 0;
	return 1;
}

/* RFC 3329 2.3.1: the same mechanism with the same parameters, parameter
 * order and letter case of names and tokens not significant. */
static int
mech_matches(const struct secagree_mech *v, const struct secagree_mech *s)
{
	size_t i, j;

	if (strcasecmp(v->name, s->name) != 0 || !decoded_equal(v, s, 1) ||
	    v->nparams != s->nparams || v->nparams > SECAGREE_MAX_PARAMS)
		return 0;
	/* Names are unique within a mechanism (parse rejects duplicates),
	 * so equal counts and every v param found in s is a bijection. */
	for (i = 0; i < v->nparams; i++) {
		for (j = 0; j < s->nparams; j++)
			if (strcasecmp(v->params[i].name,
			    s->params[j].name) == 0)
				break;
		if (j == s->nparams ||
		    !param_equal(&v->params[i], &s->params[j], 1))
			return 0;
	}
	return 1;
}

int
secagree_verify_matches(const struct secagree *verify,
    const struct secagree *server)
{
	size_t i;

	if (verify == NULL || server == NULL || verify->nmech == 0 ||
	    verify->nmech != server->nmech ||
	    verify->nmech > SECAGREE_MAX_MECHS)
		return 0;
	for (i = 0; i < verify->nmech; i++)
		if (!mech_matches(&verify->mech[i], &server->mech[i]))
			return 0;
	return 1;
}

/* ---- policy (TS 33.203 7.1, 7.2: the P-CSCF picks from the UE's list) ---- */

/* Annex H (Rel-15+): AES-GCM (RFC 4106) carries its own integrity, so it
 * goes with alg "null"; AES-GMAC (RFC 4543) is integrity only, so with
 * ealg "null"; the HMACs take any of the CBC ciphers or null.  Integrity
 * is never absent (5.1.4). */
int
secagree_pair_ok(enum secagree_alg alg, enum secagree_ealg ealg)
{
	switch (alg) {
	case SECAGREE_ALG_HMAC_MD5_96:
	case SECAGREE_ALG_HMAC_SHA1_96:
		return ealg == SECAGREE_EALG_NULL ||
		    ealg == SECAGREE_EALG_DES_EDE3_CBC ||
		    ealg == SECAGREE_EALG_AES_CBC;
	case SECAGREE_ALG_AES_GMAC:
		return ealg == SECAGREE_EALG_NULL;
	case SECAGREE_ALG_NULL:
		return ealg == SECAGREE_EALG_AES_GCM;
	default:
		return 0;
	}
}

static int
ealg_rank(enum secagree_ealg e)
{
	switch (e) {
	case SECAGREE_EALG_AES_GCM:
		return 4;
	case SECAGREE_EALG_AES_CBC:
		return 3;
	case SECAGREE_EALG_DES_EDE3_CBC:
		return 2;
	default:
		return 1;
	}
}

static int
alg_rank(enum secagree_alg a)
{
	switch (a) {
	case SECAGREE_ALG_AES_GMAC:
		return 3;
	case SECAGREE_ALG_HMAC_SHA1_96:
		return 2;
	case SECAGREE_ALG_HMAC_MD5_96:
		return 1;
	default:
		return 0;	/* null: only with aes-gcm, ranked by ealg */
	}
}

/* <0 if offer a (policy index pa) is better than b (pb), per the order
 * documented in secagree.h; the client order is the caller's tie-break. */
static int
offer_cmp(const struct secagree_mech *a, size_t pa,
    const struct secagree_mech *b, size_t pb)
{
	int qa, qb;

	if (ealg_rank(a->ealg) != ealg_rank(b->ealg))
		return ealg_rank(b->ealg) - ealg_rank(a->ealg);
	if (alg_rank(a->alg) != alg_rank(b->alg))
		return alg_rank(b->alg) - alg_rank(a->alg);
	qa = (a->have & SECAGREE_HAVE_Q) ? a->q : 0;
	qb = (b->have & SECAGREE_HAVE_Q) ? b->q : 0;
	if (qa != qb)
		return qb - qa;
	return pa < pb ? -1 : pa > pb ? 1 : 0;
}

int
secagree_choose(const struct secagree *client,
    const struct secagree_policy *policy, size_t npolicy, size_t *idx)
{
	const struct secagree_mech *m, *best = NULL;
	size_t i, p, bestp = 0;

	IMS_CHECK_PARAMS(client != NULL && idx != NULL &&
	    (policy != NULL || npolicy == 0));
	IMS_CHECK_PARAMS(client->nmech <= SECAGREE_MAX_MECHS);
	for (i = 0; i < client->nmech; i++) {
		m = &client->mech[i];
		if (!m->ipsec3gpp || m->prot != SECAGREE_PROT_ESP ||
		    !secagree_pair_ok(m->alg, m->ealg) ||
		    (m->have & SECAGREE_IPSEC_MANDATORY) !=
		    SECAGREE_IPSEC_MANDATORY)
			continue;
		for (p = 0; p < npolicy; p++)
			if (policy[p].alg == m->alg &&
			    policy[p].ealg == m->ealg)
				break;
		if (p == npolicy)
			continue;
		if (best == NULL || offer_cmp(m, p, best, bestp) < 0) {
			best = m;
			bestp = p;
			*idx = i;
		}
	}
	return best != NULL ? 0 : -ENOENT;
}
