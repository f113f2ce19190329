/* bsfxml.h - the application/vnd.3gpp.bsf+xml body of TS 24.109 Annex C
 * (the BSF's 200 OK on Ub): the B-TID and the key lifetime.
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <BootstrappingInfo xmlns="uri:3gpp-gba">
 *     <btid>base64(RAND)@bsf.domain</btid>
 *     <lifetime>2026-12-02T10:30:00Z</lifetime>
 *   </BootstrappingInfo>
 */
#ifndef IMS_BSFXML_H
#define IMS_BSFXML_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define BSFXML_CTYPE	"application/vnd.3gpp.bsf+xml"
#define BSFXML_BTID_MAX	256
#define BSFXML_LIFETIME_MAX 64	/* the lifetime text, NUL included */

/* expiry: Unix time, written as xs:dateTime in UTC. */
int	bsfxml_format(const char *btid, int64_t expiry, struct strbuf *);
/* 0 or -EINVAL (malformed, missing element, B-TID too long). */
int	bsfxml_parse(const char *body, size_t len, char *btid, size_t size,
	    int64_t *expiry);
/* The same, also giving the lifetime element's text as it was sent
 * (blanks around it dropped) in lifetime[lsize] (NULL: not wanted). */
int	bsfxml_parse_text(const char *body, size_t len, char *btid,
	    size_t size, char *lifetime, size_t lsize, int64_t *expiry);
/* expiry as xs:dateTime in UTC, "YYYY-MM-DDThh:mm:ssZ"; 0, -EINVAL
 * (outside years 1..9999) or -ENOSPC. */
int	bsfxml_format_lifetime(int64_t expiry, char *out, size_t size);

#endif
