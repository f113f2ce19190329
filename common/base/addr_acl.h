/* addr_acl.h - a list of trusted source addresses, ADDRESS[/PREFIX]
 * (IPv4 or IPv6 literals, never names; an IPv4-mapped IPv6 source matches
 * its IPv4 entry): the `trusted-peer` lists of the CSCFs (sipx_trust) and
 * of the xcap server (the NAF in front of it). */
#ifndef IMS_ADDR_ACL_H
#define IMS_ADDR_ACL_H

#include <stddef.h>
#include <stdint.h>

#define ADDR_ACL_MAX	64

struct addr_acl_entry {
	int		 af;		/* AF_INET, AF_INET6 */
	uint8_t		 addr[16];
	unsigned	 prefix;
};

struct addr_acl {
	struct addr_acl_entry	 e[ADDR_ACL_MAX];
	size_t			 n;
};

/* One entry: 0 or -EINVAL (a conf_key check uses it with acl NULL). */
int	addr_acl_add(struct addr_acl *, const char *entry);
int	addr_acl_check(const char *value, char *why, size_t whysize);
/* One ADDRESS[/PREFIX] on its own (e.g. the address part of a Diameter
 * peer pattern, dia_conf.h): 0 or -EINVAL. */
int	addr_acl_entry_parse(const char *value, struct addr_acl_entry *);
/* 1 when the binary address of family af (4 or 16 octets; IPv4-mapped
 * IPv6 is IPv4) is within the entry's prefix. */
int	addr_acl_entry_match(const struct addr_acl_entry *, int af,
	    const uint8_t *addr);
/* 1 when the address (an IP literal, as evhttp gives it) is in the list. */
int	addr_acl_match(const struct addr_acl *, const char *addr);
/* The same for a binary address of family af (4 or 16 octets). */
int	addr_acl_match_bin(const struct addr_acl *, int af,
	    const uint8_t *addr);

#endif
