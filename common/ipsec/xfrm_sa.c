/* xfrm_sa.c - ESP SAs: NEWSA/UPDSA (with the ownership marker of xfrm.h),
 * DELSA, GETSA and SPI allocation (ALLOCSPI).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/udp.h>
#include <linux/xfrm.h>

#include "check.h"
#include "log.h"
#include "util.h"
#include "xfrm.h"
#include "xfrm_int.h"

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
		IMS_CHECK_PARAMS(xfrm_family_ok(&sa->sel_src) &&
		    sa->sel_src.family == sa->sel_dst.family);
		fam = s->family = sa->sel_src.family;
		IMS_CHECK_PARAMS(sa->sel_src_plen <= xfrm_host_plen(fam) &&
		    sa->sel_dst_plen <= xfrm_host_plen(fam));
		xfrm_addr_set(&s->saddr, &sa->sel_src);
		xfrm_addr_set(&s->daddr, &sa->sel_dst);
		s->prefixlen_s = sa->sel_src_plen;
		s->prefixlen_d = sa->sel_dst_plen;
	}
	xfrm_sel_ports(s, &sa->ports);
	return 0;
}

static int
xfrm_sa_attrs(struct nlmsghdr *nlh, size_t len, const struct xfrm_sa *sa,
    uint8_t owner)
{
	struct xfrm_encap_tmpl enc;

	IMS_CHECK_RC(xfrm_sa_algs(nlh, len, sa));
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

	IMS_CHECK_PARAMS(sa != NULL && buf != NULL && len >= 512);
	IMS_CHECK_PARAMS(xfrm_family_ok(&sa->src) &&
	    sa->src.family == sa->dst.family);
	IMS_CHECK_PARAMS(sa->mode == IMS_XFRM_MODE_TRANSPORT ||
	    sa->mode == IMS_XFRM_MODE_TUNNEL);
	/* SPIs 1-255 are reserved by IANA, 0 is never sent (RFC 4303 2.1). */
	IMS_CHECK_PARAMS(sa->spi >= 256);
	memset(buf, 0, len < XFRM_SBUF ? len : XFRM_SBUF);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	IMS_CHECK_RC(xfrm_sa_selector(&p->sel, sa));
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
	IMS_CHECK_RC(xfrm_sa_attrs(nlh, len, sa, xfrm_owner(h)));
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

	IMS_CHECK_PARAMS(h != NULL && xfrm_family_ok(dst));
	memset(buf, 0, sizeof(buf));
	return xfrm_request(h, xfrm_sa_id_msg(buf, XFRM_MSG_DELSA, dst, spi),
	    NULL, NULL);
}

/* Parsing SA messages (GETSA replies and dumps). */

int
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
	o->replay_old = sp.p->stats.replay_window;
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

	IMS_CHECK_PARAMS(h != NULL && xfrm_family_ok(dst) && out != NULL);
	c.owner = h->owner;
	memset(buf, 0, sizeof(buf));
	IMS_CHECK_RC(xfrm_request(h, xfrm_sa_id_msg(buf, XFRM_MSG_GETSA, dst, spi),
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

	IMS_CHECK_PARAMS(h != NULL && spi != NULL && xfrm_family_ok(src) &&
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
	IMS_CHECK_RC(xfrm_request(h, nlh, xfrm_spi_cb, &got));
	if (got < min || got > max)
		return -EPROTO;
	*spi = got;
	return 0;
}
