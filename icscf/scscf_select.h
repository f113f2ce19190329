/* scscf_select.h - choosing an S-CSCF (TS 29.228 6.7, TS 24.229 5.3.1.2
 * step 2, 5.3.1.3): pure functions over the candidates, no SIP nor
 * Diameter state, so that the unit tests call them directly.
 *
 * The candidates are the configured entries (the scscf key), each entry
 * that names a host replaced by one candidate per address it resolves to
 * (icscf_disc.c).  Among those with every mandatory capability and the
 * most optional ones, the least recently chosen gets the next new user
 * (never chosen first, then in list order): users are spread round robin
 * over equally capable S-CSCFs.  An S-CSCF a forward failed to reach is
 * passed over until its hold-down ends (scscf_mark_failed), unless every
 * candidate that fits is held down.
 *
 * A user's choice is remembered for a while (scscf_sticky_*): the REGISTER
 * that answers an AKA challenge must reach the S-CSCF that sent it, even
 * when the HSS does not name it yet (it keeps the name of a dead S-CSCF
 * until the new one's SAR).
 */
#ifndef ICSCF_SCSCF_SELECT_H
#define ICSCF_SCSCF_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "cx.h"

#define ICSCF_MAX_CAPS	8
#define SCSCF_URI_MAX	256
#define SCSCF_CAND_MAX	64	/* candidates, after resolution */
#define SCSCF_FAILED_MAX 32	/* S-CSCFs held down at once */
#define SCSCF_STICKY_MAX 256	/* users' recent choices kept */

struct scscf_entry {
	char		 uri[SCSCF_URI_MAX];
	uint32_t	 caps[ICSCF_MAX_CAPS];
	unsigned	 ncaps;
};

struct scscf_state {
	struct scscf_entry cand[SCSCF_CAND_MAX];
	uint64_t	 chosen[SCSCF_CAND_MAX];	/* seq of last choice */
	unsigned	 n;
	uint64_t	 seq;
	struct {
		char	 uri[SCSCF_URI_MAX];
		int64_t	 until_ms;
	} failed[SCSCF_FAILED_MAX];
	struct {
		char	 impu[SCSCF_URI_MAX];
		char	 uri[SCSCF_URI_MAX];
		int64_t	 until_ms;
	} sticky[SCSCF_STICKY_MAX];
};

/* Parse "URI[=CAP,CAP...]" (the scscf key).  0 or -EINVAL. */
int	scscf_entry_parse(const char *, struct scscf_entry *);
/* The host of a sip:/sips: URI without user part ("sip:HOST[:PORT][;..]",
 * IPv6 in brackets) into host (brackets kept), *rest at what follows it.
 * 1 when the host is an IP literal, 0 a name, -EINVAL. */
int	scscf_uri_host(const char *uri, char *host, size_t size,
	    const char **rest);
/* Replace the candidates with list[0..n) (n <= SCSCF_CAND_MAX), each
 * keeping the order of choice it had (same URI). */
void	scscf_set(struct scscf_state *, const struct scscf_entry *list,
	    unsigned n);
/* The candidate for a new user (see above), not exclude (may be NULL),
 * recorded as chosen now; NULL when none fits the answer's
 * capabilities.  Points into the state: copy it. */
const char *scscf_pick(struct scscf_state *, const struct cx_answer *,
	    const char *exclude, int64_t now_ms);
/* Hold uri down until until_ms (the oldest hold is replaced when the
 * table is full); clear: the uri answered again. */
void	scscf_mark_failed(struct scscf_state *, const char *uri,
	    int64_t until_ms);
void	scscf_clear_failed(struct scscf_state *, const char *uri);
/* 1 when uri is held down at now_ms. */
int	scscf_is_failed(const struct scscf_state *, const char *uri,
	    int64_t now_ms);

/* The S-CSCF chosen for impu before until_ms ran out, or NULL; set:
 * remember one (the entry of impu, else an expired or the oldest one, is
 * replaced). */
const char *scscf_sticky_get(const struct scscf_state *, const char *impu,
	    int64_t now_ms);
void	scscf_sticky_set(struct scscf_state *, const char *impu,
	    const char *uri, int64_t until_ms);

#endif
