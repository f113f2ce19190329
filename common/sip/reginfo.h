/* reginfo.h - the registration information document of the reg event
 * package (RFC 3680 5.3, "application/reginfo+xml"; TS 24.229 7.2A.3 is
 * silent on its form): read by the P-CSCF, written by the S-CSCF.
 *
 * The reader is a small, bounded scanner for the elements the CSCFs act
 * on (reginfo, registration, contact, uri), not a general XML parser:
 * no DTD (a DOCTYPE or CDATA section is refused, so no entity expansion),
 * the five predefined entities and ASCII character references only,
 * every value bounded (too long, too many or too deep: refused, never
 * cut).  Element names are taken without their namespace prefix; other
 * elements are skipped (their nesting still checked).
 */
#ifndef IMS_REGINFO_H
#define IMS_REGINFO_H

#include <stddef.h>

#define REGINFO_URI_MAX		512
#define REGINFO_ID_MAX		64
#define REGINFO_EVENT_MAX	24
#define REGINFO_REGS_MAX	8	/* registration elements */
#define REGINFO_CONTACTS_MAX	16	/* contact elements per registration */
#define REGINFO_DEPTH_MAX	16

/* The state attribute of registration (init, active, terminated) and
 * contact (active, terminated) elements. */
enum reginfo_state {
	REGINFO_OTHER,		/* absent or another value */
	REGINFO_INIT,
	REGINFO_ACTIVE,
	REGINFO_TERMINATED,
};

struct reginfo_contact {
	enum reginfo_state state;
	char	 id[REGINFO_ID_MAX];
	/* registered, created, refreshed, shortened, expired, deactivated,
	 * probation, unregistered, rejected (RFC 3680 5.1). */
	char	 event[REGINFO_EVENT_MAX];
	char	 uri[REGINFO_URI_MAX];
	unsigned long expires;	/* 0: absent */
};

struct reginfo_reg {
	enum reginfo_state state;
	char	 aor[REGINFO_URI_MAX];
	char	 id[REGINFO_ID_MAX];
	struct reginfo_contact contact[REGINFO_CONTACTS_MAX];
	size_t	 ncontacts;
};

struct reginfo {
	unsigned long version;
	int	 full;		/* state="full" (else "partial") */
	struct reginfo_reg reg[REGINFO_REGS_MAX];
	size_t	 nregs;
};

/* Read len bytes (no NUL needed; a NUL inside is refused).  0; -EINVAL
 * malformed (bad nesting, unknown entity, DOCTYPE, no reginfo root, a
 * registration without aor or state, a contact without state); -E2BIG
 * beyond a bound above.  *ri is zeroed first. */
int	reginfo_parse(const char *buf, size_t len, struct reginfo *ri);
/* The document (RFC 3680 5.3), values escaped.  The length, or -ENOSPC. */
int	reginfo_format(const struct reginfo *ri, char *out, size_t size);
/* "init", "active", "terminated" (REGINFO_OTHER: "active"). */
const char *reginfo_state_name(enum reginfo_state);
/* The registration whose aor is aor, or NULL. */
const struct reginfo_reg *reginfo_find(const struct reginfo *ri,
	    const char *aor);

#endif
