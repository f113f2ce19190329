/* fuzz_digest.c - digest_parse() never crashes, and whatever it accepts
 * survives digest_format() -> digest_parse() unchanged. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct digest d, d2;
static char buf[DIGEST_FORMAT_MAX];

static void
round_trip(int flags)
{
	if (digest_format(&d, flags, buf, sizeof(buf)) != 0)
		abort();
	if (digest_parse(buf, strlen(buf), &d2) != 0)
		abort();
	if (!digest_equal(&d, &d2))
		abort();
}

static void
exercise(void)
{
	static const uint8_t xres[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t ck[16] = { 1 }, ik[16] = { 2 };
	uint8_t auts[14], k1[16], k2[16], rand[16], autn[16], extra[64];
	size_t n;
	int rc;

	(void)digest_auts(&d, auts);
	(void)digest_keys(&d, k1, k2);
	(void)digest_qop_has(&d, "auth");
	(void)digest_aka_nonce_split(d.nonce, rand, autn, extra, sizeof(extra),
	    &n);
	rc = digest_aka_verify(&d, "REGISTER", xres, sizeof(xres), ck, ik);
	if (rc != 0 && rc != 1 && rc != -EINVAL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (digest_parse((const char *)data, size, &d) != 0)
		return 0;
	round_trip(0);
	round_trip(DIGEST_FMT_CHALLENGE);
	/* Without ck/ik the result must still parse when there is anything
	 * left to emit. */
	if (digest_format(&d, DIGEST_FMT_NO_KEYS, buf, sizeof(buf)) == 0 &&
	    digest_parse(buf, strlen(buf), &d2) != 0)
		abort();
	exercise();
	return 0;
}
