/* sipx.h - small Sofia-SIP helpers shared by the CSCFs.
 *
 *	sipx_agent.c	agent creation (UDP and TCP), stray responses
 *	sipx_parse.c	the agent's message class (liberal request line,
 *			CSeq and Via parsers)
 *	sipx_check.c	RFC 3261 16.3 validation before a daemon's callback
 *	sipx_resolve.c	next-hop names resolved off the loop
 *	sipx_hdr.c	URI and header helpers
 *	sipx_proxy.c	stateful forwarding (RFC 3261 16), routing helpers
 *	sipx_async.c	hand-off from other threads to the su_root thread
 *	sipx_cx.c	a Cx request per SIP transaction, one response each;
 *			the Cx answer -> SIP status mapping
 *	sipx_ident.c	identities and roles at the trust boundary
 *	sipx_load.c	overload control: work in flight, early 503
 *
 * Everything here runs on the su_root thread except sipx_post() and
 * sipx_agent_stop(), which freeDiameter callbacks and the daemon
 * skeleton's signal thread (daemon.h) call.
 */
#ifndef IMS_SIPX_H
#define IMS_SIPX_H

#include <stddef.h>

#include "cx.h"
#include "digest.h"
#include "daemon.h"
#include "handoff.h"
#include "sipx_trust.h"

#include <sofia-sip/su_wait.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/tport.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/url.h>

#define SIPX_URI_MAX	256
/* The largest message read (RFC 3261 18.1.1 / 18.3 leave it open; a
 * UDP datagram holds at most this): beyond, 413 (TCP: closed). */
#define SIPX_MAX_MESSAGE	65535

struct sipx_resolver;
struct sipx_agent;

/* ---- sipx_load.c ---- */

/* Overload control (RFC 3261 21.5.4): pending counts the forwards and Cx
 * requests in flight.  A request that starts new work is admitted while
 * pending < max_pending (0: no bound), one that finishes work begun
 * (finishing, below) while pending < 2 * max_pending; beyond, 503 with
 * Retry-After: retry_after before anything is done. */
struct sipx_load {
	unsigned	 pending;
	unsigned	 max_pending;
	unsigned	 retry_after;
	uint64_t	 shed;		/* refused since the overload began */
	/* 1 when the request finishes work begun; called only when over
	 * max_pending, with the agent's req_magic.  NULL:
	 * sipx_load_finishing. */
	int		(*finishing)(void *magic, nta_incoming_t *,
			    const sip_t *);
};
/* The settings of every CSCF: max-pending and overload-retry-after. */
#define SIPX_LOAD_KEYS(off_max, off_ra)					\
	{ .name = "max-pending", .type = CONF_UINT, .offset = (off_max),\
	  .dflt = "64", .min = 0, .max = 1u << 20,			\
	  .flags = CONF_RELOAD,						\
	  .help = "forwarded requests and Cx requests in flight beyond "\
	    "which a request that starts new work gets 503 with "	\
	    "Retry-After (one that finishes work begun, e.g. a "	\
	    "REGISTER answering a challenge: beyond twice this); 0: no "\
	    "bound" },							\
	{ .name = "overload-retry-after", .type = CONF_UINT,		\
	  .offset = (off_ra), .dflt = "5", .min = 1, .max = 3600,	\
	  .flags = CONF_RELOAD,						\
	  .help = "Retry-After seconds of the 503 sent under overload" }
/* The default: a request within a dialog, or a REGISTER whose
 * credentials carry a response (TS 24.229 5.1.1.2.1: the first one's is
 * empty). */
int	sipx_load_finishing(const sip_t *);
/* 1: admitted; 0: refused, irq answered 503 and destroyed.  The default
 * leg calls it after sipx_check. */
int	sipx_load_admit(struct sipx_agent *, nta_incoming_t *, const sip_t *);
void	sipx_load_begin(struct sipx_agent *);
void	sipx_load_end(struct sipx_agent *);

/* ---- sipx.c ---- */

/* su_init, an su_root and an nta agent bound to "sip:HOST:PORT" for UDP
 * and TCP, with a default leg (no dialogs: a proxy sees every request)
 * that validates each request (sipx_check) and hands what passes to
 * req_cb with magic; a stray response is relayed only when it is a 2xx
 * to INVITE with our Via on top (RFC 3261 16.7 step 10), else dropped.
 * listen is "HOST:PORT". 0 or -errno.  Set registrar and proxy_options
 * after opening. */
struct sipx_agent {
	su_root_t	*root;
	nta_agent_t	*agent;
	nta_leg_t	*leg;
	char		 self[SIPX_URI_MAX];	/* sip:HOST:PORT */
	char		 host[128];
	unsigned	 port;
	struct handoff	*handoff;	/* sipx_async.c */
	su_wait_t	 handoff_wait[1];
	int		 handoff_index;
	size_t		 handoff_peak_logged;
	struct handoff_job stop_job;
	struct handoff_job reload_job;	/* sipx_daemon_reload */
	struct daemon_reload *reload;
	void		(*reloaded)(struct sipx_agent *);
	nta_request_f	*req_cb;	/* the daemon's, after sipx_check */
	void		*req_magic;
	int		 registrar;	/* REGISTER is ours (RFC 3261 10.3) */
	const char *const *proxy_options; /* Proxy-Require we support */
	struct sipx_resolver *resolver;	/* sipx_resolve.c */
	struct sipx_load load;		/* sipx_load.c */
};
int	sipx_agent_open(struct sipx_agent *, const char *listen,
	    nta_request_f *req_cb, void *magic);
void	sipx_agent_close(struct sipx_agent *);
/* Listen on the agent's host at another port too (UDP and TCP), e.g. the
 * P-CSCF's protected ports (TS 33.203 7.1), named ident for
 * sipx_forward_via (NULL: SIPX_IDENT_MAIN, never chosen by name).  0 or
 * -errno. */
int	sipx_agent_add_port(struct sipx_agent *, unsigned port,
	    const char *ident);
/* The local port a request arrived at (through which primary).  0 or
 * -ENOENT. */
int	sipx_arrival_port(struct sipx_agent *, nta_incoming_t *,
	    unsigned *port);

/* The value of an Authorization / WWW-Authenticate header as received
 * ("Digest a=b, c=d"), for digest_parse(). */
int	sipx_auth_str(const msg_auth_t *, char *buf, size_t size);
/* "sip:user@host" (no port, no params) of a sip:, sips: or tel: URL,
 * lower-cased host; -EINVAL for any other scheme, -ENOSPC. */
int	sipx_aor(const url_t *, char *buf, size_t size);
/* The URL of a header's first value as text. */
int	sipx_url_str(const url_t *, char *buf, size_t size);
/* 1 if the URL names this agent (host and port, default 5060). */
int	sipx_url_is_self(const struct sipx_agent *, const url_t *);

/* Value of the first header called name (case-insensitive) among those
 * Sofia does not parse, or NULL. */
const char *sipx_hdr_get(const sip_t *, const char *name);
/* Remove every header called name that Sofia does not parse, and every
 * one it failed to parse (kept verbatim among the errors): what a sender
 * puts in any form goes. */
void	sipx_hdr_remove(msg_t *, sip_t *, const char *name);
/* Append "Name: value". 0 or -EINVAL. */
int	sipx_hdr_add(msg_t *, sip_t *, const char *name, const char *value);

/* The credentials of a request's first Digest Authorization header (RFC
 * 3261 22.4): 0 and *d filled; -ENOENT when there is none (credentials
 * of another scheme are none: RFC 4475 3.3.7); -EINVAL when it cannot be
 * parsed or does not fit.  Every CSCF reads credentials with
 * this one function, so that none of them reads a header another one
 * refused (the caller answers 400), and none falls back to the To. */
int	sipx_auth_creds(const sip_t *, struct digest *);
/* The private identity of a REGISTER (TS 24.229 5.3.1.2, 5.4.1.2.1): the
 * username of the credentials, else the public identity impu without its
 * "sip:".  0; -EINVAL unusable credentials or an identity that does not
 * fit (answer 400). */
int	sipx_register_impi(const sip_t *, const char *impu, char *impi,
	    size_t size);
/* 1 when the request of irq came from an address of the trust domain
 * (sipx_trust.h): the packet's source, never a header. */
int	sipx_from_trusted(const struct sipx_trust *, nta_incoming_t *irq);

/* The registration expiry requested for a contact (RFC 3261 10.2.1.1):
 * the contact's expires parameter, else the Expires header, else dflt,
 * into *out.  0, or -EINVAL when either is not delta-seconds (RFC 3261
 * 25.1, 20.19: digits only, at most 2^32 - 1): the caller answers 400
 * rather than guess (a malformed value must never remove a binding). */
int	sipx_contact_expires(const sip_t *, const sip_contact_t *,
	    unsigned dflt, unsigned *out);
/* RFC 3261 10.2.2: 1 when every contact asks for expiry 0 (or is "*"),
 * 0 when not (or no Contact: a query), -EINVAL on a malformed expiry. */
int	sipx_is_deregistration(const sip_t *);
/* 1 if the request has a To tag (in-dialog, RFC 3261 12.2). */
int	sipx_in_dialog(const sip_t *);
/* The source address of a received message as "IP" and port. */
int	sipx_source(msg_t *, char *ip, size_t ipsize, unsigned *port);
/* The sender of the request as ADDRESS:PORT ([v6]:PORT), or "-": the
 * peer of a security event (log_sec).  SIPX_PEER_MAX bytes are enough. */
#define SIPX_PEER_MAX	56
void	sipx_peer(nta_incoming_t *irq, char *buf, size_t size);
/* ip and port as ADDRESS:PORT, or [v6]:PORT. */
void	sipx_hostport(const char *ip, unsigned port, char *buf, size_t size);

/* ---- sipx_parse.c ---- */

/* The message class of the agents (Sofia's, with the parsers above);
 * NULL when it cannot be built. */
msg_mclass_t const *sipx_mclass(void);
/* 1 when this Via could only be salvaged (its sent-by kept, its
 * parameters unreadable): the request gets 400. */
int	sipx_via_salvaged(const sip_via_t *);

/* ---- sipx_check.c ---- */

/* RFC 3261 16.3 steps 1-5 (and 8.2.2.3, 10.3 for a registrar's
 * REGISTER): the status a request must get before a daemon sees it, its
 * phrase, and for 420 the Unsupported options in opts; 0 when it may go
 * on. */
int	sipx_check(const struct sipx_agent *, const sip_t *,
	    const char **phrase, char *opts, size_t optsize);
/* The same, answered (an ACK dropped) and irq destroyed: 0 when the
 * request may go on, else the status. */
int	sipx_check_request(const struct sipx_agent *, nta_incoming_t *,
	    const sip_t *);

/* ---- sipx_ident.c ---- */

/* The public user identity a URI names (TS 23.003 13.4), never made up
 * as sipx_aor would: "sip:user@host" (or sips:) of a SIP URI with a user
 * part, host lower-cased, no port or parameters; with tel non-zero also
 * "tel:+DIGITS" of a global tel URI (RFC 3966 5.1.4, separators
 * removed).  0; -EPROTONOSUPPORT for any other scheme (a Request-URI:
 * 416, RFC 3261 16.3 step 2); -ENOENT for a URI that names nobody (no
 * user part, a local number: 404); -ENOSPC when it does not fit (400). */
int	sipx_public_id(const url_t *, int tel, char *buf, size_t size);
/* TS 24.229 4.4.1, RFC 3325 5: remove from a request that came from
 * outside the trust domain (sipx_from_trusted) every header that only
 * the trust domain sets: P-Asserted-Identity, P-Preferred-Identity,
 * P-Served-User, P-Profile-Key, P-Asserted-Service,
 * P-Access-Network-Info, P-Visited-Network-ID, P-Charging-Vector,
 * P-Charging-Function-Addresses, P-Private-Network-Indication. */
void	sipx_untrusted_strip(msg_t *, sip_t *);
/* RFC 3261 16.4: remove every Route entry on top that names this agent
 * (so a request is never forwarded to ourselves, where it would arrive
 * from a trusted address).  *orig: 1 when one of them carried an
 * originating indication, the user part "orig" of our Service-Route
 * (RFC 3608 6) or an "orig" parameter (TS 24.229 5.4.3.2).  The number
 * removed, or -EINVAL. */
int	sipx_route_pop_own(struct sipx_agent *, msg_t *, sip_t *, int *orig);
/* The start of an I-/S-CSCF's request, after sipx_check: a copy to
 * forward (sipx_request_copy: 483 when Max-Forwards is spent), *trusted
 * (sipx_from_trusted), our own Route entries popped (sipx_route_pop_own,
 * *orig), and from outside the trust domain the trust domain's headers
 * gone (sipx_untrusted_strip).  NULL when the request was answered
 * here. */
msg_t	*sipx_request_take(struct sipx_agent *, const struct sipx_trust *,
	    nta_incoming_t *irq, int *trusted, int *orig);
/* RFC 3325 5, TS 24.229 4.4.2: before a request goes to hop (the URI it
 * is sent to; NULL: unknown), remove its P-Asserted-Identity when the
 * user asked for privacy (Privacy: id) and hop is not in the trust
 * domain (an IP literal of it: sipx_trust_host; a name never is).  1
 * when removed, else 0. */
int	sipx_privacy_apply(const struct sipx_trust *, msg_t *, sip_t *,
	    const url_t *hop);

/* ---- sipx_proxy.c ---- */

/* Called with each response before it is relayed upstream; may edit it.
 * Return non-zero to drop the response (it is then not relayed; a dropped
 * final response is replaced by the status returned when it is 300..699,
 * a 503 with Retry-After: SIPX_HOOK_RETRY_AFTER, else by a 500).  A final
 * response generated locally (timeout, transport error) is signalled with
 * resp and sip NULL.  Every forwarded request ends with exactly one call
 * with status >= 200, unless sipx_forward() failed (< 0): then none. */
#define SIPX_HOOK_RETRY_AFTER	"30"
/* Returned by the hook for a final status of a non-INVITE: nothing is
 * sent upstream and irq is neither answered nor destroyed: the
 * transaction is the caller's again (it kept irq), to answer or forward
 * anew, e.g. to another next hop after a failure to reach this one. */
#define SIPX_HOOK_KEEP		1
#define SIPX_IDENT_MAX		16	/* a transport name */
#define SIPX_IDENT_MAIN		"sip"	/* the listen address's */
typedef int (*sipx_resp_hook)(void *arg, msg_t *resp, sip_t *sip,
	    int status);

/* A private copy of the request of irq, Max-Forwards decremented
 * (RFC 3261 16.6 step 3).  NULL with *status set (483 Too many hops,
 * 500) when it cannot be forwarded. */
msg_t	*sipx_request_copy(nta_incoming_t *irq, int *status);

/* Forward the (edited) request msg statefully to next_hop (a SIP URI
 * string; NULL: by the Route set / Request-URI, RFC 3261 16.6 step 7) and
 * relay every response to irq (RFC 3261 16.7).  Takes msg and irq; the
 * hook, if any, sees each response first.  ACK is sent statelessly
 * (RFC 3261 16.11 for ACK to 2xx).  A next hop named by a host name is
 * resolved off the loop (sipx_resolve.c) first: no such name or a
 * resolver failure 404, no result within SIPX_RESOLVE_TIMEOUT_MS 504,
 * a CANCEL meanwhile 487 (each after 0 was returned: the hook sees the
 * status with a NULL response).  On an immediate failure irq is answered
 * (500; 404 for a next hop that is no SIP URI; 503, with Retry-After
 * when too many names are being resolved) and -errno is returned. */
int	sipx_forward(struct sipx_agent *, nta_incoming_t *irq, msg_t *msg,
	    const char *next_hop, sipx_resp_hook hook, void *arg);

/* The same, sent from the port named ident (sipx_agent_add_port; for
 * TS 33.203 7.1 the P-CSCF's protected client port); NULL: nta's choice.
 * (NTATAG_TPORT picks only connections: a UDP port goes by its name.) */
/* sipx_forward giving the next hop answer_ms for its first response (any,
 * 100 too): without one the request is given up as unreachable and hook
 * hears 504 with no response, like a transport error. */
int	sipx_forward_within(struct sipx_agent *, nta_incoming_t *irq,
	    msg_t *msg, const char *next_hop, unsigned answer_ms,
	    sipx_resp_hook hook, void *arg);
int	sipx_forward_via(struct sipx_agent *, nta_incoming_t *irq, msg_t *msg,
	    const char *next_hop, const char *ident, sipx_resp_hook hook,
	    void *arg);

/* RFC 3261 16.4: remove the top Route if it names this agent; returns 1 if
 * it did (and, with user non-NULL, copies the Route URI's user part). */
int	sipx_route_pop_self(struct sipx_agent *, msg_t *, sip_t *,
	    char *user, size_t usersize);
/* Prepend "Record-Route: <uri;lr>" (RFC 3261 16.6 step 4). */
int	sipx_record_route(msg_t *, sip_t *, const char *uri);
/* Replace the Route set with routes, a Route header value such as a
 * stored Path or Service-Route ("<sip:a;lr>, <sip:b;lr>"; RFC 3327 5.3,
 * RFC 3608 6); NULL or "" removes every Route. */
int	sipx_route_set(msg_t *, sip_t *, const char *routes);
/* The inverse: a Path / Service-Route / Route header list as one value
 * ("<sip:a;lr>, <sip:b;lr>") to store.  0, -ENOMEM or -ENOSPC. */
int	sipx_route_join(const sip_route_t *, su_home_t *, char *out,
	    size_t size);
/* Replace the Request-URI (RFC 3261 16.5, 16.6 step 2). */
int	sipx_set_request_uri(msg_t *, sip_t *, const char *uri);
/* Answer irq with status and destroy it. */
void	sipx_reply(nta_incoming_t *irq, int status, const char *phrase);
/* RFC 3261 21.5.4, 20.33: 503 with Retry-After: retry_after seconds,
 * then irq destroyed. */
void	sipx_reply_busy(nta_incoming_t *irq, unsigned retry_after);

/* ---- sipx_stat.c: metrics (met.h) ---- */

/* A request arrived (the default leg counts every one). */
void	sipx_stat_request(const sip_t *sip);
/* A response of status to irq left (ours or relayed; only final ones
 * count): one call after every nta_incoming_treply/mreply. */
void	sipx_stat_reply(nta_incoming_t *irq, int status);

/* ---- sipx_resolve.c ---- */

/* Next-hop names are resolved by at most SIPX_RESOLVE_THREADS threads,
 * SIPX_RESOLVE_INFLIGHT lookups at once (beyond: 503 with Retry-After),
 * each given SIPX_RESOLVE_TIMEOUT_MS (then 504). */
#define SIPX_RESOLVE_THREADS	4
#define SIPX_RESOLVE_INFLIGHT	64
#define SIPX_RESOLVE_TIMEOUT_MS	4000
#define SIPX_HOST_MAX		256
#define SIPX_ADDR_MAX		48	/* "[IPv6]" */

struct sipx_lookup;
/* host -> address literal (IPv6 in brackets): 0, -ENOENT no such name,
 * -EAGAIN / -EIO the resolver failed.  Runs on a worker thread. */
typedef int sipx_resolve_f(const char *host, char *addr, size_t size);
/* Loop thread: the result (rc as above; addr when rc is 0). */
typedef void (*sipx_lookup_fn)(void *arg, int rc, const char *addr);

/* The getaddrinfo() resolver (files, DNS: nsswitch). */
int	sipx_getaddrinfo(const char *host, char *addr, size_t size);
/* Results are posted to h; resolve NULL: sipx_getaddrinfo. */
int	sipx_resolver_new(struct sipx_resolver **, struct handoff *h,
	    sipx_resolve_f *resolve, unsigned max_threads,
	    unsigned max_inflight);
/* Loop thread: start resolving host; done(arg, ...) runs on the loop
 * unless cancelled first.  -EBUSY when max_inflight lookups are in
 * flight; -EINVAL for an empty or over-long name. */
int	sipx_lookup_start(struct sipx_resolver *, const char *host,
	    sipx_lookup_fn done, void *arg, struct sipx_lookup **);
/* Loop thread, before done ran: done will not run. */
void	sipx_lookup_cancel(struct sipx_resolver *, struct sipx_lookup *);
void	sipx_resolver_stats(struct sipx_resolver *, unsigned *inflight,
	    unsigned *threads);
/* Queued lookups are dropped; running ones end on their own. */
void	sipx_resolver_free(struct sipx_resolver *);

/* ---- sipx_async.c ---- */

/* The agent's hand-off (common/base handoff.h) registered with its root:
 * sipx_post() from any thread makes fn(job) run on the root's thread.
 * 0 or -errno. */
int	sipx_async_init(struct sipx_agent *);
void	sipx_async_fini(struct sipx_agent *);
/* Any thread; never fails (the job is the caller's, embedded in its
 * context, and must stay valid until fn ran). */
void	sipx_post(struct sipx_agent *, struct handoff_job *,
	    void (*fn)(struct handoff_job *));
/* Any thread: makes su_root_run() return (through the hand-off, so work
 * posted before runs first). */
void	sipx_agent_stop(struct sipx_agent *);

/* A CSCF's daemon skeleton callbacks (daemon.h) when its loop is the
 * agent's su_root: spec.arg is the struct sipx_agent.  run: su_root_run;
 * stop: sipx_agent_stop; reload: posts the new settings to the loop,
 * where daemon_reload_apply() takes them over and then the agent's
 * `reloaded` hook (set it after sipx_agent_open; NULL: none) re-derives what
 * the daemon built from them. */
int	sipx_daemon_run(void *agent);
void	sipx_daemon_stop(void *agent);
void	sipx_daemon_reload(void *agent, struct daemon_reload *);

/* ---- sipx_cx.c ---- */

/*
 * A Cx request (UAR, SAR, LIR, MAR) made for a SIP server transaction,
 * which then gets exactly one final response.  The CSCF embeds a struct
 * sipx_cx in its request context; release frees that context.  From
 * sipx_cx_init on, the transaction (irq) and the context belong to the
 * helper:
 *   - sipx_cx_send: if the request cannot be sent, irq is answered at
 *     once with the mapped status and the context released;
 *   - otherwise the answer (or the timeout), which arrives on a
 *     freeDiameter thread, is posted to the su_root thread (this cannot
 *     fail) and fn runs there.  fn answers (sipx_cx_reply,
 *     sipx_cx_treply) or takes the transaction on (sipx_cx_take, e.g.
 *     into sipx_forward, which answers whatever happens).  If fn did
 *     neither, the helper answers the mapped status of a failed answer,
 *     or 500.  Then the answer is freed and the context released: fn
 *     must not free it, nor send another request with it;
 *   - a context that makes no Cx request ends with sipx_cx_finish.
 * The caller must not touch the context after sipx_cx_send or
 * sipx_cx_finish.
 */
struct sipx_cx;
typedef void (*sipx_cx_fn)(struct sipx_cx *, const struct cx_answer *);
struct sipx_cx {
	struct handoff_job job;		/* the answer, to the su_root thread */
	struct sipx_agent *agent;
	nta_incoming_t	*irq;		/* NULL once answered or taken */
	struct cx_answer *ans;
	sipx_cx_fn	 fn;
	void		(*release)(struct sipx_cx *);
	uint32_t	 cmd;		/* CX_CMD_* */
};
void	sipx_cx_init(struct sipx_cx *, struct sipx_agent *, nta_incoming_t *,
	    void (*release)(struct sipx_cx *));
/* cmd is CX_CMD_UAR, _SAR, _LIR or _MAR. */
void	sipx_cx_send(struct sipx_cx *, uint32_t cmd, const struct cx_req *,
	    sipx_cx_fn);
/* A final response; nothing if already answered. */
void	sipx_cx_reply(struct sipx_cx *, int status, const char *phrase);
/* A response with tags (nta_incoming_treply).  0; -EIO if it could not
 * be sent (the transaction stays unanswered: the helper's 500 follows);
 * -EALREADY when answered before. */
int	sipx_cx_treply(struct sipx_cx *, int status, const char *phrase,
	    tag_type_t, tag_value_t, ...);
/* The transaction, which the caller now answers or forwards. */
nta_incoming_t *sipx_cx_take(struct sipx_cx *);
/* Answer (unless answered or taken already) and release. */
void	sipx_cx_finish(struct sipx_cx *, int status, const char *phrase);

/* The one Cx answer -> SIP final response mapping (TS 24.229 5.3.1.2,
 * 5.3.2.1, 5.4.1.2.1; TS 29.228 6.1, 6.3), by the answer's procedure
 * (cmd_code): 0 for a success (DIAMETER_SUCCESS, or Experimental-Result
 * 2001-2004); no answer in time, DIAMETER_UNABLE_TO_DELIVER or
 * DIAMETER_TOO_BUSY: 504; DIAMETER_AUTHORIZATION_REJECTED, USER_UNKNOWN,
 * IDENTITIES_DONT_MATCH, ROAMING_NOT_ALLOWED, AUTH_SCHEME_NOT_SUPPORTED:
 * 403, except for LIR: USER_UNKNOWN 404 and IDENTITY_NOT_REGISTERED 480
 * (UAR: 403); anything else 500. */
int	sipx_cx_status(const struct cx_answer *, const char **phrase);

#endif
