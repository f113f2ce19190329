/* pcscf.h - the Proxy-CSCF (TS 24.229 5.2): the trust boundary towards
 * the UEs.  A request is from the core only when its packet comes from a
 * trusted-peer; everything else is from the UE side, whose
 * P-Asserted-Identity, charging, visited network and Path headers are
 * removed (RFC 3325 2.3, RFC 7315).  REGISTER: Path, P-Visited-Network-ID
 * and P-Charging-Vector of our own, ck/ik removed from the 401 and kept
 * per UE, challenges limited per source address; requests of registered
 * UEs: P-Asserted-Identity asserted, initial ones along the
 * Service-Route, subsequent ones only along a route set we record-routed
 * (the dialog table).  Gm protected by IPsec (TS 33.203 7, RFC 3329):
 * pcscf_gm.c (the SA sets), pcscf_gm_hdr.c (the sec-agree headers).
 */
#ifndef PCSCF_H
#define PCSCF_H

#include <stdint.h>
#include <time.h>

#include "gm_sa.h"
#include "sipx.h"
#include "xfrm.h"

#define PCSCF_ID_MAX	256
#define PCSCF_LIST_MAX	1024
#define PCSCF_HASH_LEN	32	/* SHA-256: dialog keys, nonces */

#define PCSCF_MAX_UES_DEFAULT	4096	/* struct pcscf max_ues */
#define PCSCF_RETRY_AFTER_MAX	600	/* s, Retry-After when full */
#define PCSCF_MAX_DIALOGS_DEFAULT 16384
#define PCSCF_UE_DIALOGS_DEFAULT 64
#define PCSCF_DIALOG_EXPIRES_DEFAULT 7200	/* s without a request */
#define PCSCF_DIALOG_PENDING	300	/* s an unanswered dialog is held:
					 * beyond the INVITE's Timer C */
#define PCSCF_REG_RATE_DEFAULT	6	/* challenges per minute and source */
#define PCSCF_REG_BURST_DEFAULT	20
#define PCSCF_REG_SOURCES_DEFAULT 65536

struct pcscf_ues;
struct pcscf_dlgs;
struct pcscf_dlg_slot;
struct pcscf_limit;
struct pcscf_ue;
struct pcscf_regsub;

/* sec-agree (RFC 3329) on Gm: the settings' values. */
enum pcscf_sec {
	PCSCF_SEC_OFF,
	PCSCF_SEC_OPTIONAL,	/* a UE that offers it gets IPsec */
	PCSCF_SEC_REQUIRED,	/* 421 without Security-Client */
};

#define PCSCF_GM_HDR_MAX	1024	/* a Security-* header value kept */
#define PCSCF_GM_POLICY_MAX	16

/* pcscf_gm.c: one set of Gm SAs (TS 33.203 7.1). */
struct pcscf_gm_set {
	struct gm_sa	 sa;		/* no keys once installed */
	int		 active;	/* a 200 came over it */
	struct pcscf_ue	*ue;		/* NULL: retired, goes at expires */
	time_t		 expires;	/* monotonic s */
	char		 server[PCSCF_GM_HDR_MAX];	/* Security-Server */
	char		 client[PCSCF_GM_HDR_MAX];	/* first -Client */
	char		 ident[SIPX_IDENT_MAX];	/* port_pc's transport */
	struct pcscf_gm_set *prev, *next;
};

/* What the UE's Security-Client offered that our policy chose, for the
 * 401 to come; and what its REGISTER came over. */
struct pcscf_gm_offer {
	int		 have;
	enum secagree_alg alg;
	enum secagree_ealg ealg;
	uint32_t	 spi_uc, spi_us;
	uint16_t	 port_uc, port_us;
	unsigned	 old_pc;	/* port_pc of the set it came over */
	char		 client[PCSCF_GM_HDR_MAX];
};

struct pcscf_gm {
	/* Settings. */
	int		 mode;		/* enum pcscf_sec */
	struct secagree_policy policy[PCSCF_GM_POLICY_MAX];
	size_t		 npolicy;
	unsigned	 port_ps, port_pc;	/* port_pc and port_pc + 1 */
	uint32_t	 spi_min, spi_max;
	unsigned	 pending;	/* s a set waits for its 200 */
	size_t		 max_sets;
	uint8_t		 owner;		/* xfrm owner tag */
	/* State. */
	int		 on;		/* sets are made (ESP works) */
	struct xfrm_nl	*xfrm;
	struct pcscf_gm_set *head;
	size_t		 nsets;
	su_timer_t	*sweep;
};

struct pcscf {
	struct sipx_agent sa;
	const char	*icscf;		/* home network entry point */
	const char	*visited;	/* P-Visited-Network-ID */
	char		 path[SIPX_URI_MAX + 16];
	/* UEs known at once, registered or registering (0:
	 * PCSCF_MAX_UES_DEFAULT); when all are live registrations a new
	 * UE's REGISTER gets 503. */
	unsigned	 max_ues;
	/* Dialogs held at once, per UE, and how long one is kept without
	 * a request (0: the defaults above). */
	unsigned	 max_dialogs, max_ue_dialogs, dialog_expires;
	/* Challenge-bound REGISTERs per source address: a token bucket of
	 * reg_burst refilled at reg_rate per minute; reg_sources addresses
	 * tracked at once (0: the defaults above). */
	unsigned	 reg_rate, reg_burst, reg_sources;
	struct pcscf_ues *ues;		/* pcscf_init */
	struct pcscf_dlgs *dlgs;
	struct pcscf_limit *limit;
	struct sipx_trust trust;	/* trusted-peer: the core elements */
	struct pcscf_gm	 gm;		/* Gm IPsec */
	struct pcscf_regsub *regsubs;	/* pcscf_regevent.c */
};

/* One registered (or registering) UE, known by the address its requests
 * come from (TS 24.229 5.2.2: the P-CSCF binds the registration to it). */
struct pcscf_ue {
	char		 impi[PCSCF_ID_MAX];
	char		 impu[PCSCF_ID_MAX];
	char		 ip[64];
	unsigned	 port;
	char		 contact[SIPX_URI_MAX * 2];
	char		 service_route[PCSCF_LIST_MAX];
	char		 assoc[PCSCF_LIST_MAX];
	time_t		 expires;	/* on the table's clock */
	int		 registered;
	/* From the last 401: for the Gm security associations (TS 33.203
	 * 7.1); never sent to the UE, never logged. */
	uint8_t		 ck[16], ik[16];
	int		 has_keys;
	/* The last challenge's nonce (hashed), when its REGISTER was
	 * counted against the source's limit (pcscf_register.c): an answer
	 * to it is not a challenge-bound request. */
	uint8_t		 nonce[PCSCF_HASH_LEN];
	int		 nonce_paid;
	/* pcscf_gm.c: the SAs it uses (registered over them, or pending:
	 * the entry is then keyed by the protected client port). */
	struct pcscf_gm_set *gm;
	/* pcscf_dlg.c: this UE's dialogs (and dialogs being set up). */
	struct pcscf_dlg_slot *dialogs;
	unsigned	 ndialogs;
	/* pcscf_regevent.c: its reg event subscription. */
	struct pcscf_regsub *regsub;
};

/* pcscf_reg.c: the UE table, of fixed capacity.  A registered,
 * unexpired UE is never evicted; lapsed registrations and UEs not
 * registered (yet) make room, least recently used first.  Every removal
 * wipes the entry (keys included). */
struct pcscf_ues_stats {
	size_t		 capacity, registered, other;
};
/* NULL when capacity is 0 or memory is short. */
struct pcscf_ues *pcscf_ues_new(size_t capacity);
void	pcscf_ues_free(struct pcscf_ues *);
/* Called with a UE whose registration ends (removed, evicted, or a lapsed
 * one registering anew) before the entry is wiped or reused: its dialogs
 * go (pcscf_dlgs_forget_ue). */
void	pcscf_ues_set_gone(struct pcscf_ues *,
	    void (*)(void *, struct pcscf_ue *), void *);
/* The UE (ip, port, impi), or NULL. */
struct pcscf_ue *pcscf_ue_find(struct pcscf_ues *, const char *ip,
	    unsigned port, const char *impi);
/* The UE (ip, port, impi), made when new (not registered); NULL when
 * every entry is a live registration (503, pcscf_ues_retry_after). */
struct pcscf_ue *pcscf_ue_get(struct pcscf_ues *, const char *ip,
	    unsigned port, const char *impi);
/* The registered, unexpired UE sending from ip:port, or NULL. */
struct pcscf_ue *pcscf_ue_registered(struct pcscf_ues *, const char *ip,
	    unsigned port);
/* 1 when u is registered and unexpired. */
int	pcscf_ue_live(const struct pcscf_ues *, const struct pcscf_ue *);
/* Registered for `expires` seconds from now (RFC 3261 10.3). */
void	pcscf_ue_set_registered(struct pcscf_ues *, struct pcscf_ue *,
	    unsigned expires);
void	pcscf_ue_forget(struct pcscf_ues *, struct pcscf_ue *);
/* Seconds until the first registration lapses (1..PCSCF_RETRY_AFTER_MAX). */
unsigned pcscf_ues_retry_after(const struct pcscf_ues *);
void	pcscf_ues_stats(const struct pcscf_ues *, struct pcscf_ues_stats *);
/* The table's clock (expires is on it; default CLOCK_MONOTONIC).  Tests:
 * set it (NULL resets), and look for bytes in the table's memory. */
void	pcscf_ues_set_clock(struct pcscf_ues *, time_t (*)(void *), void *);
int	pcscf_ues_holds(const struct pcscf_ues *, const void *, size_t);

/* pcscf_dlg.c: the dialogs the P-CSCF record-routed (TS 24.229
 * 5.2.6.3.4: the route set of the 1xx/2xx to an initial request, kept
 * with the dialog ID and the UE), so that a UE's subsequent request goes
 * only where its dialog goes.  A dialog's key is SHA-256 over its Call-ID,
 * the UE's tag and the remote tag.  Fixed capacity: a slot is reserved
 * before a dialog-creating request is forwarded (full, or the UE holding
 * max_ue_dialogs: 503 before anything is sent), filled by a 1xx with a
 * To tag (early, RFC 3261 12.1) and the 2xx (confirmed), released on a
 * failure response.  A reservation lasts at most PCSCF_DIALOG_PENDING
 * s, a dialog `expires` s after its last request; ended by a 2xx to BYE
 * and with its UE's registration.  Only lapsed entries are taken for
 * others.  su_root thread only. */
struct pcscf_dlg_ref {
	uint32_t	 idx, gen;	/* a reservation, checked on use */
};
struct pcscf_dlg {
	uint8_t		 key[PCSCF_HASH_LEN];
	struct pcscf_ue	*ue;		/* NULL until the UE answered */
	char		 route[PCSCF_LIST_MAX];	/* after our own entry */
	int		 confirmed;
};
struct pcscf_dlgs_stats {
	size_t		 capacity, confirmed, pending;
};
struct pcscf_dlgs *pcscf_dlgs_new(size_t capacity, unsigned per_ue,
	    unsigned expires);
void	pcscf_dlgs_free(struct pcscf_dlgs *);
/* The key of a dialog (RFC 3261 12: Call-ID, local and remote tags),
 * keyed with the table's random seed (its buckets cannot be aimed at).
 * A NULL part counts as "". */
void	pcscf_dlg_key(const struct pcscf_dlgs *, const char *callid,
	    const char *ue_tag, const char *remote_tag,
	    uint8_t key[PCSCF_HASH_LEN]);
/* A slot for the dialog a request will create, for UE u (NULL: a UE not
 * known yet, i.e. UE-terminating).  0; -ENOSPC table full; -EMLINK u
 * holds its maximum (both: 503, pcscf_dlgs_retry_after). */
int	pcscf_dlg_reserve(struct pcscf_dlgs *, struct pcscf_ue *u,
	    struct pcscf_dlg_ref *);
/* Fill the reservation from a 1xx (early) or 2xx (confirmed) response:
 * the key, the route set after our entry, and u when the slot has none.
 * A later fill replaces the key and route (the 2xx's route set is the
 * dialog's, RFC 3261 13.2.2.4).  0; -ESTALE the reservation is gone;
 * -EEXIST another slot has that key; -ENOSPC route too long; -EPERM the
 * slot belongs to another UE. */
int	pcscf_dlg_fill(struct pcscf_dlgs *, struct pcscf_dlg_ref,
	    const uint8_t key[PCSCF_HASH_LEN], const char *route,
	    struct pcscf_ue *u, int confirmed);
/* A failure response: the reservation (or early dialog) goes, unless it
 * is confirmed.  No-op on a stale reference. */
void	pcscf_dlg_release(struct pcscf_dlgs *, struct pcscf_dlg_ref);
/* The dialog (early or confirmed, unexpired) with that key; a confirmed
 * one's expiry restarts.  NULL if none. */
struct pcscf_dlg *pcscf_dlg_find(struct pcscf_dlgs *,
	    const uint8_t key[PCSCF_HASH_LEN]);
void	pcscf_dlg_end(struct pcscf_dlgs *, const uint8_t key[PCSCF_HASH_LEN]);
/* Every dialog and reservation of u goes. */
void	pcscf_dlgs_forget_ue(struct pcscf_dlgs *, struct pcscf_ue *);
/* Seconds until an entry lapses (1..PCSCF_RETRY_AFTER_MAX). */
unsigned pcscf_dlgs_retry_after(const struct pcscf_dlgs *);
void	pcscf_dlgs_stats(const struct pcscf_dlgs *, struct pcscf_dlgs_stats *);
void	pcscf_dlgs_set_clock(struct pcscf_dlgs *, time_t (*)(void *), void *);

/* pcscf_limit.c: a token bucket per source address (an IPv6 source by
 * its /64, the prefix one UE gets, TS 23.401 5.3.1.2.2) of `burst`
 * tokens refilled at `rate` per minute, in a table of fixed capacity.
 * A bucket that refilled is as good as none and makes room; when every
 * entry is a partly drained bucket a new source gets no token. */
struct pcscf_limit *pcscf_limit_new(size_t capacity);
void	pcscf_limit_free(struct pcscf_limit *);
void	pcscf_limit_set(struct pcscf_limit *, unsigned rate, unsigned burst);
/* 1: a token taken for ip; 0: none (*retry_after: seconds until one);
 * -EINVAL: not an IP address. */
int	pcscf_limit_take(struct pcscf_limit *, const char *ip,
	    unsigned *retry_after);
/* Milliseconds, CLOCK_MONOTONIC by default; tests set their own. */
void	pcscf_limit_set_clock(struct pcscf_limit *, int64_t (*)(void *),
	    void *);

/* pcscf_gm.c: Gm IPsec (TS 33.203 7, RFC 3329).  init before the SIP
 * agent opens (flushes our leftovers, probes ESP: -EPROTONOSUPPORT
 * when required and impossible), start after (protected ports, the
 * sweep), fini at stop (every set of ours goes). */
int	pcscf_gm_init(struct pcscf *);
int	pcscf_gm_start(struct pcscf *);
void	pcscf_gm_fini(struct pcscf *);
/* A REGISTER from the UE side: its Security-* headers read and removed,
 * integrity-protected marked (TS 24.229 5.2.2.1); the offer for the 401.
 * *status: 0 forward it, else refuse with it (400, 403 cleartext at the
 * protected port, 421 sec-agree required, 494 nothing acceptable or a
 * Security-Verify / -Client that differs). */
int	pcscf_gm_register(struct pcscf *, nta_incoming_t *, msg_t *, sip_t *,
	    const char *ip, unsigned port, const char *impi,
	    struct pcscf_gm_offer *, int *status);
/* The 401 with CK/IK: the pending set installed, Security-Server added.
 * 0 or the status that replaces the 401 (500, 503). */
int	pcscf_gm_challenge(struct pcscf *, const char *ip, const char *impi,
	    const struct pcscf_gm_offer *, const uint8_t ck[16],
	    const uint8_t ik[16], msg_t *, sip_t *);
void	pcscf_gm_registered(struct pcscf *, struct pcscf_ue *,
	    unsigned expires);
void	pcscf_gm_deregistered(struct pcscf *, const char *ip,
	    const char *impi);
/* pcscf_gm_hdr.c.  TS 24.229 5.2.2.1: Security-Client, -Server, -Verify
 * and the "sec-agree" option tag do not leave Gm. */
void	pcscf_gm_strip(msg_t *, sip_t *);
/* One kind of Security-* header parsed (all of its headers as one list):
 * 1 present, 0 absent, -EINVAL malformed or too long; raw (optional) gets
 * the text. */
int	pcscf_gm_sec_parse(msg_t *, const sip_t *, enum secagree_header,
	    struct secagree *, char *raw, size_t rawsize);
/* TS 24.229 7.2A.2: integrity-protected=value in the Authorization
 * header, the UE's own removed.  0 (also without Authorization) or
 * -EINVAL. */
int	pcscf_gm_mark_integrity(msg_t *, sip_t *, const char *value);
/* From the UE table's gone callback. */
void	pcscf_gm_ue_gone(struct pcscf *, struct pcscf_ue *);
/* A UE-side request other than REGISTER: 0 or the status to refuse. */
int	pcscf_gm_check_request(struct pcscf *, nta_incoming_t *,
	    const struct pcscf_ue *);
/* The registered UE at (ip, port_us), or NULL; the name of its port_pc
 * transport (sipx_forward_via). */
struct pcscf_ue *pcscf_gm_ue_by_us(struct pcscf *, const char *ip,
	    unsigned port);
const char *pcscf_gm_ident(const struct pcscf_ue *);

/* pcscf_regevent.c: the reg event subscription per registered UE (TS
 * 24.229 5.2.3, RFC 3680): a NOTIFY that ends the registration forgets
 * the UE (its dialogs, its Gm SAs). */
#define PCSCF_REGEVENT_EXPIRES	600000	/* s, 5.2.3 */
/* The 200 to a registration of u: SUBSCRIBE unless u has a subscription. */
void	pcscf_regevent_registered(struct pcscf *, struct pcscf_ue *);
/* From the UE table's gone callback: u's subscription is dropped. */
void	pcscf_regevent_ue_gone(struct pcscf *, struct pcscf_ue *);
/* A request for us: 1 when it was a reg event NOTIFY (answered, msg
 * taken: 403 from outside the trust domain, 481 outside a subscription,
 * 400/415 unreadable, else 200), 0 when it is not one. */
int	pcscf_regevent_request(struct pcscf *, nta_incoming_t *, msg_t *,
	    sip_t *, const char *ip, unsigned port);
/* Before the agent closes: every subscription dropped. */
void	pcscf_regevent_fini(struct pcscf *);

/* pcscf_register.c: REGISTER from the UE side (TS 24.229 5.2.2). */
int	pcscf_register(struct pcscf *, nta_incoming_t *, msg_t *, sip_t *,
	    const char *ip, unsigned port);
/* sipx_load's finishing (magic: the pcscf): in a dialog, or a REGISTER
 * answering the challenge its UE got through us. */
int	pcscf_register_finishing(void *magic, nta_incoming_t *,
	    const sip_t *);

/* pcscf_proxy.c */
/* The P-CSCF's state (the UE, dialog and limit tables).  0 or -errno. */
int	pcscf_init(struct pcscf *);
void	pcscf_fini(struct pcscf *);
int	pcscf_request(struct pcscf *, nta_incoming_t *, sip_t const *);
/* The settings that SIGHUP may change (register-rate, -burst). */
void	pcscf_reconfigure(struct pcscf *);
/* RFC 3325 2.3, RFC 7315 4, RFC 3327 5, RFC 5502: the headers only the
 * trust domain may set, removed from whatever the UE side sends (any
 * form, parsed or not). */
void	pcscf_strip_untrusted(msg_t *, sip_t *);
/* RFC 7315 4.6: a fresh P-Charging-Vector. */
int	pcscf_charging_vector(struct pcscf *, msg_t *, sip_t *);

#endif
