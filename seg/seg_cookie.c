/* seg_cookie.c - the responder's defence against IKE_SA_INIT floods
 * (RFC 7296 2.6) and the initiator's answer to a COOKIE (2.6, 3.10.1).
 *
 * Responder: while the half-open IKE SAs (IKE_SA_INIT answered, no IKE_AUTH
 * yet) number cookie-threshold or more, an IKE_SA_INIT request without a
 * valid N(COOKIE) gets a stateless response holding only N(COOKIE); the
 * cookie is <VersionIDofSecret> | HMAC-SHA2-256(secret, Ni | IPi | SPIi),
 * the secret renewed every SEG_COOKIE_ROTATE seconds, the previous one
 * still accepted (2.6).  Beyond half-open-max half-open SAs a request is
 * dropped even with a valid cookie.  Half-open SAs expire in seg_ike.c's
 * tick (SEG_HALF_OPEN_SEC).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "check.h"
#include "log.h"
#include "seg_ike.h"

#define SEG_COOKIE_ROTATE	120	/* seconds a secret is current */

/* A new current secret; the old one stays valid as prev (2.6). */
static int
cookie_rotate(struct seg_cookie *c, time_t now)
{
	memcpy(c->prev, c->cur, sizeof(c->prev));
	c->prev_ver = c->cur_ver;
	c->have_prev = c->have_cur;
	IMS_CHECK_RC(seg_ike_random(c->cur, sizeof(c->cur)));
	c->cur_ver++;
	c->have_cur = 1;
	c->cur_at = now;
	return 0;
}

/* The address bytes of from (IPi). */
static size_t
addr_of(const struct sockaddr_storage *from, const uint8_t **a)
{
	if (from->ss_family == AF_INET) {
		*a = (const uint8_t *)
		    &((const struct sockaddr_in *)from)->sin_addr;
		return 4;
	}
	*a = (const uint8_t *)&((const struct sockaddr_in6 *)from)->sin6_addr;
	return 16;
}

/* out (SEG_COOKIE_LEN) = ver | HMAC(secret, Ni | IPi | SPIi). */
static int
cookie_make(const uint8_t *secret, uint32_t ver, const uint8_t *ni,
    size_t nilen, const struct sockaddr_storage *from, uint64_t spi_i,
    uint8_t *out)
{
	uint8_t in[256 + 16 + 8], spi[8];
	const uint8_t *a;
	size_t alen = addr_of(from, &a), n = 0;
	unsigned mdlen = 0;
	int i;

	IMS_CHECK_PARAMS(nilen <= 256);
	for (i = 0; i < 8; i++)
		spi[i] = (uint8_t)(spi_i >> (56 - 8 * i));
	memcpy(in, ni, nilen);
	n = nilen;
	memcpy(in + n, a, alen);
	n += alen;
	memcpy(in + n, spi, 8);
	n += 8;
	out[0] = (uint8_t)(ver >> 24);
	out[1] = (uint8_t)(ver >> 16);
	out[2] = (uint8_t)(ver >> 8);
	out[3] = (uint8_t)ver;
	if (HMAC(EVP_sha256(), secret, SEG_COOKIE_SECRET, in, n, out + 4,
	    &mdlen) == NULL || mdlen != 32)
		return -EIO;
	return 0;
}

/* Whether the request's N(COOKIE) is one of ours for this Ni, IPi, SPIi. */
static int
cookie_valid(struct seg_cookie *c, const struct ike_msg *m,
    const uint8_t *ni, size_t nilen, const struct sockaddr_storage *from)
{
	struct ike_notify n;
	uint8_t want[SEG_COOKIE_LEN];
	uint32_t ver;

	if (ike_msg_notify(m, IKE_N_COOKIE, &n) < 0)
		return 0;
	if (n.len != SEG_COOKIE_LEN) {
		c->invalid++;
		return 0;
	}
	ver = (uint32_t)n.data[0] << 24 | (uint32_t)n.data[1] << 16 |
	    (uint32_t)n.data[2] << 8 | n.data[3];
	if (c->have_cur && ver == c->cur_ver &&
	    cookie_make(c->cur, ver, ni, nilen, from, m->hdr.spi_i,
	    want) == 0 && CRYPTO_memcmp(want, n.data, SEG_COOKIE_LEN) == 0)
		return 1;
	if (c->have_prev && ver == c->prev_ver &&
	    cookie_make(c->prev, ver, ni, nilen, from, m->hdr.spi_i,
	    want) == 0 && CRYPTO_memcmp(want, n.data, SEG_COOKIE_LEN) == 0)
		return 1;
	/* 2.6: a cookie that does not match is ignored. */
	c->invalid++;
	return 0;
}

/* An IKE_SA_INIT answer holding one notify and nothing else, no state
 * kept (2.21.1 errors, 2.6 COOKIE): 0, or seg_send's error. */
int
seg_init_answer(struct seg *s, const struct ike_hdr *req,
    const struct sockaddr_storage *to, socklen_t tl, uint16_t type,
    const uint8_t *d, size_t n)
{
	struct ike_hdr h;
	struct ike_wr w;
	uint8_t buf[256];
	int len;

	memset(&h, 0, sizeof(h));
	h.spi_i = req->spi_i;
	h.version = IKE_VERSION;
	h.exchange = IKE_SA_INIT;
	h.flags = IKE_FLAG_R;
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_hdr(&w, &h);
	ike_wr_notify(&w, 0, NULL, 0, type, d, n);
	if ((len = ike_wr_finish(&w)) < 0)
		return len;
	return seg_send(s, to, tl, buf, (size_t)len);
}

/* The stateless answer: the header and N(COOKIE) only (2.6). */
static void
cookie_send(struct seg *s, const struct ike_hdr *req, const uint8_t *ck,
    const struct sockaddr_storage *to, socklen_t tl)
{
	if (seg_init_answer(s, req, to, tl, IKE_N_COOKIE, ck,
	    SEG_COOKIE_LEN) == 0)
		s->cookie.sent++;
}

size_t
seg_half_open(const struct seg *s)
{
	const struct seg_ike *sa;
	size_t n = 0;

	for (sa = s->sas; sa != NULL; sa = sa->next)
		if (!sa->initiator && sa->state == SEG_INIT_DONE)
			n++;
	return n;
}

int
seg_cookie_gate(struct seg *s, const struct ike_msg *m,
    const struct sockaddr_storage *from, socklen_t fromlen)
{
	struct seg_cookie *c = &s->cookie;
	const struct ike_pl *pl;
	const uint8_t *ni;
	uint8_t ck[SEG_COOKIE_LEN];
	size_t it = 0, nilen, half = seg_half_open(s);
	time_t now = time(NULL);
	int need;

	if (half >= s->conf->half_open_max) {
		if (c->dropped++ == 0 || c->dropped % 100 == 0)
			log_warn("seg: %zu half-open IKE SAs (half-open-max): "
			    "IKE_SA_INIT dropped (%llu so far)", half,
			    (unsigned long long)c->dropped);
		return 0;
	}
	/* Without a nonce the request goes on to its INVALID_SYNTAX. */
	if ((pl = ike_msg_find(m, IKE_PL_NONCE, &it)) == NULL ||
	    ike_nonce_parse(pl, &ni, &nilen) < 0 || nilen > 256)
		return 1;
	if ((!c->have_cur || now - c->cur_at >= SEG_COOKIE_ROTATE) &&
	    cookie_rotate(c, now) < 0)
		return 0;
	if (cookie_valid(c, m, ni, nilen, from)) {
		c->valid++;
		return 1;
	}
	need = half >= s->conf->cookie_threshold;
	if (need != c->engaged) {
		/* one line per burst, not per request */
		if (need)
			log_warn("seg: %zu half-open IKE SAs (cookie-threshold "
			    "%u): IKE_SA_INIT answered with cookies",
			    half, s->conf->cookie_threshold);
		else
			log_info("seg: cookies off: %llu cookies sent, %llu "
			    "valid ones returned so far",
			    (unsigned long long)c->sent,
			    (unsigned long long)c->valid);
		c->engaged = need;
	}
	if (!need)
		return 1;
	if (cookie_make(c->cur, c->cur_ver, ni, nilen, from, m->hdr.spi_i,
	    ck) == 0)
		cookie_send(s, &m->hdr, ck, from, fromlen);
	return 0;
}

void
seg_cookie_wipe(struct seg *s)
{
	OPENSSL_cleanse(&s->cookie, sizeof(s->cookie));
}

/* Initiator (2.6): the IKE_SA_INIT request again, N(COOKIE) first with
 * the responder's data (replacing one we sent before), the rest
 * unchanged; Message ID 0 again. */
int
seg_cookie_retry(struct seg_ike *sa, const struct ike_notify *n)
{
	uint8_t *old = sa->init_i, *msg;
	size_t skip = 0, len, pl;
	uint8_t first;

	if (n->len < 1 || n->len > 64 || old == NULL ||
	    sa->init_ilen < IKE_HDR_LEN)
		return -EINVAL;	/* 3.10.1: 1 to 64 octets */
	first = old[16];
	if (first == IKE_PL_NOTIFY && sa->init_ilen >= IKE_HDR_LEN + 8 &&
	    (old[IKE_HDR_LEN + 6] << 8 | old[IKE_HDR_LEN + 7]) ==
	    IKE_N_COOKIE) {
		skip = (size_t)(old[IKE_HDR_LEN + 2] << 8 |
		    old[IKE_HDR_LEN + 3]);
		if (skip < 8 || IKE_HDR_LEN + skip > sa->init_ilen)
			return -EINVAL;
		first = old[IKE_HDR_LEN];
	}
	pl = 8 + n->len;
	len = sa->init_ilen - skip + pl;
	IMS_CHECK_MALLOC(msg = malloc(len));
	memcpy(msg, old, IKE_HDR_LEN);
	msg[16] = IKE_PL_NOTIFY;
	msg[24] = (uint8_t)(len >> 24);
	msg[25] = (uint8_t)(len >> 16);
	msg[26] = (uint8_t)(len >> 8);
	msg[27] = (uint8_t)len;
	msg[IKE_HDR_LEN] = first;
	msg[IKE_HDR_LEN + 1] = 0;
	msg[IKE_HDR_LEN + 2] = (uint8_t)(pl >> 8);
	msg[IKE_HDR_LEN + 3] = (uint8_t)pl;
	msg[IKE_HDR_LEN + 4] = 0;	/* Protocol ID, SPI Size: none */
	msg[IKE_HDR_LEN + 5] = 0;
	msg[IKE_HDR_LEN + 6] = (uint8_t)(IKE_N_COOKIE >> 8);
	msg[IKE_HDR_LEN + 7] = (uint8_t)IKE_N_COOKIE;
	memcpy(msg + IKE_HDR_LEN + 8, n->data, n->len);
	memcpy(msg + IKE_HDR_LEN + pl, old + IKE_HDR_LEN + skip,
	    sa->init_ilen - IKE_HDR_LEN - skip);
	free(old);
	sa->init_i = msg;
	sa->init_ilen = len;
	sa->msgid_out = 0;
	log_info("seg: peer %s: IKE_SA_INIT again with the responder's "
	    "cookie", sa->peer->name);
	return seg_ike_request(sa, msg, len);
}
