/* user_data.h - what the S-CSCF reads in the User-Data of a SAA: the
 * IMSSubscription XML of TS 29.228 Annex B (schema in Annex E).  No SIP,
 * no Diameter: the fuzz target builds it alone. */
#ifndef SCSCF_USER_DATA_H
#define SCSCF_USER_DATA_H

#include <stddef.h>

#define USER_DATA_ID_MAX	256	/* longest identity kept, with NUL */

/* The P-Associated-URI value (TS 24.229 5.4.1.2.2, RFC 3455 4.1) for a
 * registration: "<id>, <id>, ..." with the Identity of every
 * PublicIdentity of the subscription (IMSSubscription / ServiceProfile /
 * PublicIdentity / Identity) in the HSS's order, barred ones
 * (BarringIndication 1) and duplicates left out; "<impu>" when there is
 * none.  xml is len bytes, not necessarily NUL-terminated.  An identity
 * that is not a plain URI (no scheme, spaces, controls, '<', '>', '"',
 * an unknown entity) is skipped.  Returns the number of identities
 * listed (0 when impu stands alone), or -ENOSPC when out (NUL-terminated
 * whenever size > 0) lost some, -EINVAL on bad arguments. */
int	user_data_assoc(const char *xml, size_t len, const char *impu,
	    char *out, size_t size);

#endif
