/* xfrm.c - IPsec SAs and policies over NETLINK_XFRM with libmnl: the
 * handle, the socket, one request and its ACK, dumps, addresses.
 *
 * Message layouts: <linux/xfrm.h> (struct xfrm_usersa_info, xfrm_userpolicy_info,
 * xfrm_user_tmpl, xfrm_algo_auth/_aead, ...).  ESP per RFC 4303; the SA
 * parameters (integrity and encryption algorithms, per-port selectors) per
 * TS 33.203 section 7 and annex H.  The ownership marker is described in
 * xfrm.h; how the module is split over files in xfrm_int.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "check.h"
#include "log.h"
#include "xfrm.h"
#include "xfrm_int.h"

/* Addresses. */

int
xfrm_ip_parse(const char *s, struct xfrm_ip *ip)
{
	IMS_CHECK_PARAMS(s != NULL && ip != NULL);
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
	IMS_CHECK_PARAMS(h != NULL && tag != 0);
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

int
xfrm_request(struct xfrm_nl *h, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	IMS_CHECK_RC(xfrm_send(h, nlh, 0));
	return xfrm_recv(h, nlh->nlmsg_seq, cb, data);
}

int
xfrm_dump(struct xfrm_nl *h, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	IMS_CHECK_RC(xfrm_send(h, nlh, 1));
	return xfrm_recv(h, nlh->nlmsg_seq, cb, data);
}

/* Attributes of a message by type (unknown types beyond XFRMA_MAX skipped). */
int
xfrm_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= XFRMA_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}
