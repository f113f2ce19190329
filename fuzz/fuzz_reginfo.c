/* fuzz_reginfo.c - reginfo_parse() (the P-CSCF's reader of reg event
 * NOTIFY bodies, RFC 3680) never reads out of bounds (the input is not
 * NUL-terminated); what it accepts has NUL-terminated values within
 * their bounds and survives format -> parse unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reginfo.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct reginfo a, b;
static char out[65536];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i, j;
	int n;

	if (reginfo_parse((const char *)data, size, &a) < 0) {
		if (a.nregs != 0)
			abort();
		return 0;
	}
	if (a.nregs > REGINFO_REGS_MAX)
		abort();
	for (i = 0; i < a.nregs; i++) {
		if (a.reg[i].ncontacts > REGINFO_CONTACTS_MAX ||
		    memchr(a.reg[i].aor, '\0', REGINFO_URI_MAX) == NULL ||
		    a.reg[i].aor[0] == '\0')
			abort();
		for (j = 0; j < a.reg[i].ncontacts; j++)
			if (memchr(a.reg[i].contact[j].uri, '\0',
			    REGINFO_URI_MAX) == NULL)
				abort();
	}
	if ((n = reginfo_format(&a, out, sizeof(out))) < 0)
		abort();
	if (reginfo_parse(out, (size_t)n, &b) < 0 || b.nregs != a.nregs ||
	    b.version != a.version || b.full != a.full)
		abort();
	for (i = 0; i < a.nregs; i++)
		if (strcmp(a.reg[i].aor, b.reg[i].aor) != 0 ||
		    b.reg[i].ncontacts != a.reg[i].ncontacts)
			abort();
	return 0;
}
