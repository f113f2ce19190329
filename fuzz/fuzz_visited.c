/* fuzz_visited.c - icscf_visited_network() (the I-CSCF's
 * P-Visited-Network-ID parser) never reads past the value's NUL nor
 * writes past size, and what it gives is either a whole network name
 * (non-empty, no control character but HTAB, shorter than size) or an
 * error with an empty string: never a truncated name. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "icscf_visited.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
run(const char *v, size_t size)
{
	char out[300];
	size_t len;
	int rc;

	memset(out, 'x', sizeof(out));
	rc = icscf_visited_network(v, out, size);
	if (size < sizeof(out) && out[size] != 'x')
		abort();		/* wrote past size */
	if (rc != 0) {
		if ((rc != -EINVAL && rc != -ENOSPC) || out[0] != '\0')
			abort();
		return;
	}
	if ((len = strnlen(out, size)) == 0 || len >= size)
		abort();
	for (; len > 0; len--)
		if (((unsigned char)out[len - 1] < 0x20 &&
		    out[len - 1] != '\t') || out[len - 1] == 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v;

	/* An exact-size NUL-terminated heap copy: ASan sees any read past
	 * the end.  A header value has no NUL inside: cut at the first. */
	if ((v = malloc(size + 1)) == NULL)
		return 0;
	memcpy(v, data, size);
	v[size] = '\0';
	run(v, 256);
	run(v, 9);
	run(v, 1);
	free(v);
	return 0;
}
