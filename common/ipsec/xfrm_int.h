/* xfrm_int.h - what the files of common/xfrm share; not an API.
 *
 * The module is split by concern: xfrm.c (handle, socket, request/ACK and
 * dump plumbing, addresses), xfrm_alg.c (algorithm table, key checks, the
 * algorithm attributes of an SA), xfrm_sa.c (SA add/update/del/get, SPI
 * allocation), xfrm_policy.c (policy add/del, the index marker),
 * xfrm_ours.c (list and flush of what bears our marker).  The public
 * interface and the marker design are in xfrm.h.
 */
#ifndef IMS_XFRM_INT_H
#define IMS_XFRM_INT_H

#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

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

/* An SA message (GETSA reply or dump entry) with its marker decoded. */
struct xfrm_sa_parsed {
	const struct xfrm_usersa_info	*p;
	int				 ours;
};

/* xfrm.c: one request and its ACK (cb gets any reply), or one dump. */
int	xfrm_request(struct xfrm_nl *, struct nlmsghdr *, mnl_cb_t, void *);
int	xfrm_dump(struct xfrm_nl *, struct nlmsghdr *, mnl_cb_t, void *);
/* xfrm.c: mnl_attr_parse callback filling tb[XFRMA_MAX + 1]. */
int	xfrm_attr_cb(const struct nlattr *, void *);

/* xfrm_alg.c: the XFRMA_ALG_* attributes of *sa (ESP-NULL when only an
 * integrity algorithm is given). */
int	xfrm_sa_algs(struct nlmsghdr *, size_t, const struct xfrm_sa *);

/* xfrm_sa.c: decode a XFRM_MSG_NEWSA message and whether it is ours. */
int	xfrm_sa_parse(const struct nlmsghdr *, uint8_t owner,
	    struct xfrm_sa_parsed *);

/* xfrm_policy.c: XFRM_MSG_DELPOLICY by selector (sel != NULL) or index. */
int	xfrm_policy_del_msg(struct xfrm_nl *, const struct xfrm_selector *sel,
	    uint32_t index, int dir);

/* Small helpers shared by the files. */

static inline void
xfrm_addr_set(xfrm_address_t *a, const struct xfrm_ip *ip)
{
	memset(a, 0, sizeof(*a));
	if (ip->family == AF_INET)
		memcpy(&a->a4, &ip->u.v4, sizeof(ip->u.v4));
	else if (ip->family == AF_INET6)
		memcpy(a->a6, &ip->u.v6, sizeof(ip->u.v6));
}

static inline void
xfrm_addr_get(struct xfrm_ip *ip, const xfrm_address_t *a, int family)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = family;
	if (family == AF_INET)
		memcpy(&ip->u.v4, &a->a4, sizeof(ip->u.v4));
	else if (family == AF_INET6)
		memcpy(&ip->u.v6, a->a6, sizeof(ip->u.v6));
}

static inline int
xfrm_family_ok(const struct xfrm_ip *ip)
{
	return ip != NULL && (ip->family == AF_INET || ip->family == AF_INET6);
}

static inline uint8_t
xfrm_host_plen(int family)
{
	return family == AF_INET ? 32 : 128;
}

/* Selector ports: a given port is matched exactly, 0 matches any. */
static inline void
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

#endif
