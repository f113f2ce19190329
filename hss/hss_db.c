/* hss_db.c - the store's one API: the backend chosen by the db value (a
 * path: SQLite; postgresql:// or postgres://: PostgreSQL), the checks of
 * every call's parameters, then the backend's operation (hss_db_int.h);
 * and the pure parts both backends use (SQN series, GUSS lists).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aka.h"
#include "check.h"
#include "hss_db.h"
#include "hss_db_int.h"

int
hss_db_is_url(const char *db)
{
	return db != NULL && (strncmp(db, "postgresql://", 13) == 0 ||
	    strncmp(db, "postgres://", 11) == 0);
}

void
hss_db_display(const char *db, char *buf, size_t size)
{
	const char *p, *at, *colon, *pw, *end;
	size_t len;

	if (size == 0)
		return;
	(void)snprintf(buf, size, "%s", db ? db : "");
	if (!hss_db_is_url(db))
		return;
	/* scheme://user:PASSWORD@host... */
	p = strstr(db, "://") + 3;
	at = strchr(p, '@');
	colon = strchr(p, ':');
	end = p + strcspn(p, "/?");
	if (at != NULL && at < end && colon != NULL && colon < at) {
		len = (size_t)(colon - db) + 1;
		(void)snprintf(buf, size, "%.*s***%s", (int)len, db, at);
	}
	/* ...?password=SECRET&... */
	if ((pw = strstr(buf, "password=")) != NULL) {
		len = (size_t)(pw - buf) + 9;
		if (len + 4 <= size) {
			end = strchr(pw, '&');
			memmove(buf + len + 3, end ? end : "", end ?
			    strlen(end) + 1 : 1);
			memcpy(buf + len, "***", 3);
		}
	}
}

int
hss_db_open(const char *db, struct hss_db **out)
{
	IMS_CHECK_PARAMS(db != NULL && db[0] != '\0' && out != NULL);
	if (hss_db_is_url(db))
		return hdb_pg_open(db, out);
	return hdb_sqlite_open(db, out);
}

int
hss_db_background(struct hss_db *h)
{
	IMS_CHECK_PARAMS(h != NULL);
	return h->ops->background != NULL ? h->ops->background(h) : 0;
}

void
hss_db_close(struct hss_db *h)
{
	if (h != NULL)
		h->ops->close(h);
}

const char *
hss_db_backend(const struct hss_db *h)
{
	return h != NULL ? h->ops->name : "";
}

int
hss_db_sub_get(struct hss_db *h, const char *impi, struct hss_sub *s)
{
	IMS_CHECK_PARAMS(h != NULL && impi != NULL && s != NULL);
	return h->ops->sub_get(h, impi, s);
}

int
hss_db_impu_get(struct hss_db *h, const char *impu, struct hss_impu *u)
{
	IMS_CHECK_PARAMS(h != NULL && impu != NULL && u != NULL);
	return h->ops->impu_get(h, impu, u);
}

int
hss_db_sqn_commit(struct hss_db *h, const char *impi, unsigned n,
    const uint64_t *sqn_ms, struct hss_sub *s, uint64_t *sqns)
{
	IMS_CHECK_PARAMS(h != NULL && impi != NULL && s != NULL && sqns != NULL);
	IMS_CHECK_PARAMS(n >= 1 && n <= HSS_SQN_BATCH);
	IMS_CHECK_PARAMS(sqn_ms == NULL || *sqn_ms <= AKA_SQN_MAX);
	return h->ops->sqn_commit(h, impi, n, sqn_ms, s, sqns);
}

int
hss_db_assign(struct hss_db *h, const char *impu, enum hss_reg_state state,
    const char *scscf, const char *host, const char *realm)
{
	IMS_CHECK_PARAMS(h != NULL && impu != NULL &&
	    (host == NULL) == (realm == NULL));
	return h->ops->assign(h, impu, state, scscf, host, realm);
}

int
hss_db_deregister(struct hss_db *h, const char *impu, uint32_t reason,
    struct hss_impu *u, int *queued)
{
	IMS_CHECK_PARAMS(h != NULL && impu != NULL && u != NULL &&
	    queued != NULL);
	*queued = 0;
	return h->ops->deregister(h, impu, reason, u, queued);
}

int
hss_db_profile_update(struct hss_db *h, const char *impi, const char *xml,
    int *queued)
{
	IMS_CHECK_PARAMS(h != NULL && impi != NULL && xml != NULL &&
	    queued != NULL);
	*queued = 0;
	return h->ops->profile_update(h, impi, xml, queued);
}

int
hss_db_push_take(struct hss_db *h, const char *hosts, int64_t expire,
    struct hss_push *out, size_t max, size_t *n)
{
	char *norm = NULL;
	int rc;

	IMS_CHECK_PARAMS(h != NULL && out != NULL && n != NULL && max > 0 &&
	    max <= 1024);
	*n = 0;
	if (hosts != NULL)
		IMS_CHECK_RC(hdb_hosts_norm(hosts, &norm));
	rc = h->ops->push_take(h, norm, expire, out, max, n);
	free(norm);
	if (rc < 0)
		*n = 0;
	return rc;
}

int
hss_db_sub_add(struct hss_db *h, const struct hss_sub *s,
    const char *const *impus, size_t nimpus, const char *ifc_xml)
{
	IMS_CHECK_PARAMS(h != NULL && s != NULL && impus != NULL && nimpus > 0);
	IMS_CHECK_PARAMS(s->sqn <= AKA_SQN_MAX && s->ind_bits <= 5);
	return h->ops->sub_add(h, s, impus, nimpus, ifc_xml);
}

int
hss_db_sub_del(struct hss_db *h, const char *impi)
{
	IMS_CHECK_PARAMS(h != NULL && impi != NULL);
	return h->ops->sub_del(h, impi);
}

int
hss_db_sqn_set(struct hss_db *h, const char *impi, uint64_t sqn)
{
	IMS_CHECK_PARAMS(h != NULL && impi != NULL && sqn <= AKA_SQN_MAX);
	return h->ops->sqn_set(h, impi, sqn);
}

int
hss_db_profile_set(struct hss_db *h, const char *id, const char *xml)
{
	IMS_CHECK_PARAMS(h != NULL && id != NULL && xml != NULL);
	return h->ops->profile_set(h, id, xml);
}

int
hss_db_sub_foreach(struct hss_db *h, int (*fn)(void *, const char *),
    void *arg)
{
	IMS_CHECK_PARAMS(h != NULL && fn != NULL);
	return h->ops->sub_foreach(h, fn, arg);
}

int
hss_db_impu_foreach(struct hss_db *h, const char *impi, int irs,
    int (*fn)(void *, const struct hss_impu *), void *arg)
{
	IMS_CHECK_PARAMS(h != NULL && impi != NULL && fn != NULL);
	return h->ops->impu_foreach(h, impi, irs, fn, arg);
}

int
hss_db_profile_get(struct hss_db *h, const char *id, char **xml)
{
	IMS_CHECK_PARAMS(h != NULL && id != NULL && xml != NULL);
	return h->ops->profile_get(h, id, xml);
}

int
hss_db_gba_set(struct hss_db *h, const char *impi, const struct hss_gba *g)
{
	IMS_CHECK_PARAMS(h != NULL && impi != NULL && g != NULL &&
	    g->guss.n_uss <= GUSS_MAX_USS);
	return h->ops->gba_set(h, impi, g);
}

int
hss_db_gba_unset(struct hss_db *h, const char *impi)
{
	IMS_CHECK_PARAMS(h != NULL && impi != NULL);
	return h->ops->gba_unset(h, impi);
}

int
hss_db_gba_get(struct hss_db *h, const char *impi, struct hss_gba *g)
{
	IMS_CHECK_PARAMS(h != NULL && impi != NULL && g != NULL);
	memset(g, 0, sizeof(*g));
	return h->ops->gba_get(h, impi, g);
}

/* ---- pure parts ---- */

/*
 * TS 33.102 Annex C.1.1.2 / C.3.2: SQN_HE advances by aka_sqn_next for
 * every vector.  On resynchronisation (6.3.5) the HE may reset SQN_HE to
 * SQN_MS; we continue after the larger of the two so that no SQN is ever
 * handed out twice, which a USIM accepts unless SEQ_HE - SEQ_MS exceeds
 * its delta (C.2.1).
 */
int
hdb_sqn_plan(uint64_t sqn, unsigned ind_bits, const uint64_t *sqn_ms,
    unsigned n, uint64_t *sqns, uint64_t *next)
{
	uint64_t base = sqn;
	unsigned i;

	IMS_CHECK_PARAMS(n >= 1 && n <= HSS_SQN_BATCH && ind_bits <= 5);
	if (sqn_ms != NULL && (*sqn_ms >> ind_bits) >= (base >> ind_bits))
		base = *sqn_ms;
	for (i = 0; i < n; i++) {
		IMS_CHECK_RC(aka_sqn_next(base, ind_bits, &sqns[i]));
		base = sqns[i];
	}
	*next = base;
	return 0;
}

/* SEQ steps by one and IND cyclically (aka_sqn_next), so the series ending
 * at next is found backwards; checked forwards with aka_sqn_next. */
int
hdb_sqn_series(uint64_t next, unsigned ind_bits, unsigned n, uint64_t *sqns)
{
	uint64_t mask = (1ULL << ind_bits) - 1, seq = next >> ind_bits, k, s;
	unsigned i;

	IMS_CHECK_PARAMS(n >= 1 && n <= HSS_SQN_BATCH && ind_bits <= 5 &&
	    next <= AKA_SQN_MAX && seq >= n);
	for (i = 0; i < n; i++) {
		k = n - 1 - i;
		sqns[i] = (seq - k) << ind_bits | (((next & mask) - k) & mask);
	}
	for (i = 0; i + 1 < n; i++)
		if (aka_sqn_next(sqns[i], ind_bits, &s) < 0 || s != sqns[i + 1])
			return -EBADMSG;
	return 0;
}

int
hdb_uss_format(const struct gba_uss *u, int all, char *uids, char *flags)
{
	size_t i, len = 0, l;

	uids[0] = flags[0] = '\0';
	for (i = 0; !all && i < u->n_uids; i++) {
		l = strlen(u->uids[i]);
		if (strchr(u->uids[i], '\n') != NULL ||
		    len + l + 2 > HDB_UIDS_MAX)
			return -EINVAL;
		if (i > 0)
			uids[len++] = '\n';
		memcpy(uids + len, u->uids[i], l + 1);
		len += l;
	}
	for (i = 0, len = 0; i < u->n_flags && i < GUSS_MAX_FLAGS; i++)
		len += (size_t)snprintf(flags + len, HDB_FLAGS_MAX - len,
		    "%s%u", i ? "," : "", u->flags[i]);
	return 0;
}

int
hdb_uss_parse(const char *id, const char *type, const char *naf_group,
    const char *uids, const char *flags, struct gba_uss *u)
{
	const char *s, *e;
	char *end;
	unsigned long v;
	size_t l;

	memset(u, 0, sizeof(*u));
	(void)snprintf(u->id, sizeof(u->id), "%s", id ? id : "");
	(void)snprintf(u->type, sizeof(u->type), "%s", type ? type : "");
	(void)snprintf(u->naf_group, sizeof(u->naf_group), "%s",
	    naf_group ? naf_group : "");
	for (s = uids; s != NULL && *s != '\0'; s = e ? e + 1 : NULL) {
		e = strchr(s, '\n');
		l = e ? (size_t)(e - s) : strlen(s);
		if (u->n_uids == GUSS_MAX_UIDS || l >= GUSS_STR_MAX)
			return -EBADMSG;
		(void)snprintf(u->uids[u->n_uids++], GUSS_STR_MAX, "%.*s",
		    (int)l, s);
	}
	for (s = flags; s != NULL && *s != '\0'; ) {
		v = strtoul(s, &end, 10);
		if (end == s || u->n_flags == GUSS_MAX_FLAGS || v > UINT32_MAX)
			return -EBADMSG;
		u->flags[u->n_flags++] = (uint32_t)v;
		s = *end == ',' ? end + 1 : end;
	}
	return 0;
}

int
hdb_hosts_norm(const char *hosts, char **out)
{
	size_t i, len = strlen(hosts);
	char *s;

	IMS_CHECK_MALLOC(s = malloc(len + 3));
	s[0] = '\n';
	for (i = 0; i < len; i++)
		s[i + 1] = (char)tolower((unsigned char)hosts[i]);
	s[len + 1] = '\n';
	s[len + 2] = '\0';
	*out = s;
	return 0;
}
