/* ike_sa.c - the Security Association payload, RFC 7296 3.3: proposals of
 * transforms with their attributes (3.3.5), the responder's choice (2.7)
 * and the initiator's check of the answer.  See ike_msg.h.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "ike_int.h"
#include "ike_msg.h"

#define PROP_HDR_LEN	8	/* 3.3.1 up to Num Transforms */
#define TR_HDR_LEN	8	/* 3.3.2 up to Transform ID */
#define LAST_PROP_MORE	2	/* 3.3.1 Last Substruc: a proposal follows */
#define LAST_TR_MORE	3	/* 3.3.2: a transform follows */
#define ATTR_TV		0x8000	/* 3.3.5 AF bit: Type/Value */

/* 3.3.5 Data Attributes of one transform in [p, p + len). */
static int
attrs_parse(const uint8_t *p, size_t len, struct ike_transform *t)
{
	size_t off = 0, alen;
	uint16_t af_type;
	int unknown = 0;

	while (off < len) {
		IKE_CHECK_SYNTAX(len - off >= 4);
		af_type = ike_get16(p + off);
		if (af_type & ATTR_TV) {
			if ((af_type & ~ATTR_TV) == IKE_ATTR_KEYLEN &&
			    t->keylen == 0 && ike_get16(p + off + 2) != 0)
				t->keylen = ike_get16(p + off + 2);
			else	/* unknown, repeated or a zero length */
				unknown = 1;
			off += 4;
		} else {
			alen = ike_get16(p + off + 2);
			IKE_CHECK_SYNTAX(len - off - 4 >= alen);
			unknown = 1;	/* no TLV attribute is defined */
			off += 4 + alen;
		}
	}
	if (unknown) {
		/* 3.3.6: a transform with an attribute we do not understand
		 * is never chosen. */
		t->keylen = 0;
		t->unknown_attr = 1;
	}
	return 0;
}

/* 3.3.2 the transforms of one proposal, [p, p + len), ntr of them. */
static int
transforms_parse(const uint8_t *p, size_t len, size_t ntr,
    struct ike_proposal *prop)
{
	struct ike_transform *t;
	size_t off = 0, tlen;
	uint8_t last;

	IKE_CHECK_SYNTAX(ntr > 0);
	if (ntr > IKE_MAX_TRANSFORMS) {
		log_debug("%s: %zu transforms", __func__, ntr);
		return -E2BIG;
	}
	for (prop->ntr = 0; prop->ntr < ntr; prop->ntr++) {
		IKE_CHECK_SYNTAX(len - off >= TR_HDR_LEN);
		last = p[off];
		tlen = ike_get16(p + off + 2);
		IKE_CHECK_SYNTAX(tlen >= TR_HDR_LEN && tlen <= len - off);
		/* Last Substruc: 3 before another transform, 0 for the last;
		 * Num Transforms must agree. */
		if (prop->ntr + 1 < ntr)
			IKE_CHECK_SYNTAX(last == LAST_TR_MORE);
		else
			IKE_CHECK_SYNTAX(last == 0 && tlen == len - off);
		t = &prop->tr[prop->ntr];
		memset(t, 0, sizeof(*t));
		t->type = p[off + 4];
		t->id = ike_get16(p + off + 6);
		IMS_CHECK_RC(attrs_parse(p + off + TR_HDR_LEN,
		    tlen - TR_HDR_LEN, t));
		off += tlen;
	}
	return 0;
}

int
ike_sa_parse(const uint8_t *body, size_t len, struct ike_sa_pl *sa)
{
	struct ike_proposal *prop;
	size_t off = 0, plen;
	uint8_t last, ntr;

	IMS_CHECK_PARAMS(sa != NULL && (body != NULL || len == 0));
	sa->nprop = 0;
	IKE_CHECK_SYNTAX(len > 0);
	while (off < len) {
		IKE_CHECK_SYNTAX(len - off >= PROP_HDR_LEN);
		last = body[off];
		plen = ike_get16(body + off + 2);
		IKE_CHECK_SYNTAX(plen >= PROP_HDR_LEN && plen <= len - off);
		/* Last Substruc: 2 before another proposal, 0 for the last,
		 * which ends the payload. */
		IKE_CHECK_SYNTAX(last == 0 || last == LAST_PROP_MORE);
		IKE_CHECK_SYNTAX((last == 0) == (plen == len - off));
		if (sa->nprop >= IKE_MAX_PROPOSALS) {
			log_debug("%s: more than %d proposals", __func__,
			    IKE_MAX_PROPOSALS);
			return -E2BIG;
		}
		prop = &sa->prop[sa->nprop];
		memset(prop, 0, sizeof(*prop));
		prop->num = body[off + 4];
		prop->proto = body[off + 5];
		prop->spi_size = body[off + 6];
		ntr = body[off + 7];
		/* 3.3.1: numbers go up by one from the first, which is 1 in
		 * an offer (an answer's one proposal carries the number it
		 * chose). */
		if (sa->nprop == 0)
			IKE_CHECK_SYNTAX(prop->num >= 1 && (prop->num == 1 ||
			    last == 0));
		else
			IKE_CHECK_SYNTAX(prop->num ==
			    sa->prop[sa->nprop - 1].num + 1);
		IKE_CHECK_SYNTAX(prop->spi_size <= sizeof(prop->spi));
		IKE_CHECK_SYNTAX(plen - PROP_HDR_LEN >= prop->spi_size);
		memcpy(prop->spi, body + off + PROP_HDR_LEN, prop->spi_size);
		IMS_CHECK_RC(transforms_parse(body + off + PROP_HDR_LEN +
		    prop->spi_size, plen - PROP_HDR_LEN - prop->spi_size, ntr,
		    prop));
		sa->nprop++;
		off += plen;
	}
	return 0;
}

const struct ike_transform *
ike_proposal_get(const struct ike_proposal *p, uint8_t type)
{
	size_t i;

	if (p == NULL)
		return NULL;
	for (i = 0; i < p->ntr && i < IKE_MAX_TRANSFORMS; i++)
		if (p->tr[i].type == type)
			return &p->tr[i];
	return NULL;
}

static int
tr_equal(const struct ike_transform *a, const struct ike_transform *b)
{
	return a->type == b->type && a->id == b->id && a->keylen == b->keylen &&
	    !a->unknown_attr && !b->unknown_attr;
}

/* t is among p's transforms. */
static int
tr_listed(const struct ike_proposal *p, const struct ike_transform *t)
{
	size_t i;

	for (i = 0; i < p->ntr && i < IKE_MAX_TRANSFORMS; i++)
		if (tr_equal(&p->tr[i], t))
			return 1;
	return 0;
}

/* p lists transform type with ID 0 (NONE): the type may be left out. */
static int
type_optional(const struct ike_proposal *p, uint8_t type)
{
	struct ike_transform none = { .type = type };

	return tr_listed(p, &none);
}

/* RFC 5282 8 / RFC 4106: the combined-mode ciphers (CCM 14-16, GCM 18-20,
 * ChaCha20-Poly1305 28) carry their own integrity. */
static int
encr_is_aead(uint16_t id)
{
	return (id >= 14 && id <= 16) || (id >= 18 && id <= 20) || id == 28;
}

/* 3.3: with a combined-mode cipher there is no integrity transform (or
 * NONE); with any other there must be a real one. */
static int
suite_coherent(const struct ike_proposal *c)
{
	const struct ike_transform *e = ike_proposal_get(c, IKE_TR_ENCR);
	const struct ike_transform *i = ike_proposal_get(c, IKE_TR_INTEG);
	int integ = i != NULL && i->id != IKE_INTEG_NONE;

	if (e == NULL)
		return integ;		/* AH: integrity only */
	return encr_is_aead(e->id) ? !integ : integ;
}

/* One offered proposal against ours: one transform per type offered, the
 * offered one listed first among those ours accepts. */
static int
select_one(const struct ike_proposal *off, const struct ike_proposal *ours,
    struct ike_proposal *c)
{
	const struct ike_transform *t;
	size_t i, j;

	memset(c, 0, sizeof(*c));
	c->num = off->num;
	c->proto = off->proto;
	c->spi_size = off->spi_size;
	memcpy(c->spi, off->spi, sizeof(c->spi));
	for (i = 0; i < off->ntr && i < IKE_MAX_TRANSFORMS; i++) {
		t = &off->tr[i];
		if (ike_proposal_get(c, t->type) != NULL)
			continue;	/* this type is settled */
		if (ike_proposal_get(ours, t->type) == NULL)
			return -ENOENT;	/* 3.3: an AND we cannot meet */
		for (j = i; j < off->ntr && j < IKE_MAX_TRANSFORMS; j++)
			if (off->tr[j].type == t->type &&
			    tr_listed(ours, &off->tr[j]))
				break;
		if (j == off->ntr || j == IKE_MAX_TRANSFORMS)
			return -ENOENT;
		c->tr[c->ntr++] = off->tr[j];
	}
	/* Each type ours requires is there, unless ours accepts NONE. */
	for (i = 0; i < ours->ntr && i < IKE_MAX_TRANSFORMS; i++)
		if (ike_proposal_get(c, ours->tr[i].type) == NULL &&
		    !type_optional(ours, ours->tr[i].type))
			return -ENOENT;
	return suite_coherent(c) ? 0 : -ENOENT;
}

int
ike_sa_select(const struct ike_sa_pl *offered,
    const struct ike_proposal *ours, uint8_t proto,
    struct ike_proposal *chosen)
{
	size_t i;

	IMS_CHECK_PARAMS(offered != NULL && ours != NULL && chosen != NULL);
	IMS_CHECK_PARAMS(offered->nprop <= IKE_MAX_PROPOSALS);
	for (i = 0; i < offered->nprop; i++) {
		if (offered->prop[i].proto != proto)
			continue;
		if (select_one(&offered->prop[i], ours, chosen) == 0)
			return 0;
	}
	log_debug("%s: no proposal of %zu acceptable", __func__,
	    offered->nprop);
	memset(chosen, 0, sizeof(*chosen));
	return -ENOENT;
}

int
ike_sa_check_reply(const struct ike_sa_pl *offered,
    const struct ike_sa_pl *reply, struct ike_proposal *chosen)
{
	const struct ike_proposal *r, *o = NULL;
	size_t i, j;

	IMS_CHECK_PARAMS(offered != NULL && reply != NULL && chosen != NULL);
	IMS_CHECK_PARAMS(offered->nprop <= IKE_MAX_PROPOSALS);
	/* 2.7: the responder accepts exactly one proposal ... */
	IKE_CHECK_SYNTAX(reply->nprop == 1);
	r = &reply->prop[0];
	for (i = 0; i < offered->nprop; i++)
		if (offered->prop[i].num == r->num)
			o = &offered->prop[i];
	/* ... one that was offered, with its number, protocol and SPI
	 * Size (0 in IKE_SA_INIT, 4 for ESP, 8 for an IKE SA rekey) ... */
	IKE_CHECK_SYNTAX(o != NULL && o->proto == r->proto);
	IKE_CHECK_SYNTAX(r->spi_size == o->spi_size);
	IKE_CHECK_SYNTAX(r->ntr <= IKE_MAX_TRANSFORMS);
	for (i = 0; i < r->ntr; i++) {
		/* ... one transform per type, each one offered ... */
		IKE_CHECK_SYNTAX(tr_listed(o, &r->tr[i]));
		for (j = 0; j < i; j++)
			IKE_CHECK_SYNTAX(r->tr[j].type != r->tr[i].type);
	}
	/* ... and every type offered answered, unless NONE was an option. */
	for (i = 0; i < o->ntr && i < IKE_MAX_TRANSFORMS; i++)
		IKE_CHECK_SYNTAX(ike_proposal_get(r, o->tr[i].type) != NULL ||
		    type_optional(o, o->tr[i].type));
	*chosen = *r;
	return 0;
}
