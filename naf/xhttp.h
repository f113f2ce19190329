/* xhttp.h - small HTTP helpers shared by the naf and the xcap server. */
#ifndef IMS_XHTTP_H
#define IMS_XHTTP_H

#include <stddef.h>

struct evhttp_request;

#define XHTTP_IDENT_MAX	256

/* Answer req: status, Content-Type (NULL: none) and body (may be NULL). */
void	xhttp_reply(struct evhttp_request *, int code, const char *ctype,
	    const char *body, size_t len);
/* 503 with Retry-After: seconds (overload, Zn timeout). */
void	xhttp_reply_retry(struct evhttp_request *, int code,
	    unsigned seconds);
/* An identity header value (X-3GPP-Intended-Identity, X-3GPP-Asserted-
 * Identity, TS 24.109 5.2.3 / TS 24.623 5.2.1): a quoted-string
 * ("sip:alice@ims.lab") or, leniently, the bare identity; blanks around it
 * removed.  0 or -EINVAL (empty, unterminated, a control character, a
 * quote or backslash inside, too long). */
int	xhttp_ident(const char *hv, char *out, size_t size);
/* RFC 7232 3.1/3.2: 1 when the If-Match / If-None-Match list value hv
 * ("*", or entity-tags) matches the strong entity tag etag (hex digits,
 * without quotes; NULL: no current representation, matched by nothing);
 * weak tags never match strongly. */
int	xhttp_etag_match(const char *hv, const char *etag);

#endif
