/* seg_net.c - the IKE socket: UDP port 500 on the local address (RFC 7296
 * 2: IKE messages over UDP port 500).  Opened as root in start() (port
 * 500 is privileged).  The socket bypasses IPsec policy (a per-socket
 * allow policy, both directions): when a tunnel joins two hosts (Zb
 * between elements, local and remote subnet /32), our own policies also
 * cover the IKE packets between them, and IKE must never need the SA it
 * is negotiating.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <linux/ipsec.h>
#include <linux/xfrm.h>
#include <netinet/in.h>

#include <event2/event.h>

#include "check.h"
#include "log.h"
#include "seg_ike.h"

socklen_t
seg_peer_sockaddr(const struct seg_peer *p, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (p->addr.family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(IKE_PORT);
		a->sin_addr = p->addr.u.v4;
		return sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(IKE_PORT);
		a->sin6_addr = p->addr.u.v6;
		return sizeof(*a);
	}
}

static void
seg_net_rx(evutil_socket_t fd, short what, void *arg)
{
	struct seg *s = arg;
	struct sockaddr_storage from;
	socklen_t fl;
	uint8_t buf[SEG_MSG_MAX];
	ssize_t n;
	int i;

	(void)what;
	for (i = 0; i < 64; i++) {
		fl = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), MSG_TRUNC,
		    (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("seg: recvfrom: %s", strerror(errno));
			return;
		}
		if ((size_t)n > sizeof(buf)) {
			log_debug("seg: a %zd-byte datagram dropped", n);
			continue;
		}
		seg_ike_input(s, buf, (size_t)n, &from, fl);
	}
}

/* A per-socket policy that lets its packets pass unprotected, for dir
 * (XFRM_POLICY_IN or _OUT): IP_XFRM_POLICY / IPV6_XFRM_POLICY with action
 * allow; needs CAP_NET_ADMIN (held at start-up). */
static int
net_bypass(int fd, int family, uint8_t dir)
{
	struct xfrm_userpolicy_info pol;

	memset(&pol, 0, sizeof(pol));
	pol.action = XFRM_POLICY_ALLOW;
	pol.sel.family = (uint16_t)family;
	pol.dir = dir;
	pol.lft.soft_byte_limit = XFRM_INF;
	pol.lft.hard_byte_limit = XFRM_INF;
	pol.lft.soft_packet_limit = XFRM_INF;
	pol.lft.hard_packet_limit = XFRM_INF;
	if (setsockopt(fd, family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP,
	    family == AF_INET6 ? IPV6_XFRM_POLICY : IP_XFRM_POLICY, &pol,
	    sizeof(pol)) < 0) {
		int rc = -errno;

		log_err("seg: IKE socket policy bypass (%s): %s",
		    dir == XFRM_POLICY_IN ? "in" : "out", strerror(errno));
		return rc;
	}
	return 0;
}

int
seg_net_open(struct seg *s)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	struct seg_peer me;
	int fd, rc;

	memset(&me, 0, sizeof(me));
	me.addr = s->local;
	sl = seg_peer_sockaddr(&me, &ss);
	((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)s->conf->port);
	if (ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port =
		    htons((uint16_t)s->conf->port);
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		log_err("seg: socket: %s", strerror(errno));
		return rc;
	}
	if ((rc = net_bypass(fd, ss.ss_family, XFRM_POLICY_IN)) < 0 ||
	    (rc = net_bypass(fd, ss.ss_family, XFRM_POLICY_OUT)) < 0) {
		(void)close(fd);
		return rc;
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		rc = -errno;
		log_err("seg: bind %s port %u: %s", s->conf->local,
		    s->conf->port, strerror(errno));
		(void)close(fd);
		return rc;
	}
	s->fd = fd;
	s->ev_rx = event_new(s->loop.base, fd, EV_READ | EV_PERSIST,
	    seg_net_rx, s);
	if (s->ev_rx == NULL || event_add(s->ev_rx, NULL) != 0) {
		log_err("seg: cannot watch the IKE socket");
		return -ENOMEM;
	}
	return 0;
}

void
seg_net_close(struct seg *s)
{
	if (s->ev_rx != NULL)
		event_free(s->ev_rx);
	s->ev_rx = NULL;
	if (s->fd >= 0)
		(void)close(s->fd);
	s->fd = -1;
}

int
seg_send(struct seg *s, const struct sockaddr_storage *to, socklen_t tl,
    const uint8_t *buf, size_t len)
{
	if (sendto(s->fd, buf, len, 0, (const struct sockaddr *)to, tl) < 0) {
		log_warn("seg: sendto: %s", strerror(errno));
		return -errno;
	}
	return 0;
}
