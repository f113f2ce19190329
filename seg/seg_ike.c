/* seg_ike.c - the seg's IKE SAs: the table, our requests and their
 * retransmission (RFC 7296 2.1, 2.4), the peer's requests and the cached
 * response (2.3), the SK payload around a message (3.14), the dispatch by
 * exchange and the one-second tick (timeouts, dead-peer detection,
 * the CHILD_SA's rekeying and the IKE SA's re-authentication before
 * their lifetimes end, initiation).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "check.h"
#include "log.h"
#include "seg_ike.h"

#define SEG_HALF_OPEN_SEC	30	/* an unfinished exchange gives up */

int
seg_ike_random(void *p, size_t n)
{
	IMS_CHECK_SSL(RAND_bytes(p, (int)n));
	return 0;
}

static void seg_ike_rtx_cb(evutil_socket_t, short, void *);

struct seg_ike *
seg_ike_new(struct seg *s, struct seg_peer *p, int initiator)
{
	struct seg_ike *sa = calloc(1, sizeof(*sa));

	if (sa == NULL)
		return NULL;
	sa->s = s;
	sa->peer = p;
	sa->initiator = initiator;
	sa->created = sa->last_rx = time(NULL);
	sa->sslen = seg_peer_sockaddr(p, &sa->ss);
	sa->ev_rtx = evtimer_new(s->loop.base, seg_ike_rtx_cb, sa);
	if (sa->ev_rtx == NULL) {
		free(sa);
		return NULL;
	}
	sa->next = s->sas;
	s->sas = sa;
	return sa;
}

void
seg_ike_free(struct seg_ike *sa)
{
	if (sa->ev_rtx != NULL)
		event_free(sa->ev_rtx);
	ike_keys_wipe(&sa->keys);
	ike_dh_free(sa->dh);
	free(sa->init_i);
	free(sa->init_r);
	free(sa->req);
	free(sa->resp);
	OPENSSL_cleanse(sa, sizeof(*sa));
	free(sa);
}

void
seg_ike_kill(struct seg_ike *sa, const char *why)
{
	struct seg *s = sa->s;
	int rc;

	if (sa->state == SEG_DEAD)
		return;
	if (sa->child.installed) {
		if ((rc = seg_kernel_child_del(s->x, &s->local, sa->peer,
		    &sa->child)) < 0)
			log_warn("seg: peer %s: CHILD_SA 0x%08x/0x%08x not "
			    "removed: %s", sa->peer->name, sa->child.spi_in,
			    sa->child.spi_out, strerror(-rc));
		else
			log_info("seg: peer %s: CHILD_SA removed, SPIs in "
			    "0x%08x out 0x%08x", sa->peer->name,
			    sa->child.spi_in, sa->child.spi_out);
		sa->child.installed = 0;
	}
	seg_child_old_deleted(sa);
	log_info("seg: peer %s: IKE SA %016llx/%016llx closed: %s",
	    sa->peer->name, (unsigned long long)sa->spi_i,
	    (unsigned long long)sa->spi_r, why);
	sa->state = SEG_DEAD;
	sa->outstanding = 0;
	(void)evtimer_del(sa->ev_rtx);
	if (sa->peer->sa == sa) {
		sa->peer->sa = NULL;
		sa->peer->retry_at = time(NULL) + SEG_RETRY_SEC;
	}
}

struct seg_ike *
seg_ike_find(struct seg *s, uint64_t spi_i, uint64_t spi_r)
{
	struct seg_ike *sa;

	for (sa = s->sas; sa != NULL; sa = sa->next)
		if (sa->state != SEG_DEAD && sa->spi_i == spi_i &&
		    sa->spi_r == spi_r)
			return sa;
	return NULL;
}

static void
seg_ike_rtx_arm(struct seg_ike *sa)
{
	unsigned ms = seg_rtx_delay(sa->s->conf->rtx_ms, sa->tries);
	struct timeval tv = { (time_t)(ms / 1000),
		(suseconds_t)(ms % 1000) * 1000 };

	(void)evtimer_add(sa->ev_rtx, &tv);
}

/* 2.1: retransmit with back-off; after rtx_tries the peer is dead (2.4). */
static void
seg_ike_rtx_cb(evutil_socket_t fd, short what, void *arg)
{
	struct seg_ike *sa = arg;

	(void)fd;
	(void)what;
	if (!sa->outstanding || sa->state == SEG_DEAD)
		return;
	if (++sa->tries >= sa->s->conf->rtx_tries) {
		seg_ike_kill(sa, "no answer to our request (peer dead)");
		return;
	}
	log_debug("seg: peer %s: retransmission %u of message %u",
	    sa->peer->name, sa->tries, sa->msgid_out);
	(void)seg_send(sa->s, &sa->ss, sa->sslen, sa->req, sa->reqlen);
	seg_ike_rtx_arm(sa);
}

int
seg_ike_request(struct seg_ike *sa, const uint8_t *req, size_t len)
{
	uint8_t *c = malloc(len);

	IMS_CHECK_MALLOC(c);
	memcpy(c, req, len);
	free(sa->req);
	sa->req = c;
	sa->reqlen = len;
	sa->outstanding = 1;
	sa->tries = 0;
	(void)seg_send(sa->s, &sa->ss, sa->sslen, req, len);
	seg_ike_rtx_arm(sa);
	return 0;
}

/* The outstanding request is answered: the window moves on (2.3). */
static void
seg_ike_answered(struct seg_ike *sa)
{
	sa->outstanding = 0;
	sa->msgid_out++;
	(void)evtimer_del(sa->ev_rtx);
	free(sa->req);
	sa->req = NULL;
	sa->reqlen = 0;
}

int
seg_ike_respond(struct seg_ike *sa, const uint8_t *resp, size_t len)
{
	uint8_t *c = malloc(len);

	IMS_CHECK_MALLOC(c);
	memcpy(c, resp, len);
	free(sa->resp);
	sa->resp = c;
	sa->resplen = len;
	sa->msgid_in++;
	return seg_send(sa->s, &sa->ss, sa->sslen, resp, len);
}

int
seg_ike_seal(struct seg_ike *sa, uint8_t exchange, int response,
    uint32_t msgid, struct ike_wr *inner, uint8_t *out, size_t cap,
    size_t *outlen)
{
	struct ike_wr w;
	struct ike_hdr h;
	size_t off;
	int rc;

	IMS_CHECK_PARAMS(sa->have_keys && inner->err == 0);
	memset(&h, 0, sizeof(h));
	h.spi_i = sa->spi_i;
	h.spi_r = sa->spi_r;
	h.version = IKE_VERSION;
	h.exchange = exchange;
	h.flags = (uint8_t)((sa->initiator ? IKE_FLAG_I : 0) |
	    (response ? IKE_FLAG_R : 0));
	h.msgid = msgid;
	ike_wr_init(&w, out, cap);
	ike_wr_hdr(&w, &h);
	off = ike_wr_pl_begin(&w, IKE_PL_SK, 0);
	ike_wr_pl_end(&w, off);
	if ((rc = ike_wr_finish(&w)) < 0)
		return rc;
	out[off] = inner->len > 0 ? inner->first : IKE_PL_NONE;
	return ike_sk_seal(&sa->keys, sa->initiator, out, cap, off, inner->p,
	    inner->len, outlen);
}

int
seg_ike_open(struct seg_ike *sa, struct ike_msg *m, uint8_t *plain,
    size_t cap)
{
	const struct ike_pl *pl;
	size_t it = 0, plen, idx, off;
	int rc;

	if (!sa->have_keys ||
	    (pl = ike_msg_find(m, IKE_PL_SK, &it)) == NULL)
		return -EPROTO;
	idx = (size_t)(pl - m->pl);
	off = (size_t)(pl->body - m->buf) - IKE_PL_HDR_LEN;
	/* 2.21.2: an ICV that does not check is dropped, never answered. */
	if ((rc = ike_sk_open(&sa->keys, !sa->initiator, m->buf,
	    m->hdr.length, off, plain, cap, &plen)) < 0) {
		log_warn("seg: peer %s: message %u failed its integrity check "
		    "(%s): dropped", sa->peer->name, m->hdr.msgid,
		    strerror(-rc));
		return -EBADMSG;
	}
	sa->last_rx = time(NULL);
	return ike_pl_chain_parse(ike_sk_inner_type(m, idx), plain, plen, m);
}

int
seg_ike_notify_resp(struct seg_ike *sa, const struct ike_hdr *req,
    uint16_t type, const uint8_t *data, size_t len)
{
	uint8_t in[512], out[1024];
	struct ike_wr w;
	size_t n;

	ike_wr_init(&w, in, sizeof(in));
	ike_wr_notify(&w, 0, NULL, 0, type, data, len);
	IMS_CHECK_RC(seg_ike_seal(sa, req->exchange, 1, req->msgid, &w, out,
	    sizeof(out), &n));
	log_info("seg: peer %s: answered %s", sa->peer->name,
	    ike_notify_name(type));
	return seg_ike_respond(sa, out, n);
}

/* Same family and address as the peer's: a message from elsewhere on an
 * existing SA is dropped (no NAT traversal here). */
static int
from_peer(const struct seg_peer *p, const struct sockaddr_storage *from)
{
	if (from->ss_family != p->addr.family)
		return 0;
	if (from->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)from)->sin_addr,
		    &p->addr.u.v4, 4) == 0;
	return memcmp(&((const struct sockaddr_in6 *)from)->sin6_addr,
	    &p->addr.u.v6, 16) == 0;
}

static void
seg_ike_on_request(struct seg_ike *sa, struct ike_msg *m)
{
	uint8_t plain[SEG_MSG_MAX];
	int rc;

	switch (seg_msgid_request(sa->msgid_in, sa->resp != NULL,
	    m->hdr.msgid)) {
	case SEG_RX_RETRANSMIT:
		log_debug("seg: peer %s: request %u again: the cached "
		    "response", sa->peer->name, m->hdr.msgid);
		(void)seg_send(sa->s, &sa->ss, sa->sslen, sa->resp,
		    sa->resplen);
		return;
	case SEG_RX_DROP:
		log_debug("seg: peer %s: request %u outside the window "
		    "(expected %u): dropped", sa->peer->name, m->hdr.msgid,
		    sa->msgid_in);
		return;
	case SEG_RX_NEW:
		break;
	}
	/* 2.21.2: a request whose ICV fails is dropped, its ID unused; a
	 * protected one that breaks the syntax is answered (2.21.2). */
	if ((rc = seg_ike_open(sa, m, plain, sizeof(plain))) == -EBADMSG)
		return;
	if (rc == -ENOTSUP) {
		uint8_t t = m->unsupported;

		(void)seg_ike_notify_resp(sa, &m->hdr,
		    IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD, &t, 1);
		return;
	}
	if (rc < 0) {
		(void)seg_ike_notify_resp(sa, &m->hdr, IKE_N_INVALID_SYNTAX,
		    NULL, 0);
		return;
	}
	if (m->hdr.exchange == IKE_AUTH && sa->state == SEG_INIT_DONE)
		seg_auth_request(sa, m);
	else if (m->hdr.exchange == IKE_INFORMATIONAL &&
	    sa->state == SEG_ESTABLISHED)
		seg_info_request(sa, m);
	else if (m->hdr.exchange == IKE_CREATE_CHILD_SA &&
	    sa->state == SEG_ESTABLISHED && seg_ikerekey_is_ike(m))
		seg_ikerekey_request(sa, m);
	else if (m->hdr.exchange == IKE_CREATE_CHILD_SA &&
	    sa->state == SEG_ESTABLISHED)
		seg_child_request(sa, m);
	else
		log_debug("seg: peer %s: exchange %u in state %d: dropped",
		    sa->peer->name, m->hdr.exchange, sa->state);
}

static void
seg_ike_on_response(struct seg_ike *sa, struct ike_msg *m)
{
	uint8_t plain[SEG_MSG_MAX];

	if (!seg_msgid_response(sa->outstanding, sa->msgid_out,
	    m->hdr.msgid)) {
		log_debug("seg: peer %s: unexpected response %u: ignored",
		    sa->peer->name, m->hdr.msgid);
		return;
	}
	/* A response whose ICV fails is dropped; ours stays outstanding. */
	if (seg_ike_open(sa, m, plain, sizeof(plain)) < 0)
		return;
	seg_ike_answered(sa);
	if (m->hdr.exchange == IKE_AUTH && sa->state == SEG_AUTH_SENT)
		seg_auth_response(sa, m);
	else if (m->hdr.exchange == IKE_INFORMATIONAL)
		seg_info_response(sa, m);
	else if (m->hdr.exchange == IKE_CREATE_CHILD_SA &&
	    sa->rekeying == SEG_REKEYING_IKE)
		seg_ikerekey_response(sa, m);
	else if (m->hdr.exchange == IKE_CREATE_CHILD_SA)
		seg_child_response(sa, m);
	else
		log_debug("seg: peer %s: response to exchange %u: ignored",
		    sa->peer->name, m->hdr.exchange);
}

void
seg_ike_input(struct seg *s, const uint8_t *buf, size_t len,
    const struct sockaddr_storage *from, socklen_t fromlen)
{
	struct ike_msg m;
	struct seg_ike *sa;
	int rc;

	if ((rc = ike_msg_parse(buf, len, &m)) < 0) {
		/* Unauthenticated garbage is not answered (2.21.1). */
		log_debug("seg: a malformed message dropped (%s)",
		    strerror(-rc));
		return;
	}
	if (m.hdr.exchange == IKE_SA_INIT) {
		if (!(m.hdr.flags & IKE_FLAG_R)) {
			seg_init_request(s, &m, from, fromlen);
			return;
		}
		for (sa = s->sas; sa != NULL; sa = sa->next)
			if (sa->state == SEG_INIT_SENT &&
			    sa->spi_i == m.hdr.spi_i && m.hdr.msgid == 0 &&
			    from_peer(sa->peer, from))
				break;
		if (sa != NULL) {
			seg_ike_answered(sa);
			seg_init_response(sa, &m);
		}
		return;
	}
	if ((sa = seg_ike_find(s, m.hdr.spi_i, m.hdr.spi_r)) == NULL ||
	    !from_peer(sa->peer, from)) {
		log_debug("seg: a message for an unknown IKE SA dropped");
		return;
	}
	/* 3.1: the I flag says who sent it. */
	if (!!(m.hdr.flags & IKE_FLAG_I) == sa->initiator) {
		log_debug("seg: peer %s: a message with the wrong I flag "
		    "dropped", sa->peer->name);
		return;
	}
	if (m.hdr.flags & IKE_FLAG_R)
		seg_ike_on_response(sa, &m);
	else
		seg_ike_on_request(sa, &m);
}

static int
peer_busy(struct seg *s, const struct seg_peer *p)
{
	struct seg_ike *sa;

	for (sa = s->sas; sa != NULL; sa = sa->next)
		if (sa->peer == p && sa->state != SEG_DEAD &&
		    sa->state != SEG_ESTABLISHED)
			return 1;
	return 0;
}

void
seg_ike_tick(struct seg *s)
{
	struct seg_ike *sa, **pp;
	const struct seg_conf *c = s->conf;
	time_t now = time(NULL);
	size_t i;

	for (pp = &s->sas; (sa = *pp) != NULL;) {
		if (sa->state == SEG_DEAD && !sa->outstanding) {
			*pp = sa->next;
			seg_ike_free(sa);
			continue;
		}
		pp = &sa->next;
		if (sa->rekeyed_at != 0) {
			/* 2.18: replaced by its rekey, the Delete is due */
			if (now - sa->rekeyed_at >= SEG_HALF_OPEN_SEC)
				seg_ike_kill(sa, "rekeyed, no Delete came");
			continue;
		}
		if (sa->state != SEG_ESTABLISHED && sa->state != SEG_DEAD &&
		    now - sa->created >= SEG_HALF_OPEN_SEC)
			seg_ike_kill(sa, "exchange not completed in time");
		else if (sa->state == SEG_ESTABLISHED && sa->initiator &&
		    !sa->outstanding && sa->child.installed &&
		    now - sa->child.added >= (time_t)(c->child_lifetime -
		    c->rekey_margin))
			(void)seg_child_rekey_start(sa);	/* 2.8 */
		else if (sa->state == SEG_ESTABLISHED && c->dpd_delay > 0 &&
		    !sa->outstanding && now - sa->last_rx >=
		    (time_t)c->dpd_delay)
			(void)seg_info_send(sa, 0);	/* 2.4 liveness */
	}
	for (i = 0; i < s->npeers; i++) {
		struct seg_peer *p = &s->peers[i];

		if (!p->initiate || p->held || peer_busy(s, p) ||
		    now < p->retry_at)
			continue;
		if (p->sa != NULL && p->sa->state == SEG_ESTABLISHED &&
		    !p->sa->ike_rekey_refused &&
		    now - p->sa->established >= (time_t)(c->ike_lifetime -
		    c->rekey_margin)) {
			/* 2.18: rekeyed; re-authentication if refused */
			if (!p->sa->outstanding && now >= p->sa->rekey_retry_at)
				(void)seg_ikerekey_start(p->sa, 0);
			continue;
		}
		if (p->sa == NULL ||
		    now - p->sa->established >= (time_t)(c->ike_lifetime -
		    c->rekey_margin)) {
			/* New IKE SA (or re-authentication, 2.8.3): the old
			 * one is deleted once the new one is up. */
			p->retry_at = now + SEG_RETRY_SEC;
			(void)seg_init_start(s, p, 0);
		}
	}
}
