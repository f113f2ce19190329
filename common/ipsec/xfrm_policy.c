/* xfrm_policy.c - policies with one ESP template; the policy index is the
 * ownership marker (xfrm.h): chosen by us, probed before each add.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "check.h"
#include "xfrm.h"
#include "xfrm_int.h"

/* Policies. */

static int
xfrm_policy_selector(struct xfrm_selector *s, const struct xfrm_policy *pol)
{
	int fam = pol->src.family;

	IMS_CHECK_PARAMS(xfrm_family_ok(&pol->src) && fam == pol->dst.family);
	IMS_CHECK_PARAMS(pol->src_plen <= xfrm_host_plen(fam) &&
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
	IMS_CHECK_PARAMS(xfrm_family_ok(ts) && ts->family == td->family);
	IMS_CHECK_PARAMS(pol->mode == IMS_XFRM_MODE_TRANSPORT ||
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

	IMS_CHECK_PARAMS(h != NULL && pol != NULL);
	IMS_CHECK_PARAMS(pol->dir >= IMS_XFRM_DIR_IN && pol->dir <= IMS_XFRM_DIR_FWD);
	IMS_CHECK_RC(xfrm_policy_tmpl(&t, pol));
	IMS_CHECK_RC(xfrm_policy_index_pick(h, pol->dir, &index));
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_NEWPOLICY;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	IMS_CHECK_RC(xfrm_policy_selector(&p->sel, pol));
	p->lft.soft_byte_limit = p->lft.hard_byte_limit = XFRM_INF;
	p->lft.soft_packet_limit = p->lft.hard_packet_limit = XFRM_INF;
	p->priority = pol->priority;
	p->index = index;
	p->dir = pol->dir;
	p->action = XFRM_POLICY_ALLOW;
	p->share = XFRM_SHARE_ANY;
	if (!mnl_attr_put_check(nlh, sizeof(buf), XFRMA_TMPL, sizeof(t), &t))
		return -EMSGSIZE;
	IMS_CHECK_RC(xfrm_request(h, nlh, NULL, NULL));
	pol->index = index;
	return 0;
}

int
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

	IMS_CHECK_PARAMS(h != NULL && pol != NULL);
	IMS_CHECK_PARAMS(pol->dir >= IMS_XFRM_DIR_IN && pol->dir <= IMS_XFRM_DIR_FWD);
	IMS_CHECK_RC(xfrm_policy_selector(&sel, pol));
	return xfrm_policy_del_msg(h, &sel, 0, pol->dir);
}
