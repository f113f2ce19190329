/* dia_peer.c - identity patterns of diameter.accept (and of the hss's
 * scscf key), and the address each accepted peer connected from (see
 * dia_conf.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "conf.h"
#include "dia_conf.h"

/* The accepted peers' source addresses: written at each CER validation
 * (freeDiameter's threads), read by request handlers (dispatch threads). */
struct dia_src {
	char			 id[256];
	struct addr_acl_entry	 a;
};
static pthread_mutex_t dia_src_mu = PTHREAD_MUTEX_INITIALIZER;
static struct dia_src *dia_src;
static size_t dia_nsrc, dia_src_cap;

static int
label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

int
dia_id_pattern_check(const char *p)
{
	char name[256];
	const char *star = strchr(p, '*'), *dot = strchr(p, '.');
	size_t n = strlen(p);

	/* One '*', the last character of the first label. */
	if (star == NULL || dot == NULL || star + 1 != dot ||
	    strchr(star + 1, '*') != NULL || n >= sizeof(name))
		return -EINVAL;
	memcpy(name, p, n + 1);
	name[star - p] = 'x';
	return conf_name_check(name, 1);
}

int
dia_id_match(const char *pattern, const char *id, size_t len)
{
	const char *star = strchr(pattern, '*'), *dot;
	size_t pre, label, i;

	if (star == NULL)
		return strlen(pattern) == len &&
		    strncasecmp(pattern, id, len) == 0;
	if ((dot = memchr(id, '.', len)) == NULL)
		return 0;
	pre = (size_t)(star - pattern);
	label = (size_t)(dot - id);
	/* The '*' stands for one or more characters of the label. */
	if (label <= pre || strncasecmp(pattern, id, pre) != 0)
		return 0;
	for (i = pre; i < label; i++)
		if (!label_char(id[i]))
			return 0;
	return strlen(star + 1) == len - label &&
	    strncasecmp(star + 1, dot, len - label) == 0;
}

int
dia_peer_source_set(const char *id, int af, const uint8_t *addr)
{
	struct dia_src *s;
	size_t i, n = strlen(id);
	int rc = 0;

	IMS_CHECK_PARAMS(n < sizeof(s->id) && (af == AF_INET ||
	    af == AF_INET6));
	pthread_mutex_lock(&dia_src_mu);
	for (i = 0; i < dia_nsrc; i++)
		if (strcasecmp(dia_src[i].id, id) == 0)
			break;
	if (i == dia_nsrc && dia_nsrc == dia_src_cap) {
		if (dia_src_cap == DIA_PEER_SOURCES_MAX)
			rc = -ENOSPC;
		else {
			size_t cap = dia_src_cap ? dia_src_cap * 2 : 16;

			s = realloc(dia_src, cap * sizeof(*s));
			if (s == NULL)
				rc = -ENOMEM;
			else {
				dia_src = s;
				dia_src_cap = cap;
			}
		}
	}
	if (rc == 0) {
		s = &dia_src[i];
		if (i == dia_nsrc)
			dia_nsrc++;
		memset(s, 0, sizeof(*s));
		memcpy(s->id, id, n + 1);
		s->a.af = af;
		memcpy(s->a.addr, addr, af == AF_INET ? 4 : 16);
		s->a.prefix = af == AF_INET ? 32 : 128;
	}
	pthread_mutex_unlock(&dia_src_mu);
	return rc;
}

int
dia_peer_source(const char *id, int *af, uint8_t *addr)
{
	size_t i;
	int rc = -ENOENT;

	pthread_mutex_lock(&dia_src_mu);
	for (i = 0; i < dia_nsrc; i++)
		if (strcasecmp(dia_src[i].id, id) == 0) {
			*af = dia_src[i].a.af;
			memcpy(addr, dia_src[i].a.addr, 16);
			rc = 0;
			break;
		}
	pthread_mutex_unlock(&dia_src_mu);
	return rc;
}
