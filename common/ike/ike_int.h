/* ike_int.h - what the codec's files share (not a public interface):
 * the syntax check and big-endian field access (callers have checked the
 * bounds). */
#ifndef IMS_IKE_INT_H
#define IMS_IKE_INT_H

#include <errno.h>
#include <stdint.h>

#include "log.h"

/* expr must hold for the bytes to follow RFC 7296 3.x, else -EPROTO. */
#define IKE_CHECK_SYNTAX(expr) do {					\
	if (!(expr)) {							\
		log_debug("%s: malformed: %s", __func__, #expr);	\
		return -EPROTO;						\
	}								\
} while (0)

static inline uint16_t
ike_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
ike_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
ike_get64(const uint8_t *p)
{
	return (uint64_t)ike_get32(p) << 32 | ike_get32(p + 4);
}

static inline void
ike_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
ike_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
