/* tuak.h - the TUAK algorithm set (3GPP TS 35.231), lengths of TS 35.233. */
#ifndef IMS_TUAK_H
#define IMS_TUAK_H

#include <stddef.h>
#include <stdint.h>

/* Parameters a subscriber is provisioned with (TS 35.231 6.4). */
struct tuak_params {
	unsigned	keccak_iterations;	/* >= 1 */
	unsigned	mac_bits;		/* 64, 128, 256 */
	unsigned	res_bits;		/* 32, 64, 128, 256 */
	unsigned	ck_bits;		/* 128, 256 */
	unsigned	ik_bits;		/* 128, 256 */
};

/* K is 16 or 32 bytes (klen).  TOP and TOPc are 32 bytes. */
int	tuak_topc(const uint8_t *k, size_t klen, const uint8_t top[32],
	    unsigned keccak_iterations, uint8_t topc[32]);
/* f1 / f1*: mac of mac_bits/8 bytes; either output may be NULL. */
int	tuak_f1(const struct tuak_params *, const uint8_t *k, size_t klen,
	    const uint8_t topc[32], const uint8_t rand[16], const uint8_t sqn[6],
	    const uint8_t amf[2], uint8_t *mac_a, uint8_t *mac_s);
/* f2345: res of res_bits/8, ck of ck_bits/8, ik of ik_bits/8, ak of 6
 * bytes; any output may be NULL. */
int	tuak_f2345(const struct tuak_params *, const uint8_t *k, size_t klen,
	    const uint8_t topc[32], const uint8_t rand[16], uint8_t *res,
	    uint8_t *ck, uint8_t *ik, uint8_t ak[6]);
int	tuak_f5star(const struct tuak_params *, const uint8_t *k, size_t klen,
	    const uint8_t topc[32], const uint8_t rand[16], uint8_t ak_s[6]);

#endif
