/* gm_sa.h - the set of ESP SAs and policies that protects Gm between a UE
 * and its P-CSCF (TS 33.203 clause 7.1), built from the negotiated
 * sec-agree parameters (Annex H, RFC 3329) and installed, re-timed and
 * removed through common/ipsec/xfrm.
 *
 * Used by the P-CSCF (pcscf/pcscf_gm.c) and ims-ue (tools/ims-ue).
 *
 * TS 33.203 7.1: each side has a protected client and a protected server
 * port (port_uc/port_us at the UE, port_pc/port_ps at the P-CSCF) and picks
 * the SPIs of the SAs it receives on (Annex H: spi-c / spi-s are "the SPI
 * number of the inbound SA at the protected client / server port").  One
 * SA pair joins the UE's client port to the P-CSCF's server port, the
 * other the P-CSCF's client port to the UE's server port.  The four
 * unidirectional SAs, the same at both ends, transport-mode ESP:
 *	UE:port_uc     -> P-CSCF:port_ps  spi_ps   requests from the UE
 *	P-CSCF:port_ps -> UE:port_uc      spi_uc   their responses
 *	P-CSCF:port_pc -> UE:port_us      spi_us   requests to the UE
 *	UE:port_us     -> P-CSCF:port_pc  spi_pc   their responses
 * Inbound at the P-CSCF are the spi_ps and spi_pc SAs, at the UE the
 * spi_uc and spi_us ones.  The same IK_ESP / CK_ESP (Annex I, ipsec3gpp)
 * key all four.
 *
 * Selectors.  The SAs are "shared by TCP and UDP" (TS 33.203, as worded
 * in M.6.2) and one SPI has one selector, so an SA's selector is the two
 * hosts and the two ports with protocol any (the kernel matches an SA's
 * selector on output and input: an SA for UDP refuses TCP).  The policies
 * that force the traffic into the SAs are per protocol: one for UDP and
 * one for TCP for each SA (8 per side), "in" for the inbound SAs and "out"
 * for the outbound ones, each with a template naming exactly its SA (SPI
 * and reqid; reqid = the SA's SPI).  Other protocols on these ports are
 * not drawn into the SAs.
 *
 * Order and failure: policies first, then SAs (traffic between the two
 * steps is dropped rather than sent in clear); removal the other way.  A
 * failure part-way undoes whatever this call installed (and, after
 * gm_sa_alloc_spis, the larval states) and returns the first error; the
 * set is then absent, never half there.
 *
 * Algorithms: any pair secagree_pair_ok() accepts.  An HMAC with null or
 * a CBC cipher gives SAs with an integrity and an encryption transform
 * (ESP-NULL for null); ealg aes-gcm (alg null) gives AEAD SAs,
 * rfc4106(gcm(aes)), and alg aes-gmac (ealg null) AEAD SAs that
 * authenticate only, rfc4543(gcm(aes)), the payload in clear; both with a
 * 128-bit ICV and key || salt from Annex I (ipsec3gpp_aead_key).
 *
 * Not handled here: UDP-encapsulated tunnel mode behind a NAT (Annex M),
 * the 7.4 hand-over from an old set to a new one (the caller's: two sets
 * coexist as long as their client ports differ).
 */
#ifndef IMS_GM_SA_H
#define IMS_GM_SA_H

#include <stdint.h>

#include "ipsec3gpp.h"
#include "secagree.h"
#include "xfrm.h"

#define GM_SA_NSA	4	/* SAs of one set */
#define GM_SA_NPOL	8	/* policies: UDP and TCP for each SA */
#define GM_SA_REPLAY	32	/* anti-replay window (RFC 4303 3.4.3) */

/* Default SPI range of gm_sa_alloc_spis (SPIs below 256 are reserved,
 * RFC 4303 2.1). */
#define GM_SA_SPI_MIN	0x00001000u
#define GM_SA_SPI_MAX	0x7fffffffu
/* A range this small is scanned value by value when the kernel's random
 * probe finds nothing (gm_sa_alloc_spis). */
#define GM_SA_SPI_SCAN	256u

/* Which end of Gm this host is. */
enum gm_sa_side {
	GM_SA_PCSCF,
	GM_SA_UE,
};

/* The negotiated parameters of one set (Security-Client / -Server, Annex
 * H) and the IMS AKA keys. */
struct gm_sa {
	enum gm_sa_side	side;
	struct xfrm_ip	ue, pcscf;		/* same family, different */
	uint16_t	port_uc, port_us;	/* UE: protected client, server */
	uint16_t	port_pc, port_ps;	/* P-CSCF: protected client, server */
	uint32_t	spi_uc, spi_us;		/* inbound at the UE */
	uint32_t	spi_pc, spi_ps;		/* inbound at the P-CSCF */
	enum secagree_alg alg;			/* integrity (null: aes-gcm) */
	enum secagree_ealg ealg;		/* confidentiality, null allowed */
	uint8_t		ck[IPSEC3GPP_CK_LEN];	/* CK_IM, IK_IM: wiped by */
	uint8_t		ik[IPSEC3GPP_IK_LEN];	/* gm_sa_install */
	uint32_t	lifetime;		/* seconds, > 0 */
	/* Set by gm_sa_alloc_spis: our inbound SPIs are larval states that
	 * gm_sa_install turns into the SAs (XFRM_MSG_UPDSA); cleared once
	 * gm_sa_install has used or removed them. */
	int		larval;
};

/* One SA of the set as this side installs it. */
struct gm_sa_entry {
	const char	*name;		/* "uc->ps", "ps->uc", "pc->us", "us->pc" */
	int		 dir;		/* IMS_XFRM_DIR_IN or _OUT here */
	struct xfrm_sa	 sa;		/* everything but the keys */
};

/* Everything one side installs: SAs in install order, then policies (two
 * per SA, same order, UDP then TCP). */
struct gm_sa_plan {
	struct gm_sa_entry	sa[GM_SA_NSA];
	struct xfrm_policy	pol[GM_SA_NPOL];
};

/* Pure: check *p and compute the set for p->side.  0 or -EINVAL (addresses
 * of different families or equal, a port 0, port_uc == port_us together
 * with port_pc == port_ps (two SAs with one selector), an SPI below 256,
 * spi_uc == spi_us or spi_pc == spi_ps (one receiver), an alg/ealg pair
 * secagree_pair_ok() refuses, lifetime 0). */
int	gm_sa_plan(const struct gm_sa *p, struct gm_sa_plan *out);

/* Reserve our two inbound SPIs in [min, max] (0, 0: GM_SA_SPI_MIN/MAX)
 * from the kernel (XFRM_MSG_ALLOCSPI, larval states that the kernel drops
 * after 30 s): spi_pc/spi_ps at the P-CSCF, spi_uc/spi_us at the UE, and
 * p->larval = 1.  p->side, ue and pcscf must be set.  On failure nothing
 * stays reserved and *p is unchanged. */
int	gm_sa_alloc_spis(struct xfrm_nl *h, struct gm_sa *p, uint32_t min,
	    uint32_t max);

/* Install the set with the owner marker of h (xfrm_set_owner): the 8
 * policies, then the 4 SAs with a hard lifetime of p->lifetime seconds.
 * p->ck and p->ik are wiped on return, success or not, and the expanded
 * keys never leave the stack.  0 or the first negative errno (-EEXIST:
 * one of them is there already); on error nothing of the set is left, the
 * larval states included (but -EINVAL from gm_sa_plan's checks touches
 * nothing: larval states then expire by themselves). */
int	gm_sa_install(struct xfrm_nl *h, struct gm_sa *p);

/* Remove the set: the SAs that bear our marker (a foreign SA at the same
 * SPI is left alone; with p->larval an unmarked inbound one is our larval
 * state and goes too), then the policies by selector.  What is already
 * gone is not an error.  Counts of what was removed go to the optional
 * nsa/npol.  0 or the first other error (the rest is still tried).  Needs
 * no keys. */
int	gm_sa_remove(struct xfrm_nl *h, const struct gm_sa *p, int *nsa,
	    int *npol);

/* Give the four SAs a new hard lifetime: they expire `seconds` from now
 * (TS 33.203 7.4: from the short pending lifetime to the registration's).
 * Each SA must be there (else the kernel's -ESRCH) and ours (else -EPERM),
 * checked with XFRM_MSG_GETSA first.  The kernel's XFRM_MSG_UPDSA on an
 * installed SA takes over the lifetime (and the marker) but not the keys
 * (xfrm_state_update); the keys such a request must carry are random
 * placeholders, so the caller needs no CK/IK.  0 or the first negative
 * errno (the SAs before the failing one have their new lifetime). */
int	gm_sa_set_lifetime(struct xfrm_nl *h, const struct gm_sa *p,
	    uint32_t seconds);

/* For tests: the xfrm calls this module makes (NULL: the real ones).
 * Not thread-safe; a daemon never calls it. */
struct gm_sa_ops {
	int	(*sa_add)(struct xfrm_nl *, struct xfrm_sa *);
	int	(*sa_update)(struct xfrm_nl *, struct xfrm_sa *);
	int	(*sa_del)(struct xfrm_nl *, const struct xfrm_ip *, uint32_t);
	int	(*sa_get)(struct xfrm_nl *, const struct xfrm_ip *, uint32_t,
		    struct xfrm_sa_info *);
	int	(*policy_add)(struct xfrm_nl *, struct xfrm_policy *);
	int	(*policy_del)(struct xfrm_nl *, const struct xfrm_policy *);
	int	(*spi_alloc)(struct xfrm_nl *, const struct xfrm_ip *,
		    const struct xfrm_ip *, uint32_t, uint32_t, uint32_t,
		    uint32_t *);
};
void	gm_sa_set_ops(const struct gm_sa_ops *ops);

#endif
