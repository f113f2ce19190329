/* guss_fmt.c - the GUSS and USS documents of TS 29.109 Annex A written
 * (guss.c parses them; the format is described there), and the choice of
 * the USS for a NAF group.  Every text is escaped; a control character
 * (other than tab and newline, written as references) is refused.  A
 * document is one line, without a final newline.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guss.h"

#define TRY(expr) do {							\
	int try_rc_ = (expr);						\
	if (try_rc_ < 0)						\
		return try_rc_;						\
} while (0)


/* s escaped for a text or an attribute value (XML 1.0 2.4, 3.3.3);
 * control characters other than tab and newline have no place in a
 * GUSS: -EINVAL. */
static int
put_esc(struct strbuf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			strbuf_puts(b, "&amp;");
			break;
		case '<':
			strbuf_puts(b, "&lt;");
			break;
		case '>':
			strbuf_puts(b, "&gt;");
			break;
		case '"':
			strbuf_puts(b, "&quot;");
			break;
		case '\'':
			strbuf_puts(b, "&apos;");
			break;
		case '\t':
			strbuf_puts(b, "&#9;");
			break;
		case '\n':
			strbuf_puts(b, "&#10;");
			break;
		default:
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				return -EINVAL;
			strbuf_putc(b, *s);
		}
	}
	return 0;
}

static void
put_uint(struct strbuf *b, uint32_t v)
{
	char num[16];

	(void)snprintf(num, sizeof(num), "%u", v);
	strbuf_puts(b, num);
}

static int
type_ok(const char *t)
{
	if (*t == '\0')
		return 1;	/* written as 0 */
	for (; *t != '\0'; t++)
		if (*t < '0' || *t > '9')
			return 0;
	return 1;
}

static int
put_uss(struct strbuf *b, const struct gba_uss *u)
{
	size_t i;

	if (u->id[0] == '\0' || !type_ok(u->type) ||
	    u->n_uids > GUSS_MAX_UIDS || u->n_flags > GUSS_MAX_FLAGS)
		return -EINVAL;
	strbuf_puts(b, "<uss id=\"");
	TRY(put_esc(b, u->id));
	strbuf_puts(b, "\" type=\"");
	strbuf_puts(b, u->type[0] ? u->type : "0");
	strbuf_putc(b, '"');
	if (u->naf_group[0] != '\0') {
		strbuf_puts(b, " nafGroup=\"");
		TRY(put_esc(b, u->naf_group));
		strbuf_putc(b, '"');
	}
	strbuf_puts(b, "><uids>");
	for (i = 0; i < u->n_uids; i++) {
		if (u->uids[i][0] == '\0')
			return -EINVAL;
		strbuf_puts(b, "<uid>");
		TRY(put_esc(b, u->uids[i]));
		strbuf_puts(b, "</uid>");
	}
	strbuf_puts(b, "</uids><flags>");
	for (i = 0; i < u->n_flags; i++) {
		strbuf_puts(b, "<flag>");
		put_uint(b, u->flags[i]);
		strbuf_puts(b, "</flag>");
	}
	strbuf_puts(b, "</flags></uss>");
	return 0;
}

static void
put_head(struct strbuf *b)
{
	strbuf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<guss xmlns=\"" GUSS_NS "\">");
}

int
guss_format(const struct gba_guss *g, struct strbuf *b)
{
	size_t i;

	if (g == NULL || b == NULL || g->n_uss > GUSS_MAX_USS)
		return -EINVAL;
	put_head(b);
	strbuf_puts(b, "<bsfInfo><uiccType>");
	strbuf_puts(b, g->gba_u ? "GBA_U" : "GBA");
	strbuf_puts(b, "</uiccType>");
	if (g->lifetime != 0) {
		strbuf_puts(b, "<lifeTime>");
		put_uint(b, g->lifetime);
		strbuf_puts(b, "</lifeTime>");
	}
	strbuf_puts(b, "</bsfInfo><ussList>");
	for (i = 0; i < g->n_uss; i++)
		TRY(put_uss(b, &g->uss[i]));
	strbuf_puts(b, "</ussList></guss>");
	return strbuf_status(b);
}

/* TS 29.109 6.2.2.2: the BIA's GBA-UserSecSettings holds the one USS
 * for the requesting NAF, as a GUSS document (bsfInfo left empty). */
int
guss_format_uss(const struct gba_uss *u, struct strbuf *b)
{
	if (u == NULL || b == NULL)
		return -EINVAL;
	put_head(b);
	strbuf_puts(b, "<bsfInfo/><ussList>");
	TRY(put_uss(b, u));
	strbuf_puts(b, "</ussList></guss>");
	return strbuf_status(b);
}

/* TS 33.220 4.4.6 / TS 29.109 6.2.2.2: the USS of the NAF's group, else
 * one that names no group (valid at every NAF); none: not authorised. */
const struct gba_uss *
guss_uss_for(const struct gba_guss *g, const char *group)
{
	const struct gba_uss *any = NULL;
	size_t i;

	if (g == NULL)
		return NULL;
	for (i = 0; i < g->n_uss && i < GUSS_MAX_USS; i++) {
		if (g->uss[i].naf_group[0] == '\0') {
			if (any == NULL)
				any = &g->uss[i];
		} else if (group != NULL && *group != '\0' &&
		    strcmp(g->uss[i].naf_group, group) == 0)
			return &g->uss[i];
	}
	return any;
}
