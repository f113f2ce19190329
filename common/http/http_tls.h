/* http_tls.h - the TLS server side of an evhttp (libevent 2.1,
 * bufferevent_openssl, OpenSSL 3): TLS 1.2 and 1.3 only, forward-secret
 * AEAD suites for 1.2 (ECDHE with AES-GCM or ChaCha20-Poly1305), no
 * renegotiation, no compression, no client certificate.  The certificate
 * chain and the key are read from PEM files once, from a daemon's
 * start() (as root when started as root), and checked to match. */
#ifndef IMS_HTTP_TLS_H
#define IMS_HTTP_TLS_H

#include <stdint.h>

#include <openssl/ssl.h>

struct evhttp;
struct evhttp_request;

struct http_tls;

/* 0, -EINVAL (unreadable or mismatching files, logged), -ENOMEM, -EIO. */
int	http_tls_new(const char *cert_pem, const char *key_pem,
	    struct http_tls **);
void	http_tls_free(struct http_tls *);
/* Every connection evhttp accepts from now on runs TLS (a fresh SSL in
 * server mode each; a failed handshake closes it).  Caveat: when the SSL
 * cannot be made (out of memory), libevent 2.1 gives the connection a
 * plain socket bufferevent instead: a request handler must check
 * http_tls_ssl() and refuse one without. */
void	http_tls_attach(struct http_tls *, struct evhttp *);
/* The SSL of the connection a request came on, or NULL. */
SSL	*http_tls_ssl(struct evhttp_request *);
/* The negotiated cipher suite's two-octet IANA identifier (RFC 8446
 * B.4, RFC 5246 A.5) of a request's connection: 0 or -ENOTCONN. */
int	http_tls_suite(struct evhttp_request *, uint16_t *suite);

#endif
