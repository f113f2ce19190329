/* ue_http.c - the connection side of ims-ue's HTTP/1.1 client: TCP with
 * timeouts, TLS (OpenSSL 3: at least TLS 1.2, the peer's chain verified
 * against the CA file, its name or address checked, RFC 9110 4.3.4), one
 * request and its response at a time on a connection kept alive between
 * the legs of a Digest exchange (RFC 9112 9.3). */
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "ue_http.h"

#define UE_HTTP_AGENT	"ims-ue/1 3gpp-gba"	/* TS 24.109 4.5.2, 5.2.1 */

struct ue_http {
	struct ue_url	 url;
	const char	*cacert;
	unsigned	 timeout_ms;
	int		 fd;
	SSL_CTX		*ctx;
	SSL		*ssl;
	int		 reused;	/* a response came on this connection */
	uint8_t		*buf;		/* bytes received, not yet used */
	size_t		 len, cap;
	char		 err[256];
};

static int
fail(struct ue_http *h, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct ue_http *h, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
	return rc;
}

/* The OpenSSL error queue's first entry, for the message. */
static const char *
ssl_reason(void)
{
	static char msg[160];
	unsigned long e = ERR_get_error();

	if (e == 0)
		return "no detail";
	ERR_error_string_n(e, msg, sizeof(msg));
	ERR_clear_error();
	return msg;
}

struct ue_http *
ue_http_new(const struct ue_url *url, const char *cacert, unsigned timeout_ms)
{
	struct ue_http *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->url = *url;
	h->cacert = cacert;
	h->timeout_ms = timeout_ms;
	h->fd = -1;
	return h;
}

static void
disconnect(struct ue_http *h)
{
	if (h->ssl != NULL) {
		(void)SSL_shutdown(h->ssl);
		SSL_free(h->ssl);
		h->ssl = NULL;
	}
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	h->len = 0;
	h->reused = 0;
}

void
ue_http_free(struct ue_http *h)
{
	if (h == NULL)
		return;
	disconnect(h);
	SSL_CTX_free(h->ctx);
	free(h->buf);
	free(h);
}

const char *
ue_http_error(const struct ue_http *h)
{
	return h->err;
}

static int
tcp_connect(struct ue_http *h)
{
	struct addrinfo hints, *res, *ai;
	struct timeval tv;
	int fd = -1, rc, saved = 0, one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(h->url.host, h->url.port, &hints, &res)) != 0)
		return fail(h, -EHOSTUNREACH, "%s: %s", h->url.host,
		    gai_strerror(rc));
	tv.tv_sec = h->timeout_ms / 1000;
	tv.tv_usec = (h->timeout_ms % 1000) * 1000;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) < 0) {
			saved = errno;
			continue;
		}
		/* Linux applies SO_SNDTIMEO to connect(2) too (socket(7)).
		 * TCP_NODELAY: a request leaves as whole writes (head, body),
		 * the body must not wait for the head's ACK (Nagle). */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0 &&
		    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0 &&
		    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one)) == 0 &&
		    connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return fail(h, -(saved ? saved : EHOSTUNREACH), "%s port %s: %s",
		    h->url.host, h->url.port, strerror(saved ? saved :
		    EHOSTUNREACH));
	h->fd = fd;
	return 0;
}

static int
tls_ctx(struct ue_http *h)
{
	if (h->ctx != NULL)
		return 0;
	if ((h->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return fail(h, -EIO, "TLS: %s", ssl_reason());
	if (SSL_CTX_set_min_proto_version(h->ctx, TLS1_2_VERSION) != 1)
		return fail(h, -EIO, "TLS: %s", ssl_reason());
	SSL_CTX_set_verify(h->ctx, SSL_VERIFY_PEER, NULL);
	if (h->cacert != NULL) {
		if (SSL_CTX_load_verify_locations(h->ctx, h->cacert, NULL) != 1)
			return fail(h, -EINVAL, "%s: cannot load CA certificates "
			    "(%s)", h->cacert, ssl_reason());
	} else if (SSL_CTX_set_default_verify_paths(h->ctx) != 1)
		return fail(h, -EIO, "TLS: %s", ssl_reason());
	return 0;
}

/* TLS on the connected socket; the server's certificate must chain to a
 * trusted CA and name the URL's host (DNS name, RFC 6125) or address. */
static int
tls_connect(struct ue_http *h)
{
	X509_VERIFY_PARAM *vp;
	long vr;
	int rc;

	if ((rc = tls_ctx(h)) < 0)
		return rc;
	if ((h->ssl = SSL_new(h->ctx)) == NULL ||
	    SSL_set_fd(h->ssl, h->fd) != 1)
		return fail(h, -EIO, "TLS: %s", ssl_reason());
	vp = SSL_get0_param(h->ssl);
	X509_VERIFY_PARAM_set_hostflags(vp,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (h->url.host_is_ip) {
		if (X509_VERIFY_PARAM_set1_ip_asc(vp, h->url.host) != 1)
			return fail(h, -EIO, "TLS: %s", ssl_reason());
	} else if (X509_VERIFY_PARAM_set1_host(vp, h->url.host, 0) != 1 ||
	    SSL_set_tlsext_host_name(h->ssl, h->url.host) != 1)
		return fail(h, -EIO, "TLS: %s", ssl_reason());
	if (SSL_connect(h->ssl) != 1) {
		vr = SSL_get_verify_result(h->ssl);
		if (vr != X509_V_OK)
			return fail(h, -EPERM, "TLS: %s: certificate not "
			    "accepted: %s", h->url.host,
			    X509_verify_cert_error_string(vr));
		return fail(h, -ECONNRESET, "TLS handshake with %s failed: %s",
		    h->url.host, ssl_reason());
	}
	if ((vr = SSL_get_verify_result(h->ssl)) != X509_V_OK ||
	    SSL_get0_peer_certificate(h->ssl) == NULL)
		return fail(h, -EPERM, "TLS: %s: certificate not accepted: %s",
		    h->url.host, X509_verify_cert_error_string(vr));
	return 0;
}

static int
connect_peer(struct ue_http *h)
{
	int rc;

	if ((rc = tcp_connect(h)) < 0)
		return rc;
	if (h->url.tls && (rc = tls_connect(h)) < 0) {
		disconnect(h);
		return rc;
	}
	return 0;
}

static int
send_all(struct ue_http *h, const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t done;
	ssize_t n;

	while (len > 0) {
		if (h->ssl != NULL) {
			if (SSL_write_ex(h->ssl, b, len, &done) != 1)
				return fail(h, -EPIPE, "TLS write failed: %s",
				    ssl_reason());
		} else {
			if ((n = send(h->fd, b, len, MSG_NOSIGNAL)) < 0) {
				if (errno == EINTR)
					continue;
				return fail(h, errno == ECONNRESET ? -EPIPE :
				    -errno, "send: %s", strerror(errno));
			}
			done = (size_t)n;
		}
		b += done;
		len -= done;
	}
	return 0;
}

/* More bytes into h->buf: >0 read, 0 at the end of the stream. */
static int
recv_more(struct ue_http *h, size_t limit)
{
	size_t got = 0, want;
	uint8_t *nb;
	ssize_t n;
	int e;

	if (h->len >= limit)
		return fail(h, -E2BIG, "response too large");
	if (h->cap - h->len < 4096) {
		want = h->cap ? 2 * h->cap : 16384;
		if (want > limit + 1)
			want = limit + 1;
		if (want <= h->len || (nb = realloc(h->buf, want)) == NULL)
			return fail(h, -ENOMEM, "out of memory");
		h->buf = nb;
		h->cap = want;
	}
	if (h->ssl != NULL) {
		if (SSL_read_ex(h->ssl, h->buf + h->len, h->cap - h->len,
		    &got) != 1) {
			e = SSL_get_error(h->ssl, 0);
			if (e == SSL_ERROR_ZERO_RETURN ||
			    (e == SSL_ERROR_SYSCALL && errno == 0))
				return 0;
			if (e == SSL_ERROR_SYSCALL && (errno == EAGAIN ||
			    errno == EWOULDBLOCK))
				return fail(h, -ETIMEDOUT, "timeout");
			return fail(h, -EIO, "TLS read failed: %s",
			    ssl_reason());
		}
	} else {
		do
			n = recv(h->fd, h->buf + h->len, h->cap - h->len, 0);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return fail(h, errno == EAGAIN ? -ETIMEDOUT : -errno,
			    "recv: %s", errno == EAGAIN ? "timeout" :
			    strerror(errno));
		got = (size_t)n;
	}
	h->len += got;
	return got > 0 ? 1 : 0;
}

static void
consume(struct ue_http *h, size_t n)
{
	memmove(h->buf, h->buf + n, h->len - n);
	h->len -= n;
}

/* End of the head: the offset just past the empty line, 0 if not yet. */
static size_t
head_end(const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if (b[i] == '\n' && (b[i + 1] == '\n' ||
		    (i + 2 < len && b[i + 1] == '\r' && b[i + 2] == '\n')))
			return i + (b[i + 1] == '\n' ? 2 : 3);
	return 0;
}

static int
read_body(struct ue_http *h, const char *method, struct ue_http_resp *r)
{
	size_t outlen, used, need;
	int rc;

	/* RFC 9112 6.3 (1): no body for HEAD, 1xx, 204, 304 */
	if (strcmp(method, "HEAD") == 0 || r->status == 204 ||
	    r->status == 304)
		need = 0;
	else if (r->chunked) {
		if ((r->body = malloc(UE_HTTP_BODY_MAX + 1)) == NULL)
			return fail(h, -ENOMEM, "out of memory");
		for (;;) {
			rc = ue_http_dechunk(h->buf, h->len, r->body,
			    UE_HTTP_BODY_MAX, &outlen, &used);
			if (rc == 0)
				break;
			if (rc != -EAGAIN)
				return fail(h, rc, "malformed chunked body");
			if ((rc = recv_more(h, UE_HTTP_BODY_MAX + 65536)) <= 0)
				return rc < 0 ? rc : fail(h, -ECONNRESET,
				    "connection closed in the body");
		}
		r->body_len = outlen;
		r->body[outlen] = '\0';
		consume(h, used);
		return 0;
	} else if (r->content_length >= 0)
		need = (size_t)r->content_length;
	else {
		/* RFC 9112 6.3 (8): up to the end of the connection */
		while ((rc = recv_more(h, UE_HTTP_BODY_MAX)) > 0)
			;
		if (rc < 0)
			return rc;
		need = h->len;
		r->keep_alive = 0;
	}
	while (h->len < need)
		if ((rc = recv_more(h, UE_HTTP_BODY_MAX)) <= 0)
			return rc < 0 ? rc : fail(h, -ECONNRESET,
			    "connection closed in the body");
	if ((r->body = malloc(need + 1)) == NULL)
		return fail(h, -ENOMEM, "out of memory");
	memcpy(r->body, h->buf, need);
	r->body[need] = '\0';
	r->body_len = need;
	consume(h, need);
	return 0;
}

/* The next final response; *none set when the connection ended before
 * any byte of it (a kept-alive connection the server closed). */
static int
read_response(struct ue_http *h, const char *method, struct ue_http_resp *r,
    int *none)
{
	size_t end;
	int rc;

	*none = 0;
	for (;;) {
		while ((end = head_end(h->buf, h->len)) == 0) {
			if ((rc = recv_more(h, UE_HTTP_HEAD_MAX)) < 0)
				return rc;
			if (rc == 0) {
				*none = h->len == 0;
				return fail(h, -ECONNRESET, "connection closed "
				    "before a response");
			}
		}
		if (ue_http_head_parse((const char *)h->buf, end, r) < 0)
			return fail(h, -EBADMSG, "malformed response head");
		consume(h, end);
		if (r->status >= 200)
			break;
		ue_http_resp_clear(r);	/* 1xx: interim (RFC 9110 15.2) */
	}
	return read_body(h, method, r);
}

static int
fmt_head(struct ue_http *h, const struct ue_http_req *q, char *out,
    size_t size)
{
	size_t n = 0, i;
	int w;

#define PUT(...) do {							\
	w = snprintf(out + n, size - n, __VA_ARGS__);			\
	if (w < 0 || (size_t)w >= size - n)				\
		return fail(h, -E2BIG, "request head too long");	\
	n += (size_t)w;							\
} while (0)
	PUT("%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n", q->method,
	    q->path, h->url.authority, UE_HTTP_AGENT);
	if (q->authorization != NULL)
		PUT("Authorization: %s\r\n", q->authorization);
	for (i = 0; i < q->nextra && i < UE_HTTP_MAX_EXTRA; i++)
		PUT("%s: %s\r\n", q->name[i], q->value[i]);
	if (q->content_type != NULL)
		PUT("Content-Type: %s\r\n", q->content_type);
	if (q->body_len > 0 || strcmp(q->method, "PUT") == 0 ||
	    strcmp(q->method, "POST") == 0)
		PUT("Content-Length: %zu\r\n", q->body_len);
	PUT("\r\n");
#undef PUT
	return (int)n;
}

int
ue_http_request(struct ue_http *h, const struct ue_http_req *q,
    struct ue_http_resp *r)
{
	char head[8192];
	int n, rc = -EIO, none = 0, tries;

	ue_http_resp_clear(r);
	if ((n = fmt_head(h, q, head, sizeof(head))) < 0)
		return n;
	/* A kept-alive connection may have been closed by the server in
	 * the meantime: one more try on a fresh one. */
	for (tries = 0; tries < 2; tries++) {
		if (h->fd < 0 && (rc = connect_peer(h)) < 0)
			return rc;
		h->len = 0;
		rc = send_all(h, head, (size_t)n);
		if (rc == 0 && q->body_len > 0)
			rc = send_all(h, q->body, q->body_len);
		if (rc == 0 && (rc = read_response(h, q->method, r, &none)) == 0)
			break;
		ue_http_resp_clear(r);
		if (!h->reused || (rc != -EPIPE && !none)) {
			disconnect(h);
			return rc;
		}
		disconnect(h);
	}
	if (rc < 0)
		return rc;
	if (r->keep_alive)
		h->reused = 1;
	else
		disconnect(h);
	return 0;
}
