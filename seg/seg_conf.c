/* seg_conf.c - the seg's peer lines and proposal strings.
 *
 * A peer line (the value of a "peer" key):
 *   NAME address=IP id=FQDN auth=psk|cert [psk=SECRET|0xHEX]
 *        local-subnet=IP/PLEN remote-subnet=IP/PLEN [initiate=yes|no]
 * A proposal: transforms joined by '-' (strongSwan's spelling), e.g.
 *   IKE  aes128-sha256-modp2048, aes256gcm16-prfsha256-ecp256
 *   ESP  aes128-sha256, aes256gcm16 (no ESN: common/ipsec installs none)
 * "sha256" is HMAC-SHA2-256-128 (RFC 4868) and, in an IKE proposal
 * without a prf, also PRF-HMAC-SHA2-256.  RFC 7296 3.3.3 mandates: an IKE
 * proposal has ENCR, PRF, DH and (unless AEAD) INTEG; ESP has ENCR,
 * (unless AEAD) INTEG, and ESN (default "no").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "check.h"
#include "seg.h"
#include "util.h"

struct seg_tok {
	const char	*name;
	uint8_t		 type;
	uint16_t	 id;
	uint16_t	 keylen;
};

static const struct seg_tok seg_toks[] = {
	{ "aes128", IKE_TR_ENCR, IKE_ENCR_AES_CBC, 128 },
	{ "aes256", IKE_TR_ENCR, IKE_ENCR_AES_CBC, 256 },
	{ "aes128gcm16", IKE_TR_ENCR, IKE_ENCR_AES_GCM_16, 128 },
	{ "aes256gcm16", IKE_TR_ENCR, IKE_ENCR_AES_GCM_16, 256 },
	{ "sha256", IKE_TR_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0 },
	{ "prfsha256", IKE_TR_PRF, IKE_PRF_HMAC_SHA2_256, 0 },
	{ "prf_sha256", IKE_TR_PRF, IKE_PRF_HMAC_SHA2_256, 0 },
	{ "modp2048", IKE_TR_DH, IKE_DH_MODP2048, 0 },
	{ "ecp256", IKE_TR_DH, IKE_DH_ECP256, 0 },
	{ "ecp384", IKE_TR_DH, IKE_DH_ECP384, 0 },
	{ "noesn", IKE_TR_ESN, IKE_ESN_NO, 0 },
	{ NULL, 0, 0, 0 }
};

/* The transform of type in p (a local ike_proposal_get: this file is
 * linked by the unit test without the codec). */
static const struct ike_transform *
prop_get(const struct ike_proposal *p, uint8_t type)
{
	size_t i;

	for (i = 0; i < p->ntr; i++)
		if (p->tr[i].type == type)
			return &p->tr[i];
	return NULL;
}

static int
prop_has(const struct ike_proposal *p, uint8_t type)
{
	return prop_get(p, type) != NULL;
}

static int
prop_add(struct ike_proposal *p, uint8_t type, uint16_t id, uint16_t kl)
{
	if (p->ntr >= IKE_MAX_TRANSFORMS)
		return -E2BIG;
	p->tr[p->ntr].type = type;
	p->tr[p->ntr].id = id;
	p->tr[p->ntr].keylen = kl;
	p->ntr++;
	return 0;
}

int
seg_prop_parse(const char *s, uint8_t proto, struct ike_proposal *p,
    char *why, size_t whysize)
{
	const struct seg_tok *t;
	const char *b, *e;
	const struct ike_transform *enc;
	size_t n;
	int aead, integ_sha = 0;

	IMS_CHECK_PARAMS(s != NULL && p != NULL && why != NULL);
	IMS_CHECK_PARAMS(proto == IKE_PROTO_IKE || proto == IKE_PROTO_ESP);
	memset(p, 0, sizeof(*p));
	p->num = 1;
	p->proto = proto;
	for (b = s; *b != '\0'; b = *e != '\0' ? e + 1 : e) {
		e = b + strcspn(b, "-");
		n = (size_t)(e - b);
		for (t = seg_toks; t->name != NULL; t++)
			if (strlen(t->name) == n &&
			    strncasecmp(t->name, b, n) == 0)
				break;
		if (t->name == NULL) {
			(void)snprintf(why, whysize, "unknown transform "
			    "\"%.*s\" in \"%s\"", (int)n, b, s);
			return -EINVAL;
		}
		if (proto == IKE_PROTO_ESP && (t->type == IKE_TR_PRF)) {
			(void)snprintf(why, whysize, "\"%s\": no PRF in an ESP "
			    "proposal", s);
			return -EINVAL;
		}
		if (proto == IKE_PROTO_IKE && t->type == IKE_TR_ESN) {
			(void)snprintf(why, whysize, "\"%s\": no ESN in an IKE "
			    "proposal", s);
			return -EINVAL;
		}
		if (prop_has(p, t->type)) {
			(void)snprintf(why, whysize, "\"%s\": two transforms of "
			    "one type", s);
			return -EINVAL;
		}
		if (t->type == IKE_TR_INTEG)
			integ_sha = 1;
		IMS_CHECK_RC(prop_add(p, t->type, t->id, t->keylen));
	}
	if ((enc = prop_get(p, IKE_TR_ENCR)) == NULL) {
		(void)snprintf(why, whysize, "\"%s\": no encryption", s);
		return -EINVAL;
	}
	aead = enc->id == IKE_ENCR_AES_GCM_16;
	if (aead && prop_has(p, IKE_TR_INTEG)) {
		(void)snprintf(why, whysize, "\"%s\": AES-GCM takes no integrity "
		    "transform (RFC 5282 8)", s);
		return -EINVAL;
	}
	if (!aead && !prop_has(p, IKE_TR_INTEG)) {
		(void)snprintf(why, whysize, "\"%s\": no integrity", s);
		return -EINVAL;
	}
	if (proto == IKE_PROTO_IKE) {
		if (!prop_has(p, IKE_TR_PRF)) {
			if (!integ_sha && !aead) {
				(void)snprintf(why, whysize, "\"%s\": no PRF", s);
				return -EINVAL;
			}
			/* sha256 (or GCM alone): PRF-HMAC-SHA2-256 */
			IMS_CHECK_RC(prop_add(p, IKE_TR_PRF,
			    IKE_PRF_HMAC_SHA2_256, 0));
		}
		if (!prop_has(p, IKE_TR_DH)) {
			(void)snprintf(why, whysize, "\"%s\": no DH group", s);
			return -EINVAL;
		}
	} else if (!prop_has(p, IKE_TR_ESN)) {
		IMS_CHECK_RC(prop_add(p, IKE_TR_ESN, IKE_ESN_NO, 0));
	}
	return 0;
}

const char *
seg_suite_str(const struct ike_proposal *p, char *buf, size_t size)
{
	/* one order whatever the peer's: ENCR, INTEG, PRF, DH, ESN */
	static const uint8_t order[] = { IKE_TR_ENCR, IKE_TR_INTEG,
		IKE_TR_PRF, IKE_TR_DH, IKE_TR_ESN };
	const struct seg_tok *t;
	size_t i, k, off = 0;
	int n;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (k = 0; k < sizeof(order); k++)
		for (i = 0; i < p->ntr && off < size; i++) {
			if (p->tr[i].type != order[k] ||
			    (p->tr[i].type == IKE_TR_ESN &&
			    p->tr[i].id == IKE_ESN_NO))
				continue;
			for (t = seg_toks; t->name != NULL; t++)
				if (t->type == p->tr[i].type &&
				    t->id == p->tr[i].id && (t->keylen == 0 ||
				    t->keylen == p->tr[i].keylen))
					break;
			if (t->name != NULL)
				n = snprintf(buf + off, size - off, "%s%s",
				    off ? "-" : "", t->name);
			else
				n = snprintf(buf + off, size - off, "%s%u:%u",
				    off ? "-" : "", p->tr[i].type, p->tr[i].id);
			if (n < 0)
				return buf;
			off += (size_t)n;
		}
	return buf;
}

int
seg_prefix_parse(const char *s, struct xfrm_ip *ip, uint8_t *plen)
{
	char a[64], *end;
	const char *sl = strchr(s, '/');
	unsigned long n;
	size_t len, bytes;

	if (sl == NULL || (len = (size_t)(sl - s)) == 0 || len >= sizeof(a))
		return -EINVAL;
	memcpy(a, s, len);
	a[len] = '\0';
	IMS_CHECK_RC(xfrm_ip_parse(a, ip));
	if (sl[1] < '0' || sl[1] > '9')
		return -EINVAL;
	errno = 0;
	n = strtoul(sl + 1, &end, 10);
	bytes = ip->family == AF_INET ? 4 : 16;
	if (errno != 0 || *end != '\0' || n > bytes * 8)
		return -EINVAL;
	*plen = (uint8_t)n;
	seg_prefix_mask(ip, *plen);
	return 0;
}

void
seg_prefix_mask(struct xfrm_ip *ip, uint8_t plen)
{
	size_t i, bytes = ip->family == AF_INET ? 4 : 16;
	uint8_t *b = ip->family == AF_INET ? (uint8_t *)&ip->u.v4 :
	    ip->u.v6.s6_addr;

	for (i = 0; i < bytes; i++) {
		if (plen >= 8 * (i + 1))
			continue;
		b[i] &= plen > 8 * i ?
		    (uint8_t)(0xff << (8 * (i + 1) - plen)) : 0;
	}
}

/* psk=0xHEX or the literal secret. */
static int
peer_psk(const char *v, struct seg_peer *p)
{
	size_t n = strlen(v);

	if (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		if ((n - 2) % 2 != 0 || (n - 2) / 2 > SEG_PSK_MAX ||
		    hex_decode_var(v + 2, p->psk, SEG_PSK_MAX, &p->psklen) < 0)
			return -EINVAL;
		return 0;
	}
	if (n == 0 || n > SEG_PSK_MAX)
		return -EINVAL;
	memcpy(p->psk, v, n);
	p->psklen = n;
	return 0;
}

static int
peer_kv(struct seg_peer *p, const char *k, size_t kn, const char *v,
    unsigned *seen)
{
#define KEY(s)	(kn == sizeof(s) - 1 && strncmp(k, s, kn) == 0)
	if (KEY("address")) {
		*seen |= 1;
		return xfrm_ip_parse(v, &p->addr);
	}
	if (KEY("id")) {
		*seen |= 2;
		if (strlen(v) > SEG_ID_MAX || conf_name_check(v, 1) < 0)
			return -EINVAL;
		(void)snprintf(p->id, sizeof(p->id), "%s", v);
		return 0;
	}
	if (KEY("auth")) {
		*seen |= 4;
		if (strcmp(v, "psk") == 0)
			p->auth = SEG_AUTH_PSK;
		else if (strcmp(v, "cert") == 0)
			p->auth = SEG_AUTH_CERT;
		else
			return -EINVAL;
		return 0;
	}
	if (KEY("psk")) {
		*seen |= 8;
		return peer_psk(v, p);
	}
	if (KEY("local-subnet")) {
		*seen |= 16;
		return seg_prefix_parse(v, &p->lnet, &p->lplen);
	}
	if (KEY("remote-subnet")) {
		*seen |= 32;
		return seg_prefix_parse(v, &p->rnet, &p->rplen);
	}
	if (KEY("initiate")) {
		if (strcmp(v, "yes") == 0)
			p->initiate = 1;
		else if (strcmp(v, "no") == 0)
			p->initiate = 0;
		else
			return -EINVAL;
		return 0;
	}
#undef KEY
	return -ENOENT;
}

int
seg_peer_parse(const char *line, struct seg_peer *p, char *why,
    size_t whysize)
{
	char buf[CONF_LINE_MAX + 1], *tok, *save = NULL, *eq;
	unsigned seen = 0;
	int rc;

	IMS_CHECK_PARAMS(line != NULL && p != NULL && why != NULL);
	memset(p, 0, sizeof(*p));
	if (strlen(line) >= sizeof(buf)) {
		(void)snprintf(why, whysize, "peer line too long");
		return -EINVAL;
	}
	(void)snprintf(buf, sizeof(buf), "%s", line);
	tok = strtok_r(buf, " \t", &save);
	if (tok == NULL || strchr(tok, '=') != NULL ||
	    strlen(tok) >= sizeof(p->name) || conf_name_check(tok, 0) < 0) {
		(void)snprintf(why, whysize, "a peer line starts with the "
		    "peer's name (letters, digits, '-')");
		return -EINVAL;
	}
	(void)snprintf(p->name, sizeof(p->name), "%s", tok);
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
		if ((eq = strchr(tok, '=')) == NULL || eq == tok) {
			(void)snprintf(why, whysize, "peer %s: expected "
			    "KEY=VALUE, not \"%s\"", p->name, tok);
			goto bad;
		}
		rc = peer_kv(p, tok, (size_t)(eq - tok), eq + 1, &seen);
		if (rc < 0) {
			(void)snprintf(why, whysize, "peer %s: %s \"%.*s\"",
			    p->name, rc == -ENOENT ? "unknown key" :
			    "bad value for", (int)(eq - tok), tok);
			goto bad;
		}
	}
	if ((seen & (1 | 2 | 16 | 32)) != (1 | 2 | 16 | 32)) {
		(void)snprintf(why, whysize, "peer %s: address, id, "
		    "local-subnet and remote-subnet are required", p->name);
		goto bad;
	}
	if (p->auth == SEG_AUTH_PSK && p->psklen == 0) {
		(void)snprintf(why, whysize, "peer %s: auth=psk needs psk=",
		    p->name);
		goto bad;
	}
	if (p->lnet.family != p->rnet.family) {
		(void)snprintf(why, whysize, "peer %s: the subnets are of "
		    "different families", p->name);
		goto bad;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
bad:
	OPENSSL_cleanse(buf, sizeof(buf));
	OPENSSL_cleanse(p->psk, sizeof(p->psk));
	p->psklen = 0;
	return -EINVAL;
}

int
seg_check_peer(const char *v, char *why, size_t whysize)
{
	struct seg_peer p;
	int rc = seg_peer_parse(v, &p, why, whysize);

	OPENSSL_cleanse(&p, sizeof(p));
	return rc;
}

int
seg_check_ike_prop(const char *v, char *why, size_t whysize)
{
	struct ike_proposal p;

	return seg_prop_parse(v, IKE_PROTO_IKE, &p, why, whysize);
}

int
seg_check_esp_prop(const char *v, char *why, size_t whysize)
{
	struct ike_proposal p;

	return seg_prop_parse(v, IKE_PROTO_ESP, &p, why, whysize);
}
