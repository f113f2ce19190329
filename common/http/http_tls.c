/* http_tls.c - TLS for an evhttp server over bufferevent_openssl. */
#include <errno.h>
#include <stdlib.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "check.h"
#include "http_tls.h"
#include "log.h"

/* TLS 1.2 suites: ECDHE (forward secrecy) with an AEAD only.  TLS 1.3
 * keeps OpenSSL's default suites (all AEAD). */
#define HTTP_TLS12_CIPHERS \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

struct http_tls {
	SSL_CTX	*ctx;
};

static void
tls_log_errors(const char *what)
{
	unsigned long e;
	char buf[256];

	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		log_err("%s: %s", what, buf);
	}
}

int
http_tls_new(const char *cert, const char *key, struct http_tls **out)
{
	struct http_tls *t;
	SSL_CTX *ctx;

	IMS_CHECK_PARAMS(cert != NULL && key != NULL);
	IMS_CHECK_MALLOC(t = calloc(1, sizeof(*t)));
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		free(t);
		tls_log_errors("http_tls: SSL_CTX_new");
		return -ENOMEM;
	}
	t->ctx = ctx;
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, HTTP_TLS12_CIPHERS) != 1) {
		tls_log_errors("http_tls: protocol settings");
		http_tls_free(t);
		return -EIO;
	}
	(void)SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE |
	    SSL_OP_NO_TICKET);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		tls_log_errors(cert);
		log_err("http_tls: cannot use the certificate chain %s", cert);
		http_tls_free(t);
		return -EINVAL;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		tls_log_errors(key);
		log_err("http_tls: cannot use the key %s (or it does not "
		    "match %s)", key, cert);
		http_tls_free(t);
		return -EINVAL;
	}
	*out = t;
	return 0;
}

void
http_tls_free(struct http_tls *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

/* evhttp's bufferevent factory: a server-side SSL for each connection. */
static struct bufferevent *
http_tls_bev(struct event_base *base, void *arg)
{
	struct http_tls *t = arg;
	struct bufferevent *bev;
	SSL *ssl;

	if ((ssl = SSL_new(t->ctx)) == NULL) {
		tls_log_errors("http_tls: SSL_new");
		return NULL;
	}
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		log_err("http_tls: bufferevent_openssl_socket_new failed");
		SSL_free(ssl);
		return NULL;
	}
	/* A TLS close_notify is not waited for (the peer may be gone). */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

void
http_tls_attach(struct http_tls *t, struct evhttp *http)
{
	evhttp_set_bevcb(http, http_tls_bev, t);
}

SSL *
http_tls_ssl(struct evhttp_request *req)
{
	struct evhttp_connection *c;
	struct bufferevent *bev;

	if ((c = evhttp_request_get_connection(req)) == NULL ||
	    (bev = evhttp_connection_get_bufferevent(c)) == NULL)
		return NULL;
	return bufferevent_openssl_get_ssl(bev);
}

int
http_tls_suite(struct evhttp_request *req, uint16_t *suite)
{
	const SSL_CIPHER *c;
	SSL *ssl;

	if ((ssl = http_tls_ssl(req)) == NULL ||
	    (c = SSL_get_current_cipher(ssl)) == NULL)
		return -ENOTCONN;
	*suite = SSL_CIPHER_get_protocol_id(c);
	return 0;
}
