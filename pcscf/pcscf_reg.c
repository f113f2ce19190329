/* pcscf_reg.c - the P-CSCF's view of registrations (TS 24.229 5.2.2.3):
 * per UE source address, the registered public identity, its
 * Service-Route, P-Associated-URI, contact and expiry, and the ck/ik the
 * S-CSCF sent in the 401.  Memory only; su_root thread only.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pcscf.h"
#include "util.h"

#define PCSCF_UES	256

static struct pcscf_ue ues[PCSCF_UES];

struct pcscf_ue *
pcscf_ue_get(const char *ip, unsigned port, const char *impi, int create)
{
	struct pcscf_ue *u, *old = NULL;
	time_t now = time(NULL);
	size_t i;

	for (i = 0; i < PCSCF_UES; i++) {
		u = &ues[i];
		if (u->ip[0] != '\0' && u->port == port &&
		    strcmp(u->ip, ip) == 0 && strcmp(u->impi, impi) == 0)
			return u;
	}
	if (!create)
		return NULL;
	for (i = 0; i < PCSCF_UES; i++) {
		u = &ues[i];
		if (u->ip[0] == '\0' || (u->expires < now && !u->has_keys))
			break;
		if (old == NULL || u->expires < old->expires)
			old = u;
	}
	if (i == PCSCF_UES)
		u = old;
	secure_wipe(u, sizeof(*u));
	(void)snprintf(u->ip, sizeof(u->ip), "%s", ip);
	u->port = port;
	(void)snprintf(u->impi, sizeof(u->impi), "%s", impi);
	return u;
}

struct pcscf_ue *
pcscf_ue_registered(const char *ip, unsigned port)
{
	time_t now = time(NULL);
	size_t i;

	for (i = 0; i < PCSCF_UES; i++)
		if (ues[i].registered && ues[i].expires > now &&
		    ues[i].port == port && strcmp(ues[i].ip, ip) == 0)
			return &ues[i];
	return NULL;
}

void
pcscf_ue_forget(struct pcscf_ue *u)
{
	secure_wipe(u, sizeof(*u));
}
