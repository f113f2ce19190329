/* naf_nonce.c - the naf's server nonces (RFC 7616 3.3, 3.4; RFC 2617
 * 3.2.1): 128 random bits each, kept in a direct-mapped table (the slot is
 * chosen by the nonce's first bits, so a new nonce may evict an old one:
 * its holder then gets stale=true and retries), a bounded lifetime, and
 * the highest nonce-count seen so that a request is never accepted twice
 * (RFC 7616 3.4: "nc" to detect replays).  Loop thread only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "clock.h"
#include "log.h"
#include "naf.h"
#include "util.h"

int
naf_nonces_init(struct naf_nonces *t, size_t n, unsigned lifetime)
{
	if (n == 0 || (t->slot = calloc(n, sizeof(*t->slot))) == NULL)
		return -ENOMEM;
	t->n = n;
	t->lifetime = lifetime;
	return 0;
}

void
naf_nonces_free(struct naf_nonces *t)
{
	free(t->slot);
	t->slot = NULL;
	t->n = 0;
}

static size_t
slot_of(const struct naf_nonces *t, const char *nonce)
{
	uint8_t b[4] = { 0, 0, 0, 0 };
	char h[9];

	if (strlen(nonce) >= 8) {
		memcpy(h, nonce, 8);
		h[8] = '\0';
		if (hex_decode(h, b, sizeof(b)) < 0)
			memset(b, 0, sizeof(b));
	}
	return ((size_t)b[0] << 24 | (size_t)b[1] << 16 | (size_t)b[2] << 8 |
	    b[3]) % t->n;
}

int
naf_nonce_new(struct naf_nonces *t, char out[NAF_NONCE_LEN + 1])
{
	struct naf_nonce *s;
	uint8_t r[NAF_NONCE_LEN / 2];

	if (RAND_bytes(r, sizeof(r)) != 1) {
		log_err("naf: RAND_bytes failed");
		return -EIO;
	}
	hex_encode(r, sizeof(r), out);
	s = &t->slot[slot_of(t, out)];
	memcpy(s->nonce, out, NAF_NONCE_LEN + 1);
	s->born = clock_mono_sec(NULL);
	s->nc = 0;
	return 0;
}

enum naf_nonce_state
naf_nonce_use(struct naf_nonces *t, const char *nonce, uint32_t nc)
{
	struct naf_nonce *s;

	if (strlen(nonce) != NAF_NONCE_LEN)
		return NAF_NONCE_STALE;
	s = &t->slot[slot_of(t, nonce)];
	if (!ct_equal(s->nonce, nonce, NAF_NONCE_LEN))
		return NAF_NONCE_STALE;
	if (clock_mono_sec(NULL) - s->born >= (time_t)t->lifetime) {
		s->nonce[0] = '\0';
		return NAF_NONCE_STALE;
	}
	if (nc <= s->nc)
		return NAF_NONCE_REPLAY;
	s->nc = nc;
	return NAF_NONCE_OK;
}

int
naf_nonce_live(struct naf_nonces *t, const char *nonce)
{
	struct naf_nonce *s;

	if (strlen(nonce) != NAF_NONCE_LEN)
		return 0;
	s = &t->slot[slot_of(t, nonce)];
	return ct_equal(s->nonce, nonce, NAF_NONCE_LEN) &&
	    clock_mono_sec(NULL) - s->born < (time_t)t->lifetime;
}
