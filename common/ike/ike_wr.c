/* ike_wr.c - the writer of IKEv2 messages and payload chains (RFC 7296
 * 3.1-3.13) into a fixed buffer.  See ike_msg.h.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "ike_int.h"
#include "ike_msg.h"

#define NEXT_FIRST	SIZE_MAX	/* w->next_at: the chain's first type */

/* A sticky error: the first one stays, later calls do nothing. */
static void
wr_fail(struct ike_wr *w, int err, const char *what)
{
	if (w->err == 0) {
		log_debug("ike_wr: %s: %s", what, err == -ENOSPC ?
		    "no space" : "bad argument");
		w->err = err;
	}
}

/* Room for n more bytes, else -ENOSPC; 0 when the writer may go on. */
static int
wr_room(struct ike_wr *w, size_t n)
{
	if (w->err != 0)
		return 0;
	if (w->cap - w->len < n) {
		wr_fail(w, -ENOSPC, "buffer");
		return 0;
	}
	return 1;
}

void
ike_wr_init(struct ike_wr *w, uint8_t *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->p = buf;
	w->cap = buf != NULL ? cap : 0;
	w->next_at = NEXT_FIRST;
	if (buf == NULL)
		w->err = -EINVAL;
}

void
ike_wr_bytes(struct ike_wr *w, const void *p, size_t n)
{
	if (n == 0 || !wr_room(w, n))
		return;
	if (p == NULL) {
		wr_fail(w, -EINVAL, "NULL bytes");
		return;
	}
	memcpy(w->p + w->len, p, n);
	w->len += n;
}

void
ike_wr_u8(struct ike_wr *w, uint8_t v)
{
	ike_wr_bytes(w, &v, 1);
}

void
ike_wr_u16(struct ike_wr *w, uint16_t v)
{
	uint8_t b[2];

	ike_put16(b, v);
	ike_wr_bytes(w, b, 2);
}

void
ike_wr_u32(struct ike_wr *w, uint32_t v)
{
	uint8_t b[4];

	ike_put32(b, v);
	ike_wr_bytes(w, b, 4);
}

void
ike_wr_hdr(struct ike_wr *w, const struct ike_hdr *h)
{
	if (w->err != 0)
		return;
	if (h == NULL || w->len != 0) {
		wr_fail(w, -EINVAL, "header");
		return;
	}
	/* 3.1; Next Payload and Length are patched as the message grows. */
	ike_wr_u32(w, (uint32_t)(h->spi_i >> 32));
	ike_wr_u32(w, (uint32_t)h->spi_i);
	ike_wr_u32(w, (uint32_t)(h->spi_r >> 32));
	ike_wr_u32(w, (uint32_t)h->spi_r);
	ike_wr_u8(w, IKE_PL_NONE);
	ike_wr_u8(w, h->version != 0 ? h->version : IKE_VERSION);
	ike_wr_u8(w, h->exchange);
	ike_wr_u8(w, h->flags);
	ike_wr_u32(w, h->msgid);
	ike_wr_u32(w, 0);
	if (w->err == 0) {
		w->has_hdr = 1;
		w->next_at = 16;
	}
}

size_t
ike_wr_pl_begin(struct ike_wr *w, uint8_t type, int critical)
{
	size_t start = w->len;

	if (!wr_room(w, IKE_PL_HDR_LEN))
		return start;
	/* 3.2: the previous Next Payload names this one. */
	if (w->next_at == NEXT_FIRST)
		w->first = type;
	else
		w->p[w->next_at] = type;
	ike_wr_u8(w, IKE_PL_NONE);
	ike_wr_u8(w, critical ? IKE_PL_CRITICAL : 0);
	ike_wr_u16(w, 0);
	w->next_at = start;
	return start;
}

void
ike_wr_pl_end(struct ike_wr *w, size_t start)
{
	size_t n;

	if (w->err != 0)
		return;
	if (start > w->len || w->len - start < IKE_PL_HDR_LEN) {
		wr_fail(w, -EINVAL, "payload start");
		return;
	}
	n = w->len - start;
	if (n > UINT16_MAX) {
		wr_fail(w, -ENOSPC, "payload length");
		return;
	}
	ike_put16(w->p + start + 2, (uint16_t)n);
}

/* A payload of a fixed part (4 bytes: a type byte and 3 RESERVED, or a
 * 2-byte number and 2 RESERVED) and data. */
static void
wr_simple(struct ike_wr *w, uint8_t pltype, const uint8_t *head,
    size_t hlen, const uint8_t *d, size_t n)
{
	size_t start = ike_wr_pl_begin(w, pltype, 0);

	if (n > 0 && d == NULL)
		wr_fail(w, -EINVAL, ike_pl_name(pltype));
	ike_wr_bytes(w, head, hlen);
	ike_wr_bytes(w, d, n);
	ike_wr_pl_end(w, start);
}

void
ike_wr_ke(struct ike_wr *w, uint16_t group, const uint8_t *d, size_t n)
{
	uint8_t head[4] = { (uint8_t)(group >> 8), (uint8_t)group, 0, 0 };

	if (n == 0)
		wr_fail(w, -EINVAL, "KE without a value");
	wr_simple(w, IKE_PL_KE, head, sizeof(head), d, n);	/* 3.4 */
}

void
ike_wr_nonce(struct ike_wr *w, const uint8_t *d, size_t n)
{
	if (n < 16 || n > 256)		/* 3.9 */
		wr_fail(w, -EINVAL, "nonce length");
	wr_simple(w, IKE_PL_NONCE, NULL, 0, d, n);
}

void
ike_wr_id(struct ike_wr *w, uint8_t pltype, uint8_t idtype,
    const uint8_t *d, size_t n)
{
	uint8_t head[4] = { idtype, 0, 0, 0 };

	if ((pltype != IKE_PL_IDI && pltype != IKE_PL_IDR) || n == 0)
		wr_fail(w, -EINVAL, "ID");
	wr_simple(w, pltype, head, sizeof(head), d, n);	/* 3.5 */
}

void
ike_wr_auth(struct ike_wr *w, uint8_t method, const uint8_t *d, size_t n)
{
	uint8_t head[4] = { method, 0, 0, 0 };

	if (n == 0)
		wr_fail(w, -EINVAL, "AUTH without data");
	wr_simple(w, IKE_PL_AUTH, head, sizeof(head), d, n);	/* 3.8 */
}

void
ike_wr_cert(struct ike_wr *w, uint8_t pltype, uint8_t encoding,
    const uint8_t *d, size_t n)
{
	if (pltype != IKE_PL_CERT && pltype != IKE_PL_CERTREQ)
		wr_fail(w, -EINVAL, "CERT type");
	if (pltype == IKE_PL_CERT && n == 0)
		wr_fail(w, -EINVAL, "CERT without data");
	wr_simple(w, pltype, &encoding, 1, d, n);	/* 3.6, 3.7 */
}

void
ike_wr_notify(struct ike_wr *w, uint8_t proto, const uint8_t *spi,
    uint8_t spi_size, uint16_t type, const uint8_t *d, size_t n)
{
	uint8_t head[4] = { proto, spi_size, (uint8_t)(type >> 8),
	    (uint8_t)type };
	size_t start = ike_wr_pl_begin(w, IKE_PL_NOTIFY, 0);

	/* 3.10: Protocol ID, SPI Size, Notify Message Type, SPI, data. */
	if ((spi_size > 0 && spi == NULL) || (n > 0 && d == NULL))
		wr_fail(w, -EINVAL, "N");
	ike_wr_bytes(w, head, sizeof(head));
	ike_wr_bytes(w, spi, spi_size);
	ike_wr_bytes(w, d, n);
	ike_wr_pl_end(w, start);
}

void
ike_wr_delete(struct ike_wr *w, const struct ike_delete *d)
{
	size_t start, i;

	/* 3.11: the IKE SA with no SPI, or 4-byte AH/ESP SPIs. */
	if (d == NULL || d->nspi > IKE_MAX_DEL_SPIS ||
	    (d->proto == IKE_PROTO_IKE && (d->spi_size != 0 || d->nspi != 0)) ||
	    (d->proto != IKE_PROTO_IKE && (d->spi_size != 4 || d->nspi == 0))) {
		wr_fail(w, -EINVAL, "D");
		return;
	}
	start = ike_wr_pl_begin(w, IKE_PL_DELETE, 0);
	ike_wr_u8(w, d->proto);
	ike_wr_u8(w, d->spi_size);
	ike_wr_u16(w, (uint16_t)d->nspi);
	for (i = 0; i < d->nspi; i++)
		ike_wr_u32(w, d->spi[i]);
	ike_wr_pl_end(w, start);
}

void
ike_wr_sa(struct ike_wr *w, const struct ike_sa_pl *sa)
{
	const struct ike_proposal *p;
	const struct ike_transform *t;
	size_t start, i, j, plen;

	if (sa == NULL || sa->nprop == 0 || sa->nprop > IKE_MAX_PROPOSALS) {
		wr_fail(w, -EINVAL, "SA");
		return;
	}
	start = ike_wr_pl_begin(w, IKE_PL_SA, 0);
	for (i = 0; i < sa->nprop; i++) {
		p = &sa->prop[i];
		if (p->ntr == 0 || p->ntr > IKE_MAX_TRANSFORMS ||
		    p->spi_size > sizeof(p->spi)) {
			wr_fail(w, -EINVAL, "SA proposal");
			return;
		}
		plen = 8 + p->spi_size;
		for (j = 0; j < p->ntr; j++)
			plen += p->tr[j].keylen != 0 ? 12 : 8;
		/* 3.3.1 Last Substruc, RESERVED, Proposal Length, Proposal
		 * Num (from 1 when left 0), Protocol ID, SPI Size, Num
		 * Transforms, SPI. */
		ike_wr_u8(w, i + 1 < sa->nprop ? 2 : 0);
		ike_wr_u8(w, 0);
		ike_wr_u16(w, (uint16_t)plen);
		ike_wr_u8(w, p->num != 0 ? p->num : (uint8_t)(i + 1));
		ike_wr_u8(w, p->proto);
		ike_wr_u8(w, p->spi_size);
		ike_wr_u8(w, (uint8_t)p->ntr);
		ike_wr_bytes(w, p->spi, p->spi_size);
		for (j = 0; j < p->ntr; j++) {
			t = &p->tr[j];
			/* 3.3.2, and 3.3.5 the Key Length attribute (TV). */
			ike_wr_u8(w, j + 1 < p->ntr ? 3 : 0);
			ike_wr_u8(w, 0);
			ike_wr_u16(w, t->keylen != 0 ? 12 : 8);
			ike_wr_u8(w, t->type);
			ike_wr_u8(w, 0);
			ike_wr_u16(w, t->id);
			if (t->keylen != 0) {
				ike_wr_u16(w, 0x8000 | IKE_ATTR_KEYLEN);
				ike_wr_u16(w, t->keylen);
			}
		}
	}
	ike_wr_pl_end(w, start);
}

void
ike_wr_ts(struct ike_wr *w, uint8_t pltype, const struct ike_ts_pl *t)
{
	const struct ike_ts *ts;
	size_t start, i, alen;

	if ((pltype != IKE_PL_TSI && pltype != IKE_PL_TSR) || t == NULL ||
	    t->n == 0 || t->n > IKE_MAX_TS) {
		wr_fail(w, -EINVAL, "TS");
		return;
	}
	start = ike_wr_pl_begin(w, pltype, 0);
	/* 3.13: Number of TSs, RESERVED, the selectors (3.13.1). */
	ike_wr_u8(w, (uint8_t)t->n);
	ike_wr_bytes(w, "\0\0\0", 3);
	for (i = 0; i < t->n; i++) {
		ts = &t->ts[i];
		alen = ts->type == IKE_TS_IPV4_RANGE ? 4 :
		    ts->type == IKE_TS_IPV6_RANGE ? 16 : 0;
		if (alen == 0) {
			wr_fail(w, -EINVAL, "TS type");
			return;
		}
		ike_wr_u8(w, ts->type);
		ike_wr_u8(w, ts->ipproto);
		ike_wr_u16(w, (uint16_t)(8 + 2 * alen));
		ike_wr_u16(w, ts->sport);
		ike_wr_u16(w, ts->eport);
		ike_wr_bytes(w, ts->saddr, alen);
		ike_wr_bytes(w, ts->eaddr, alen);
	}
	ike_wr_pl_end(w, start);
}

int
ike_wr_finish(struct ike_wr *w)
{
	IMS_CHECK_PARAMS(w != NULL);
	if (w->err != 0)
		return w->err;
	if (w->len > IKE_MSG_MAX) {
		wr_fail(w, -ENOSPC, "message length");
		return w->err;
	}
	if (w->has_hdr)
		ike_put32(w->p + 24, (uint32_t)w->len);	/* 3.1 Length */
	return (int)w->len;
}
