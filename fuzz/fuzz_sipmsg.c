/* fuzz_sipmsg.c - the CSCFs' SIP message class (common/sipx/sipx_parse.c:
 * Sofia's parser with our request-line, CSeq and Via parsers) and the
 * RFC 3261 16.3 checks (sipx_check.c) on arbitrary bytes, as an agent
 * would run them on a received datagram: parse, then for a request the
 * checks, then encode the message again. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sipx.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct sipx_agent a;
	const char *phrase;
	char opts[256], *s;
	msg_t *msg;
	sip_t *sip;
	const sip_via_t *v;
	size_t n = 0;

	if (!init) {
		su_init();
		init = 1;
	}
	if (size > SIPX_MAX_MESSAGE)
		return 0;
	if ((msg = msg_make(sipx_mclass(), 0, data, (ssize_t)size)) == NULL)
		return 0;
	if ((sip = sip_object(msg)) != NULL) {
		for (v = sip->sip_via; v != NULL; v = v->v_next)
			n += (size_t)sipx_via_salvaged(v);
		if (sip->sip_request != NULL && sip_sanity_check(sip) == 0) {
			memset(&a, 0, sizeof(a));
			a.registrar = (int)(n & 1);
			(void)sipx_check(&a, sip, &phrase, opts, sizeof(opts));
		}
		if ((s = msg_as_string(msg_home(msg), msg, NULL, 0, NULL)) !=
		    NULL)
			su_free(msg_home(msg), s);
	}
	msg_destroy(msg);
	return 0;
}
