/* fuzz_bsfxml.c - bsfxml_parse_text() (TS 24.109 Annex C) never crashes;
 * whatever it accepts and bsfxml_format() can write survives format ->
 * parse with the same B-TID and expiry. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bsfxml.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char btid[BSFXML_BTID_MAX], btid2[BSFXML_BTID_MAX];
	char lt[BSFXML_LIFETIME_MAX], doc[1024];
	struct strbuf sb;
	int64_t exp, exp2;

	if (bsfxml_parse_text((const char *)data, size, btid, sizeof(btid), lt,
	    sizeof(lt), &exp) != 0)
		return 0;
	if (strlen(btid) == 0 || strlen(lt) == 0)
		abort();
	strbuf_init(&sb, doc, sizeof(doc));
	if (bsfxml_format(btid, exp, &sb) != 0)
		return 0;	/* a B-TID we would not send, or year > 9999 */
	if (bsfxml_parse(doc, sb.len, btid2, sizeof(btid2), &exp2) != 0 ||
	    strcmp(btid, btid2) != 0 || exp != exp2)
		abort();
	return 0;
}
