/* xcap.h - the xcap daemon: the Ut application server of TS 24.623
 * behind the naf (RFC 4825 XCAP for the simservs document).
 *
 *   xcap_main.c	settings, daemon skeleton, the evhttp server
 *   xcap_http.c	requests: trust, identity, path, methods, ETags
 *   xcap_doc.c		element operations (libxml2)
 *   xcap_store.c	documents in SQLite
 *   xcap_path.c	the XCAP URI and node selector
 */
#ifndef IMS_XCAP_H
#define IMS_XCAP_H

#include "addr_acl.h"
#include "evloop.h"

#define XCAP_AUID	"simservs.ngn.etsi.org"	/* TS 24.623 5.1 */
#define XCAP_DOC	"simservs.xml"
#define XCAP_ROOT	"simservs"
#define XCAP_CT_DOC	"application/simservs+xml"	/* TS 24.623 */
#define XCAP_CT_EL	"application/xcap-el+xml"	/* RFC 4825 15.2.1 */
#define XCAP_CT_ERR	"application/xcap-error+xml"	/* RFC 4825 15.2.3 */

struct evhttp;
struct xcap_store;

struct xcap {
	struct evloop		 loop;
	struct evhttp		*http;
	struct xcap_store	*store;
	struct addr_acl		 trusted;
};

/* evhttp's callback for every request. */
void	xcap_http_handle(struct evhttp_request *, void *xcap);

#endif
