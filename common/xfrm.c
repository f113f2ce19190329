/* xfrm.c - IPsec SAs and policies over NETLINK_XFRM with libmnl.
 *
 * Message layouts: <linux/xfrm.h> (struct xfrm_usersa_info, xfrm_userpolicy_info,
 * xfrm_user_tmpl, xfrm_algo_auth/_aead, ...).  ESP per RFC 4303; the SA
 * parameters (integrity and encryption algorithms, per-port selectors) per
 * TS 33.203 section 7 and annex H.  The ownership marker is described in
 * xfrm.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/udp.h>
#include <linux/xfrm.h>

#include "check.h"
#include "log.h"
#include "util.h"
#include "xfrm.h"

#define XFRM_RBUF	(64 * 1024)
#define XFRM_SBUF	4096	/* the largest request: NEWSA with two keys */

struct xfrm_nl {
	struct mnl_socket	*nl;
	unsigned int		 portid;
	uint32_t		 seq;
	uint8_t			 owner;
	uint32_t		 polseq;	/* next policy index seq */
	uint8_t			*rbuf;
};

/*
 * Algorithms.  Kernel names from crypto/ and net/xfrm/xfrm_algo.c; the
 * truncation lengths are those of RFC 2403 (HMAC-MD5-96), RFC 2404
 * (HMAC-SHA-1-96), RFC 4868 (HMAC-SHA-256-128); AES-GCM for ESP is RFC 4106
 * with a 16-octet ICV and a 4-octet salt appended to the key.
 */
static const struct xfrm_alg_info xfrm_algs[] = {
	{ "hmac-md5-96", "hmac(md5)", XFRM_ALG_AUTH, 96, { 16 } },
	{ "hmac-sha-1-96", "hmac(sha1)", XFRM_ALG_AUTH, 96, { 20 } },
	{ "hmac-sha2-256-128", "hmac(sha256)", XFRM_ALG_AUTH, 128, { 32 } },
	{ "null", "ecb(cipher_null)", XFRM_ALG_ENC, 0, { 0 } },
	{ "aes-cbc", "cbc(aes)", XFRM_ALG_ENC, 0, { 16, 24, 32 } },
	{ "des-ede3-cbc", "cbc(des3_ede)", XFRM_ALG_ENC, 0, { 24 } },
	{ "aes-gcm", "rfc4106(gcm(aes))", XFRM_ALG_AEAD, 128, { 20, 28, 36 } },
};

const struct xfrm_alg_info *
xfrm_alg_lookup(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < sizeof(xfrm_algs) / sizeof(xfrm_algs[0]); i++)
		if (strcmp(xfrm_algs[i].name, name) == 0)
			return &xfrm_algs[i];
	return NULL;
}

int
xfrm_alg_key_ok(const struct xfrm_alg_info *a, size_t keylen)
{
	size_t i;

	if (a == NULL || keylen > XFRM_KEY_MAX)
		return 0;
	if (a->keylen[0] == 0)		/* null: no key */
		return keylen == 0;
	for (i = 0; i < 3; i++)
		if (a->keylen[i] != 0 && a->keylen[i] == keylen)
			return 1;
	return 0;
}

/* Addresses. */

int
xfrm_ip_parse(const char *s, struct xfrm_ip *ip)
{
	CHECK_PARAMS(s != NULL && ip != NULL);
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, s, &ip->u.v4) == 1) {
		ip->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &ip->u.v6) == 1) {
		ip->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

const char *
xfrm_ip_str(const struct xfrm_ip *ip, char *buf, size_t len)
{
	if (ip == NULL || (ip->family != AF_INET && ip->family != AF_INET6) ||
	    inet_ntop(ip->family, &ip->u, buf, len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

static void
xfrm_addr_set(xfrm_address_t *a, const struct xfrm_ip *ip)
{
	memset(a, 0, sizeof(*a));
	if (ip->family == AF_INET)
		memcpy(&a->a4, &ip->u.v4, sizeof(ip->u.v4));
	else if (ip->family == AF_INET6)
		memcpy(a->a6, &ip->u.v6, sizeof(ip->u.v6));
}

static void
xfrm_addr_get(struct xfrm_ip *ip, const xfrm_address_t *a, int family)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = family;
	if (family == AF_INET)
		memcpy(&ip->u.v4, &a->a4, sizeof(ip->u.v4));
	else if (family == AF_INET6)
		memcpy(&ip->u.v6, a->a6, sizeof(ip->u.v6));
}

static int
xfrm_family_ok(const struct xfrm_ip *ip)
{
	return ip != NULL && (ip->family == AF_INET || ip->family == AF_INET6);
}

static uint8_t
xfrm_host_plen(int family)
{
	return family == AF_INET ? 32 : 128;
}

/* Handle. */

struct xfrm_nl *
xfrm_open(void)
{
	struct xfrm_nl *h;
	uint32_t r = 0;
	int saved;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->rbuf = malloc(XFRM_RBUF)) == NULL)
		goto fail;
	if ((h->nl = mnl_socket_open(NETLINK_XFRM)) == NULL)
		goto fail;
	if (mnl_socket_bind(h->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	h->portid = mnl_socket_get_portid(h->nl);
	h->owner = XFRM_OWNER_DEFAULT;
	/* Random start for the policy index seq: after a restart the probes
	 * in xfrm_policy_index_pick rarely meet our previous policies. */
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint32_t)getpid();
	h->polseq = r & 0x1fffff;
	h->seq = r;
	return h;
fail:
	saved = errno;
	xfrm_close(h);
	errno = saved;
	return NULL;
}

void
xfrm_close(struct xfrm_nl *h)
{
	if (h == NULL)
		return;
	if (h->nl != NULL && mnl_socket_close(h->nl) < 0)
		log_warn("xfrm: close: %s", strerror(errno));
	free(h->rbuf);
	free(h);
}

int
xfrm_set_owner(struct xfrm_nl *h, uint8_t tag)
{
	/* Tag 0 would claim the kernel's own low policy indices. */
	CHECK_PARAMS(h != NULL && tag != 0);
	h->owner = tag;
	return 0;
}

uint8_t
xfrm_owner(const struct xfrm_nl *h)
{
	return h != NULL ? h->owner : XFRM_OWNER_DEFAULT;
}

/* Transport: one request, its replies (cb) and the ACK or error. */

static int
xfrm_recv(struct xfrm_nl *h, uint32_t seq, mnl_cb_t cb, void *data)
{
	ssize_t n;
	int rc;

	for (;;) {
		n = mnl_socket_recvfrom(h->nl, h->rbuf, XFRM_RBUF);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		errno = 0;
		rc = mnl_cb_run(h->rbuf, (size_t)n, seq, h->portid, cb, data);
		if (rc < 0)	/* kernel error (errno = its code) or ours */
			return errno != 0 ? -errno : -EIO;
		if (rc == MNL_CB_STOP)
			return 0;
	}
}

static int
xfrm_send(struct xfrm_nl *h, struct nlmsghdr *nlh, int dump)
{
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	/* Every request is acknowledged; a dump ends with NLMSG_DONE (an
	 * extra ACK after it could be left in the socket on some kernels). */
	nlh->nlmsg_flags |= dump ? NLM_F_DUMP : NLM_F_ACK;
	nlh->nlmsg_seq = ++h->seq;
	if (mnl_socket_sendto(h->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

static int
xfrm_request(struct xfrm_nl *h, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	CHECK_RC(xfrm_send(h, nlh, 0));
	return xfrm_recv(h, nlh->nlmsg_seq, cb, data);
}

static int
xfrm_dump(struct xfrm_nl *h, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	CHECK_RC(xfrm_send(h, nlh, 1));
	return xfrm_recv(h, nlh->nlmsg_seq, cb, data);
}

/* SA messages. */

static void
xfrm_lft_set(struct xfrm_lifetime_cfg *l, const struct xfrm_sa *sa)
{
#define LIM(v)	((v) != 0 ? (v) : XFRM_INF)
	l->soft_byte_limit = LIM(sa->soft_bytes);
	l->hard_byte_limit = LIM(sa->hard_bytes);
	l->soft_packet_limit = LIM(sa->soft_packets);
	l->hard_packet_limit = LIM(sa->hard_packets);
	l->soft_add_expires_seconds = sa->soft_add_expires;
	l->hard_add_expires_seconds = sa->hard_add_expires;
#undef LIM
}

static void
xfrm_sel_ports(struct xfrm_selector *s, const struct xfrm_ports *p)
{
	s->proto = p->proto;
	if (p->sport != 0) {
		s->sport = htons(p->sport);
		s->sport_mask = 0xffff;
	}
	if (p->dport != 0) {
		s->dport = htons(p->dport);
		s->dport_mask = 0xffff;
	}
}

/* The SA selector: the hosts and ports in transport mode (TS 33.203 binds
 * each SA to one port pair), the inner networks in tunnel mode. */
static int
xfrm_sa_selector(struct xfrm_selector *s, const struct xfrm_sa *sa)
{
	int fam = sa->src.family;

	memset(s, 0, sizeof(*s));
	s->family = fam;
	if (sa->mode == IMS_XFRM_MODE_TRANSPORT) {
		xfrm_addr_set(&s->saddr, &sa->src);
		xfrm_addr_set(&s->daddr, &sa->dst);
		s->prefixlen_s = s->prefixlen_d = xfrm_host_plen(fam);
	} else if (sa->sel_src.family != 0 || sa->sel_dst.family != 0) {
		CHECK_PARAMS(xfrm_family_ok(&sa->sel_src) &&
		    sa->sel_src.family == sa->sel_dst.family);
		fam = s->family = sa->sel_src.family;
		CHECK_PARAMS(sa->sel_src_plen <= xfrm_host_plen(fam) &&
		    sa->sel_dst_plen <= xfrm_host_plen(fam));
		xfrm_addr_set(&s->saddr, &sa->sel_src);
		xfrm_addr_set(&s->daddr, &sa->sel_dst);
		s->prefixlen_s = sa->sel_src_plen;
		s->prefixlen_d = sa->sel_dst_plen;
	}
	xfrm_sel_ports(s, &sa->ports);
	return 0;
}

/* Put one algorithm attribute; the temporary holding the key is wiped. */
static int
xfrm_put_alg(struct nlmsghdr *nlh, size_t buflen, const char *name,
    const uint8_t *key, size_t keylen, enum xfrm_alg_kind want)
{
	const struct xfrm_alg_info *a;
	union {
		struct xfrm_algo	enc;
		struct xfrm_algo_auth	auth;
		struct xfrm_algo_aead	aead;
		uint8_t			raw[sizeof(struct xfrm_algo_auth) +
					    XFRM_KEY_MAX];
	} u;
	size_t hl;
	uint16_t type;
	bool ok;

	if ((a = xfrm_alg_lookup(name)) == NULL || a->kind != want) {
		log_err("xfrm: \"%s\" is not a known %s algorithm", name,
		    want == XFRM_ALG_AUTH ? "integrity" :
		    want == XFRM_ALG_ENC ? "encryption" : "AEAD");
		return -EINVAL;
	}
	if (!xfrm_alg_key_ok(a, keylen)) {
		log_err("xfrm: %s: bad key length %zu", name, keylen);
		return -EINVAL;
	}
	memset(&u, 0, sizeof(u));
	switch (a->kind) {
	case XFRM_ALG_AUTH:
		snprintf(u.auth.alg_name, sizeof(u.auth.alg_name), "%s",
		    a->kname);
		u.auth.alg_key_len = keylen * 8;
		u.auth.alg_trunc_len = a->bits;
		hl = sizeof(u.auth);
		type = XFRMA_ALG_AUTH_TRUNC;
		break;
	case XFRM_ALG_ENC:
		snprintf(u.enc.alg_name, sizeof(u.enc.alg_name), "%s", a->kname);
		u.enc.alg_key_len = keylen * 8;
		hl = sizeof(u.enc);
		type = XFRMA_ALG_CRYPT;
		break;
	default:
		snprintf(u.aead.alg_name, sizeof(u.aead.alg_name), "%s",
		    a->kname);
		u.aead.alg_key_len = keylen * 8;	/* key + salt, RFC 4106 */
		u.aead.alg_icv_len = a->bits;
		hl = sizeof(u.aead);
		type = XFRMA_ALG_AEAD;
		break;
	}
	if (keylen > 0)
		memcpy(u.raw + hl, key, keylen);
	ok = mnl_attr_put_check(nlh, buflen, type, hl + keylen, &u);
	secure_wipe(&u, sizeof(u));
	return ok ? 0 : -EMSGSIZE;
}

static int
xfrm_sa_algs(struct nlmsghdr *nlh, size_t len, const struct xfrm_sa *sa)
{
	if (sa->aead_alg[0] != '\0') {
		CHECK_PARAMS(sa->auth_alg[0] == '\0' && sa->enc_alg[0] == '\0');
		return xfrm_put_alg(nlh, len, sa->aead_alg, sa->aead_key,
		    sa->aead_keylen, XFRM_ALG_AEAD);
	}
	CHECK_PARAMS(sa->auth_alg[0] != '\0' || sa->enc_alg[0] != '\0');
	if (sa->auth_alg[0] != '\0')
		CHECK_RC(xfrm_put_alg(nlh, len, sa->auth_alg, sa->auth_key,
		    sa->auth_keylen, XFRM_ALG_AUTH));
	/* ESP needs an encryption transform: integrity only is ESP-NULL
	 * (RFC 4303 section 3.2, TS 33.203 allows NULL encryption). */
	return xfrm_put_alg(nlh, len,
	    sa->enc_alg[0] != '\0' ? sa->enc_alg : "null",
	    sa->enc_key, sa->enc_keylen, XFRM_ALG_ENC);
}

static int
xfrm_sa_attrs(struct nlmsghdr *nlh, size_t len, const struct xfrm_sa *sa,
    uint8_t owner)
{
	struct xfrm_encap_tmpl enc;

	CHECK_RC(xfrm_sa_algs(nlh, len, sa));
	if (sa->encap_sport != 0 || sa->encap_dport != 0) {
		/* ESP-in-UDP, RFC 3948 (port 4500). */
		memset(&enc, 0, sizeof(enc));
		enc.encap_type = UDP_ENCAP_ESPINUDP;
		enc.encap_sport = htons(sa->encap_sport);
		enc.encap_dport = htons(sa->encap_dport);
		if (!mnl_attr_put_check(nlh, len, XFRMA_ENCAP, sizeof(enc), &enc))
			return -EMSGSIZE;
	}
	/* The ownership marker: an output mark with a zero mask (xfrm.h). */
	if (!mnl_attr_put_u32_check(nlh, len, XFRMA_SET_MARK,
	    XFRM_OWNER_SA_MARK(owner)) ||
	    !mnl_attr_put_u32_check(nlh, len, XFRMA_SET_MARK_MASK, 0))
		return -EMSGSIZE;
	return 0;
}

int
xfrm_sa_build(const struct xfrm_nl *h, const struct xfrm_sa *sa, int update,
    void *buf, size_t len)
{
	struct nlmsghdr *nlh;
	struct xfrm_usersa_info *p;

	CHECK_PARAMS(sa != NULL && buf != NULL && len >= 512);
	CHECK_PARAMS(xfrm_family_ok(&sa->src) &&
	    sa->src.family == sa->dst.family);
	CHECK_PARAMS(sa->mode == IMS_XFRM_MODE_TRANSPORT ||
	    sa->mode == IMS_XFRM_MODE_TUNNEL);
	/* SPIs 1-255 are reserved by IANA, 0 is never sent (RFC 4303 2.1). */
	CHECK_PARAMS(sa->spi >= 256);
	memset(buf, 0, len < XFRM_SBUF ? len : XFRM_SBUF);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	CHECK_RC(xfrm_sa_selector(&p->sel, sa));
	xfrm_addr_set(&p->id.daddr, &sa->dst);
	p->id.spi = htonl(sa->spi);
	p->id.proto = IPPROTO_ESP;
	xfrm_addr_set(&p->saddr, &sa->src);
	xfrm_lft_set(&p->lft, sa);
	p->reqid = sa->reqid;
	p->family = sa->src.family;
	p->mode = sa->mode == IMS_XFRM_MODE_TUNNEL ? XFRM_MODE_TUNNEL :
	    XFRM_MODE_TRANSPORT;
	p->replay_window = sa->replay_window;
	CHECK_RC(xfrm_sa_attrs(nlh, len, sa, xfrm_owner(h)));
	return (int)nlh->nlmsg_len;
}

static void
xfrm_sa_wipe_keys(struct xfrm_sa *sa)
{
	secure_wipe(sa->auth_key, sizeof(sa->auth_key));
	secure_wipe(sa->enc_key, sizeof(sa->enc_key));
	secure_wipe(sa->aead_key, sizeof(sa->aead_key));
	sa->auth_keylen = sa->enc_keylen = sa->aead_keylen = 0;
}

static int
xfrm_sa_send(struct xfrm_nl *h, struct xfrm_sa *sa, int update)
{
	uint8_t buf[XFRM_SBUF];
	int rc;

	if (h == NULL || sa == NULL) {
		if (sa != NULL)
			xfrm_sa_wipe_keys(sa);
		return -EINVAL;
	}
	rc = xfrm_sa_build(h, sa, update, buf, sizeof(buf));
	if (rc >= 0) {
		/* Once on the socket the keys live in the kernel only. */
		rc = xfrm_request(h, (struct nlmsghdr *)buf, NULL, NULL);
	}
	secure_wipe(buf, sizeof(buf));
	xfrm_sa_wipe_keys(sa);
	if (rc < 0)
		log_debug("xfrm: %s spi 0x%08x: %s", update ? "updsa" : "newsa",
		    sa->spi, strerror(-rc));
	return rc;
}

int
xfrm_sa_add(struct xfrm_nl *h, struct xfrm_sa *sa)
{
	return xfrm_sa_send(h, sa, 0);
}

int
xfrm_sa_update(struct xfrm_nl *h, struct xfrm_sa *sa)
{
	return xfrm_sa_send(h, sa, 1);
}

static struct nlmsghdr *
xfrm_sa_id_msg(void *buf, uint16_t type, const struct xfrm_ip *dst,
    uint32_t spi)
{
	struct nlmsghdr *nlh;
	struct xfrm_usersa_id *id;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	id = mnl_nlmsg_put_extra_header(nlh, sizeof(*id));
	xfrm_addr_set(&id->daddr, dst);
	id->spi = htonl(spi);
	id->family = dst->family;
	id->proto = IPPROTO_ESP;
	return nlh;
}

int
xfrm_sa_del(struct xfrm_nl *h, const struct xfrm_ip *dst, uint32_t spi)
{
	uint8_t buf[512];

	CHECK_PARAMS(h != NULL && xfrm_family_ok(dst));
	memset(buf, 0, sizeof(buf));
	return xfrm_request(h, xfrm_sa_id_msg(buf, XFRM_MSG_DELSA, dst, spi),
	    NULL, NULL);
}

/* Parsing SA messages (GETSA replies and dumps). */

struct xfrm_sa_parsed {
	const struct xfrm_usersa_info	*p;
	int				 ours;
};

static int
xfrm_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= XFRMA_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static int
xfrm_sa_parse(const struct nlmsghdr *nlh, uint8_t owner,
    struct xfrm_sa_parsed *out)
{
	const struct nlattr *tb[XFRMA_MAX + 1];

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*out->p))
		return -EPROTO;
	memset(tb, 0, sizeof(tb));
	if (mnl_attr_parse(nlh, sizeof(*out->p), xfrm_attr_cb, tb) < 0)
		return -EPROTO;
	out->p = mnl_nlmsg_get_payload(nlh);
	out->ours = tb[XFRMA_SET_MARK] != NULL &&
	    tb[XFRMA_SET_MARK_MASK] != NULL &&
	    mnl_attr_get_payload_len(tb[XFRMA_SET_MARK]) == 4 &&
	    mnl_attr_get_payload_len(tb[XFRMA_SET_MARK_MASK]) == 4 &&
	    mnl_attr_get_u32(tb[XFRMA_SET_MARK]) == XFRM_OWNER_SA_MARK(owner) &&
	    mnl_attr_get_u32(tb[XFRMA_SET_MARK_MASK]) == 0;
	return 0;
}

struct xfrm_get_ctx {
	uint8_t			 owner;
	struct xfrm_sa_info	*out;
	int			 found;
};

static int
xfrm_sa_get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct xfrm_get_ctx *c = data;
	struct xfrm_sa_parsed sp;
	struct xfrm_sa_info *o = c->out;
	int rc;

	if ((rc = xfrm_sa_parse(nlh, c->owner, &sp)) < 0) {
		errno = -rc;
		return MNL_CB_ERROR;
	}
	memset(o, 0, sizeof(*o));
	xfrm_addr_get(&o->src, &sp.p->saddr, sp.p->family);
	xfrm_addr_get(&o->dst, &sp.p->id.daddr, sp.p->family);
	o->spi = ntohl(sp.p->id.spi);
	o->reqid = sp.p->reqid;
	o->mode = sp.p->mode;
	o->ours = sp.ours;
	o->bytes = sp.p->curlft.bytes;
	o->packets = sp.p->curlft.packets;
	o->add_time = sp.p->curlft.add_time;
	o->use_time = sp.p->curlft.use_time;
	o->replay_errors = sp.p->stats.replay;
	o->integrity_failed = sp.p->stats.integrity_failed;
	o->replay_window = sp.p->replay_window;
	c->found = 1;
	return MNL_CB_OK;
}

int
xfrm_sa_get(struct xfrm_nl *h, const struct xfrm_ip *dst, uint32_t spi,
    struct xfrm_sa_info *out)
{
	uint8_t buf[512];
	struct xfrm_get_ctx c = { 0, out, 0 };

	CHECK_PARAMS(h != NULL && xfrm_family_ok(dst) && out != NULL);
	c.owner = h->owner;
	memset(buf, 0, sizeof(buf));
	CHECK_RC(xfrm_request(h, xfrm_sa_id_msg(buf, XFRM_MSG_GETSA, dst, spi),
	    xfrm_sa_get_cb, &c));
	return c.found ? 0 : -ENOENT;
}

/* SPI allocation: the kernel creates a larval SA holding the SPI. */

static int
xfrm_spi_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct xfrm_usersa_info *p;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*p)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	p = mnl_nlmsg_get_payload(nlh);
	*(uint32_t *)data = ntohl(p->id.spi);
	return MNL_CB_OK;
}

int
xfrm_spi_alloc(struct xfrm_nl *h, const struct xfrm_ip *src,
    const struct xfrm_ip *dst, uint32_t min, uint32_t max, uint32_t reqid,
    uint32_t *spi)
{
	uint8_t buf[1024];
	struct nlmsghdr *nlh;
	struct xfrm_userspi_info *u;
	uint32_t got = 0;

	CHECK_PARAMS(h != NULL && spi != NULL && xfrm_family_ok(src) &&
	    src->family == dst->family && min >= 256 && min <= max);
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_ALLOCSPI;
	u = mnl_nlmsg_put_extra_header(nlh, sizeof(*u));
	xfrm_addr_set(&u->info.id.daddr, dst);
	xfrm_addr_set(&u->info.saddr, src);
	u->info.id.proto = IPPROTO_ESP;
	u->info.family = src->family;
	u->info.reqid = reqid;
	u->info.mode = XFRM_MODE_TRANSPORT;
	u->min = min;
	u->max = max;
	CHECK_RC(xfrm_request(h, nlh, xfrm_spi_cb, &got));
	if (got < min || got > max)
		return -EPROTO;
	*spi = got;
	return 0;
}

/* Policies. */

static int
xfrm_policy_selector(struct xfrm_selector *s, const struct xfrm_policy *pol)
{
	int fam = pol->src.family;

	CHECK_PARAMS(xfrm_family_ok(&pol->src) && fam == pol->dst.family);
	CHECK_PARAMS(pol->src_plen <= xfrm_host_plen(fam) &&
	    pol->dst_plen <= xfrm_host_plen(fam));
	memset(s, 0, sizeof(*s));
	s->family = fam;
	xfrm_addr_set(&s->saddr, &pol->src);
	xfrm_addr_set(&s->daddr, &pol->dst);
	s->prefixlen_s = pol->src_plen ? pol->src_plen : xfrm_host_plen(fam);
	s->prefixlen_d = pol->dst_plen ? pol->dst_plen : xfrm_host_plen(fam);
	xfrm_sel_ports(s, &pol->ports);
	return 0;
}

static int
xfrm_policy_tmpl(struct xfrm_user_tmpl *t, const struct xfrm_policy *pol)
{
	const struct xfrm_ip *ts, *td;

	ts = pol->tmpl_src.family != 0 ? &pol->tmpl_src : &pol->src;
	td = pol->tmpl_dst.family != 0 ? &pol->tmpl_dst : &pol->dst;
	CHECK_PARAMS(xfrm_family_ok(ts) && ts->family == td->family);
	CHECK_PARAMS(pol->mode == IMS_XFRM_MODE_TRANSPORT ||
	    pol->mode == IMS_XFRM_MODE_TUNNEL);
	memset(t, 0, sizeof(*t));
	xfrm_addr_set(&t->id.daddr, td);
	xfrm_addr_set(&t->saddr, ts);
	t->id.spi = htonl(pol->spi);
	t->id.proto = IPPROTO_ESP;
	t->family = ts->family;
	t->reqid = pol->reqid;
	t->mode = pol->mode == IMS_XFRM_MODE_TUNNEL ? XFRM_MODE_TUNNEL :
	    XFRM_MODE_TRANSPORT;
	t->aalgos = t->ealgos = t->calgos = ~0u;	/* any algorithm */
	return 0;
}

/* Is the policy index free?  1 free, 0 used, <0 error. */
static int
xfrm_policy_index_free(struct xfrm_nl *h, uint32_t index, int dir)
{
	uint8_t buf[512];
	struct nlmsghdr *nlh;
	struct xfrm_userpolicy_id *id;
	int rc;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_GETPOLICY;
	id = mnl_nlmsg_put_extra_header(nlh, sizeof(*id));
	id->index = index;
	id->dir = dir;
	rc = xfrm_request(h, nlh, NULL, NULL);
	if (rc == -ENOENT)
		return 1;
	return rc < 0 ? rc : 0;
}

static int
xfrm_policy_index_pick(struct xfrm_nl *h, int dir, uint32_t *index)
{
	uint32_t idx;
	int i, rc;

	for (i = 0; i < 64; i++) {
		h->polseq = (h->polseq + 1) & 0x1fffff;
		if (h->polseq == 0)
			continue;
		idx = XFRM_OWNER_POL_INDEX(h->owner, h->polseq, dir);
		if ((rc = xfrm_policy_index_free(h, idx, dir)) < 0)
			return rc;
		if (rc == 1) {
			*index = idx;
			return 0;
		}
	}
	return -EADDRINUSE;
}

int
xfrm_policy_add(struct xfrm_nl *h, struct xfrm_policy *pol)
{
	uint8_t buf[1024];
	struct nlmsghdr *nlh;
	struct xfrm_userpolicy_info *p;
	struct xfrm_user_tmpl t;
	uint32_t index;

	CHECK_PARAMS(h != NULL && pol != NULL);
	CHECK_PARAMS(pol->dir >= IMS_XFRM_DIR_IN && pol->dir <= IMS_XFRM_DIR_FWD);
	CHECK_RC(xfrm_policy_tmpl(&t, pol));
	CHECK_RC(xfrm_policy_index_pick(h, pol->dir, &index));
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_NEWPOLICY;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	CHECK_RC(xfrm_policy_selector(&p->sel, pol));
	p->lft.soft_byte_limit = p->lft.hard_byte_limit = XFRM_INF;
	p->lft.soft_packet_limit = p->lft.hard_packet_limit = XFRM_INF;
	p->priority = pol->priority;
	p->index = index;
	p->dir = pol->dir;
	p->action = XFRM_POLICY_ALLOW;
	p->share = XFRM_SHARE_ANY;
	if (!mnl_attr_put_check(nlh, sizeof(buf), XFRMA_TMPL, sizeof(t), &t))
		return -EMSGSIZE;
	CHECK_RC(xfrm_request(h, nlh, NULL, NULL));
	pol->index = index;
	return 0;
}

static int
xfrm_policy_del_msg(struct xfrm_nl *h, const struct xfrm_selector *sel,
    uint32_t index, int dir)
{
	uint8_t buf[512];
	struct nlmsghdr *nlh;
	struct xfrm_userpolicy_id *id;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_DELPOLICY;
	id = mnl_nlmsg_put_extra_header(nlh, sizeof(*id));
	if (sel != NULL)
		id->sel = *sel;
	id->index = index;
	id->dir = dir;
	return xfrm_request(h, nlh, NULL, NULL);
}

int
xfrm_policy_del(struct xfrm_nl *h, const struct xfrm_policy *pol)
{
	struct xfrm_selector sel;

	CHECK_PARAMS(h != NULL && pol != NULL);
	CHECK_PARAMS(pol->dir >= IMS_XFRM_DIR_IN && pol->dir <= IMS_XFRM_DIR_FWD);
	CHECK_RC(xfrm_policy_selector(&sel, pol));
	return xfrm_policy_del_msg(h, &sel, 0, pol->dir);
}

/* Ours: dump states and policies and keep those with our marker. */

struct xfrm_collect {
	uint8_t			 owner;
	struct xfrm_item	*v;
	size_t			 n, cap;
};

static int
xfrm_collect_push(struct xfrm_collect *c, const struct xfrm_item *it)
{
	struct xfrm_item *nv;
	size_t ncap;

	if (c->n == c->cap) {
		ncap = c->cap ? c->cap * 2 : 64;
		if ((nv = reallocarray(c->v, ncap, sizeof(*nv))) == NULL)
			return -ENOMEM;
		c->v = nv;
		c->cap = ncap;
	}
	c->v[c->n++] = *it;
	return 0;
}

static void
xfrm_item_ports(struct xfrm_item *it, const struct xfrm_selector *s)
{
	it->ports.proto = s->proto;
	it->ports.sport = ntohs(s->sport);
	it->ports.dport = ntohs(s->dport);
}

static int
xfrm_collect_sa_cb(const struct nlmsghdr *nlh, void *data)
{
	struct xfrm_collect *c = data;
	struct xfrm_sa_parsed sp;
	struct xfrm_item it;
	int rc;

	if ((rc = xfrm_sa_parse(nlh, c->owner, &sp)) < 0) {
		errno = -rc;
		return MNL_CB_ERROR;
	}
	if (!sp.ours || sp.p->id.proto != IPPROTO_ESP)
		return MNL_CB_OK;
	memset(&it, 0, sizeof(it));
	xfrm_addr_get(&it.src, &sp.p->saddr, sp.p->family);
	xfrm_addr_get(&it.dst, &sp.p->id.daddr, sp.p->family);
	it.spi = ntohl(sp.p->id.spi);
	it.reqid = sp.p->reqid;
	xfrm_item_ports(&it, &sp.p->sel);
	if ((rc = xfrm_collect_push(c, &it)) < 0) {
		errno = -rc;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int
xfrm_policy_is_ours(const struct nlmsghdr *nlh, uint8_t owner,
    const struct xfrm_userpolicy_info **pp)
{
	const struct nlattr *tb[XFRMA_MAX + 1];
	const struct xfrm_userpolicy_info *p;
	const struct xfrm_userpolicy_type *t;

	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*p))
		return -EPROTO;
	memset(tb, 0, sizeof(tb));
	if (mnl_attr_parse(nlh, sizeof(*p), xfrm_attr_cb, tb) < 0)
		return -EPROTO;
	p = *pp = mnl_nlmsg_get_payload(nlh);
	if (tb[XFRMA_POLICY_TYPE] != NULL &&
	    mnl_attr_get_payload_len(tb[XFRMA_POLICY_TYPE]) >= sizeof(*t)) {
		t = mnl_attr_get_payload(tb[XFRMA_POLICY_TYPE]);
		if (t->type != XFRM_POLICY_TYPE_MAIN)
			return 0;
	}
	return p->dir <= XFRM_POLICY_FWD && (p->index >> 24) == owner &&
	    (p->index & 7) == p->dir && ((p->index >> 3) & 0x1fffff) != 0;
}

static int
xfrm_collect_pol_cb(const struct nlmsghdr *nlh, void *data)
{
	struct xfrm_collect *c = data;
	const struct xfrm_userpolicy_info *p;
	struct xfrm_item it;
	int rc;

	if ((rc = xfrm_policy_is_ours(nlh, c->owner, &p)) < 0) {
		errno = -rc;
		return MNL_CB_ERROR;
	}
	if (rc == 0)
		return MNL_CB_OK;
	memset(&it, 0, sizeof(it));
	it.is_policy = 1;
	xfrm_addr_get(&it.src, &p->sel.saddr, p->sel.family);
	xfrm_addr_get(&it.dst, &p->sel.daddr, p->sel.family);
	it.dir = p->dir;
	it.index = p->index;
	xfrm_item_ports(&it, &p->sel);
	if ((rc = xfrm_collect_push(c, &it)) < 0) {
		errno = -rc;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int
xfrm_collect(struct xfrm_nl *h, struct xfrm_collect *c)
{
	uint8_t buf[1024];
	struct nlmsghdr *nlh;

	/* GETSA dump: the kernel accepts a zeroed xfrm_usersa_info body. */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_GETSA;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct xfrm_usersa_info));
	CHECK_RC(xfrm_dump(h, nlh, xfrm_collect_sa_cb, c));

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_GETPOLICY;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct xfrm_userpolicy_id));
	return xfrm_dump(h, nlh, xfrm_collect_pol_cb, c);
}

static void
xfrm_count(const struct xfrm_collect *c, int *nsa, int *npol)
{
	size_t i;
	int s = 0, p = 0;

	for (i = 0; i < c->n; i++) {
		if (c->v[i].is_policy)
			p++;
		else
			s++;
	}
	if (nsa != NULL)
		*nsa = s;
	if (npol != NULL)
		*npol = p;
}

int
xfrm_list_ours(struct xfrm_nl *h, void (*cb)(const struct xfrm_item *, void *),
    void *arg, int *nsa, int *npol)
{
	struct xfrm_collect c;
	size_t i;
	int rc;

	CHECK_PARAMS(h != NULL);
	memset(&c, 0, sizeof(c));
	c.owner = h->owner;
	rc = xfrm_collect(h, &c);
	if (rc == 0) {
		for (i = 0; cb != NULL && i < c.n; i++)
			cb(&c.v[i], arg);
		xfrm_count(&c, nsa, npol);
	}
	free(c.v);
	return rc;
}

int
xfrm_flush_ours(struct xfrm_nl *h, int *nsa, int *npol)
{
	struct xfrm_collect c;
	struct xfrm_item *it;
	size_t i;
	int rc, first = 0, s = 0, p = 0;

	CHECK_PARAMS(h != NULL);
	memset(&c, 0, sizeof(c));
	c.owner = h->owner;
	if ((rc = xfrm_collect(h, &c)) < 0) {
		free(c.v);
		return rc;
	}
	for (i = 0; i < c.n; i++) {
		it = &c.v[i];
		if (it->is_policy)
			rc = xfrm_policy_del_msg(h, NULL, it->index, it->dir);
		else
			rc = xfrm_sa_del(h, &it->dst, it->spi);
		if (rc == 0) {
			if (it->is_policy)
				p++;
			else
				s++;
		} else if (rc != -ENOENT && rc != -ESRCH && first == 0)
			first = rc;	/* gone meanwhile is fine */
	}
	free(c.v);
	if (nsa != NULL)
		*nsa = s;
	if (npol != NULL)
		*npol = p;
	return first;
}
