/* aka.h - UMTS/IMS AKA on top of MILENAGE (3GPP TS 33.102 6.3, Annex C).
 *
 * SQN = SEQ || IND (Annex C.1.1.2): IND is the low `ind_bits` bits (default
 * 5), SEQ the rest.  SQNs are carried as uint64_t (48 bits used) and as
 * 6-byte big-endian strings on the wire.
 */
#ifndef IMS_AKA_H
#define IMS_AKA_H

#include <stddef.h>
#include <stdint.h>

#include "milenage.h"

#define AKA_SQN_MAX		0xffffffffffffULL
#define AKA_AUTN_LEN		16
#define AKA_AUTS_LEN		14
#define AKA_IND_BITS_DEFAULT	5

/* One authentication vector (TS 33.102 6.3.2): a quintet plus AK. */
struct aka_vector {
	uint8_t		rand[16];
	uint8_t		xres[8];
	size_t		xres_len;
	uint8_t		ck[16];
	uint8_t		ik[16];
	uint8_t		ak[6];
	uint8_t		autn[16];
	uint64_t	sqn;
};

void	aka_sqn_to_bytes(uint64_t sqn, uint8_t out[6]);
uint64_t aka_sqn_from_bytes(const uint8_t in[6]);

/* HSS side, SQN scheme of Annex C.1.1.2/C.3.2: the SQN to use after sqn_he
 * for the next vector, incrementing SEQ and setting IND (taken from sqn_he's
 * IND + 1, wrapping at 2^ind_bits).  Returns -ERANGE if SEQ would wrap. */
int	aka_sqn_next(uint64_t sqn_he, unsigned ind_bits, uint64_t *next);

/* HSS side: build a vector for SQN `sqn` and AMF.  RAND comes from the
 * OpenSSL DRBG unless rand_in is non-NULL (tests, reproducible tools).
 * AUTN = SQN xor AK || AMF || MAC-A (6.3.2). */
int	aka_vector_make(struct milenage_ctx *, uint64_t sqn, const uint8_t amf[2],
	    const uint8_t *rand_in, struct aka_vector *out);
/* The same for n vectors at once (sqns[i] -> out[i]): Milenage batched
 * (milenage_f12345_batch) and, with rand_in NULL, the n RANDs drawn from
 * the DRBG together (one RAND_bytes per MILENAGE_BATCH vectors, or a
 * per-thread pool refilled in bulk for small n, each RAND wiped from it
 * once taken).  On error every out[i] is wiped. */
int	aka_vectors_make(struct milenage_ctx *, size_t n, const uint64_t *sqns,
	    const uint8_t amf[2], const uint8_t (*rand_in)[16],
	    struct aka_vector *out);
void	aka_vector_wipe(struct aka_vector *);

/* UE-side state for the freshness check of Annex C.2: the highest SEQ
 * accepted in each IND slot (C.2.1), an optional limit delta on how far
 * SEQ may jump ahead, and an optional age limit L (C.2.2). */
#define AKA_IND_MAX_SLOTS	32
#define AKA_IND_BITS_MAX	5	/* 2^5 == AKA_IND_MAX_SLOTS */
struct aka_ue_sqn {
	unsigned	ind_bits;
	uint64_t	seq_ms[AKA_IND_MAX_SLOTS];	/* highest accepted SEQ per IND */
	uint64_t	delta;		/* Annex C.2.1: SEQ - SEQ_MS <= delta (0: no limit) */
	uint64_t	age_limit;	/* Annex C.2.2: SEQ_MS_max - SEQ < L (0: no limit) */
};
/* ind_bits must be <= AKA_IND_BITS_MAX, else aka_ue_check() gives -EINVAL. */
void	aka_ue_sqn_init(struct aka_ue_sqn *, unsigned ind_bits);
/* Highest SQN the UE has accepted (SEQ_MS || IND of that slot); for a
 * fresh state SEQ 0 with the highest IND. */
uint64_t aka_ue_sqn_ms(const struct aka_ue_sqn *);

enum aka_check {
	AKA_OK = 0,
	AKA_MAC_FAILURE,	/* MAC-A mismatch: authentication reject */
	AKA_SYNC_FAILURE,	/* SQN not fresh: send AUTS */
	AKA_AMF_FAILURE,	/* AMF separation bit wrong for this access */
};

/* UE side (6.3.3): verify AUTN for RAND.  On AKA_OK fills res/ck/ik and
 * updates the SQN state; on AKA_SYNC_FAILURE fills auts (14 bytes) with
 * the resynchronisation token for the current SQN_MS.  `amf_sep_required`
 * is -1 (don't care), 0 or 1: the required value of the AMF separation bit
 * (TS 33.401 6.1.1; E-UTRAN requires 1). Returns the check result, or a
 * negative errno on an internal error. */
int	aka_ue_check(struct milenage_ctx *, struct aka_ue_sqn *,
	    const uint8_t rand[16], const uint8_t autn[16], int amf_sep_required,
	    uint8_t res[8], uint8_t ck[16], uint8_t ik[16], uint8_t auts[14]);

/* UE side: AUTS = SQN_MS xor AK* || MAC-S, MAC-S = f1*(SQN_MS, RAND, AMF*=0)
 * (6.3.3, 6.3.5). */
int	aka_auts_make(struct milenage_ctx *, const uint8_t rand[16],
	    uint64_t sqn_ms, uint8_t auts[14]);
/* HSS side: recover SQN_MS from AUTS and verify MAC-S in constant time.
 * Returns 0 (sqn_ms set), -EBADMSG on a MAC-S mismatch, or another negative
 * errno. */
int	aka_auts_verify(struct milenage_ctx *, const uint8_t rand[16],
	    const uint8_t auts[14], uint64_t *sqn_ms);

#endif
