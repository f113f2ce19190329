/* icscf.h - the Interrogating-CSCF (TS 24.229 5.3): S-CSCF assignment for
 * REGISTER through UAR (TS 29.228 6.1.1) and routing of terminating
 * requests through LIR (6.1.4).
 */
#ifndef ICSCF_H
#define ICSCF_H

#include <stdint.h>

#include "cx.h"
#include "sipx.h"

#define ICSCF_MAX_SCSCF	8
#define ICSCF_MAX_CAPS	8

struct scscf_entry {
	char		 uri[SIPX_URI_MAX];
	uint32_t	 caps[ICSCF_MAX_CAPS];
	unsigned	 ncaps;
};

struct icscf {
	struct sipx_agent sa;
	const char	*domain;
	const char	*dest_realm;
	unsigned	 dia_timeout_ms;
	struct scscf_entry scscf[ICSCF_MAX_SCSCF];
	unsigned	 nscscf;
};

/* scscf_select.c */
/* Parse "URI[=CAP,CAP...]" (the -s option). */
int	scscf_entry_parse(const char *, struct scscf_entry *);
/* TS 29.228 6.7 / TS 24.229 5.3.1.2: the S-CSCF for an answer: its
 * Server-Name, else the configured one with every mandatory capability
 * and the most optional ones.  NULL when none fits. */
const char *scscf_select(const struct icscf *, const struct cx_answer *);

/* icscf_route.c */
int	icscf_request(struct icscf *, nta_incoming_t *, sip_t const *);

#endif
