/* xcap_doc.h - XCAP operations on one stored XML document (RFC 4825 7,
 * 8.2): the well-formedness check of a PUT body and the element GET, PUT
 * and DELETE by node selector (xcap_path.h), over libxml2.
 *
 * Selection (RFC 4825 6.3): each step picks, among the element children
 * of the node selected so far, those whose local name matches (any with
 * "*"; prefixes are not resolved: the simservs documents have one
 * namespace), then the n-th of those ([n]), then those with the
 * attribute ([@a="v"]).  A selector must select exactly one element;
 * none or several is "not found".  Bodies are parsed without network
 * access and refused with a DTD (no entities, no external subsets).
 *
 * Output documents are malloc'd (free()).  Errors: -ENOENT (nothing, or
 * more than one, selected: 404), -EINVAL (a body that is not a
 * well-formed document of one element: 409 <not-well-formed>), -EPROTO
 * (the PUT would not leave the element selected by the same URI, or the
 * root is deleted: 409 <cannot-insert> / <cannot-delete>), -ENXIO (the
 * parent of a new element does not exist: 409 <no-parent>), -ENOMEM,
 * -EIO (the stored document does not parse).
 */
#ifndef IMS_XCAP_DOC_H
#define IMS_XCAP_DOC_H

#include <stddef.h>

#include "xcap_path.h"

/* Before any other call, on the loop thread: libxml2 set up, its error
 * output silenced. */
void	xcap_doc_init(void);

/* A whole document for PUT: well-formed, no DTD, root element local name
 * `root` (NULL: any).  0, -EINVAL (not well-formed), -EPROTO (other
 * root). */
int	xcap_doc_check(const char *body, size_t len, const char *root);

/* The selected element, serialised with the namespace declarations it
 * needs (application/xcap-el+xml). */
int	xcap_el_get(const char *doc, size_t len, const struct xcap_path *,
	    char **out, size_t *outlen);
/* Replace the selected element by body, or create it when the parent
 * exists and the last step selects nothing (*created = 1). */
int	xcap_el_put(const char *doc, size_t len, const struct xcap_path *,
	    const char *body, size_t blen, char **out, size_t *outlen,
	    int *created);
int	xcap_el_delete(const char *doc, size_t len, const struct xcap_path *,
	    char **out, size_t *outlen);

#endif
