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

struct icscf {
	struct sipx_agent sa;
	const char	*domain;
	const char	*dest_realm;
	unsigned	 dia_timeout_ms;
	struct scscf_entry scscf[ICSCF_MAX_SCSCF];
	unsigned	 nscscf;
	struct sipx_trust trust;	/* trusted-peer */
};

/* icscf_route.c */
int	icscf_request(struct icscf *, nta_incoming_t *);

#endif
