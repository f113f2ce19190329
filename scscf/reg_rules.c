/* reg_rules.c - what a REGISTER may do to the bindings of a public
 * identity (RFC 3261 10.3 steps 6-7, RFC 3327 5.3, TS 24.229 5.4.1.2.2):
 * the "*" contact, the contact count and CSeq order, applying the Contact
 * list, and the Path entries kept.  registrar.c calls these before the
 * SAR and again inside the store transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "log.h"
#include "scscf.h"

int
reg_wildcard_ok(sip_t const *sip)
{
	const sip_contact_t *m;
	int star = 0, n = 0;

	for (m = sip->sip_contact; m != NULL; m = m->m_next, n++)
		if (m->m_url->url_type == url_any)
			star = 1;
	return !star || (n == 1 && sip->sip_contact->m_expires == NULL &&
	    sip->sip_expires != NULL && sip->sip_expires->ex_date == 0 &&
	    sip->sip_expires->ex_delta == 0);
}

/* The last Contact of the request with the URI of m is the one that
 * counts (they are applied in order). */
static int
contact_last(const sip_contact_t *m, const char *uri)
{
	char u[SIPX_URI_MAX * 2];

	for (m = m->m_next; m != NULL; m = m->m_next)
		if (m->m_url->url_type != url_any &&
		    sipx_url_str(m->m_url, u, sizeof(u)) == 0 &&
		    strcmp(u, uri) == 0)
			return 0;
	return 1;
}

int
reg_bindings_check(struct scscf *s, const char *impu, sip_t const *sip,
    size_t *after)
{
	struct binding bn[SCSCF_MAX_BINDINGS];
	const sip_contact_t *m;
	char uri[sizeof(bn[0].contact)];
	size_t n, i, left;
	unsigned exp;

	IMS_CHECK_RC(bdb_bindings_get(s->db, impu, (int64_t)time(NULL), bn,
	    SCSCF_MAX_BINDINGS, &n));
	left = n;
	for (m = sip->sip_contact; m != NULL; m = m->m_next) {
		if (m->m_url->url_type == url_any) {
			left = 0;	/* "*": every binding goes */
			break;
		}
		IMS_CHECK_RC(sipx_url_str(m->m_url, uri, sizeof(uri)));
		IMS_CHECK_RC(sipx_contact_expires(sip, m, s->max_expires,
		    &exp));
		if (!contact_last(m, uri))
			continue;
		for (i = 0; i < n && strcmp(bn[i].contact, uri) != 0; i++)
			;
		/* Step 7: same Call-ID, CSeq not higher: the request is
		 * out of order (or replayed) and fails. */
		if (i < n && strcmp(bn[i].call_id, sip->sip_call_id->i_id) ==
		    0 && sip->sip_cseq->cs_seq <= bn[i].cseq)
			return -EALREADY;
		if (i < n && exp == 0)
			left--;
		else if (i == n && exp > 0)
			left++;
	}
	*after = left;
	if (left > s->max_contacts && left > n)
		return -E2BIG;
	return 0;
}

int
reg_bindings_update(struct scscf *s, const char *impu, const char *path,
    sip_t const *sip)
{
	struct binding bn;
	const sip_contact_t *m;
	int64_t now = (int64_t)time(NULL);
	unsigned exp;

	memset(&bn, 0, sizeof(bn));
	(void)snprintf(bn.path, sizeof(bn.path), "%s", path);
	(void)snprintf(bn.call_id, sizeof(bn.call_id), "%s",
	    sip->sip_call_id->i_id);
	bn.cseq = sip->sip_cseq->cs_seq;
	for (m = sip->sip_contact; m != NULL; m = m->m_next) {
		if (m->m_url->url_type == url_any)
			continue;
		IMS_CHECK_RC(sipx_url_str(m->m_url, bn.contact,
		    sizeof(bn.contact)));
		IMS_CHECK_RC(sipx_contact_expires(sip, m, s->max_expires,
		    &exp));
		if (exp > s->max_expires)
			exp = s->max_expires;
		if (exp == 0) {
			IMS_CHECK_RC(bdb_binding_del(s->db, impu, bn.contact));
			continue;
		}
		bn.expires_at = now + exp;
		IMS_CHECK_RC(bdb_binding_put(s->db, impu, &bn));
	}
	return 0;
}

int
reg_path_trusted(struct scscf *s, sip_t const *sip, su_home_t *home,
    char *out, size_t size)
{
	const sip_path_t *p;
	size_t len = 0, n = 0;
	char *v, aor[SCSCF_ID_MAX];
	int w;

	IMS_CHECK_PARAMS(size > 0);
	out[0] = '\0';
	for (p = sip->sip_path; p != NULL; p = p->r_next, n++) {
		if (p->r_url->url_host == NULL ||
		    !sipx_trust_host(&s->trust, p->r_url->url_host))
			break;
		if ((v = sip_header_as_string(home,
		    (sip_header_t const *)p)) == NULL)
			return -ENOMEM;
		w = snprintf(out + len, size - len, "%s%s", len ? ", " : "",
		    v);
		su_free(home, v);
		if (w < 0 || (size_t)w >= size - len)
			return -ENOSPC;
		len += (size_t)w;
	}
	if (p == NULL)
		return 0;
	if (sipx_aor(sip->sip_to->a_url, aor, sizeof(aor)) < 0)
		(void)snprintf(aor, sizeof(aor), "-");
	log_warn("registrar: %s: Path entry %zu (host %s) not in the trust "
	    "domain: %s", aor, n + 1, p->r_url->url_host != NULL ?
	    p->r_url->url_host : "-", n == 0 ? "403" :
	    "it and the rest dropped");
	return n == 0 ? -EPERM : 0;
}
