/* http_sock.h - the TCP side of the evhttp servers and clients: every
 * socket runs with TCP_NODELAY.  A response leaves in more than one write
 * (headers, then body; over TLS one record each), and with Nagle the
 * second waits for the peer's delayed ACK of the first: about 40 ms on
 * Linux per proxied request (measured with bench/gba-bench.sh). */
#ifndef IMS_HTTP_SOCK_H
#define IMS_HTTP_SOCK_H

#include <stdint.h>

#include <stddef.h>

struct evhttp;
struct evhttp_connection;
struct evhttp_request;

/* evhttp_bind_socket_with_handle on host:port, TCP_NODELAY on the
 * listening socket (Linux: accepted sockets inherit it, tcp(7)).
 * 0, -EADDRNOTAVAIL (cannot bind), -errno (setsockopt). */
int	http_bind(struct evhttp *, const char *host, uint16_t port);
/* TCP_NODELAY on an outgoing connection's socket, once
 * evhttp_make_request has made it.  0 or -errno (no socket yet: -ENOTCONN). */
int	http_conn_nodelay(struct evhttp_connection *);
/* The client of req as ADDRESS:PORT ("?:0" when unknown): the peer of a
 * security event (log_sec). */
void	http_peer(struct evhttp_request *req, char *out, size_t size);

#endif
