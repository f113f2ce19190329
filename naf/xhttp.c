/* xhttp.c - HTTP helpers shared by the naf and the xcap server. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "log.h"
#include "xhttp.h"

void
xhttp_reply(struct evhttp_request *req, int code, const char *ctype,
    const char *body, size_t len)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *b = NULL;

	if (ctype != NULL && evhttp_add_header(h, "Content-Type", ctype) != 0)
		log_warn("xhttp: cannot add Content-Type");
	if (body != NULL && len > 0) {
		if ((b = evbuffer_new()) == NULL ||
		    evbuffer_add(b, body, len) != 0) {
			log_err("xhttp: out of memory for a %zu-byte body",
			    len);
			if (b != NULL)
				evbuffer_free(b);
			b = NULL;
			code = 500;
		}
	}
	evhttp_send_reply(req, code, NULL, b);
	if (b != NULL)
		evbuffer_free(b);
}

void
xhttp_reply_retry(struct evhttp_request *req, int code, unsigned seconds)
{
	char v[16];

	(void)snprintf(v, sizeof(v), "%u", seconds);
	if (evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", v) != 0)
		log_warn("xhttp: cannot add Retry-After");
	xhttp_reply(req, code, NULL, NULL, 0);
}

int
xhttp_ident(const char *hv, char *out, size_t size)
{
	const char *b, *e;
	size_t n;

	if (hv == NULL)
		return -EINVAL;
	for (b = hv; *b == ' ' || *b == '\t'; b++)
		;
	e = b + strlen(b);
	while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (e > b && *b == '"') {
		if (e - b < 2 || e[-1] != '"')
			return -EINVAL;
		b++;
		e--;
	}
	n = (size_t)(e - b);
	if (n == 0 || n >= size)
		return -EINVAL;
	for (const char *p = b; p < e; p++)
		if ((unsigned char)*p < 0x21 || *p == 0x7f || *p == '"' ||
		    *p == '\\')
			return -EINVAL;
	memcpy(out, b, n);
	out[n] = '\0';
	return 0;
}

int
xhttp_etag_match(const char *hv, const char *etag)
{
	const char *p = hv, *q;
	size_t el = etag != NULL ? strlen(etag) : 0;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p == '*')
			return etag != NULL;
		if (p[0] == 'W' && p[1] == '/') {	/* weak: skip it */
			p += 2;
			if (*p == '"' && (q = strchr(p + 1, '"')) != NULL)
				p = q + 1;
			else
				p += strcspn(p, ",");
			continue;
		}
		if (*p != '"' || (q = strchr(p + 1, '"')) == NULL)
			return 0;	/* malformed: matches nothing */
		if (etag != NULL && (size_t)(q - p - 1) == el &&
		    memcmp(p + 1, etag, el) == 0)
			return 1;
		p = q + 1;
	}
	return 0;
}
