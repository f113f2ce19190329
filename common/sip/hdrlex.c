/* hdrlex.c - RFC 3261 25.1 token / quoted-string / SWS lexing.  See
 * hdrlex.h.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "hdrlex.h"

void
hdrlex_init(struct hdrlex *l, const char *s, size_t len)
{
	l->p = s;
	l->end = s + len;
}

int
hdr_is_tchar(int c)
{
	if (c >= 0x80 || c <= 0x20)
		return 0;
	if (isalnum(c))
		return 1;
	return strchr("-.!%*_+`'~", c) != NULL;
}

int
hdr_is_qchar(int c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

int
hdr_all_of(const char *s, int (*pred)(int))
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!pred((unsigned char)*s))
			return 0;
	return 1;
}

int
hdr_is_token(const char *s)
{
	return hdr_all_of(s, hdr_is_tchar);
}

void
hdrlex_skip_sws(struct hdrlex *l)
{
	for (;;) {
		if (l->p < l->end && (*l->p == ' ' || *l->p == '\t'))
			l->p++;
		else if (l->end - l->p >= 3 && l->p[0] == '\r' &&
		    l->p[1] == '\n' && (l->p[2] == ' ' || l->p[2] == '\t'))
			l->p += 3;
		else
			return;
	}
}

int
hdrlex_peek(const struct hdrlex *l, char c)
{
	return l->p < l->end && *l->p == c;
}

int
hdrlex_accept(struct hdrlex *l, char c)
{
	if (!hdrlex_peek(l, c))
		return 0;
	l->p++;
	return 1;
}

int
hdrlex_eof(const struct hdrlex *l)
{
	return l->p >= l->end;
}

int
hdrlex_run(struct hdrlex *l, int (*pred)(int), char *out, size_t outsz)
{
	size_t n = 0;

	while (l->p < l->end && pred((unsigned char)*l->p)) {
		if (n + 1 >= outsz)
			return -EINVAL;
		out[n++] = *l->p++;
	}
	out[n] = '\0';
	return n == 0 ? -EINVAL : 0;
}

int
hdrlex_token(struct hdrlex *l, char *out, size_t outsz)
{
	return hdrlex_run(l, hdr_is_tchar, out, outsz);
}

int
hdrlex_quoted(struct hdrlex *l, char *out, size_t outsz)
{
	size_t n = 0;
	int c;

	if (!hdrlex_accept(l, '"'))
		return -EINVAL;
	for (;;) {
		if (l->p >= l->end)
			return -EINVAL;		/* unterminated */
		c = (unsigned char)*l->p++;
		if (c == '"')
			break;
		if (c == '\\') {		/* quoted-pair */
			if (l->p >= l->end)
				return -EINVAL;
			c = (unsigned char)*l->p++;
		}
		if (!hdr_is_qchar(c) || n + 1 >= outsz)
			return -EINVAL;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

int
hdr_put_quoted(struct strbuf *b, const char *s)
{
	strbuf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (!hdr_is_qchar((unsigned char)*s))
			return -EINVAL;
		if (*s == '"' || *s == '\\')
			strbuf_putc(b, '\\');
		strbuf_putc(b, *s);
	}
	strbuf_putc(b, '"');
	return 0;
}
