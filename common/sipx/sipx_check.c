/* sipx_check.c - request validation in front of every CSCF's callback
 * (RFC 3261 16.3 steps 1-5, 8.2.2, 10.3), so that each daemon answers the
 * RFC 4475 torture messages the same way: nothing of a request that
 * fails here reaches the daemon's code (no Cx, no routing).
 *
 *	1. reasonable syntax: a Via Sofia could only salvage
 *	   (sipx_parse.c), a Request-URI that could not be read, or that
 *	   carries headers (19.1.1: not allowed there): 400;
 *	2. Request-URI scheme: sip, sips or tel, else 416;
 *	3. Max-Forwards 0: 483 (never forwarded; a registrar's own
 *	   REGISTER is processed, 16.3 step 3 / RFC 4475 3.3.11);
 *	4. loop detection: not done (Max-Forwards bounds a loop);
 *	5. Proxy-Require: an option we do not support: 420 with Unsupported
 *	   (at a registrar, Require of a REGISTER instead, 8.2.2.3);
 *	REGISTER: the To (the address-of-record) must be a sip/sips URI
 *	   (10.3 step 3, RFC 4475 3.3.4): 400.
 * An ACK is never answered: one that fails is dropped.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/su_tag.h>
#include <sofia-sip/sip_tag.h>

#include "log.h"
#include "sipx.h"

/* RFC 3261 8.2.2.3 / 16.3 step 5: the options of list not in supported,
 * as "a, b" in out; 1 when there is one. */
static int
unsupported(const msg_list_t *list, const char *const *supported,
    char *out, size_t size)
{
	const char *const *s;
	size_t len = 0;
	int i, n, found = 0;

	out[0] = '\0';
	for (; list != NULL; list = list->k_next)
		for (i = 0; list->k_items != NULL &&
		    list->k_items[i] != NULL; i++) {
			for (s = supported; s != NULL && *s != NULL; s++)
				if (strcasecmp(*s, list->k_items[i]) == 0)
					break;
			if (s != NULL && *s != NULL)
				continue;
			found = 1;
			n = snprintf(out + len, size - len, "%s%s",
			    len ? ", " : "", list->k_items[i]);
			if (n < 0 || (size_t)n >= size - len)
				return found;	/* the first ones */
			len += (size_t)n;
		}
	return found;
}

static int
scheme_ok(const url_t *u)
{
	return u->url_type == url_sip || u->url_type == url_sips ||
	    u->url_type == url_tel;
}

/* The status (and phrase) a request gets before the daemon sees it, or
 * 0.  opts receives the Unsupported value of a 420. */
int
sipx_check(const struct sipx_agent *a, const sip_t *sip, const char **phrase,
    char *opts, size_t optsize)
{
	static const char *const registrar_opts[] = { "path", NULL };
	const sip_request_t *rq = sip->sip_request;
	const sip_via_t *v;
	int uas;

	opts[0] = '\0';
	/* Step 1: reasonable syntax. */
	for (v = sip->sip_via; v != NULL; v = v->v_next)
		if (sipx_via_salvaged(v)) {
			*phrase = "Bad Via Header";
			return 400;
		}
	if (rq->rq_url->url_type == url_invalid) {
		*phrase = "Bad Request-URI";
		return 400;
	}
	/* Step 2. */
	if (!scheme_ok(rq->rq_url)) {
		*phrase = "Unsupported URI Scheme";
		return 416;
	}
	if (rq->rq_url->url_headers != NULL) {
		*phrase = "Bad Request-URI (headers)";
		return 400;
	}
	uas = a->registrar && rq->rq_method == sip_method_register;
	/* Step 3. */
	if (!uas && sip->sip_max_forwards != NULL &&
	    sip->sip_max_forwards->mf_count == 0) {
		*phrase = "Too Many Hops";
		return 483;
	}
	/* Step 5 (a proxy), 8.2.2.3 (the registrar). */
	if (uas ? unsupported(sip->sip_require, registrar_opts, opts,
	    optsize) : unsupported(sip->sip_proxy_require, a->proxy_options,
	    opts, optsize)) {
		*phrase = "Bad Extension";
		return 420;
	}
	/* RFC 3261 10.3 step 3, TS 24.229 5.4.1.2.1: a SIP AOR. */
	if (rq->rq_method == sip_method_register && (sip->sip_to == NULL ||
	    (sip->sip_to->a_url->url_type != url_sip &&
	    sip->sip_to->a_url->url_type != url_sips))) {
		*phrase = "Bad To Header";
		return 400;
	}
	return 0;
}

int
sipx_check_request(const struct sipx_agent *a, nta_incoming_t *irq,
    const sip_t *sip)
{
	const char *phrase = NULL;
	char opts[256];
	int status;

	if ((status = sipx_check(a, sip, &phrase, opts, sizeof(opts))) == 0)
		return 0;
	log_info("sip: %s refused: %d %s", sip->sip_request->rq_method_name,
	    status, phrase);
	if (sip->sip_request->rq_method != sip_method_ack &&
	    nta_incoming_treply(irq, status, phrase,
	    TAG_IF(status == 420, SIPTAG_UNSUPPORTED_STR(opts)),
	    TAG_END()) < 0)
		log_warn("sipx: cannot answer %d", status);
	else
		sipx_stat_reply(irq, status);
	nta_incoming_destroy(irq);
	return status;
}
