/* xfrm_ours.c - list and flush the SAs and policies bearing our ownership
 * marker (xfrm.h), leaving everyone else's alone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "check.h"
#include "xfrm.h"
#include "xfrm_int.h"

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
	IMS_CHECK_RC(xfrm_dump(h, nlh, xfrm_collect_sa_cb, c));

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

	IMS_CHECK_PARAMS(h != NULL);
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

	IMS_CHECK_PARAMS(h != NULL);
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
