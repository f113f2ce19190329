/* fuzz_xcap_path.c - xcap_path_parse() (naf/xcap_path.c, the RFC 4825 6
 * XCAP URI path and node selector) never reads past the input nor fails
 * with anything but -EINVAL / -ENOTSUP, and what it accepts is sound:
 * NUL-terminated fields within their limits, no control character
 * decoded into them, a document, at most XCAP_STEPS_MAX steps each with a
 * name, and parsing the same input again gives the same result. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xcap_path.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
clean(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);

	if (n > max)
		abort();
	for (; n > 0; n--)
		if ((unsigned char)s[n - 1] < 0x20 || s[n - 1] == 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xcap_path p, q;
	char why[128];
	size_t i;
	int rc;

	rc = xcap_path_parse((const char *)data, size, &p, why, sizeof(why));
	if (rc != 0) {
		if (rc != -EINVAL && rc != -ENOTSUP)
			abort();
		return 0;
	}
	clean(p.auid, XCAP_AUID_MAX);
	clean(p.xui, XCAP_XUI_MAX);
	clean(p.doc, XCAP_DOC_MAX);
	if (p.doc[0] == '\0' || p.auid[0] == '\0' ||
	    (!p.global && p.xui[0] == '\0'))
		abort();
	if (p.nsteps > XCAP_STEPS_MAX || (p.has_selector && p.nsteps == 0))
		abort();
	for (i = 0; i < p.nsteps; i++) {
		if (p.steps[i].name[0] == '\0')
			abort();
		clean(p.steps[i].name, XCAP_NAME_MAX);
		clean(p.steps[i].attr, XCAP_NAME_MAX);
		if (p.steps[i].has_attr && p.steps[i].attr[0] == '\0')
			abort();
		clean(p.steps[i].value, XCAP_VALUE_MAX);
	}
	if (xcap_path_parse((const char *)data, size, &q, why,
	    sizeof(why)) != 0 || memcmp(&p, &q, sizeof(p)) != 0)
		abort();
	return 0;
}
