/* keccak.h - the Keccak-p[1600,24] permutation used by TUAK (TS 35.231). */
#ifndef IMS_KECCAK_H
#define IMS_KECCAK_H

#include <stdint.h>

/* Permutes a 200-byte state in place; byte i of the state is byte i of the
 * FIPS 202 lane layout (lanes little-endian). */
void	keccak_p1600(uint8_t state[200]);

#endif
