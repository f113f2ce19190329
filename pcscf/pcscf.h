/* pcscf.h - the Proxy-CSCF (TS 24.229 5.2), without Gm IPsec for now:
 * first hop for REGISTER (Path, P-Visited-Network-ID, P-Charging-Vector),
 * ck/ik removed from the 401 and kept per UE, P-Asserted-Identity for
 * registered users, originating requests along the Service-Route.
 */
#ifndef PCSCF_H
#define PCSCF_H

#include <stdint.h>
#include <time.h>

#include "sipx.h"

#define PCSCF_ID_MAX	256
#define PCSCF_LIST_MAX	1024

#define PCSCF_MAX_UES_DEFAULT	4096	/* struct pcscf max_ues */
#define PCSCF_RETRY_AFTER_MAX	600	/* s, Retry-After when full */

struct pcscf_ues;

struct pcscf {
	struct sipx_agent sa;
	const char	*icscf;		/* home network entry point */
	const char	*visited;	/* P-Visited-Network-ID */
	char		 path[SIPX_URI_MAX + 16];
	/* UEs known at once, registered or registering (0:
	 * PCSCF_MAX_UES_DEFAULT); when all are live registrations a new
	 * UE's REGISTER gets 503. */
	unsigned	 max_ues;
	struct pcscf_ues *ues;		/* pcscf_init */
	struct sipx_trust trust;	/* trusted-peer: the core elements */
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
/* Registered for `expires` seconds from now (RFC 3261 10.3). */
void	pcscf_ue_set_registered(struct pcscf_ues *, struct pcscf_ue *,
	    unsigned expires);
void	pcscf_ue_forget(struct pcscf_ues *, struct pcscf_ue *);
/* Seconds until the first registration lapses (1..PCSCF_RETRY_AFTER_MAX). */
unsigned pcscf_ues_retry_after(const struct pcscf_ues *);
void	pcscf_ues_stats(const struct pcscf_ues *, struct pcscf_ues_stats *);
/* The table's clock (expires is on it; default CLOCK_MONOTONIC).  Tests:
 * set it (NULL resets), and look for bytes in the table's memory. */
time_t	pcscf_ues_now(const struct pcscf_ues *);
void	pcscf_ues_set_clock(struct pcscf_ues *, time_t (*)(void *), void *);
int	pcscf_ues_holds(const struct pcscf_ues *, const void *, size_t);

/* pcscf_proxy.c */
/* The P-CSCF's state (the UE table, sized by max_ues).  0 or -errno. */
int	pcscf_init(struct pcscf *);
void	pcscf_fini(struct pcscf *);
int	pcscf_request(struct pcscf *, nta_incoming_t *, sip_t const *);

#endif
