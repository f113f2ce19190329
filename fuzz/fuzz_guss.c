/* fuzz_guss.c - guss_parse() (TS 29.109 Annex A) never crashes; whatever
 * it accepts and guss_format() can write parses again, and formatting
 * that gives the same document (format o parse is idempotent). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guss.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct gba_guss g, h;
static char a[GUSS_XML_MAX], b[GUSS_XML_MAX];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf sa, sb;
	char why[128];

	if (guss_parse((const char *)data, size, &g, why, sizeof(why)) != 0) {
		if (why[0] == '\0')
			abort();	/* every refusal says why */
		return 0;
	}
	if (g.n_uss > GUSS_MAX_USS)
		abort();
	if (guss_uss_for(&g, "x") != NULL && g.n_uss == 0)
		abort();
	strbuf_init(&sa, a, sizeof(a));
	if (guss_format(&g, &sa) != 0)
		return 0;	/* e.g. a CR by reference, or type "+1" */
	if (guss_parse(a, sa.len, &h, why, sizeof(why)) != 0)
		abort();
	strbuf_init(&sb, b, sizeof(b));
	if (guss_format(&h, &sb) != 0 || sa.len != sb.len ||
	    memcmp(a, b, sa.len) != 0)
		abort();
	return 0;
}
