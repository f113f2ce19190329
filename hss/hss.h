/* hss.h - the HSS daemon's modules: Cx and Zh handlers and User-Data
 * (what the handlers share with each other: hss_dia.h). */
#ifndef HSS_H
#define HSS_H

#include "hss_db.h"

/* hss_cx.c: registers the UAR, SAR, LIR and MAR handlers (TS 29.228 6). */
int	hss_cx_init(struct hss_db *);
/* Mandatory and optional S-CSCF capabilities (TS 29.229 6.3.3-6.3.5) put
 * in Server-Capabilities; none: the AVP is left out. */
#define HSS_MAX_CAPS	8
int	hss_cx_set_capabilities(const uint32_t *mand, size_t nmand,
	    const uint32_t *opt, size_t nopt);

/* hss_scscf.c: the S-CSCFs allowed in SAR and MAR (the scscf key): each
 * value "SIPURI@DIAMETER-IDENTITY", the Server-Name and the peer that may
 * use it, or "SCHEME:*[:PORT]@IDENTITY-OR-PATTERN", a Server-Name whose
 * host is the sending peer's own address.  hss_scscf_parse splits one
 * (-EINVAL when malformed).  hss_scscf_refused: NULL when the Diameter
 * peer origin may use Server-Name server, else the reason. */
#define HSS_MAX_SCSCF	16
int	hss_scscf_parse(const char *v, char *name, size_t nsize, char *host,
	    size_t hsize);
int	hss_cx_set_scscfs(const char *const *v, size_t n);
const char *hss_scscf_refused(const char *origin, const char *server);

/* hss_zh.c: registers the Zh MAR handler (TS 29.109 5, TS 33.220 4.5.2).
 * hss_zh_set_bsfs: the Diameter identities that may send it (the bsf
 * key); none: every peer of diameter.accept. */
#define HSS_MAX_BSF	16
int	hss_zh_init(struct hss_db *);
int	hss_zh_set_bsfs(const char *const *v, size_t n);

/* hss_rtr.c: the thread sending the RTRs and PPRs queued by hss-ctl
 * deregister and set-ifc to the S-CSCFs this hss has a Cx connection to;
 * one queued expiry seconds ago is dropped (no hss could send it). */
int	hss_rtr_start(struct hss_db *, unsigned expiry);
void	hss_rtr_stop(void);

/* hss_xml.c: the User-Data AVP, an IMSSubscription document (TS 29.228
 * Annex D/E) for the implicit registration set of u.  *xml is malloc'd. */
int	hss_user_data(struct hss_db *, const struct hss_impu *u, char **xml,
	    size_t *len);

#endif
