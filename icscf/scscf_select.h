/* scscf_select.h - choosing an S-CSCF (TS 29.228 6.7, TS 24.229 5.3.1.2
 * step 2): pure functions over a configured list, no SIP nor Diameter
 * state, so that the unit tests call them directly. */
#ifndef ICSCF_SCSCF_SELECT_H
#define ICSCF_SCSCF_SELECT_H

#include <stdint.h>

#include "cx.h"

#define ICSCF_MAX_CAPS	8
#define SCSCF_URI_MAX	256

struct scscf_entry {
	char		 uri[SCSCF_URI_MAX];
	uint32_t	 caps[ICSCF_MAX_CAPS];
	unsigned	 ncaps;
};

/* Parse "URI[=CAP,CAP...]" (the -s option).  0 or -EINVAL. */
int	scscf_entry_parse(const char *, struct scscf_entry *);
/* The S-CSCF for a UAA or LIA: its Server-Name when it has one, else the
 * entry of list[0..n) that has every mandatory capability and the most
 * optional ones (the first such on a tie).  NULL when none fits. */
const char *scscf_select(const struct scscf_entry *list, unsigned n,
	    const struct cx_answer *);

#endif
