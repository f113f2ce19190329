/* hss.h - the HSS daemon's modules: Cx handlers and User-Data. */
#ifndef HSS_H
#define HSS_H

#include "hss_db.h"

/* hss_cx.c: registers the UAR, SAR, LIR and MAR handlers (TS 29.228 6). */
int	hss_cx_init(struct hss_db *);

/* hss_rtr.c: the thread sending RTRs queued by hss-ctl deregister. */
int	hss_rtr_start(struct hss_db *);
void	hss_rtr_stop(void);

/* hss_xml.c: the User-Data AVP, an IMSSubscription document (TS 29.228
 * Annex D/E) for the implicit registration set of u.  *xml is malloc'd. */
int	hss_user_data(struct hss_db *, const struct hss_impu *u, char **xml,
	    size_t *len);

#endif
