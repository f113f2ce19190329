/* scscf_select.c - choosing an S-CSCF from the HSS's answer (TS 29.228
 * 6.7 Server-Capabilities, TS 24.229 5.3.1.2 step 2). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "scscf_select.h"

int
scscf_entry_parse(const char *arg, struct scscf_entry *e)
{
	const char *eq = strchr(arg, '=');
	const char *p;
	char *end;
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	unsigned long v;

	memset(e, 0, sizeof(*e));
	if (len == 0 || len >= sizeof(e->uri) || strncmp(arg, "sip:", 4) != 0)
		return -EINVAL;
	memcpy(e->uri, arg, len);
	e->uri[len] = '\0';
	for (p = eq ? eq + 1 : NULL; p != NULL && *p != '\0'; ) {
		v = strtoul(p, &end, 10);
		if (end == p || (*end != ',' && *end != '\0') ||
		    v > UINT32_MAX || e->ncaps == ICSCF_MAX_CAPS)
			return -EINVAL;
		e->caps[e->ncaps++] = (uint32_t)v;
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static int
has_cap(const struct scscf_entry *e, uint32_t c)
{
	unsigned i;

	for (i = 0; i < e->ncaps; i++)
		if (e->caps[i] == c)
			return 1;
	return 0;
}

const char *
scscf_select(const struct scscf_entry *list, unsigned n,
    const struct cx_answer *a)
{
	const struct scscf_entry *best = NULL;
	unsigned i, j, score, best_score = 0;

	if (a->server_name[0] != '\0')
		return a->server_name;
	for (i = 0; i < n; i++) {
		const struct scscf_entry *e = &list[i];

		for (j = 0; j < a->n_mandatory; j++)
			if (!has_cap(e, a->mandatory[j]))
				break;
		if (j < a->n_mandatory)
			continue;
		for (score = 0, j = 0; j < a->n_optional; j++)
			score += (unsigned)has_cap(e, a->optional[j]);
		if (best == NULL || score > best_score) {
			best = e;
			best_score = score;
		}
	}
	return best ? best->uri : NULL;
}
