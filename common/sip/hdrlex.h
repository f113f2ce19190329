/* hdrlex.h - lexing of SIP header values: the token, quoted-string and
 * SWS/LWS rules of RFC 3261 25.1 (the same as RFC 2616 2.2 for HTTP
 * Digest), shared by the Authorization/WWW-Authenticate (digest.c) and
 * Security-Client/-Server/-Verify (secagree.c) parsers and formatters.
 *
 * The lexer works on a counted string; it never reads at or past `end`.
 */
#ifndef IMS_HDRLEX_H
#define IMS_HDRLEX_H

#include <stddef.h>

#include "strbuf.h"

struct hdrlex {
	const char	*p;		/* next character */
	const char	*end;
};

void	hdrlex_init(struct hdrlex *, const char *s, size_t len);

/* token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" /
 * "'" / "~") */
int	hdr_is_tchar(int c);
/* A character allowed inside a quoted-string here: qdtext and the
 * quoted-pair of RFC 3261 25.1, minus the controls other than HT. */
int	hdr_is_qchar(int c);
/* 1 if s is non-empty and every character satisfies pred. */
int	hdr_all_of(const char *s, int (*pred)(int));
/* hdr_all_of(s, hdr_is_tchar) */
int	hdr_is_token(const char *s);

/* SWS = [LWS], LWS = [*WSP CRLF] 1*WSP: skips any run of them. */
void	hdrlex_skip_sws(struct hdrlex *);
/* 1 and consumes it when the next character is c, else 0. */
int	hdrlex_accept(struct hdrlex *, char c);
/* 1 when the next character is c (nothing consumed). */
int	hdrlex_peek(const struct hdrlex *, char c);
/* 1 when the input is used up. */
int	hdrlex_eof(const struct hdrlex *);

/* The longest non-empty run of characters satisfying pred, copied
 * NUL-terminated into out[outsz].  -EINVAL if empty or too long. */
int	hdrlex_run(struct hdrlex *, int (*pred)(int), char *out, size_t outsz);
/* hdrlex_run with hdr_is_tchar. */
int	hdrlex_token(struct hdrlex *, char *out, size_t outsz);
/* quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE, unescaped into
 * out[outsz].  -EINVAL if unterminated, too long, or holding a control. */
int	hdrlex_quoted(struct hdrlex *, char *out, size_t outsz);

/* Appends s as a quoted-string, escaping DQUOTE and backslash with a
 * quoted-pair.  -EINVAL if s holds a character hdr_is_qchar rejects
 * (the output is then incomplete). */
int	hdr_put_quoted(struct strbuf *, const char *s);

#endif
