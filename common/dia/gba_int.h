/* gba_int.h - the plumbing zh_client.c and zn_client.c share
 * (gba_client.c): the common head of a GBA request and the send with an
 * answer-or-expiry callback, as cx_client.c does for Cx.
 */
#ifndef IMS_GBA_INT_H
#define IMS_GBA_INT_H

#include <stdint.h>

#include "gba.h"

/* The first member of a client's own pending record.  Exactly one of
 * parse (an answer from the peer the request went to) and then finish(0),
 * or finish(-ETIMEDOUT / -EIO) alone, runs on a freeDiameter thread; the
 * client frees its record in finish. */
struct gba_pending {
	uint32_t	 app_id;
	uint32_t	 code;
	uint64_t	 t0;		/* gba_send: metric_now_ns (dia_stat) */
	void		(*parse)(struct gba_pending *, struct msg *);
	void		(*finish)(struct gba_pending *, int status);
};

/* Session-Id, Vendor-Specific-Application-Id, Auth-Session-State
 * NO_STATE_MAINTAINED, Origin-*, [Destination-Host], Destination-Realm
 * (TS 29.109 5.2.2.1, 6.2.2.1). */
int	gba_req_new(uint32_t app_id, uint32_t code, const char *dest_realm,
	    const char *dest_host, struct msg **);
/* Sends m (consumed in every case); 0: p's callbacks will run, < 0: they
 * will not (the caller frees p). */
int	gba_send(struct msg *m, unsigned timeout_ms, struct gba_pending *p);

#endif
