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

struct pcscf {
	struct sipx_agent sa;
	const char	*icscf;		/* home network entry point */
	const char	*visited;	/* P-Visited-Network-ID */
	char		 path[SIPX_URI_MAX + 16];
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
	time_t		 expires;
	int		 registered;
	/* From the last 401: for the Gm security associations (TS 33.203
	 * 7.1); never sent to the UE, never logged. */
	uint8_t		 ck[16], ik[16];
	int		 has_keys;
};

/* pcscf_reg.c */
struct pcscf_ue *pcscf_ue_get(const char *ip, unsigned port, const char *impi,
	    int create);
/* The registered UE sending from ip:port, or NULL. */
struct pcscf_ue *pcscf_ue_registered(const char *ip, unsigned port);
void	pcscf_ue_forget(struct pcscf_ue *);

/* pcscf_proxy.c */
int	pcscf_request(struct pcscf *, nta_incoming_t *, sip_t const *);

#endif
