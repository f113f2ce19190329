/* fuzz_segconf.c - the seg's configuration values (seg/seg_conf.c,
 * seg_ts.c): a peer line, an IKE and an ESP proposal, a prefix and a
 * traffic selector, from the same bytes.  Never a read past the input's
 * NUL; what parses holds its invariants: a named peer with both subnets of
 * one family and prefix lengths in range, a PSK within bounds; proposals
 * with at most one transform per type and an encryption one; a selector
 * read back as a prefix only when it is one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_prop(const struct ike_proposal *p)
{
	char buf[8];
	size_t i, j;
	int enc = 0;

	if (p->ntr > IKE_MAX_TRANSFORMS)
		abort();
	for (i = 0; i < p->ntr; i++) {
		enc |= p->tr[i].type == IKE_TR_ENCR;
		for (j = i + 1; j < p->ntr; j++)
			if (p->tr[i].type == p->tr[j].type)
				abort();
	}
	if (!enc)
		abort();
	(void)seg_suite_str(p, buf, sizeof(buf));	/* truncates */
	if (strlen(buf) >= sizeof(buf))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seg_peer p;
	struct ike_proposal pr;
	struct ike_ts ts;
	struct xfrm_ip ip;
	char *s, why[256];
	uint8_t plen;
	unsigned max;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (seg_peer_parse(s, &p, why, sizeof(why)) == 0) {
		max = p.lnet.family == AF_INET ? 32 : 128;
		if (p.name[0] == '\0' || p.psklen > SEG_PSK_MAX ||
		    p.lnet.family != p.rnet.family || p.lplen > max ||
		    p.rplen > max || (p.auth == SEG_AUTH_PSK && p.psklen == 0))
			abort();
	} else if (p.psklen != 0 || strlen(why) == 0) {
		abort();
	}
	if (seg_prop_parse(s, IKE_PROTO_IKE, &pr, why, sizeof(why)) == 0)
		check_prop(&pr);
	if (seg_prop_parse(s, IKE_PROTO_ESP, &pr, why, sizeof(why)) == 0)
		check_prop(&pr);
	if (seg_prefix_parse(s, &ip, &plen) == 0 &&
	    plen > (ip.family == AF_INET ? 32 : 128))
		abort();
	if (size >= 2 * 16 + 6) {
		memset(&ts, 0, sizeof(ts));
		ts.type = data[0] & 1 ? IKE_TS_IPV6_RANGE : IKE_TS_IPV4_RANGE;
		ts.ipproto = data[1] & 0x80 ? data[1] : 0;
		ts.sport = (uint16_t)(data[2] << 8 | data[3]);
		ts.eport = (uint16_t)(data[4] << 8 | data[5]);
		memcpy(ts.saddr, data + 6, 16);
		memcpy(ts.eaddr, data + 22, 16);
		if (seg_ts_to_prefix(&ts, &ip, &plen) == 0) {
			struct xfrm_ip m = ip;

			/* the start is the prefix itself */
			seg_prefix_mask(&m, plen);
			if (memcmp(&m.u, &ip.u, ts.type == IKE_TS_IPV4_RANGE ?
			    4 : 16) != 0)
				abort();
		}
	}
	free(s);
	return 0;
}
