/* ue_ipsec.c - the UE's part of Gm security agreement: what it offers in
 * Security-Client, how it reads the P-CSCF's Security-Server (RFC 3329 2.2,
 * 2.3.1; TS 33.203 7.2 and Annex H; TS 24.229 5.1.1.2.2), and the state
 * file that keeps its SA sets between runs (TS 33.203 7.1, 7.4).
 *
 * State file: name=value lines, a set starting at each "set=N" line, no
 * key material (the keys are in the kernel only).  Replaced atomically
 * (temporary file, fsync, rename), mode 0600:
 *	set=0
 *	impi=alice@ims.example.org
 *	ue=10.77.0.100		pcscf=10.77.0.40
 *	port_uc= port_us= port_pc= port_ps=	(decimal)
 *	spi_uc= spi_us= spi_pc= spi_ps=		(decimal, as in the headers)
 *	alg=hmac-sha-1-96	ealg=aes-cbc	(secagree names)
 *	expires_at=UNIX-SECONDS	(the SAs' hard expiry)
 *	security_client=...	security_server=...	service_route=...
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "check.h"
#include "ipsec3gpp.h"
#include "log.h"
#include "ue.h"

#define NAME_SCAN	64	/* enum values tried for a secagree name */

/* The secagree enum whose wire name is `name`: whatever secagree knows
 * (TS 33.203 Annex H names), nothing hard-coded here; which pairs make
 * SAs is gm_sa's to say (pair_ok). */
static int
alg_by_name(const char *name, enum secagree_alg *out)
{
	const char *n;
	int i;

	for (i = 0; i < NAME_SCAN; i++) {
		n = secagree_alg_name((enum secagree_alg)i);
		if (n != NULL && strcasecmp(n, name) == 0) {
			*out = (enum secagree_alg)i;
			return 0;
		}
	}
	return -ENOENT;
}

static int
ealg_by_name(const char *name, enum secagree_ealg *out)
{
	const char *n;
	int i;

	for (i = 0; i < NAME_SCAN; i++) {
		n = secagree_ealg_name((enum secagree_ealg)i);
		if (n != NULL && strcasecmp(n, name) == 0) {
			*out = (enum secagree_ealg)i;
			return 0;
		}
	}
	return -ENOENT;
}

/* Can gm_sa install this pair (TS 33.203 Annex H: e.g. aes-gcm goes
 * with alg null only)?  Asked of gm_sa_plan with a dummy set. */
static int
pair_ok(enum secagree_alg alg, enum secagree_ealg ealg)
{
	struct gm_sa p;
	struct gm_sa_plan pl;

	memset(&p, 0, sizeof(p));
	p.side = GM_SA_UE;
	if (xfrm_ip_parse("192.0.2.1", &p.ue) < 0 ||
	    xfrm_ip_parse("192.0.2.2", &p.pcscf) < 0)
		return 0;
	p.port_uc = 1, p.port_us = 2, p.port_pc = 3, p.port_ps = 4;
	p.spi_uc = 256, p.spi_us = 257, p.spi_pc = 258, p.spi_ps = 259;
	p.alg = alg;
	p.ealg = ealg;
	p.lifetime = 1;
	return gm_sa_plan(&p, &pl) == 0;
}

/* Split a comma-separated list into at most max names. */
static int
split_list(const char *list, char names[][SECAGREE_MAX_NAME + 1], size_t max,
    size_t *n)
{
	const char *p = list, *e;
	size_t len;

	*n = 0;
	for (;;) {
		e = strchr(p, ',');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (len == 0 || len > SECAGREE_MAX_NAME || *n == max)
			return -EINVAL;
		memcpy(names[*n], p, len);
		names[(*n)++][len] = '\0';
		if (e == NULL)
			return 0;
		p = e + 1;
	}
}

/* TS 33.203 Annex H / RFC 3329 2.2: one ipsec-3gpp mechanism per
 * integrity x encryption pair the UE supports, in its order of
 * preference (alg outer, ealg inner); pairs that make no SA are left out,
 * and a name that pairs with nothing is an error. */
int
ue_ipsec_offer_parse(const char *algs, const char *ealgs,
    struct ue_ipsec_offer *o, char *why, size_t whysz)
{
	char a[SECAGREE_MAX_MECHS][SECAGREE_MAX_NAME + 1];
	char e[SECAGREE_MAX_MECHS][SECAGREE_MAX_NAME + 1];
	enum secagree_alg alg[SECAGREE_MAX_MECHS];
	enum secagree_ealg ealg[SECAGREE_MAX_MECHS];
	unsigned used_e = 0;
	size_t na, ne, i, j, n;

	memset(o, 0, sizeof(*o));
	if (split_list(algs, a, SECAGREE_MAX_MECHS, &na) < 0 ||
	    split_list(ealgs, e, SECAGREE_MAX_MECHS, &ne) < 0) {
		snprintf(why, whysz, "expected NAME[,NAME...]");
		return -EINVAL;
	}
	for (i = 0; i < na; i++)
		if (alg_by_name(a[i], &alg[i]) < 0) {
			snprintf(why, whysz, "--alg: unknown \"%s\"", a[i]);
			return -EINVAL;
		}
	for (j = 0; j < ne; j++)
		if (ealg_by_name(e[j], &ealg[j]) < 0) {
			snprintf(why, whysz, "--ealg: unknown \"%s\"", e[j]);
			return -EINVAL;
		}
	for (i = 0; i < na; i++) {
		for (j = 0, n = o->n; j < ne; j++) {
			if (!pair_ok(alg[i], ealg[j]))
				continue;
			if (o->n == SECAGREE_MAX_MECHS) {
				snprintf(why, whysz, "more than %d alg x ealg "
				    "pairs", SECAGREE_MAX_MECHS);
				return -EINVAL;
			}
			o->alg[o->n] = alg[i];
			o->ealg[o->n++] = ealg[j];
			used_e |= 1u << j;
		}
		if (o->n == n) {
			snprintf(why, whysz, "--alg %s pairs with no --ealg",
			    a[i]);
			return -EINVAL;
		}
	}
	for (j = 0; j < ne; j++)
		if (!(used_e >> j & 1)) {
			snprintf(why, whysz, "--ealg %s pairs with no --alg",
			    e[j]);
			return -EINVAL;
		}
	return 0;
}

int
ue_ipsec_client(const struct ue_ipsec_offer *o, const struct gm_sa *p,
    char *out, size_t outsz)
{
	struct secagree *sc;
	struct secagree_mech *m;
	size_t i;
	int rc;

	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		return -ENOMEM;
	for (i = 0; i < o->n; i++) {
		m = &sc->mech[sc->nmech++];
		snprintf(m->name, sizeof(m->name), "ipsec-3gpp");
		m->ipsec3gpp = 1;
		/* prot and mod spelt out (Annex H defaults) */
		m->have = SECAGREE_IPSEC_MANDATORY | SECAGREE_HAVE_EALG |
		    SECAGREE_HAVE_PROT | SECAGREE_HAVE_MOD;
		m->alg = o->alg[i];
		m->ealg = o->ealg[i];
		m->prot = SECAGREE_PROT_ESP;
		m->mode = SECAGREE_MODE_TRANS;
		/* Annex H: spi-c/spi-s are the SPIs of the inbound SAs at
		 * the protected client / server port. */
		m->spi_c = p->spi_uc;
		m->spi_s = p->spi_us;
		m->port_c = p->port_uc;
		m->port_s = p->port_us;
	}
	rc = secagree_format(sc, out, outsz);
	free(sc);
	return rc;
}

static int
offered(const struct ue_ipsec_offer *o, const struct secagree_mech *m)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (o->alg[i] == m->alg && o->ealg[i] == m->ealg)
			return 1;
	return 0;
}

/* RFC 3329 2.3.1, TS 33.203 7.2: the P-CSCF answers with its own
 * parameters for one of the mechanisms the UE offered.  We take exactly
 * one ipsec-3gpp mechanism that is one of our offers (ESP, transport
 * mode, every mandatory parameter); none or several is a refusal. */
int
ue_ipsec_server(const struct ue_ipsec_offer *o, const char *server,
    struct gm_sa *p, char *why, size_t whysz)
{
	struct secagree *ss;
	const struct secagree_mech *m, *pick = NULL;
	size_t i, n = 0, ipsec = 0;
	int rc = -EINVAL;

	if ((ss = calloc(1, sizeof(*ss))) == NULL)
		return -ENOMEM;
	if (server[0] == '\0') {
		snprintf(why, whysz, "no Security-Server in the 401");
		goto out;
	}
	if (secagree_parse(server, strlen(server), ss) < 0) {
		snprintf(why, whysz, "Security-Server cannot be parsed");
		goto out;
	}
	for (i = 0; i < ss->nmech; i++) {
		m = &ss->mech[i];
		if (!m->ipsec3gpp)
			continue;
		ipsec++;
		if ((m->have & SECAGREE_IPSEC_MANDATORY) !=
		    SECAGREE_IPSEC_MANDATORY || m->prot != SECAGREE_PROT_ESP ||
		    m->mode != SECAGREE_MODE_TRANS || !offered(o, m))
			continue;
		pick = m;
		n++;
	}
	if (n != 1) {
		snprintf(why, whysz, "Security-Server has %zu ipsec-3gpp "
		    "mechanism(s), %zu of them one we offered (esp, trans, "
		    "all parameters): exactly one expected", ipsec, n);
		goto out;
	}
	if (pick->spi_c < 256 || pick->spi_s < 256 || pick->spi_c == pick->spi_s) {
		snprintf(why, whysz, "Security-Server: spi-c %u / spi-s %u "
		    "unusable (RFC 4303 2.1)", pick->spi_c, pick->spi_s);
		goto out;
	}
	p->alg = pick->alg;
	p->ealg = pick->ealg;
	p->spi_pc = pick->spi_c;
	p->spi_ps = pick->spi_s;
	p->port_pc = pick->port_c;
	p->port_ps = pick->port_s;
	rc = 0;
out:
	free(ss);
	return rc;
}

/* --- the state file ------------------------------------------------ */

static int
num(const char *v, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(v, &end, 10);
	return errno != 0 || *end != '\0' || *out > max ? -EINVAL : 0;
}

static int
copy(char *dst, size_t dstsz, const char *v)
{
	if (strlen(v) >= dstsz)
		return -EINVAL;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int
set_line(struct ue_ipsec_set *s, const char *name, const char *v)
{
	static const struct {
		const char	*name;
		size_t		 off;
		int		 spi;	/* 32 bits, else a port */
	} nums[] = {
		{ "port_uc", offsetof(struct gm_sa, port_uc), 0 },
		{ "port_us", offsetof(struct gm_sa, port_us), 0 },
		{ "port_pc", offsetof(struct gm_sa, port_pc), 0 },
		{ "port_ps", offsetof(struct gm_sa, port_ps), 0 },
		{ "spi_uc", offsetof(struct gm_sa, spi_uc), 1 },
		{ "spi_us", offsetof(struct gm_sa, spi_us), 1 },
		{ "spi_pc", offsetof(struct gm_sa, spi_pc), 1 },
		{ "spi_ps", offsetof(struct gm_sa, spi_ps), 1 },
	};
	unsigned long long n;
	size_t i;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (strcmp(name, nums[i].name) != 0)
			continue;
		IMS_CHECK_RC(num(v, nums[i].spi ? 0xffffffffull : 65535, &n));
		if (nums[i].spi)
			*(uint32_t *)((char *)&s->sa + nums[i].off) = (uint32_t)n;
		else
			*(uint16_t *)((char *)&s->sa + nums[i].off) = (uint16_t)n;
		return 0;
	}
	if (strcmp(name, "impi") == 0)
		return copy(s->impi, sizeof(s->impi), v);
	if (strcmp(name, "ue") == 0)
		return xfrm_ip_parse(v, &s->sa.ue);
	if (strcmp(name, "pcscf") == 0)
		return xfrm_ip_parse(v, &s->sa.pcscf);
	if (strcmp(name, "alg") == 0)
		return alg_by_name(v, &s->sa.alg) < 0 ? -EINVAL : 0;
	if (strcmp(name, "ealg") == 0)
		return ealg_by_name(v, &s->sa.ealg) < 0 ? -EINVAL : 0;
	if (strcmp(name, "expires_at") == 0) {
		IMS_CHECK_RC(num(v, LLONG_MAX, &n));
		s->expires_at = (long long)n;
		return 0;
	}
	if (strcmp(name, "security_client") == 0)
		return copy(s->client, sizeof(s->client), v);
	if (strcmp(name, "security_server") == 0)
		return copy(s->server, sizeof(s->server), v);
	if (strcmp(name, "service_route") == 0)
		return copy(s->service_route, sizeof(s->service_route), v);
	return -EINVAL;
}

int
ue_ipsec_state_load(const char *path, struct ue_ipsec_state *st)
{
	struct ue_ipsec_set *s = NULL;
	char *line = NULL, *eq;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	FILE *f;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		rc = -errno;
		log_err("%s: %s", path, strerror(errno));
		return rc;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if ((eq = strchr(line, '=')) == NULL) {
			rc = -EINVAL;
			break;
		}
		*eq = '\0';
		if (strcmp(line, "set") == 0) {
			if (st->n == UE_IPSEC_MAX_SETS) {
				rc = -EINVAL;
				break;
			}
			s = &st->set[st->n++];
			s->sa.side = GM_SA_UE;
			continue;
		}
		if (s == NULL || (rc = set_line(s, line, eq + 1)) < 0) {
			rc = -EINVAL;
			break;
		}
	}
	if (rc < 0)
		log_err("%s:%u: malformed line", path, lineno);
	free(line);
	fclose(f);
	return rc;
}

int
ue_ipsec_state_save(const char *path, const struct ue_ipsec_state *st)
{
	const struct ue_ipsec_set *s;
	char tmp[PATH_MAX], ue[64], pc[64];
	size_t i;
	FILE *f;
	int rc;

	if ((f = ue_file_begin(path, tmp, sizeof(tmp), &rc)) == NULL)
		return rc;
	fprintf(f, "# ims-ue Gm SA sets (TS 33.203 7.1), no keys\n");
	for (i = 0; i < st->n; i++) {
		s = &st->set[i];
		fprintf(f, "set=%zu\nimpi=%s\nue=%s\npcscf=%s\n"
		    "port_uc=%u\nport_us=%u\nport_pc=%u\nport_ps=%u\n"
		    "spi_uc=%u\nspi_us=%u\nspi_pc=%u\nspi_ps=%u\n"
		    "alg=%s\nealg=%s\nexpires_at=%lld\n"
		    "security_client=%s\nsecurity_server=%s\n"
		    "service_route=%s\n", i, s->impi,
		    xfrm_ip_str(&s->sa.ue, ue, sizeof(ue)),
		    xfrm_ip_str(&s->sa.pcscf, pc, sizeof(pc)),
		    s->sa.port_uc, s->sa.port_us, s->sa.port_pc, s->sa.port_ps,
		    s->sa.spi_uc, s->sa.spi_us, s->sa.spi_pc, s->sa.spi_ps,
		    secagree_alg_name(s->sa.alg),
		    secagree_ealg_name(s->sa.ealg), s->expires_at, s->client,
		    s->server, s->service_route);
	}
	return ue_file_commit(f, tmp, path, "SA state");
}
