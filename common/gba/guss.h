/* guss.h - the GBA User Security Settings (GUSS) of TS 29.109 Annex A and
 * the User Security Settings (USS) in it: the XML the HSS sends over Zh
 * (GBA-UserSecSettings) and the BSF sends a USS of over Zn.
 *
 * A USS says which NAF group may use GBA for this subscriber and with
 * which public identities (uids).  Parsing is strict (unknown elements in
 * the GUSS namespace are skipped, oversized or malformed input is
 * refused); formatting escapes every text.
 */
#ifndef IMS_GUSS_H
#define IMS_GUSS_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define GUSS_MAX_USS	16
#define GUSS_MAX_UIDS	16
#define GUSS_MAX_FLAGS	8
#define GUSS_STR_MAX	256
#define GUSS_XML_MAX	65536

/* TS 29.109 Annex A (Rel-9 on): the namespace of the GUSS elements. */
#define GUSS_NS		"urn:3gpp:gba:GBAGUSSSchema-R9:2010-02"

struct gba_uss {
	char		 id[64];		/* uss id attribute */
	char		 type[64];		/* GAA service type / GSID */
	char		 naf_group[GUSS_STR_MAX]; /* "" : every NAF */
	char		 uids[GUSS_MAX_UIDS][GUSS_STR_MAX];
	size_t		 n_uids;
	uint32_t	 flags[GUSS_MAX_FLAGS];
	size_t		 n_flags;
};

struct gba_guss {
	int		 gba_u;			/* uiccType GBA_U, else GBA */
	uint32_t	 lifetime;		/* bsfInfo lifeTime, seconds; 0 none */
	struct gba_uss	 uss[GUSS_MAX_USS];
	size_t		 n_uss;
};

/* 0, -EINVAL (malformed, with the reason in why), -E2BIG (over a limit). */
int	guss_parse(const char *xml, size_t len, struct gba_guss *,
	    char *why, size_t whysize);
/* The whole GUSS document. */
int	guss_format(const struct gba_guss *, struct strbuf *);
/* A GUSS document holding only uss (what Zn carries for one NAF). */
int	guss_format_uss(const struct gba_uss *, struct strbuf *);
/* The USS that lets NAF group `group` use GBA: one whose naf_group equals
 * it, else one with an empty naf_group; NULL when none (the NAF is not
 * authorised, TS 29.109 6.2.x DIAMETER_ERROR_NOT_AUTHORIZED). */
const struct gba_uss *guss_uss_for(const struct gba_guss *,
	    const char *group);

#endif
