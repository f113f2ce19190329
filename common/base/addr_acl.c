/* addr_acl.c - trusted source addresses with prefixes (addr_acl.h). */
#include <arpa/inet.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr_acl.h"

int
addr_acl_entry_parse(const char *v, struct addr_acl_entry *out)
{
	char host[INET6_ADDRSTRLEN + 1], *end;
	const char *slash;
	size_t hl;
	long pfx;

	slash = strchr(v, '/');
	hl = slash != NULL ? (size_t)(slash - v) : strlen(v);
	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, v, hl);
	host[hl] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, host, out->addr) == 1) {
		out->af = AF_INET;
		out->prefix = 32;
	} else if (inet_pton(AF_INET6, host, out->addr) == 1) {
		out->af = AF_INET6;
		out->prefix = 128;
	} else
		return -EINVAL;
	if (slash != NULL) {
		errno = 0;
		pfx = strtol(slash + 1, &end, 10);
		if (slash[1] < '0' || slash[1] > '9' || *end != '\0' ||
		    errno != 0 || pfx < 0 || pfx > (long)out->prefix)
			return -EINVAL;
		out->prefix = (unsigned)pfx;
	}
	return 0;
}

int
addr_acl_add(struct addr_acl *acl, const char *v)
{
	struct addr_acl_entry e;

	if (addr_acl_entry_parse(v, &e) < 0)
		return -EINVAL;
	if (acl == NULL)
		return 0;
	if (acl->n == ADDR_ACL_MAX)
		return -ENOSPC;
	acl->e[acl->n++] = e;
	return 0;
}

int
addr_acl_check(const char *v, char *why, size_t whysize)
{
	if (addr_acl_add(NULL, v) == 0)
		return 0;
	(void)snprintf(why, whysize, "expected ADDRESS[/PREFIX] (IPv4 or "
	    "IPv6), not \"%s\"", v);
	return -EINVAL;
}

static int
prefix_eq(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	0xff };

int
addr_acl_entry_match(const struct addr_acl_entry *e, int af,
    const uint8_t *addr)
{
	if (e == NULL || addr == NULL)
		return 0;
	/* An IPv4-mapped source (a dual-stack socket) is the IPv4 address. */
	if (af == AF_INET6 && memcmp(addr, mapped, 12) == 0) {
		af = AF_INET;
		addr += 12;
	}
	return e->af == af && prefix_eq(e->addr, addr, e->prefix);
}

int
addr_acl_match_bin(const struct addr_acl *acl, int af, const uint8_t *addr)
{
	size_t i;

	if (acl == NULL || addr == NULL)
		return 0;
	for (i = 0; i < acl->n; i++)
		if (addr_acl_entry_match(&acl->e[i], af, addr))
			return 1;
	return 0;
}

int
addr_acl_match(const struct addr_acl *acl, const char *addr)
{
	struct addr_acl_entry s;

	if (addr == NULL || strchr(addr, '/') != NULL ||
	    addr_acl_entry_parse(addr, &s) < 0)
		return 0;
	return addr_acl_match_bin(acl, s.af, s.addr);
}
