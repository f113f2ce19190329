/* hss_ctl_gba.c - hss-ctl's GBA commands: the User Security Settings of
 * an IMPI (TS 33.220 4.2.1, TS 29.109 Annex A) that the hss sends a BSF
 * over Zh.
 *
 *   gba-set --impi S [--uss ID:[NAFGROUP][:UID[,UID...]]]...
 *           [--flag ID:N]... [--lifetime SECONDS] [--uicc-type GBA|GBA_U]
 *       Replaces the settings.  Each --uss is one USS: its id, the NAF
 *       group it is for (empty: every NAF), and the public identities a
 *       NAF of that group may learn (none given: every public identity
 *       of the IMPI at the time of the request; "ID:GROUP:" with nothing
 *       after the colon: none).  --flag adds a flag to the USS ID.
 *       Without --uss: one USS, id 1, for every NAF, every identity.
 *   gba-none --impi S
 *       No USS at all: GBA is refused at every NAF.
 *   gba-default --impi S
 *       Removes what gba-set stored: the default applies again.
 *   gba-show --impi S
 *       The GUSS the hss would send now (one line of XML).
 *
 * Default, when nothing was set: one USS, id 1, type 0, no nafGroup
 * (every NAF), uids: every public identity of the IMPI that is not
 * barred, no flags, no lifeTime (the BSF's own key lifetime applies),
 * uiccType GBA.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hss_ctl.h"

static void
uss_parse(const char *v, struct hss_gba *g)
{
	const char *c1, *c2, *s, *e;
	struct gba_uss *u;
	size_t i, n = g->guss.n_uss;

	if (n == GUSS_MAX_USS)
		die(2, "gba-set: at most %d --uss", GUSS_MAX_USS);
	u = &g->guss.uss[n];
	if ((c1 = strchr(v, ':')) == NULL || c1 == v ||
	    (size_t)(c1 - v) >= sizeof(u->id))
		die(2, "gba-set: --uss ID:[NAFGROUP][:UID,...], not \"%s\"", v);
	(void)snprintf(u->id, sizeof(u->id), "%.*s", (int)(c1 - v), v);
	for (i = 0; i < n; i++)
		if (strcmp(g->guss.uss[i].id, u->id) == 0)
			die(2, "gba-set: two --uss with id %s", u->id);
	(void)snprintf(u->type, sizeof(u->type), "0");
	c2 = strchr(c1 + 1, ':');
	e = c2 ? c2 : c1 + 1 + strlen(c1 + 1);
	if ((size_t)(e - c1 - 1) >= sizeof(u->naf_group))
		die(2, "gba-set: NAF group too long");
	(void)snprintf(u->naf_group, sizeof(u->naf_group), "%.*s",
	    (int)(e - c1 - 1), c1 + 1);
	g->all_uids[n] = c2 == NULL;
	for (s = c2 ? c2 + 1 : NULL; s != NULL && *s != '\0'; ) {
		e = strchr(s, ',');
		i = e ? (size_t)(e - s) : strlen(s);
		if (i == 0 || i >= GUSS_STR_MAX || u->n_uids == GUSS_MAX_UIDS)
			die(2, "gba-set: --uss %s: bad uid list (at most %d, "
			    "each non-empty)", u->id, GUSS_MAX_UIDS);
		(void)snprintf(u->uids[u->n_uids++], GUSS_STR_MAX, "%.*s",
		    (int)i, s);
		s = e ? e + 1 : NULL;
	}
	for (s = v; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			die(2, "gba-set: control character in --uss");
	g->guss.n_uss++;
}

static void
flag_parse(const char *v, struct hss_gba *g)
{
	const char *c = strchr(v, ':');
	struct gba_uss *u = NULL;
	unsigned long f;
	char *end;
	size_t i;

	if (c != NULL)
		for (i = 0; i < g->guss.n_uss; i++)
			if (strlen(g->guss.uss[i].id) == (size_t)(c - v) &&
			    strncmp(g->guss.uss[i].id, v, (size_t)(c - v)) == 0)
				u = &g->guss.uss[i];
	if (u == NULL)
		die(2, "gba-set: --flag ID:N names the id of a --uss, not "
		    "\"%s\"", v);
	f = strtoul(c + 1, &end, 10);
	if (c[1] < '0' || c[1] > '9' || *end != '\0' || f > UINT32_MAX)
		die(2, "gba-set: --flag %s: N is an unsigned integer", v);
	if (u->n_flags == GUSS_MAX_FLAGS)
		die(2, "gba-set: at most %d flags a uss", GUSS_MAX_FLAGS);
	u->flags[u->n_flags++] = (uint32_t)f;
}

static int
gba_store(struct hss_db *db, const char *cmd, const char *impi,
    const struct hss_gba *g)
{
	int rc = hss_db_gba_set(db, impi, g);

	if (rc == -ENOENT)
		die(1, "%s: no such IMPI", cmd);
	if (rc < 0)
		die(1, "%s: %s", cmd, strerror(-rc));
	printf("impi=%s\nuss=%zu\n", impi, g->guss.n_uss);
	return 0;
}

int
cmd_gba_set(struct hss_db *db, int argc, char **argv)
{
	struct hss_gba *g;
	struct opts o;
	const char *v;
	unsigned long lt;
	char *end;
	size_t i;
	int rc;

	opts_parse_rep(&o, "gba-set", argc, argv, "impi uss flag lifetime "
	    "uicc-type", "uss flag");
	if ((g = calloc(1, sizeof(*g))) == NULL)
		die(1, "gba-set: out of memory");
	for (i = 0; (v = opts_get_nth(&o, "uss", i)) != NULL; i++)
		uss_parse(v, g);
	if (i == 0) {
		g->guss.n_uss = 1;
		(void)snprintf(g->guss.uss[0].id, sizeof(g->guss.uss[0].id),
		    "1");
		(void)snprintf(g->guss.uss[0].type,
		    sizeof(g->guss.uss[0].type), "0");
		g->all_uids[0] = 1;
	}
	for (i = 0; (v = opts_get_nth(&o, "flag", i)) != NULL; i++)
		flag_parse(v, g);
	if ((v = opts_get(&o, "lifetime")) != NULL) {
		lt = strtoul(v, &end, 10);
		if (*v < '0' || *v > '9' || *end != '\0' || lt > UINT32_MAX)
			die(2, "gba-set: --lifetime is seconds (0: the BSF's)");
		g->guss.lifetime = (uint32_t)lt;
	}
	if ((v = opts_get(&o, "uicc-type")) != NULL) {
		if (strcmp(v, "GBA_U") != 0 && strcmp(v, "GBA") != 0)
			die(2, "gba-set: --uicc-type GBA or GBA_U");
		g->guss.gba_u = strcmp(v, "GBA_U") == 0;
	}
	rc = gba_store(db, "gba-set", need_id(&o, "impi"), g);
	free(g);
	return rc;
}

int
cmd_gba_none(struct hss_db *db, int argc, char **argv)
{
	struct hss_gba *g;
	struct opts o;
	int rc;

	opts_parse(&o, "gba-none", argc, argv, "impi");
	if ((g = calloc(1, sizeof(*g))) == NULL)
		die(1, "gba-none: out of memory");
	rc = gba_store(db, "gba-none", need_id(&o, "impi"), g);
	free(g);
	return rc;
}

int
cmd_gba_default(struct hss_db *db, int argc, char **argv)
{
	struct opts o;
	int rc;

	opts_parse(&o, "gba-default", argc, argv, "impi");
	if ((rc = hss_db_gba_unset(db, need_id(&o, "impi"))) == -ENOENT)
		die(1, "gba-default: no such IMPI");
	if (rc < 0)
		die(1, "gba-default: %s", strerror(-rc));
	printf("impi=%s\ngba=default\n", need_id(&o, "impi"));
	return 0;
}

int
cmd_gba_show(struct hss_db *db, int argc, char **argv)
{
	struct opts o;
	char *xml;
	size_t len;
	int64_t updated;
	int rc;

	opts_parse(&o, "gba-show", argc, argv, "impi");
	rc = hss_guss(db, need_id(&o, "impi"), &xml, &len, &updated);
	if (rc == -ENOENT)
		die(1, "gba-show: no such IMPI");
	if (rc < 0)
		die(1, "gba-show: %s", strerror(-rc));
	printf("%.*s\n", (int)len, xml);
	free(xml);
	return 0;
}
