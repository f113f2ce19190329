/* strbuf.c - bounded string builder.  See strbuf.h. */
#include <errno.h>

#include "strbuf.h"

void
strbuf_init(struct strbuf *b, char *buf, size_t size)
{
	b->p = buf;
	b->len = 0;
	b->size = size;
	b->overflow = 0;
	buf[0] = '\0';
}

void
strbuf_putc(struct strbuf *b, char c)
{
	if (b->len + 1 >= b->size) {
		b->overflow = 1;
		return;
	}
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void
strbuf_puts(struct strbuf *b, const char *s)
{
	for (; *s != '\0'; s++)
		strbuf_putc(b, *s);
}

int
strbuf_status(const struct strbuf *b)
{
	return b->overflow ? -ENOSPC : 0;
}
