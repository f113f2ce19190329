/* hss_xml.c - User-Data: the IMSSubscription XML of TS 29.228 Annex D/E.
 *
 * One ServiceProfile per service profile used by the implicit registration
 * set, each with its PublicIdentity elements and the profile's
 * InitialFilterCriteria text (stored as given by the operator).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hss.h"
#include "log.h"

#define IRS_MAX	32

struct irs {
	struct hss_impu	 u[IRS_MAX];
	size_t		 n;
};

static int
irs_add(void *arg, const struct hss_impu *u)
{
	struct irs *s = arg;

	if (s->n == IRS_MAX)
		return -E2BIG;
	s->u[s->n++] = *u;
	return 0;
}

/* XML character data (XML 1.0 2.4). */
static void
xml_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static int
profile_emit(struct hss_db *db, FILE *f, const struct irs *s, size_t first)
{
	const char *pid = s->u[first].profile;
	char *ifc = NULL;
	size_t i;
	int rc;

	fputs("<ServiceProfile>", f);
	for (i = first; i < s->n; i++) {
		if (strcmp(s->u[i].profile, pid) != 0)
			continue;
		fputs("<PublicIdentity>", f);
		if (s->u[i].barred)
			fputs("<BarringIndication>1</BarringIndication>", f);
		fputs("<Identity>", f);
		xml_text(f, s->u[i].impu);
		fputs("</Identity></PublicIdentity>", f);
	}
	if (pid[0] != '\0') {
		rc = hss_db_profile_get(db, pid, &ifc);
		if (rc < 0 && rc != -ENOENT)
			return rc;
		if (ifc != NULL)
			fputs(ifc, f);
		free(ifc);
	}
	fputs("</ServiceProfile>", f);
	return 0;
}

int
hss_user_data(struct hss_db *db, const struct hss_impu *u, char **xml,
    size_t *len)
{
	struct irs *s;
	FILE *f;
	size_t i, j;
	int rc;

	IMS_CHECK_PARAMS(db != NULL && u != NULL && xml != NULL && len != NULL);
	IMS_CHECK_MALLOC(s = calloc(1, sizeof(*s)));
	if ((rc = hss_db_impu_foreach(db, u->impi, u->irs, irs_add, s)) < 0) {
		free(s);
		return rc;
	}
	*xml = NULL;
	if ((f = open_memstream(xml, len)) == NULL) {
		free(s);
		return -ENOMEM;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<IMSSubscription xmlns:xsi="
	    "\"http://www.w3.org/2001/XMLSchema-instance\""
	    " xsi:noNamespaceSchemaLocation=\"CxDataType.xsd\"><PrivateID>",
	    f);
	xml_text(f, u->impi);
	fputs("</PrivateID>", f);
	for (i = 0; i < s->n && rc == 0; i++) {
		/* Emit each distinct profile once, at its first identity. */
		for (j = 0; j < i; j++)
			if (strcmp(s->u[j].profile, s->u[i].profile) == 0)
				break;
		if (j == i)
			rc = profile_emit(db, f, s, i);
	}
	fputs("</IMSSubscription>", f);
	free(s);
	if (fclose(f) != 0 && rc == 0)
		rc = -ENOMEM;
	if (rc < 0) {
		free(*xml);
		*xml = NULL;
	}
	return rc;
}
