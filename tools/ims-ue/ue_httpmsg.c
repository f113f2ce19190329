/* ue_httpmsg.c - the pure parts of ims-ue's HTTP client: URLs (RFC 3986,
 * RFC 9110 4.2), the response head (RFC 9112 4, 5) and chunked bodies
 * (RFC 9112 7.1).  No I/O, no allocation except the body buffer freed by
 * ue_http_resp_clear(). */
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ue_http.h"

static int
why_err(char *why, size_t whysz, const char *msg)
{
	if (why != NULL && whysz > 0)
		snprintf(why, whysz, "%s", msg);
	return -EINVAL;
}

/* RFC 3986 3.2.2 reg-name, restricted to what DNS names use. */
static int
name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= 256)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

int
ue_url_parse(const char *url, struct ue_url *u, char *why, size_t whysz)
{
	const char *p, *a, *ae, *h, *he, *c;
	unsigned long port;
	char *end;
	size_t n;
	unsigned char bin[16];

	memset(u, 0, sizeof(*u));
	for (c = url; *c != '\0'; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f ||
		    *c == '#' || *c == '"' || *c == '<' || *c == '>' ||
		    *c == '\\')
			return why_err(why, whysz, "invalid character in URL");
	if (strncasecmp(url, "https://", 8) == 0) {
		u->tls = 1;
		a = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0)
		a = url + 7;
	else
		return why_err(why, whysz, "expected an http:// or https:// URL");
	for (ae = a; *ae != '\0' && *ae != '/' && *ae != '?'; ae++)
		if (*ae == '@')
			return why_err(why, whysz, "userinfo in URL");
	if (ae == a)
		return why_err(why, whysz, "no host in URL");
	/* host: "[" IPv6 "]" / IPv4 / name, then an optional ":" port */
	if (*a == '[') {
		h = a + 1;
		if ((he = memchr(h, ']', (size_t)(ae - h))) == NULL)
			return why_err(why, whysz, "unclosed [ in URL");
		p = he + 1;
		n = (size_t)(he - h);
		if (n >= sizeof(u->host))
			return why_err(why, whysz, "bad IPv6 address in URL");
		memcpy(u->host, h, n);
		u->host[n] = '\0';
		if (inet_pton(AF_INET6, u->host, bin) != 1)
			return why_err(why, whysz, "bad IPv6 address in URL");
		u->host_is_ip = 1;
	} else {
		h = a;
		for (he = h; he < ae && *he != ':'; he++)
			;
		p = he;
		n = (size_t)(he - h);
		if (!name_ok(h, n))
			return why_err(why, whysz, "bad host in URL");
		memcpy(u->host, h, n);
		u->host[n] = '\0';
		u->host_is_ip = inet_pton(AF_INET, u->host, bin) == 1;
	}
	if (p < ae) {
		if (*p != ':' || p + 1 == ae || !isdigit((unsigned char)p[1]))
			return why_err(why, whysz, "bad port in URL");
		port = strtoul(p + 1, &end, 10);
		if (end != ae || port == 0 || port > 65535)
			return why_err(why, whysz, "bad port in URL");
		snprintf(u->port, sizeof(u->port), "%lu", port);
	} else
		snprintf(u->port, sizeof(u->port), "%s", u->tls ? "443" : "80");
	/* RFC 9110 7.2: Host is the authority as the URL gave it. */
	n = (size_t)(ae - a);
	if (n >= sizeof(u->authority))
		return why_err(why, whysz, "URL authority too long");
	memcpy(u->authority, a, n);
	u->authority[n] = '\0';
	/* RFC 9112 3.2.1 origin-form; an empty path is "/". */
	if (snprintf(u->path, sizeof(u->path), "%s%s", *ae == '/' ? "" : "/",
	    ae) >= (int)sizeof(u->path))
		return why_err(why, whysz, "URL path too long");
	return 0;
}

void
ue_http_resp_clear(struct ue_http_resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
	r->content_length = -1;
}

/* RFC 9110 5.6.2 tchar */
static int
tchar(char c)
{
	return isalnum((unsigned char)c) || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int
copy_value(char *dst, size_t size, const char *v, size_t n)
{
	if (n >= size)
		return -EINVAL;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

/* RFC 9110 7.6.1: Connection is a list of tokens. */
static void
connection(struct ue_http_resp *r, const char *v, size_t n)
{
	size_t i = 0, s;

	while (i < n) {
		while (i < n && (v[i] == ',' || v[i] == ' ' || v[i] == '\t'))
			i++;
		for (s = i; i < n && v[i] != ',' && v[i] != ' ' &&
		    v[i] != '\t'; i++)
			;
		if (i - s == 5 && strncasecmp(v + s, "close", 5) == 0)
			r->keep_alive |= 1;	/* flags until the head ends */
		else if (i - s == 10 && strncasecmp(v + s, "keep-alive", 10) == 0)
			r->keep_alive |= 2;
	}
}

static int
field(struct ue_http_resp *r, const char *name, size_t nl, const char *v,
    size_t n)
{
	unsigned long long cl;
	char num[24], *end;

#define IS(lit)	(nl == sizeof(lit) - 1 && strncasecmp(name, lit, nl) == 0)
	if (IS("www-authenticate")) {
		if (r->nwww_auth == UE_HTTP_MAX_AUTH)
			return 0;	/* the first ones are enough */
		return copy_value(r->www_auth[r->nwww_auth++], UE_HTTP_HDR_MAX,
		    v, n);
	}
	if (IS("authentication-info")) {
		if (r->auth_info[0] != '\0')
			return -EINVAL;		/* RFC 9110 11.6.3: once */
		return copy_value(r->auth_info, sizeof(r->auth_info), v, n);
	}
	if (IS("etag"))
		return copy_value(r->etag, sizeof(r->etag), v, n);
	if (IS("content-type"))
		return copy_value(r->content_type, sizeof(r->content_type), v, n);
	if (IS("content-length")) {
		/* RFC 9112 6.3 (5): one decimal, or the same one repeated */
		if (n == 0 || n >= sizeof(num))
			return -EINVAL;
		memcpy(num, v, n);
		num[n] = '\0';
		if (!isdigit((unsigned char)num[0]))
			return -EINVAL;
		errno = 0;
		cl = strtoull(num, &end, 10);
		if (errno != 0 || *end != '\0' || cl > UE_HTTP_BODY_MAX)
			return -EINVAL;
		if (r->content_length >= 0 &&
		    (unsigned long long)r->content_length != cl)
			return -EINVAL;
		r->content_length = (long long)cl;
		return 0;
	}
	if (IS("transfer-encoding")) {
		/* only "chunked" (RFC 9112 6.1): anything else is unusable */
		if (n != 7 || strncasecmp(v, "chunked", 7) != 0 || r->chunked)
			return -EINVAL;
		r->chunked = 1;
		return 0;
	}
	if (IS("connection"))
		connection(r, v, n);
	return 0;
#undef IS
}

/* Next line of the head: [*s, *eol) without its CRLF (or bare LF, RFC
 * 9112 2.2); *s moves past it.  -EINVAL at the end of input. */
static int
next_line(const char **s, const char *end, const char **eol)
{
	const char *lf = memchr(*s, '\n', (size_t)(end - *s));

	if (lf == NULL)
		return -EINVAL;
	*eol = lf > *s && lf[-1] == '\r' ? lf - 1 : lf;
	return 0;
}

int
ue_http_head_parse(const char *head, size_t len, struct ue_http_resp *r)
{
	const char *s = head, *end = head + len, *eol, *colon, *v, *ve, *c;
	int http10;

	ue_http_resp_clear(r);
	if (memchr(head, '\0', len) != NULL)
		return -EINVAL;
	/* RFC 9112 4: HTTP-version SP status-code SP [reason-phrase] */
	if (next_line(&s, end, &eol) < 0 || eol - s < 12 ||
	    memcmp(s, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)s[7]) ||
	    s[8] != ' ' || !isdigit((unsigned char)s[9]) ||
	    !isdigit((unsigned char)s[10]) || !isdigit((unsigned char)s[11]) ||
	    (eol - s > 12 && s[12] != ' '))
		return -EINVAL;
	http10 = s[7] == '0';
	r->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	if (r->status < 100)
		return -EINVAL;
	for (c = s + 12; c < eol; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			return -EINVAL;
	if (eol - s > 13)
		snprintf(r->phrase, sizeof(r->phrase), "%.*s",
		    (int)(eol - s - 13), s + 13);
	s = (const char *)memchr(s, '\n', (size_t)(end - s)) + 1;
	r->keep_alive = 0;
	for (;;) {
		if (next_line(&s, end, &eol) < 0)
			return -EINVAL;
		if (eol == s)
			break;
		/* RFC 9112 5.2: obs-fold is refused here */
		if (*s == ' ' || *s == '\t')
			return -EINVAL;
		for (colon = s; colon < eol && tchar(*colon); colon++)
			;
		if (colon == s || colon >= eol || *colon != ':')
			return -EINVAL;
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = eol; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
			;
		for (c = v; c < ve; c++)
			if (((unsigned char)*c < 0x20 && *c != '\t') ||
			    *c == 0x7f)
				return -EINVAL;
		if (field(r, s, (size_t)(colon - s), v, (size_t)(ve - v)) < 0)
			return -EINVAL;
		s = (const char *)memchr(s, '\n', (size_t)(end - s)) + 1;
	}
	s = (const char *)memchr(s, '\n', (size_t)(end - s)) + 1;
	if (s != end)
		return -EINVAL;
	/* RFC 9112 6.1: a sender must not send both */
	if (r->chunked && r->content_length >= 0)
		return -EINVAL;
	/* RFC 9112 9.3: 1.1 persists unless "close"; 1.0 only with
	 * "keep-alive" */
	if (r->keep_alive & 1)
		r->keep_alive = 0;
	else
		r->keep_alive = !http10 || (r->keep_alive & 2) != 0;
	return 0;
}

/* One CRLF at in[*i]. */
static int
crlf(const uint8_t *in, size_t len, size_t *i)
{
	if (*i + 2 > len)
		return -EAGAIN;
	if (in[*i] != '\r' || in[*i + 1] != '\n')
		return -EINVAL;
	*i += 2;
	return 0;
}

/* The rest of a line (chunk extensions, a trailer field) through CRLF. */
static int
skip_line(const uint8_t *in, size_t len, size_t *i)
{
	for (; *i < len; (*i)++) {
		if (in[*i] == '\n')
			return -EINVAL;		/* a bare LF */
		if (in[*i] == '\r')
			return crlf(in, len, i);
		if (in[*i] < 0x20 && in[*i] != '\t')
			return -EINVAL;
	}
	return -EAGAIN;
}

int
ue_http_dechunk(const uint8_t *in, size_t len, uint8_t *out, size_t outmax,
    size_t *outlen, size_t *used)
{
	size_t i = 0, o = 0, size, digits;
	int rc;

	for (;;) {
		/* chunk-size [ chunk-ext ] CRLF */
		for (size = 0, digits = 0; i < len && isxdigit(in[i]); i++) {
			if (++digits > 7)
				return -E2BIG;
			size = size * 16 + (size_t)(isdigit(in[i]) ? in[i] - '0' :
			    (tolower(in[i]) - 'a' + 10));
		}
		if (i == len)
			return -EAGAIN;
		if (digits == 0 || (in[i] != ';' && in[i] != '\r' &&
		    in[i] != ' ' && in[i] != '\t'))
			return -EINVAL;
		if ((rc = skip_line(in, len, &i)) < 0)
			return rc;
		if (size == 0)
			break;
		if (size > outmax - o)
			return -E2BIG;
		if (len - i < size)
			return -EAGAIN;
		memcpy(out + o, in + i, size);
		o += size;
		i += size;
		if ((rc = crlf(in, len, &i)) < 0)
			return rc;
	}
	/* trailer-section CRLF */
	for (;;) {
		if (i + 2 <= len && in[i] == '\r' && in[i + 1] == '\n') {
			i += 2;
			break;
		}
		if (i + 1 >= len)
			return -EAGAIN;
		if ((rc = skip_line(in, len, &i)) < 0)
			return rc;
	}
	*outlen = o;
	*used = i;
	return 0;
}
