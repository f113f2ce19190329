/* http_sock.c - TCP_NODELAY on the evhttp sockets (http_sock.h). */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/bufferevent.h>
#include <event2/http.h>

#include "http_sock.h"
#include "log.h"

static int
nodelay(evutil_socket_t fd)
{
	int on = 1;

	if (fd < 0)
		return -ENOTCONN;
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0) {
		log_err("http: TCP_NODELAY: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

int
http_bind(struct evhttp *http, const char *host, uint16_t port)
{
	struct evhttp_bound_socket *s;

	if ((s = evhttp_bind_socket_with_handle(http, host, port)) == NULL)
		return -EADDRNOTAVAIL;
	return nodelay(evhttp_bound_socket_get_fd(s));
}

int
http_conn_nodelay(struct evhttp_connection *c)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(c);

	return bev == NULL ? -ENOTCONN : nodelay(bufferevent_getfd(bev));
}

void
http_peer(struct evhttp_request *req, char *out, size_t size)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	char *addr = NULL;
	ev_uint16_t port = 0;

	if (c != NULL)
		evhttp_connection_get_peer(c, &addr, &port);
	(void)snprintf(out, size, "%s:%u", addr != NULL ? addr : "?",
	    (unsigned)port);
}
