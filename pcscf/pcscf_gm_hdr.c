/* pcscf_gm_hdr.c - the sec-agree headers at the P-CSCF (RFC 3329 2.2,
 * TS 24.229 5.2.2.1, 7.2A.2): Security-Client / -Server / -Verify read
 * through common/ipsec/secagree, removed with the "sec-agree" option tag
 * before a request leaves Gm, and the integrity-protected parameter of
 * the Authorization header set.  pcscf_gm.c uses them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/sip_header.h>

#include "log.h"
#include "pcscf.h"
#include "util.h"

/* The values of every Security-* header of one kind, joined by ", " into
 * out (RFC 3329 2.2: several headers are one list).  1 when there was
 * one, 0 none, -EINVAL malformed (Sofia could not parse one) or too
 * long. */
static int
sec_hdr(msg_t *msg, const sip_t *sip, enum secagree_header which, char *out,
    size_t size)
{
	static const char *const names[] = { "Security-Client",
	    "Security-Server", "Security-Verify" };
	const struct sip_security_agree_s *h;
	const sip_error_t *e;
	size_t len = 0;
	char *s;

	h = which == SECAGREE_CLIENT ? sip->sip_security_client :
	    which == SECAGREE_SERVER ? sip->sip_security_server :
	    sip->sip_security_verify;
	for (e = sip->sip_error; e != NULL; e = e->er_next)
		if (e->er_name != NULL && strcasecmp(e->er_name,
		    names[which]) == 0)
			return -EINVAL;
	out[0] = '\0';
	for (; h != NULL; h = h->sa_next) {
		if ((s = sip_header_as_string(msg_home(msg),
		    (const sip_header_t *)h)) == NULL)
			return -EINVAL;
		if (len + strlen(s) + 3 > size)
			return -EINVAL;
		len += (size_t)snprintf(out + len, size - len, "%s%s",
		    len ? ", " : "", s);
	}
	return len > 0;
}

/* Parse one kind of Security-* header: 1 present and parsed, 0 absent,
 * -EINVAL malformed.  raw (optional) gets the text. */
int
pcscf_gm_sec_parse(msg_t *msg, const sip_t *sip, enum secagree_header which,
    struct secagree *sa, char *raw, size_t rawsize)
{
	char buf[PCSCF_GM_HDR_MAX];
	int rc;

	if ((rc = sec_hdr(msg, sip, which, buf, sizeof(buf))) <= 0)
		return rc;
	if (secagree_parse(buf, strlen(buf), sa) < 0)
		return -EINVAL;
	if (raw != NULL)
		(void)snprintf(raw, rawsize, "%s", buf);
	return 1;
}

/* An option-tag list header without "sec-agree": the other tags kept
 * in one header (RFC 3261 7.3.1: the same list), none left: gone. */
static void
drop_sec_agree_tag(msg_t *msg, sip_t *sip, msg_list_t **head,
    msg_hclass_t *hc)
{
	char keep[512];
	size_t len = 0, i;
	msg_list_t *l;
	int found = 0;

	keep[0] = '\0';
	for (l = *head; l != NULL; l = l->k_next)
		for (i = 0; l->k_items != NULL && l->k_items[i] != NULL; i++) {
			if (strcasecmp(l->k_items[i], "sec-agree") == 0) {
				found = 1;
				continue;
			}
			if (len + strlen(l->k_items[i]) + 3 < sizeof(keep))
				len += (size_t)snprintf(keep + len,
				    sizeof(keep) - len, "%s%s", len ? ", " : "",
				    l->k_items[i]);
		}
	if (!found)
		return;
	while (*head != NULL)
		if (sip_header_remove(msg, sip, (sip_header_t *)*head) < 0)
			return;
	if (len > 0 && sip_add_make(msg, sip, hc, keep) < 0)
		log_warn("pcscf: cannot rewrite %s", hc->hc_name);
}

/* TS 24.229 5.2.2.1: Security-Client, -Server, -Verify and the
 * "sec-agree" option tag stay on Gm. */
void
pcscf_gm_strip(msg_t *msg, sip_t *sip)
{
	sip_header_t **lists[] = { (sip_header_t **)&sip->sip_security_client,
	    (sip_header_t **)&sip->sip_security_server,
	    (sip_header_t **)&sip->sip_security_verify };
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		while (*lists[i] != NULL)
			if (sip_header_remove(msg, sip, *lists[i]) < 0)
				break;
	sipx_hdr_remove(msg, sip, "Security-Client");
	sipx_hdr_remove(msg, sip, "Security-Server");
	sipx_hdr_remove(msg, sip, "Security-Verify");
	drop_sec_agree_tag(msg, sip, (msg_list_t **)&sip->sip_require,
	    sip_require_class);
	drop_sec_agree_tag(msg, sip, (msg_list_t **)&sip->sip_proxy_require,
	    sip_proxy_require_class);
}

/* One Authorization value with our integrity-protected=value: a Digest
 * one rewritten (the UE's parameter of that name removed), any other
 * scheme as it was (no one reads integrity-protected there).  0 or
 * -EINVAL / -ENOSPC. */
static int
mark_one(const char *in, const char *value, char *out, size_t size)
{
	struct digest d;
	size_t i, j;
	int rc = -ENOSPC;

	if (digest_parse(in, strlen(in), &d) < 0) {
		if (strlen(in) >= size)
			return -ENOSPC;
		(void)snprintf(out, size, "%s", in);
		return 0;
	}
	for (i = j = 0; i < d.nunknown; i++)
		if (strcasecmp(d.unknown[i].name, "integrity-protected") != 0)
			d.unknown[j++] = d.unknown[i];
	d.nunknown = j;
	if (j < DIGEST_MAX_PARAMS) {
		(void)snprintf(d.unknown[j].name, sizeof(d.unknown[j].name),
		    "%s", "integrity-protected");
		(void)snprintf(d.unknown[j].value, sizeof(d.unknown[j].value),
		    "%s", value);
		d.unknown[j].quoted = 1;
		d.nunknown++;
		rc = digest_format(&d, 0, out, size);
	}
	secure_wipe(&d, sizeof(d));
	return rc;
}

/* TS 24.229 5.2.2.1, 7.2A.2: our integrity-protected parameter in every
 * Digest Authorization header, whatever the UE put there removed (also
 * in a second header: the S-CSCF must not find the UE's).  No
 * Authorization: nothing to mark (the S-CSCF then challenges). */
int
pcscf_gm_mark_integrity(msg_t *msg, sip_t *sip, const char *value)
{
	enum { MAX_AUTH = 4 };
	char in[DIGEST_MAX_VALUE * 4], *out[MAX_AUTH] = { NULL };
	const sip_authorization_t *au;
	size_t n = 0, i;
	int rc = 0;

	for (au = sip->sip_authorization; au != NULL && rc == 0;
	    au = au->au_next) {
		if (n == MAX_AUTH || (out[n] = malloc(DIGEST_FORMAT_MAX)) ==
		    NULL) {
			rc = -EINVAL;
			break;
		}
		n++;
		rc = sipx_auth_str(au, in, sizeof(in)) < 0 ? -EINVAL :
		    mark_one(in, value, out[n - 1], DIGEST_FORMAT_MAX);
	}
	while (rc == 0 && sip->sip_authorization != NULL)
		if (sip_header_remove(msg, sip,
		    (sip_header_t *)sip->sip_authorization) < 0)
			rc = -EINVAL;
	for (i = 0; rc == 0 && i < n; i++)
		if (sip_add_make(msg, sip, sip_authorization_class,
		    out[i]) < 0)
			rc = -EINVAL;
	for (i = 0; i < n; i++) {
		secure_wipe(out[i], DIGEST_FORMAT_MAX);
		free(out[i]);
	}
	secure_wipe(in, sizeof(in));
	return rc;
}
