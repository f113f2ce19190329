/* scscf_select.c - choosing an S-CSCF from the HSS's answer (TS 29.228
 * 6.7 Server-Capabilities, TS 24.229 5.3.1.2 step 2), spreading new users
 * and passing over S-CSCFs that failed (scscf_select.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

int
scscf_uri_host(const char *uri, char *host, size_t size, const char **rest)
{
	const char *h, *end;
	uint8_t a[16];
	char v6[64];
	size_t n;

	if (strncasecmp(uri, "sip:", 4) == 0)
		h = uri + 4;
	else if (strncasecmp(uri, "sips:", 5) == 0)
		h = uri + 5;
	else
		return -EINVAL;
	if (strchr(h, '@') != NULL)
		return -EINVAL;
	if (*h == '[') {
		if ((end = strchr(h, ']')) == NULL)
			return -EINVAL;
		end++;
	} else
		end = h + strcspn(h, ":;?");
	if ((n = (size_t)(end - h)) == 0 || n >= size)
		return -EINVAL;
	memcpy(host, h, n);
	host[n] = '\0';
	*rest = end;
	if (host[0] == '[') {
		if (n - 2 >= sizeof(v6))
			return -EINVAL;
		memcpy(v6, host + 1, n - 2);
		v6[n - 2] = '\0';
		return inet_pton(AF_INET6, v6, a) == 1 ? 1 : -EINVAL;
	}
	return inet_pton(AF_INET, host, a) == 1;
}

void
scscf_set(struct scscf_state *s, const struct scscf_entry *list, unsigned n)
{
	uint64_t chosen[SCSCF_CAND_MAX];
	unsigned i, j;

	if (n > SCSCF_CAND_MAX)
		n = SCSCF_CAND_MAX;
	for (i = 0; i < n; i++) {
		chosen[i] = 0;
		for (j = 0; j < s->n; j++)
			if (strcasecmp(s->cand[j].uri, list[i].uri) == 0) {
				chosen[i] = s->chosen[j];
				break;
			}
	}
	if (n > 0)
		memmove(s->cand, list, n * sizeof(*list));
	memcpy(s->chosen, chosen, n * sizeof(*chosen));
	s->n = n;
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

/* The capability score of e: -1 when a mandatory one is missing. */
static int
score(const struct scscf_entry *e, const struct cx_answer *a)
{
	unsigned j;
	int sc = 0;

	for (j = 0; j < a->n_mandatory; j++)
		if (!has_cap(e, a->mandatory[j]))
			return -1;
	for (j = 0; j < a->n_optional; j++)
		sc += has_cap(e, a->optional[j]);
	return sc;
}

/* The best candidate, held-down ones included or not: its index, or -1. */
static int
best(const struct scscf_state *s, const struct cx_answer *a,
    const char *exclude, int64_t now, int held)
{
	int i, b = -1, sc, bsc = -1;

	for (i = 0; i < (int)s->n; i++) {
		const struct scscf_entry *e = &s->cand[i];

		if ((exclude != NULL && strcasecmp(e->uri, exclude) == 0) ||
		    (!held && scscf_is_failed(s, e->uri, now)) ||
		    (sc = score(e, a)) < 0)
			continue;
		if (b < 0 || sc > bsc || (sc == bsc &&
		    s->chosen[i] < s->chosen[b])) {
			b = i;
			bsc = sc;
		}
	}
	return b;
}

const char *
scscf_pick(struct scscf_state *s, const struct cx_answer *a,
    const char *exclude, int64_t now_ms)
{
	int i;

	if ((i = best(s, a, exclude, now_ms, 0)) < 0 &&
	    (i = best(s, a, exclude, now_ms, 1)) < 0)
		return NULL;
	s->chosen[i] = ++s->seq;
	return s->cand[i].uri;
}

void
scscf_mark_failed(struct scscf_state *s, const char *uri, int64_t until_ms)
{
	unsigned i, slot = 0;

	for (i = 0; i < SCSCF_FAILED_MAX; i++) {
		if (strcasecmp(s->failed[i].uri, uri) == 0) {
			slot = i;
			break;
		}
		if (s->failed[i].until_ms < s->failed[slot].until_ms)
			slot = i;
	}
	(void)snprintf(s->failed[slot].uri, sizeof(s->failed[slot].uri),
	    "%s", uri);
	s->failed[slot].until_ms = until_ms;
}

void
scscf_clear_failed(struct scscf_state *s, const char *uri)
{
	unsigned i;

	for (i = 0; i < SCSCF_FAILED_MAX; i++)
		if (strcasecmp(s->failed[i].uri, uri) == 0) {
			s->failed[i].uri[0] = '\0';
			s->failed[i].until_ms = 0;
		}
}

int
scscf_is_failed(const struct scscf_state *s, const char *uri, int64_t now_ms)
{
	unsigned i;

	for (i = 0; i < SCSCF_FAILED_MAX; i++)
		if (s->failed[i].uri[0] != '\0' &&
		    strcasecmp(s->failed[i].uri, uri) == 0)
			return s->failed[i].until_ms > now_ms;
	return 0;
}

const char *
scscf_sticky_get(const struct scscf_state *s, const char *impu,
    int64_t now_ms)
{
	unsigned i;

	for (i = 0; i < SCSCF_STICKY_MAX; i++)
		if (s->sticky[i].until_ms > now_ms &&
		    strcmp(s->sticky[i].impu, impu) == 0)
			return s->sticky[i].uri;
	return NULL;
}

void
scscf_sticky_set(struct scscf_state *s, const char *impu, const char *uri,
    int64_t until_ms)
{
	unsigned i, slot = 0;

	for (i = 0; i < SCSCF_STICKY_MAX; i++) {
		if (strcmp(s->sticky[i].impu, impu) == 0) {
			slot = i;
			break;
		}
		if (s->sticky[i].until_ms < s->sticky[slot].until_ms)
			slot = i;
	}
	(void)snprintf(s->sticky[slot].impu, sizeof(s->sticky[slot].impu),
	    "%s", impu);
	(void)snprintf(s->sticky[slot].uri, sizeof(s->sticky[slot].uri), "%s",
	    uri);
	s->sticky[slot].until_ms = until_ms;
}
