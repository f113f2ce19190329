/* strbuf.h - a bounded string builder over a caller's buffer.
 *
 * Appends never write past the buffer: what does not fit is dropped and
 * the overflow flag set, so a formatter can append unconditionally and
 * check once at the end (strbuf_status).  The buffer is NUL-terminated
 * after every append.
 */
#ifndef IMS_STRBUF_H
#define IMS_STRBUF_H

#include <stddef.h>

struct strbuf {
	char	*p;
	size_t	 len;		/* characters written, without the NUL */
	size_t	 size;		/* of p, NUL included */
	int	 overflow;
};

/* Start an empty string in buf[size]; size must be at least 1. */
void	strbuf_init(struct strbuf *, char *buf, size_t size);
void	strbuf_putc(struct strbuf *, char c);
void	strbuf_puts(struct strbuf *, const char *s);
/* 0, or -ENOSPC when something did not fit. */
int	strbuf_status(const struct strbuf *);

#endif
