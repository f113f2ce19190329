/* xcap_path.h - the XCAP URI path of RFC 4825 6 and its node selector.
 *
 *   /AUID/users/XUI/DOC[/~~/NODE-SELECTOR]		(RFC 4825 6.2)
 *   /AUID/global/DOC[/~~/NODE-SELECTOR]
 *
 * Each segment before the node selector is percent-decoded on its own
 * (an XUI such as sip%3Aalice%40ims.lab, or with a %2F inside, stays one
 * segment); the node selector after "/~~/" is percent-decoded as a whole
 * and then split into steps (RFC 4825 6.3):
 *
 *   step   = NameorAny
 *          / NameorAny "[" position "]"
 *          / NameorAny "[" "@" att-name "=" AttValue "]"
 *          / NameorAny "[" position "]" "[" "@" att-name "=" AttValue "]"
 *
 * AttValue is quoted with " or ' (XML 1.0, no entity references).
 * Attribute selectors (a last step "@name") and namespace selectors
 * ("namespace::*") are recognised and refused (-ENOTSUP: the servers
 * answer them 404 / 501).  Names keep their prefix apart; matching is by
 * local name (xcap_doc.c).  Empty, "." and ".." segments, a NUL or a
 * control character after decoding, and anything over a limit are
 * refused (-EINVAL, the reason in why).  Nothing is allocated.
 */
#ifndef IMS_XCAP_PATH_H
#define IMS_XCAP_PATH_H

#include <stddef.h>

#define XCAP_AUID_MAX	64
#define XCAP_XUI_MAX	256
#define XCAP_DOC_MAX	256
#define XCAP_NAME_MAX	64
#define XCAP_VALUE_MAX	256
#define XCAP_STEPS_MAX	16
#define XCAP_PATH_MAX	4096	/* the whole path, before decoding */

struct xcap_step {
	char		 prefix[XCAP_NAME_MAX + 1];	/* "" : none */
	char		 name[XCAP_NAME_MAX + 1];	/* "*" : any */
	unsigned	 pos;				/* 0: no [n] */
	int		 has_attr;
	char		 attr[XCAP_NAME_MAX + 1];
	char		 value[XCAP_VALUE_MAX + 1];
};

struct xcap_path {
	char		 auid[XCAP_AUID_MAX + 1];
	int		 global;			/* global tree */
	char		 xui[XCAP_XUI_MAX + 1];		/* users tree */
	char		 doc[XCAP_DOC_MAX + 1];		/* decoded, '/'-joined */
	int		 has_selector;
	size_t		 nsteps;
	struct xcap_step steps[XCAP_STEPS_MAX];
};

/* The path part of a request URI (no query; `len` bytes, need not be
 * NUL-terminated).  0, -EINVAL or -ENOTSUP. */
int	xcap_path_parse(const char *path, size_t len, struct xcap_path *,
	    char *why, size_t whysize);
/* Percent-decode len bytes into out (NUL-terminated; a decoded NUL or
 * control character is refused).  0 or -EINVAL (malformed, too long). */
int	xcap_pct_decode(const char *in, size_t len, char *out,
	    size_t outsize);
/* A node selector alone (already decoded): 0, -EINVAL, -ENOTSUP. */
int	xcap_selector_parse(const char *sel, size_t len, struct xcap_path *,
	    char *why, size_t whysize);

#endif
