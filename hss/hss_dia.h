/* hss_dia.h - what the hss's Diameter handlers (hss_cx.c, hss_zh.c)
 * share: request AVPs read the same way, and the vectors of a MAR from
 * one SQN machinery (hss_aka.c).
 */
#ifndef HSS_DIA_H
#define HSS_DIA_H

#include "aka.h"
#include "dia.h"
#include "hss_db.h"

/* hss_cx.c */
/* A string AVP of a request into buf: 0 read; -ENOENT absent and
 * optional; 1 refused with the answer's result added (absent and
 * required: DIAMETER_MISSING_AVP; too long: DIAMETER_INVALID_AVP_LENGTH;
 * a NUL: DIAMETER_INVALID_AVP_VALUE); < 0 an internal error. */
int	hss_str_avp(void *parent, struct msg *ans, enum dia_avp, char *buf,
	    size_t size, int optional);

/* hss_aka.c: the vectors of a MAR, Cx or Zh.  hss_aka_vectors commits n
 * (1..HSS_SQN_BATCH) SQNs for impi (hss_db_sqn_commit) and makes the
 * vectors; with resync (RAND || AUTS, 30 octets) the AUTS is checked
 * first (TS 33.102 6.3.5): *auts_bad = 1 and nothing spent when it
 * fails.  The vectors hold keys: secure_wipe them after use. */
struct hss_vectors {
	struct aka_vector v[HSS_SQN_BATCH];
	unsigned	 n;
};
int	hss_aka_vectors(struct hss_db *, const char *impi, unsigned n,
	    const uint8_t *resync, struct hss_vectors *, int *auts_bad);
/* One SIP-Auth-Data-Item per vector (item numbers from 1) in ans. */
int	hss_aka_items_add(struct msg *ans, const struct hss_vectors *,
	    const char *scheme);

#endif
