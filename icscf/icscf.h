/* icscf.h - the Interrogating-CSCF (TS 24.229 5.3): S-CSCF assignment for
 * REGISTER through UAR (TS 29.228 6.1.1) and routing of terminating
 * requests through LIR (6.1.4).
 */
#ifndef ICSCF_H
#define ICSCF_H

#include <stdint.h>

#include "cx.h"
#include "icscf_visited.h"
#include "scscf_select.h"
#include "sipx.h"

#define ICSCF_MAX_SCSCF	8
/* S-CSCFs tried for one REGISTER: the first and its replacements after a
 * failure to reach it (TS 24.229 5.3.1.3). */
#define ICSCF_MAX_TRIES	3
/* How long a user chosen an S-CSCF by capabilities keeps it (the AKA
 * challenge is answered within it, TS 24.229 5.4.1.2.1: 4 min at most). */
#define ICSCF_STICKY_MS	(240 * 1000)

struct icscf_disc;

struct icscf {
	struct sipx_agent sa;
	const char	*domain;
	const char	*dest_realm;
	unsigned	 dia_timeout_ms;
	unsigned	 hold_ms;	/* scscf-hold */
	unsigned	 answer_ms;	/* scscf-timeout */
	struct scscf_state sel;		/* the candidates (scscf_select.h) */
	struct icscf_disc *disc;	/* icscf_disc.c */
	struct sipx_trust trust;	/* trusted-peer */
};

/* icscf_route.c */
int	icscf_request(struct icscf *, nta_incoming_t *);

/* icscf_disc.c: the candidates from the scscf entries, names resolved off
 * the SIP loop every refresh_s seconds.  new: at start (no thread yet);
 * config: the loop thread, after (re)loading the settings (the entries
 * stand for themselves until resolved); start: the resolving thread;
 * free: stops it. */
int	icscf_disc_new(struct icscf *, unsigned refresh_s);
void	icscf_disc_config(struct icscf *, const struct scscf_entry *,
	    unsigned n, unsigned refresh_s);
int	icscf_disc_start(struct icscf *);
void	icscf_disc_free(struct icscf *);

#endif
