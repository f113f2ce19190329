/* sipx_parse.c - the agent's message class: Sofia's SIP parser with three
 * header parsers made to read what RFC 3261 allows and Sofia refuses, so
 * that such requests are answered instead of dropped as garbage
 * (RFC 4475 3.1.1.2, 3.1.2.1, 3.1.2.8):
 *
 *	request line	a method is any RFC 3261 25.1 token (Sofia reads
 *			only "unreserved" characters); a Request-URI
 *			Sofia cannot read (e.g. with LWS inside) is kept
 *			as url_invalid: nta's sanity check answers 400;
 *	CSeq		the same method token;
 *	Via		a Via whose parameters cannot be read keeps its
 *			sent-protocol and sent-by, marked, so that the
 *			request is answered 400 where that Via says
 *			(RFC 3261 18.2.2) instead of being dropped;
 *			a maddr parameter is removed (never followed).
 *
 * Each parser first runs Sofia's own: what Sofia reads is read exactly as
 * before.  The classes keep Sofia's hash (header offsets are found through
 * it), and Sofia's own classes stay in the table behind ours, so headers
 * made with sip_via_class & co. still fit the messages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/bnf.h>
#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/sip_parser.h>
#include <sofia-sip/su_string.h>

#include "log.h"
#include "sipx.h"

static struct msg_hclass_s request_class, cseq_class, via_class;
static msg_mclass_t *mclass;

/* The sent-protocol of a salvaged Via: the same text as Sofia's, another
 * address, which no parsed message can produce. */
static const char bad_udp[] = "SIP/2.0/UDP", bad_tcp[] = "SIP/2.0/TCP",
    bad_tls[] = "SIP/2.0/TLS", bad_sctp[] = "SIP/2.0/SCTP";

/* RFC 3261 25.1: Method = INVITEm / ... / extension-method (token). */
static sip_method_t
method_d(char **ss, char const **name)
{
	char *s = *ss;
	size_t n = span_token(s);
	sip_method_t m;

	if (n == 0 || (s[n] != '\0' && !IS_LWS(s[n])))
		return sip_method_invalid;
	if (s[n] != '\0')
		s[n++] = '\0';
	while (IS_LWS(s[n]))
		n++;
	m = sip_method_code(s);
	if (m == sip_method_invalid)
		m = sip_method_unknown;
	*name = m == sip_method_unknown ? s : sip_method_name(m, s);
	*ss = s + n;
	return m;
}

static char *
copy_of(su_home_t *home, const char *s, isize_t slen)
{
	return su_strndup(home, s, (isize_t)strnlen(s, (size_t)slen));
}

/* RFC 3261 25.1: Request-Line = Method SP Request-URI SP SIP-Version. */
static issize_t
request_d(su_home_t *home, msg_header_t *h, char *s, isize_t slen)
{
	sip_request_t *rq = (sip_request_t *)h;
	char *copy, *uri, *ver, *end;

	if ((copy = copy_of(home, s, slen)) == NULL)
		return -1;
	if (sip_request_class->hc_parse(home, h, s, slen) >= 0)
		return 0;
	memset((char *)rq + sizeof(rq->rq_common), 0,
	    sizeof(*rq) - sizeof(rq->rq_common));
	s = copy;
	if ((rq->rq_method = method_d(&s, &rq->rq_method_name)) ==
	    sip_method_invalid || *s == '\0')
		return -1;
	/* The version is the last word; what lies between is the URI. */
	end = s + strlen(s);
	while (end > s && IS_LWS(end[-1]))
		*--end = '\0';
	ver = end;
	while (ver > s && !IS_LWS(ver[-1]))
		ver--;
	if (ver == s)
		return -1;
	uri = s;
	end = ver;
	while (end > uri && IS_LWS(end[-1]))
		*--end = '\0';
	if (sip_version_d(&ver, &rq->rq_version) < 0 || *ver != '\0')
		return -1;
	/* RFC 4475 3.1.2.8: no LWS inside a Request-URI. */
	if (uri[strcspn(uri, " \t\r\n")] != '\0' ||
	    url_d(rq->rq_url, uri) < 0) {
		memset(rq->rq_url, 0, sizeof(rq->rq_url));
		rq->rq_url->url_type = url_invalid;
	}
	return 0;
}

/* RFC 3261 20.16: CSeq = 1*DIGIT LWS Method. */
static issize_t
cseq_d(su_home_t *home, msg_header_t *h, char *s, isize_t slen)
{
	sip_cseq_t *cs = (sip_cseq_t *)h;
	unsigned long long n = 0;
	char *copy;
	size_t i;

	if ((copy = copy_of(home, s, slen)) == NULL)
		return -1;
	if (sip_cseq_class->hc_parse(home, h, s, slen) >= 0)
		return 0;
	s = copy;
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++)
		if ((n = n * 10 + (unsigned)(s[i] - '0')) > 0xffffffffULL)
			return -1;
	if (i == 0 || !IS_LWS(s[i]))
		return -1;
	s += i;
	skip_lws(&s);
	cs->cs_seq = (uint32_t)n;
	if ((cs->cs_method = method_d(&s, &cs->cs_method_name)) ==
	    sip_method_invalid || *s != '\0')
		return -1;
	return 0;
}

/* RFC 3261 20.42: a Via whose parameters Sofia cannot read: keep
 * sent-protocol and sent-by (host [":" port]), marked as salvaged. */
static issize_t
via_d(su_home_t *home, msg_header_t *h, char *s, isize_t slen)
{
	sip_via_t *v = (sip_via_t *)h;
	const char *proto, *mark;
	char *copy, *host;
	size_t n;

	if ((copy = copy_of(home, s, slen)) == NULL)
		return -1;
	if (sip_via_class->hc_parse(home, h, s, slen) >= 0) {
		/* RFC 3261 18.2.2 would send our answers to a maddr: to
		 * a third party, or through a resolver on the loop.  We
		 * answer the source (received) instead. */
		for (; v != NULL; v = v->v_next)
			if (v->v_maddr != NULL) {
				(void)msg_header_remove_param(v->v_common,
				    "maddr");
				v->v_maddr = NULL;
			}
		return 0;
	}
	/* Sofia chains the further values of a list to the first through
	 * h_succ and v_next while parsing: drop them (never encoded). */
	v->v_common->h_succ = NULL;
	memset((char *)v + sizeof(v->v_common), 0,
	    sizeof(*v) - sizeof(v->v_common));
	s = copy;
	skip_lws(&s);
	if (sip_transport_d(&s, &proto) < 0)
		return -1;
	if (su_casematch(proto, sip_transport_udp))
		mark = bad_udp;
	else if (su_casematch(proto, sip_transport_tcp))
		mark = bad_tcp;
	else if (su_casematch(proto, sip_transport_tls))
		mark = bad_tls;
	else if (su_casematch(proto, sip_transport_sctp))
		mark = bad_sctp;
	else
		return -1;
	skip_lws(&s);
	host = s;
	if (*s == '[')
		n = strcspn(s, "]") + 1;
	else
		n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
	if (n == 0 || (*s == '[' && s[n - 1] != ']'))
		return -1;
	s += n;
	v->v_protocol = mark;
	if ((v->v_host = su_strndup(home, host, (isize_t)n)) == NULL)
		return -1;
	skip_lws(&s);
	if (*s == ':') {
		s++;
		skip_lws(&s);
		if ((n = strspn(s, "0123456789")) == 0 || n > 5)
			return -1;
		if ((v->v_port = su_strndup(home, s, (isize_t)n)) == NULL)
			return -1;
	}
	return 0;
}

int
sipx_via_salvaged(const sip_via_t *v)
{
	return v != NULL && (v->v_protocol == bad_udp ||
	    v->v_protocol == bad_tcp || v->v_protocol == bad_tls ||
	    v->v_protocol == bad_sctp);
}

/* Put ours in the slot of Sofia's class and move Sofia's to the first
 * free slot after it (the same probe chain: lookups by pointer still
 * find it, lookups by name find ours first). */
static int
hash_replace(msg_mclass_t *mc, msg_hclass_t *old, msg_hclass_t *new)
{
	int n = mc->mc_hash_size, j, k;

	for (j = 0; j < n && mc->mc_hash[j].hr_class != old; j++)
		;
	if (j == n)
		return -ENOENT;
	for (k = (j + 1) % n; k != j && mc->mc_hash[k].hr_class != NULL;
	    k = (k + 1) % n)
		;
	if (k == j)
		return -ENOSPC;
	mc->mc_hash[k] = mc->mc_hash[j];
	mc->mc_hash[j].hr_class = new;
	mc->mc_hash_used++;
	return 0;
}

msg_mclass_t const *
sipx_mclass(void)
{
	static msg_href_t shorts[MC_SHORT_SIZE];
	msg_mclass_t *mc;
	int i;

	if (mclass != NULL)
		return mclass;
	request_class = *sip_request_class;
	request_class.hc_parse = request_d;
	cseq_class = *sip_cseq_class;
	cseq_class.hc_parse = cseq_d;
	via_class = *sip_via_class;
	via_class.hc_parse = via_d;
	/* Room for the two moved entries. */
	if ((mc = msg_mclass_clone(sip_default_mclass(),
	    sip_default_mclass()->mc_hash_size * 2, 0)) == NULL)
		return NULL;
	mc->mc_request->hr_class = &request_class;
	if (hash_replace(mc, sip_cseq_class, &cseq_class) < 0 ||
	    hash_replace(mc, sip_via_class, &via_class) < 0) {
		log_err("sipx: cannot install the parsers");
		return NULL;
	}
	/* The compact form "v" is looked up in the short table. */
	if (mc->mc_short != NULL) {
		for (i = 0; i < MC_SHORT_SIZE; i++) {
			shorts[i] = mc->mc_short[i];
			if (shorts[i].hr_class == sip_via_class)
				shorts[i].hr_class = &via_class;
		}
		mc->mc_short = shorts;
	}
	mclass = mc;
	return mclass;
}
