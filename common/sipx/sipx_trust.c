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

int
sipx_trust_check(const char *value, char *why, size_t whysize)
{
	if (addr_acl_add(NULL, value) == 0)
		return 0;
	(void)snprintf(why, whysize, "not an IPv4 or IPv6 address with an "
	    "optional /PREFIX");
	return -EINVAL;
}

int
sipx_trust_set(struct sipx_trust *t, const struct conf_list *l)
{
	size_t i;

	IMS_CHECK_PARAMS(t != NULL && l != NULL && l->n <= SIPX_TRUST_MAX);
	memset(t, 0, sizeof(*t));
	for (i = 0; i < l->n; i++)
		IMS_CHECK_RC(addr_acl_add(&t->acl, l->v[i]));
	return 0;
}

int
sipx_trust_addr(const struct sipx_trust *t, const struct sockaddr *sa)
{
	if (t == NULL || sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET)
		return addr_acl_match_bin(&t->acl, AF_INET, (const uint8_t *)
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr);
	if (sa->sa_family == AF_INET6)
		return addr_acl_match_bin(&t->acl, AF_INET6,
		    ((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_addr.s6_addr);
	return 0;
}

int
sipx_trust_host(const struct sipx_trust *t, const char *host)
{
	char h[INET6_ADDRSTRLEN + 1];
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
	return addr_acl_match(&t->acl, h);
}
