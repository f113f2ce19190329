/* hss_guss.c - the GUSS of an IMPI (TS 33.220 4.2.1, TS 29.109 Annex A)
 * built from the store at the time of the request: what hss-ctl gba-set
 * stored, or the default (hss_db.h).  The uss that stand for "every
 * public identity" get the IMPI's identities as they are now.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hss_db.h"
#include "log.h"

struct uid_fill {
	struct gba_uss	*u;
	size_t		 skipped;
};

static int
uid_add(void *arg, const struct hss_impu *p)
{
	struct uid_fill *f = arg;

	if (p->barred)
		return 0;
	if (f->u->n_uids == GUSS_MAX_UIDS || strlen(p->impu) >= GUSS_STR_MAX) {
		f->skipped++;
		return 0;
	}
	(void)snprintf(f->u->uids[f->u->n_uids++], GUSS_STR_MAX, "%s",
	    p->impu);
	return 0;
}

int
hss_guss(struct hss_db *db, const char *impi, char **xml, size_t *len,
    int64_t *updated_at)
{
	struct hss_gba *g;
	struct uid_fill f;
	struct strbuf b;
	char *buf = NULL;
	size_t i;
	int rc;

	IMS_CHECK_PARAMS(db != NULL && impi != NULL && xml != NULL &&
	    len != NULL);
	IMS_CHECK_MALLOC(g = calloc(1, sizeof(*g)));
	if ((rc = hss_db_gba_get(db, impi, g)) < 0)
		goto out;
	if (!g->stored) {
		/* The default: GBA at every NAF with every identity. */
		g->guss.n_uss = 1;
		(void)snprintf(g->guss.uss[0].id, sizeof(g->guss.uss[0].id),
		    "1");
		(void)snprintf(g->guss.uss[0].type,
		    sizeof(g->guss.uss[0].type), "0");
		g->all_uids[0] = 1;
	}
	for (i = 0; i < g->guss.n_uss; i++) {
		if (!g->all_uids[i])
			continue;
		memset(&f, 0, sizeof(f));
		f.u = &g->guss.uss[i];
		f.u->n_uids = 0;
		if ((rc = hss_db_impu_foreach(db, impi, -1, uid_add, &f)) < 0)
			goto out;
		if (f.skipped > 0)
			log_warn("hss: GUSS of %s: %zu public identities left "
			    "out (at most %d a uss)", impi, f.skipped,
			    GUSS_MAX_UIDS);
	}
	if ((buf = malloc(GUSS_XML_MAX)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	strbuf_init(&b, buf, GUSS_XML_MAX);
	if ((rc = guss_format(&g->guss, &b)) < 0) {
		log_err("hss: cannot write the GUSS of %s: %s", impi,
		    strerror(-rc));
		goto out;
	}
	*xml = buf;
	*len = b.len;
	buf = NULL;
	if (updated_at != NULL)
		*updated_at = g->stored ? g->updated_at : 0;
out:
	free(buf);
	free(g);
	return rc;
}
