/* seg_ts.c - a narrowed traffic selector (RFC 7296 3.13.1, an address
 * range) back to the prefix the kernel's selectors take.  The seg's
 * tunnels carry all protocols and ports between two prefixes, so a
 * selector narrowed to a protocol, to ports or to a range that is no
 * prefix is refused (the caller answers TS_UNACCEPTABLE).
 */
#include <errno.h>
#include <string.h>

#include "seg.h"

int
seg_ts_to_prefix(const struct ike_ts *ts, struct xfrm_ip *ip, uint8_t *plen)
{
	size_t n, i;
	unsigned bits = 0;
	int host = 0;
	uint8_t x;

	if (ts->type == IKE_TS_IPV4_RANGE)
		n = 4;
	else if (ts->type == IKE_TS_IPV6_RANGE)
		n = 16;
	else
		return -EINVAL;
	if (ts->ipproto != 0 || ts->sport != 0 || ts->eport != 65535)
		return -EINVAL;
	/* start = prefix | 0..0, end = prefix | 1..1 */
	for (i = 0; i < n; i++) {
		if ((ts->saddr[i] & ~ts->eaddr[i]) != 0)
			return -EINVAL;
		x = (uint8_t)(ts->saddr[i] ^ ts->eaddr[i]);
		if (host) {
			if (x != 0xff || ts->saddr[i] != 0)
				return -EINVAL;
			continue;
		}
		if (x == 0) {
			bits += 8;
			continue;
		}
		/* x must be 0..01..1 and the start's low bits zero */
		if ((x & (x + 1)) != 0 || (ts->saddr[i] & x) != 0)
			return -EINVAL;
		while ((x & 0x80) == 0) {
			x = (uint8_t)(x << 1);
			bits++;
		}
		host = 1;
	}
	memset(ip, 0, sizeof(*ip));
	ip->family = n == 4 ? AF_INET : AF_INET6;
	memcpy(n == 4 ? (void *)&ip->u.v4 : (void *)&ip->u.v6, ts->saddr, n);
	*plen = (uint8_t)bits;
	return 0;
}
