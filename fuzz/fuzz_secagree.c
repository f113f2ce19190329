/* fuzz_secagree.c - secagree_parse() never crashes, and whatever it
 * accepts survives secagree_format() -> secagree_parse() unchanged. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "secagree.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct secagree sa, sa2;
static char buf[SECAGREE_FORMAT_MAX];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct secagree_policy pol[] = {
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_AES_CBC },
		{ SECAGREE_ALG_HMAC_MD5_96, SECAGREE_EALG_NULL },
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_DES_EDE3_CBC },
		{ SECAGREE_ALG_NULL, SECAGREE_EALG_AES_GCM },
		{ SECAGREE_ALG_AES_GMAC, SECAGREE_EALG_NULL },
	};
	size_t idx;
	int rc;

	if (secagree_parse((const char *)data, size, &sa) != 0)
		return 0;
	if (secagree_format(&sa, buf, sizeof(buf)) != 0)
		abort();
	if (secagree_parse(buf, strlen(buf), &sa2) != 0)
		abort();
	if (!secagree_equal(&sa, &sa2))
		abort();
	if (!secagree_verify_matches(&sa, &sa2) ||
	    !secagree_verify_matches(&sa2, &sa))
		abort();
	rc = secagree_choose(&sa, pol, sizeof(pol) / sizeof(pol[0]), &idx);
	if (rc == 0 && (idx >= sa.nmech || !sa.mech[idx].ipsec3gpp ||
	    !secagree_pair_ok(sa.mech[idx].alg, sa.mech[idx].ealg)))
		abort();
	if (rc != 0 && rc != -ENOENT)
		abort();
	return 0;
}
