/* sipx_trust.c - the trust domain: address prefixes and matching (see
 * sipx_trust.h). */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sipx_trust.h"

/* "ADDRESS[/PREFIX]" into af, addr, prefix.  0 or -EINVAL. */
static int
net_parse(const char *s, int *af, uint8_t addr[16], unsigned *prefix)
{
	char a[INET6_ADDRSTRLEN + 1], *end;
	const char *slash = strchr(s, '/');
	size_t len = slash != NULL ? (size_t)(slash - s) : strlen(s);
	unsigned long p;
	unsigned max;

	if (len == 0 || len >= sizeof(a))
		return -EINVAL;
	memcpy(a, s, len);
	a[len] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, a, addr) == 1) {
		*af = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, a, addr) == 1) {
		*af = AF_INET6;
		max = 128;
	} else
		return -EINVAL;
	*prefix = max;
	if (slash != NULL) {
		if (slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		p = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || p > max)
			return -EINVAL;
		*prefix = (unsigned)p;
	}
	return 0;
}

int
sipx_trust_check(const char *value, char *why, size_t whysize)
{
	uint8_t addr[16];
	unsigned prefix;
	int af;

	if (net_parse(value, &af, addr, &prefix) < 0) {
		(void)snprintf(why, whysize, "not an IPv4 or IPv6 address "
		    "with an optional /PREFIX");
		return -EINVAL;
	}
	return 0;
}

int
sipx_trust_set(struct sipx_trust *t, const struct conf_list *l)
{
	size_t i;

	IMS_CHECK_PARAMS(t != NULL && l != NULL && l->n <= SIPX_TRUST_MAX);
	memset(t, 0, sizeof(*t));
	for (i = 0; i < l->n; i++)
		IMS_CHECK_RC(net_parse(l->v[i], &t->net[i].af,
		    t->net[i].addr, &t->net[i].prefix));
	t->n = l->n;
	return 0;
}

static int
prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

static int
trusted(const struct sipx_trust *t, int af, const uint8_t *addr)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->net[i].af == af &&
		    prefix_match(t->net[i].addr, addr, t->net[i].prefix))
			return 1;
	return 0;
}

int
sipx_trust_addr(const struct sipx_trust *t, const struct sockaddr *sa)
{
	const struct sockaddr_in6 *s6;
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	if (t == NULL || sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET)
		return trusted(t, AF_INET, (const uint8_t *)
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr);
	if (sa->sa_family != AF_INET6)
		return 0;
	s6 = (const struct sockaddr_in6 *)(const void *)sa;
	/* A v4-mapped source (dual-stack socket) is the IPv4 address. */
	if (memcmp(s6->sin6_addr.s6_addr, v4mapped, 12) == 0)
		return trusted(t, AF_INET, s6->sin6_addr.s6_addr + 12);
	return trusted(t, AF_INET6, s6->sin6_addr.s6_addr);
}

int
sipx_trust_host(const struct sipx_trust *t, const char *host)
{
	char h[INET6_ADDRSTRLEN + 1];
	uint8_t addr[16];
	size_t n;

	if (t == NULL || host == NULL)
		return 0;
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(h))
		return 0;
	memcpy(h, host, n);
	h[n] = '\0';
	if (inet_pton(AF_INET, h, addr) == 1)
		return trusted(t, AF_INET, addr);
	if (inet_pton(AF_INET6, h, addr) == 1)
		return trusted(t, AF_INET6, addr);
	return 0;
}
