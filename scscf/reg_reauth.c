/* reg_reauth.c - whether a REGISTER must be authenticated again (TS 24.229
 * 5.4.1.2.2 step 1): the "integrity-protected" parameter of its
 * Authorization header (TS 24.229 7.2A.2, set by the P-CSCF: 5.2.2) and
 * the rule of the reauth setting.
 *
 * Trust: the parameter is taken as the P-CSCF's word only because
 * REGISTER is taken from the trust domain alone (registrar_request) and
 * the P-CSCF replaces whatever value the UE put.  It never registers
 * anyone: it only spares a challenge to a re-registration or
 * de-registration of a contact that an authentication of the same IMPI
 * registered, which the HSS then still confirms by SAR (TS 29.228 6.1.2).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "check.h"
#include "log.h"
#include "scscf.h"

/* TS 24.229 7.2A.2.2: the values of integrity-protected, by enum
 * reg_intprot. */
static const char *const intprot_values[] = {
	[REG_INTPROT_NONE] = "",
	[REG_INTPROT_NO] = "no",
	[REG_INTPROT_YES] = "yes",
	[REG_INTPROT_TLS_PENDING] = "tls-pending",
	[REG_INTPROT_TLS_YES] = "tls-yes",
	[REG_INTPROT_IP_ASSOC_PENDING] = "ip-assoc-pending",
	[REG_INTPROT_IP_ASSOC_YES] = "ip-assoc-yes",
	[REG_INTPROT_OTHER] = "?",
};

const char *
reg_intprot_name(enum reg_intprot v)
{
	if ((unsigned)v >= sizeof(intprot_values) / sizeof(intprot_values[0]))
		return "?";
	return v == REG_INTPROT_NONE ? "(none)" : intprot_values[v];
}

enum reg_intprot
reg_intprot_get(const struct digest *d)
{
	size_t i;
	int v;

	/* digest_parse kept it among the unknown parameters, unquoted;
	 * given twice, the header was refused (400) before this. */
	for (i = 0; i < d->nunknown; i++) {
		if (strcasecmp(d->unknown[i].name, "integrity-protected") != 0)
			continue;
		for (v = REG_INTPROT_NO; v < REG_INTPROT_OTHER; v++)
			if (strcasecmp(d->unknown[i].value,
			    intprot_values[v]) == 0)
				return (enum reg_intprot)v;
		return REG_INTPROT_OTHER;
	}
	return REG_INTPROT_NONE;
}

int
reg_intprot_protected(enum reg_intprot v)
{
	/* TS 24.229 5.4.1.2.2: "yes", "tls-yes" and "ip-assoc-yes": the
	 * REGISTER came over a security association already in use.  The
	 * -pending values are the first REGISTER over a new one: the
	 * answer to a challenge, verified as such. */
	return v == REG_INTPROT_YES || v == REG_INTPROT_TLS_YES ||
	    v == REG_INTPROT_IP_ASSOC_YES;
}

/* TS 24.229 5.4.1.2.2 step 2 (a contact not registered before is not
 * refreshed without authentication): every Contact of the request is a
 * live binding of impu; "*" needs one at least.  1 yes, 0 no, or -errno. */
static int
contacts_bound(struct scscf *s, const char *impu, sip_t const *sip)
{
	struct binding bn[SCSCF_MAX_BINDINGS];
	const sip_contact_t *m;
	char uri[sizeof(bn[0].contact)];
	size_t n, i;

	IMS_CHECK_RC(bdb_bindings_get(s->db, impu, (int64_t)time(NULL), bn,
	    SCSCF_MAX_BINDINGS, &n));
	if (sip->sip_contact == NULL || n == 0)
		return 0;
	for (m = sip->sip_contact; m != NULL; m = m->m_next) {
		if (m->m_url->url_type == url_any)
			continue;
		if (sipx_url_str(m->m_url, uri, sizeof(uri)) < 0)
			return 0;
		for (i = 0; i < n && strcmp(bn[i].contact, uri) != 0; i++)
			;
		if (i == n)
			return 0;
	}
	return 1;
}

int
reg_reauth_needed(struct scscf *s, const char *impi, const char *impu,
    sip_t const *sip, const struct digest *d, const char **why)
{
	char owner[SCSCF_ID_MAX];
	int registered = 0, rc;

	*why = "reauth=always";
	if (s->reauth != REG_REAUTH_UNLESS_PROTECTED)
		return 1;
	/* 5.4.1.2.2 step 1: authentication is required for every REGISTER
	 * not marked protected. */
	*why = "not integrity-protected";
	if (!reg_intprot_protected(reg_intprot_get(d)))
		return 1;
	/* 5.4.1.2.2: the user is identified by the private identity of the
	 * Authorization header, never one derived from the To. */
	*why = "no username";
	if (!DIGEST_HAS(d, DIGEST_USERNAME) || strcmp(d->username, impi) != 0)
		return 1;
	/* No registration without authentication: the identity must be
	 * registered here, by an authentication of this same IMPI. */
	owner[0] = '\0';
	rc = bdb_reg_get(s->db, impu, owner, sizeof(owner), &registered,
	    NULL, 0);
	*why = "not registered";
	if (rc == -ENOENT || (rc == 0 && !registered))
		return 1;
	if (rc < 0) {
		*why = "store error";
		return rc;
	}
	*why = "registered by another IMPI";
	if (strcmp(owner, impi) != 0)
		return 1;
	*why = "contact not registered";
	if ((rc = contacts_bound(s, impu, sip)) != 1) {
		if (rc < 0)
			*why = "store error";
		return rc < 0 ? rc : 1;
	}
	*why = "re-registration over a protected association";
	return 0;
}
