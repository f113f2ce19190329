/* dia_nodelay.c - Nagle off on our Diameter connections (RFC 3539 3.2:
 * AAA transports should not delay small messages).
 *
 * freeDiameter 1.2.1 clears TCP_NODELAY on the connections it opens, and
 * the ones it accepts do not have it either (sip.test_chain reads both
 * off the daemons' sockets).  A
 * request then waits, while an earlier one is unacknowledged, for the
 * peer's delayed ACK (up to 40 ms on Linux): the tail of every Cx round
 * trip under concurrency.  The socket is freeDiameter's and not exposed,
 * so when a peer connection comes up (HOOK_PEER_CONNECT_SUCCESS) every
 * connected TCP socket of the process gets TCP_NODELAY: Diameter ones
 * and, harmlessly, SIP or HTTP ones.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>

#include "dia_fd.h"
#include "check.h"
#include "dia.h"
#include "log.h"

/* TCP_NODELAY on every connected TCP socket; how many were set. */
static int
nodelay_all(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct dirent *e;
	DIR *d;
	int fd, v, on = 1, n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		fd = atoi(e->d_name);
		len = sizeof(v);
		if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) < 0 ||
		    v != IPPROTO_TCP)
			continue;
		len = sizeof(ss);
		if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
			continue;	/* a listener */
		len = sizeof(v);
		if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 &&
		    v == 0 && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on,
		    sizeof(on)) == 0)
			n++;
	}
	(void)closedir(d);
	return n;
}

/* freeDiameter's PSM thread, once per connection up. */
static void
connected(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer,
    void *other, struct fd_hook_permsgdata *pmd, void *regdata)
{
	int n;

	(void)type;
	(void)msg;
	(void)other;
	(void)pmd;
	(void)regdata;
	if ((n = nodelay_all()) < 0)
		log_warn("dia: cannot list our sockets for TCP_NODELAY: %d", n);
	else if (n > 0)
		log_debug("dia: TCP_NODELAY set on %d connection(s) (peer %s)",
		    n, peer != NULL && peer->info.pi_diamid != NULL ?
		    peer->info.pi_diamid : "?");
}

int
dia_nodelay_init(void)
{
	struct fd_hook_hdl *h;

	IMS_CHECK_FD(fd_hook_register(HOOK_MASK(HOOK_PEER_CONNECT_SUCCESS),
	    connected, NULL, NULL, &h));
	return 0;
}
