/* test_sipx.c - common/sipx without a network:
 *	sipx_parse.c: the agents' message class reads an extension method of
 *	any token character (request line and CSeq), keeps an unreadable
 *	Request-URI as url_invalid, salvages a Via whose parameters are
 *	unreadable (marked), removes maddr, and still takes headers made
 *	with Sofia's own classes;
 *	sipx_check.c: RFC 3261 16.3 steps 1-5 (400, 416, 483, 420 with the
 *	options), REGISTER's To (400), the registrar's Require;
 *	sipx_hdr.c: sipx_aor refuses other schemes; credentials of an
 *	unknown scheme are none (RFC 4475 3.3.7);
 *	sipx_resolve.c: lookups bounded (-EBUSY), results back through the
 *	hand-off, a cancelled lookup never reported, queued ones dropped at
 *	once.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipx.h"
#include "t.h"

static msg_t *
parse(const char *text)
{
	return msg_make(sipx_mclass(), 0, text, (ssize_t)strlen(text));
}

#define HDRS(method)							\
	"To: <sip:bob@example.com>\r\n"					\
	"From: <sip:alice@example.com>;tag=1\r\n"			\
	"Call-ID: c1@example.com\r\n"					\
	"CSeq: 1 " method "\r\n"					\
	"Max-Forwards: 70\r\n"

#define VIA "Via: SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bKx1\r\n"
#define END "Content-Length: 0\r\n\r\n"

static void
test_parse(void)
{
	msg_t *m;
	sip_t *sip;
	const char *meth = "!interesting-Method0123456789_*+`.%indeed'~";
	char buf[1024];

	(void)snprintf(buf, sizeof(buf), "%s sip:x@192.0.2.9 SIP/2.0\r\n"
	    VIA "To: <sip:bob@example.com>\r\n"
	    "From: <sip:alice@example.com>;tag=1\r\nCall-ID: c2\r\n"
	    "CSeq: 7 %s\r\n" END, meth, meth);
	m = parse(buf);
	sip = sip_object(m);
	T_CHECK(sip != NULL && sip->sip_request != NULL,
	    "a token method is a request");
	if (sip != NULL && sip->sip_request != NULL) {
		T_CHECK(sip->sip_request->rq_method == sip_method_unknown &&
		    strcmp(sip->sip_request->rq_method_name, meth) == 0,
		    "method %s", sip->sip_request->rq_method_name);
		T_CHECK(sip->sip_cseq != NULL && sip->sip_cseq->cs_seq == 7 &&
		    strcmp(sip->sip_cseq->cs_method_name, meth) == 0,
		    "CSeq read");
		T_CHECK(sip->sip_error == NULL, "no header in error");
		T_CHECK(sip_sanity_check(sip) == 0, "sane");
	}
	msg_destroy(m);
	/* Sofia alone cannot read it (the reason for sipx_parse.c). */
	m = msg_make(sip_default_mclass(), 0, buf, (ssize_t)strlen(buf));
	sip = sip_object(m);
	T_CHECK(sip == NULL || sip->sip_request == NULL,
	    "Sofia's own parser reads no request");
	msg_destroy(m);

	m = parse("INVITE sip:user@example.com; lr SIP/2.0\r\n" VIA
	    HDRS("INVITE") END);
	sip = sip_object(m);
	T_CHECK(sip != NULL && sip->sip_request != NULL &&
	    sip->sip_request->rq_url->url_type == url_invalid,
	    "LWS in the Request-URI: url_invalid");
	T_CHECK(sip != NULL && sip_sanity_check(sip) < 0,
	    "... which nta's sanity check refuses (400)");
	msg_destroy(m);

	m = parse("INVITE  sip:user@192.0.2.9:5060  SIP/2.0 \r\n" VIA
	    HDRS("INVITE") END);
	sip = sip_object(m);
	T_CHECK(sip != NULL && sip->sip_request != NULL &&
	    sip->sip_request->rq_method == sip_method_invite &&
	    sip->sip_request->rq_url->url_type == url_sip &&
	    strcmp(sip->sip_request->rq_url->url_host, "192.0.2.9") == 0,
	    "extra SP between the elements: read as before");
	msg_destroy(m);

	m = parse("OPTIONS sip:x@192.0.2.9 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.15:5070;;,;,,\r\n" HDRS("OPTIONS") END);
	sip = sip_object(m);
	T_CHECK(sip != NULL && sip->sip_via != NULL &&
	    sipx_via_salvaged(sip->sip_via) &&
	    strcmp(sip->sip_via->v_host, "192.0.2.15") == 0 &&
	    sip->sip_via->v_port != NULL &&
	    strcmp(sip->sip_via->v_port, "5070") == 0 &&
	    strcmp(sip->sip_via->v_protocol, "SIP/2.0/UDP") == 0,
	    "an unreadable Via: sent-by salvaged and marked");
	msg_destroy(m);

	/* fuzz_sipmsg found it: the unreadable second value of a Via list
	 * stayed in the fragment chain and crashed the encoder. */
	m = parse("OPTIONS sip:x@192.0.2.9 SIP/2.0\r\n"
	    "Via: SIP/2.0/TLS a.example.com;branch=z9hG4bKa, nothing\r\n"
	    HDRS("OPTIONS") END);
	sip = sip_object(m);
	T_CHECK(sip != NULL && sipx_via_salvaged(sip->sip_via) &&
	    sip->sip_via->v_next == NULL, "Via list salvaged to its first");
	T_CHECK(msg_as_string(msg_home(m), m, NULL, 0, NULL) != NULL,
	    "... and the message encodes");
	msg_destroy(m);

	m = parse("OPTIONS sip:x@192.0.2.9 SIP/2.0\r\n"
	    "v: SIP/2.0/TCP 192.0.2.3;branch=z9hG4bKa;maddr=slow.example.net\r\n"
	    HDRS("OPTIONS") END);
	sip = sip_object(m);
	T_CHECK(sip != NULL && sip->sip_via != NULL &&
	    !sipx_via_salvaged(sip->sip_via) &&
	    sip->sip_via->v_maddr == NULL &&
	    sip->sip_via->v_branch != NULL,
	    "compact Via: read, maddr removed");
	/* Headers of Sofia's own classes still fit our messages. */
	T_CHECK(sip != NULL && sip_add_make(m, sip, sip_via_class,
	    "SIP/2.0/UDP 192.0.2.77") == 0 && sip->sip_via != NULL &&
	    strcmp(sip->sip_via->v_host, "192.0.2.77") == 0,
	    "sip_via_class header added on top");
	T_CHECK(sip != NULL && sip_add_make(m, sip, sip_cseq_class,
	    "9 OPTIONS") == 0, "sip_cseq_class header added");
	msg_destroy(m);
}

static int
check(struct sipx_agent *a, const char *text, const char **phrase,
    char *opts, size_t optsize)
{
	msg_t *m = parse(text);
	sip_t *sip = sip_object(m);
	int st = -1;

	if (sip != NULL && sip->sip_request != NULL)
		st = sipx_check(a, sip, phrase, opts, optsize);
	msg_destroy(m);
	return st;
}

static void
test_check(void)
{
	static const char *const sec[] = { "sec-agree", NULL };
	struct sipx_agent a;
	const char *phrase;
	char opts[128];
	int st;

	memset(&a, 0, sizeof(a));
	st = check(&a, "OPTIONS sip:x@192.0.2.9 SIP/2.0\r\n" VIA
	    HDRS("OPTIONS") END, &phrase, opts, sizeof(opts));
	T_CHECK(st == 0, "a plain OPTIONS passes (%d)", st);
	st = check(&a, "OPTIONS nobodyKnowsThisScheme:opaque SIP/2.0\r\n" VIA
	    HDRS("OPTIONS") END, &phrase, opts, sizeof(opts));
	T_CHECK(st == 416, "unknown scheme: %d", st);
	st = check(&a, "OPTIONS tel:+15555550100 SIP/2.0\r\n" VIA
	    HDRS("OPTIONS") END, &phrase, opts, sizeof(opts));
	T_CHECK(st == 0, "tel: passes (%d)", st);
	st = check(&a, "OPTIONS sip:x@192.0.2.9?Route=%3Csip:a%3E SIP/2.0\r\n"
	    VIA HDRS("OPTIONS") END, &phrase, opts, sizeof(opts));
	T_CHECK(st == 400, "headers in the Request-URI: %d", st);
	st = check(&a, "OPTIONS sip:x@192.0.2.9 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.15;;,;,,\r\n" HDRS("OPTIONS") END,
	    &phrase, opts, sizeof(opts));
	T_CHECK(st == 400 && strcmp(phrase, "Bad Via Header") == 0,
	    "salvaged Via: %d", st);
	st = check(&a, "OPTIONS sip:x@192.0.2.9 SIP/2.0\r\n" VIA
	    "To: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\n"
	    "Call-ID: z\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 0\r\n" END,
	    &phrase, opts, sizeof(opts));
	T_CHECK(st == 483, "Max-Forwards 0: %d", st);
	st = check(&a, "OPTIONS sip:x@192.0.2.9 SIP/2.0\r\n" VIA
	    HDRS("OPTIONS") "Require: foo\r\n"
	    "Proxy-Require: noProxiesSupportThis, sec-agree\r\n" END,
	    &phrase, opts, sizeof(opts));
	T_CHECK(st == 420 && strcmp(opts,
	    "noProxiesSupportThis, sec-agree") == 0,
	    "Proxy-Require: %d [%s]", st, opts);
	a.proxy_options = sec;
	st = check(&a, "OPTIONS sip:x@192.0.2.9 SIP/2.0\r\n" VIA
	    HDRS("OPTIONS") "Proxy-Require: sec-agree\r\n" END,
	    &phrase, opts, sizeof(opts));
	T_CHECK(st == 0, "a supported Proxy-Require option passes (%d)", st);
	a.proxy_options = NULL;
	st = check(&a, "REGISTER sip:example.com SIP/2.0\r\n" VIA
	    "To: isbn:2983792873\r\nFrom: <sip:a@example.com>;tag=1\r\n"
	    "Call-ID: r\r\nCSeq: 1 REGISTER\r\n" END,
	    &phrase, opts, sizeof(opts));
	T_CHECK(st == 400, "REGISTER To isbn: %d", st);
	/* The registrar: its REGISTER's Require, not Proxy-Require, and
	 * Max-Forwards 0 is processed. */
	a.registrar = 1;
	st = check(&a, "REGISTER sip:example.com SIP/2.0\r\n" VIA
	    "To: <sip:b@example.com>\r\nFrom: <sip:b@example.com>;tag=1\r\n"
	    "Call-ID: r\r\nCSeq: 1 REGISTER\r\nMax-Forwards: 0\r\n"
	    "Require: path\r\nProxy-Require: whatever\r\n" END,
	    &phrase, opts, sizeof(opts));
	T_CHECK(st == 0, "registrar: MF 0, Require path: %d", st);
	st = check(&a, "REGISTER sip:example.com SIP/2.0\r\n" VIA
	    "To: <sip:b@example.com>\r\nFrom: <sip:b@example.com>;tag=1\r\n"
	    "Call-ID: r\r\nCSeq: 1 REGISTER\r\n"
	    "Require: path, nothingSupportsThis\r\n" END,
	    &phrase, opts, sizeof(opts));
	T_CHECK(st == 420 && strcmp(opts, "nothingSupportsThis") == 0,
	    "registrar: Require: %d [%s]", st, opts);
	st = check(&a, "OPTIONS sip:x@192.0.2.9 SIP/2.0\r\n" VIA
	    "To: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\n"
	    "Call-ID: z\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 0\r\n" END,
	    &phrase, opts, sizeof(opts));
	T_CHECK(st == 483, "registrar, not a REGISTER: MF 0 is 483 (%d)", st);
}

static void
test_hdr(void)
{
	url_t u[1];
	char s[64], aor[128];
	msg_t *m;
	sip_t *sip;
	struct digest d;

	(void)snprintf(s, sizeof(s), "isbn:2983792873");
	T_CHECK(url_d(u, s) == 0 && sipx_aor(u, aor, sizeof(aor)) == -EINVAL,
	    "no AOR from isbn:");
	(void)snprintf(s, sizeof(s), "sip:Bob@EXAMPLE.com:5060;lr");
	T_CHECK(url_d(u, s) == 0 && sipx_aor(u, aor, sizeof(aor)) == 0 &&
	    strcmp(aor, "sip:Bob@example.com") == 0, "sip AOR %s", aor);
	m = parse("REGISTER sip:example.com SIP/2.0\r\n" VIA
	    HDRS("REGISTER")
	    "Authorization: NoOneKnowsThisScheme opaque-data=here\r\n" END);
	sip = sip_object(m);
	T_CHECK(sip != NULL && sipx_auth_creds(sip, &d) == -ENOENT,
	    "unknown scheme: no credentials");
	msg_destroy(m);
	m = parse("REGISTER sip:example.com SIP/2.0\r\n" VIA
	    HDRS("REGISTER")
	    "Authorization: Foo bar=1\r\n"
	    "Authorization: Digest username=\"bob@example.com\", "
	    "realm=\"example.com\", nonce=\"abc\", uri=\"sip:example.com\", "
	    "response=\"00\"\r\n" END);
	sip = sip_object(m);
	T_CHECK(sip != NULL && sipx_auth_creds(sip, &d) == 0 &&
	    strcmp(d.username, "bob@example.com") == 0,
	    "the Digest credentials after an unknown scheme");
	msg_destroy(m);
}

/* ---- the resolver ---- */

static pthread_mutex_t rmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rcv = PTHREAD_COND_INITIALIZER;
static int released, reported, bad_report, running;

static int
fake_resolve(const char *host, char *addr, size_t size)
{
	if (strncmp(host, "slow", 4) == 0) {
		pthread_mutex_lock(&rmu);
		running++;
		pthread_cond_broadcast(&rcv);
		while (!released)
			pthread_cond_wait(&rcv, &rmu);
		pthread_mutex_unlock(&rmu);
	}
	if (strcmp(host, "missing") == 0)
		return -ENOENT;
	(void)snprintf(addr, size, "192.0.2.7");
	return 0;
}

static void
done(void *arg, int rc, const char *addr)
{
	const char *want = arg;

	reported++;
	if (strcmp(want, "missing") == 0 ? rc != -ENOENT :
	    rc != 0 || strcmp(addr, "192.0.2.7") != 0)
		bad_report++;
}

/* Run the hand-off until n reports came (or 5 s). */
static void
drain(struct handoff *h, int n)
{
	struct pollfd p = { .fd = handoff_fd(h), .events = POLLIN };
	int i;

	for (i = 0; i < 100 && reported < n; i++)
		if (poll(&p, 1, 50) > 0)
			(void)handoff_run(h);
}

static void
test_resolver(void)
{
	struct handoff *h;
	struct sipx_resolver *r;
	struct sipx_lookup *l[4];
	unsigned inflight, threads;
	int rc;

	T_CHECK(handoff_new(&h) == 0, "hand-off");
	T_CHECK(sipx_resolver_new(&r, h, fake_resolve, 2, 3) == 0,
	    "resolver");
	T_CHECK(sipx_lookup_start(r, "good", done, "good", NULL) == 0,
	    "a name");
	drain(h, 1);
	T_CHECK(reported == 1 && bad_report == 0, "its address came back");
	/* Two workers stuck, one lookup queued: full. */
	T_CHECK(sipx_lookup_start(r, "slow1", done, "slow1", &l[0]) == 0 &&
	    sipx_lookup_start(r, "slow2", done, "slow2", &l[1]) == 0 &&
	    sipx_lookup_start(r, "slow3", done, "slow3", &l[2]) == 0,
	    "three slow lookups");
	pthread_mutex_lock(&rmu);
	while (running < 2)
		pthread_cond_wait(&rcv, &rmu);
	pthread_mutex_unlock(&rmu);
	rc = sipx_lookup_start(r, "good", done, "good", &l[3]);
	T_CHECK(rc == -EBUSY, "the fourth: %d", rc);
	sipx_resolver_stats(r, &inflight, &threads);
	T_CHECK(inflight == 3 && threads == 2, "in flight %u, threads %u",
	    inflight, threads);
	/* Cancel one running and the queued one (which goes at once). */
	sipx_lookup_cancel(r, l[0]);
	sipx_lookup_cancel(r, l[2]);
	sipx_resolver_stats(r, &inflight, NULL);
	T_CHECK(inflight == 2, "a queued lookup cancelled: %u", inflight);
	T_CHECK(sipx_lookup_start(r, "missing", done, "missing", NULL) == 0,
	    "room again");
	pthread_mutex_lock(&rmu);
	released = 1;
	pthread_cond_broadcast(&rcv);
	pthread_mutex_unlock(&rmu);
	drain(h, 3);
	/* good, slow2, missing; slow1 (cancelled) never reported. */
	drain(h, 4);
	T_CHECK(reported == 3 && bad_report == 0, "reported %d (bad %d)",
	    reported, bad_report);
	sipx_resolver_stats(r, &inflight, NULL);
	T_CHECK(inflight == 0, "nothing in flight: %u", inflight);
	T_CHECK(sipx_lookup_start(r, "", done, "good", NULL) == -EINVAL,
	    "empty name");
	sipx_resolver_free(r);
	handoff_free(h);
}

int
main(void)
{
	su_init();
	test_parse();
	test_check();
	test_hdr();
	test_resolver();
	su_deinit();
	return t_done("test_sipx");
}
