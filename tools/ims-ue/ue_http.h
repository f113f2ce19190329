/* ue_http.h - ims-ue's small blocking HTTP/1.1 client (RFC 9112) for Ub
 * (TS 24.109 4) and Ut (TS 24.109 5, TS 24.623), plain or over TLS
 * (OpenSSL, the peer verified against a CA file and the URL's host).
 *
 * Modules:
 *	ue_httpmsg.c	pure parsing: URLs, the response head, chunked
 *			bodies (fuzzed: fuzz/fuzz_uehttp.c)
 *	ue_http.c	connection, TLS, one request / response at a time,
 *			kept alive between the two legs of a Digest exchange
 *	ue_httpauth.c	HTTP Digest answers, Authentication-Info, rspauth
 */
#ifndef IMS_UE_HTTP_H
#define IMS_UE_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define UE_HTTP_HEAD_MAX	16384		/* status line + header fields */
#define UE_HTTP_BODY_MAX	(1 << 20)	/* a response body */
#define UE_HTTP_MAX_AUTH	4		/* WWW-Authenticate fields kept */
#define UE_HTTP_HDR_MAX		2048		/* one field value kept */
#define UE_HTTP_MAX_EXTRA	4		/* extra request fields */

/* http[s]://HOST[:PORT][/PATH[?QUERY]] (RFC 9110 4.2); no userinfo, no
 * fragment. */
struct ue_url {
	int	 tls;
	char	 host[256];	/* name or address, IPv6 without brackets */
	int	 host_is_ip;
	char	 port[6];
	char	 authority[272];	/* for the Host field */
	char	 path[1024];		/* origin-form, "/" when empty */
};

struct ue_http_resp {
	int	 status;
	char	 phrase[64];
	int	 keep_alive;		/* the connection may be reused */
	int	 chunked;
	long long content_length;	/* -1: absent */
	char	 www_auth[UE_HTTP_MAX_AUTH][UE_HTTP_HDR_MAX];
	size_t	 nwww_auth;
	char	 auth_info[UE_HTTP_HDR_MAX];	/* Authentication-Info */
	char	 etag[256];
	char	 content_type[256];
	uint8_t	*body;			/* malloc'd, NUL after body_len */
	size_t	 body_len;
};

struct ue_http_req {
	const char	*method;
	const char	*path;		/* origin-form request target */
	const char	*authorization;	/* NULL: none */
	const char	*content_type;	/* NULL: none */
	const uint8_t	*body;
	size_t		 body_len;
	const char	*name[UE_HTTP_MAX_EXTRA];	/* more fields */
	const char	*value[UE_HTTP_MAX_EXTRA];
	size_t		 nextra;
};

/* ue_httpmsg.c */
/* 0 or -EINVAL (why says what). */
int	ue_url_parse(const char *url, struct ue_url *, char *why, size_t whysz);
/* The head of a response, head[len] running through the empty line.
 * Unknown fields are skipped; a repeated Content-Length that differs,
 * Content-Length with chunked, obs-fold and controls are refused
 * (RFC 9112 5.2, 6.3).  0 or -EINVAL. */
int	ue_http_head_parse(const char *head, size_t len, struct ue_http_resp *);
/* Decode a chunked body (RFC 9112 7.1; extensions and trailers skipped)
 * from in[len]: 0 when complete (*used bytes of input, *outlen of body),
 * -EAGAIN when more input is needed, -EINVAL malformed, -E2BIG over
 * outmax. */
int	ue_http_dechunk(const uint8_t *in, size_t len, uint8_t *out,
	    size_t outmax, size_t *outlen, size_t *used);
/* Free the body and clear the response. */
void	ue_http_resp_clear(struct ue_http_resp *);

/* ue_http.c */
struct ue_http;

/* Connects (TLS handshake and verification included) on the first
 * request.  cacert: PEM file of trusted CAs (NULL: the system's). */
struct ue_http *ue_http_new(const struct ue_url *, const char *cacert,
	    unsigned timeout_ms);
void	ue_http_free(struct ue_http *);
/* One request, its final response (1xx skipped).  0, or a negative errno
 * with the reason in ue_http_error(). */
int	ue_http_request(struct ue_http *, const struct ue_http_req *,
	    struct ue_http_resp *);
const char *ue_http_error(const struct ue_http *);

#endif
