/* hss_scscf.c - which Diameter peer may name which S-CSCF in a SAR or MAR
 * (TS 29.228 6.1.2.1, 6.3.1): the hss's scscf key.
 *
 * An entry is SERVER-NAME@IDENTITY:
 *   sip:scscf.ims.example.org:6060@scscf.ims.example.org
 *	that Server-Name, from that Diameter peer only;
 *   sip:*:6060@scscf-*.ims.example.org
 *	a scaled S-CSCF whose replicas are not listed: any peer whose
 *	identity matches the pattern (dia_id_match; it came in through a
 *	diameter.accept pattern), with a Server-Name whose host is that
 *	peer's own connection address (dia_peer_source) as an IP literal and
 *	the entry's scheme and port: sip:10.79.0.5:6060 from the replica at
 *	10.79.0.5 only.  A replica can act only as itself: a Server-Name of
 *	another replica is refused, whatever identity it claims.
 * A pattern identity needs the bound form ("*" host): a fixed Server-Name
 * shared by peers the HSS cannot tell apart is refused at start.
 */
#include <arpa/inet.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "conf.h"
#include "dia_conf.h"
#include "hss.h"
#include "hss_dia.h"
#include "log.h"

static struct hss_scscf {
	char	 name[HSS_ID_MAX];
	char	 host[HSS_ID_MAX];
	int	 bound;		/* name is SCHEME:*[:PORT] */
} scscfs[HSS_MAX_SCSCF];
static size_t nscscf;

/* SCHEME:*[:PORT] for sip and sips: 1; a name without '*': 0; -EINVAL. */
static int
bound_name(const char *name)
{
	const char *star = strchr(name, '*'), *p;

	if (star == NULL)
		return 0;
	if (!((star - name == 4 && strncmp(name, "sip:", 4) == 0) ||
	    (star - name == 5 && strncmp(name, "sips:", 5) == 0)))
		return -EINVAL;
	p = star + 1;
	if (*p == '\0')
		return 1;
	if (*p++ != ':' || *p == '\0' || *p == '0' || strlen(p) > 5 ||
	    strspn(p, "0123456789") != strlen(p) ||
	    (unsigned long)strtoul(p, NULL, 10) > 65535)
		return -EINVAL;
	return 1;
}

int
hss_scscf_parse(const char *v, char *name, size_t nsize, char *host,
    size_t hsize)
{
	const char *at = strrchr(v, '@');
	size_t n;
	int bound;

	if (at == NULL || (n = (size_t)(at - v)) == 0 || n >= nsize ||
	    strlen(at + 1) >= hsize)
		return -EINVAL;
	if ((strncmp(v, "sip:", 4) != 0 && strncmp(v, "sips:", 5) != 0) ||
	    n <= (size_t)(v[3] == ':' ? 4 : 5) ||
	    strcspn(v, " \t\r\n<>\"") < n)
		return -EINVAL;
	memcpy(name, v, n);
	name[n] = '\0';
	if ((bound = bound_name(name)) < 0)
		return -EINVAL;
	if (conf_name_check(at + 1, 1) < 0 &&
	    (!bound || dia_id_pattern_check(at + 1) < 0))
		return -EINVAL;
	(void)snprintf(host, hsize, "%s", at + 1);
	return 0;
}

int
hss_cx_set_scscfs(const char *const *v, size_t n)
{
	size_t i;

	IMS_CHECK_PARAMS(n <= HSS_MAX_SCSCF);
	for (i = 0; i < n; i++) {
		IMS_CHECK_RC(hss_scscf_parse(v[i], scscfs[i].name,
		    sizeof(scscfs[i].name), scscfs[i].host,
		    sizeof(scscfs[i].host)));
		scscfs[i].bound = bound_name(scscfs[i].name) == 1;
	}
	nscscf = n;
	if (n == 0)
		log_warn("hss: no scscf configured: every SAR and MAR will be "
		    "refused");
	return 0;
}

/* 1 when server is the bound entry's name with origin's own connection
 * address as its host. */
static int
bound_match(const struct hss_scscf *e, const char *origin,
    const char *server)
{
	const char *star = strchr(e->name, '*');
	size_t pre = (size_t)(star - e->name), suf = strlen(star + 1);
	size_t n = strlen(server), hl;
	char host[INET6_ADDRSTRLEN + 2];
	uint8_t want[16], got[16];
	int af, gaf;

	if (n <= pre + suf || strncasecmp(server, e->name, pre) != 0 ||
	    strcmp(server + n - suf, star + 1) != 0 ||
	    (hl = n - pre - suf) >= sizeof(host))
		return 0;
	memcpy(host, server + pre, hl);
	host[hl] = '\0';
	if (host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, got) != 1)
			return 0;
		gaf = AF_INET6;
	} else if (inet_pton(AF_INET, host, got) == 1)
		gaf = AF_INET;
	else
		return 0;
	if (dia_peer_source(origin, &af, want) < 0 || af != gaf)
		return 0;
	return memcmp(want, got, af == AF_INET ? 4 : 16) == 0;
}

const char *
hss_scscf_refused(const char *origin, const char *server)
{
	size_t i;
	int known = 0, bound = 0;

	for (i = 0; i < nscscf; i++) {
		const struct hss_scscf *e = &scscfs[i];

		if (e->bound) {
			if (!dia_id_match(e->host, origin, strlen(origin)))
				continue;
			bound = 1;
			if (bound_match(e, origin, server))
				return NULL;
			continue;
		}
		if (strcmp(e->name, server) != 0)
			continue;
		known = 1;
		if (strcasecmp(e->host, origin) == 0)
			return NULL;
	}
	if (known)
		return "Server-Name of another Diameter peer";
	return bound ? "Server-Name not at the peer's own address" :
	    "unknown Server-Name";
}
