/* sipx_trust.h - the trust domain of a CSCF (TS 24.229 4.4; RFC 3325 2.3,
 * 2.4): which peers are core elements of our network.
 *
 * Configured as a list of `trusted-peer = ADDRESS[/PREFIX]` (IPv4 or
 * IPv6 literals; no names: a name would make trust depend on a resolver).
 * A request is "from the trust domain" only when its source address (the
 * packet's, never a header's) is in the list.  Nothing is trusted by
 * default.
 */
#ifndef IMS_SIPX_TRUST_H
#define IMS_SIPX_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "addr_acl.h"
#include "conf.h"

#define SIPX_TRUST_MAX	ADDR_ACL_MAX

struct sockaddr;
struct url_s;

struct sipx_trust {
	struct addr_acl	 acl;		/* common/base/addr_acl.h */
};

/* The key, for a daemon's table: `trusted-peer`, a CONF_LIST stored in the
 * struct conf_list at offset off, reloaded on SIGHUP. */
#define SIPX_TRUST_KEY(off) {						\
	.name = "trusted-peer", .type = CONF_STRING, .offset = (off),	\
	.flags = CONF_LIST | CONF_RELOAD, .maxn = SIPX_TRUST_MAX,	\
	.check = sipx_trust_check,					\
	.help = "a core element (P-/I-/S-CSCF, AS) by address, "	\
	    "ADDRESS[/PREFIX]; requests from anywhere else come from "	\
	    "outside the trust domain (TS 24.229 4.4); none by default" }

/* A conf_key check of one value. */
int	sipx_trust_check(const char *value, char *why, size_t whysize);
/* From the configured list (checked).  0 or -EINVAL. */
int	sipx_trust_set(struct sipx_trust *, const struct conf_list *);
/* 1 when the address is in the trust domain. */
int	sipx_trust_addr(const struct sipx_trust *, const struct sockaddr *);
/* 1 when the IP literal (IPv6 with or without brackets) is in the trust
 * domain; a name is never trusted. */
int	sipx_trust_host(const struct sipx_trust *, const char *host);

#endif
