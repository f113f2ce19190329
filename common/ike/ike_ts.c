/* ike_ts.c - Traffic Selectors, RFC 7296 3.13: the payload, the
 * responder's narrowing (2.9) and a selector for one prefix.  See
 * ike_msg.h.
 */
#include <sys/socket.h>

#include <errno.h>
#include <string.h>

#include "check.h"
#include "ike_int.h"
#include "ike_msg.h"

#define TS_HDR_LEN	8	/* 3.13.1 up to End Port */
#define PORT_ANY_END	65535

/* The address length of a TS Type, 0 for one we do not know. */
static size_t
ts_addr_len(uint8_t type)
{
	return type == IKE_TS_IPV4_RANGE ? 4 :
	    type == IKE_TS_IPV6_RANGE ? 16 : 0;
}

/* 3.13.1 OPAQUE ports: Start Port 65535, End Port 0. */
static int
ports_opaque(const struct ike_ts *t)
{
	return t->sport == PORT_ANY_END && t->eport == 0;
}

static int
ports_any(const struct ike_ts *t)
{
	return t->sport == 0 && t->eport == PORT_ANY_END;
}

int
ike_ts_parse(const struct ike_pl *pl, struct ike_ts_pl *t)
{
	struct ike_ts *ts;
	size_t off = 4, slen, alen, i, num;
	uint8_t type;

	IMS_CHECK_PARAMS(pl != NULL && t != NULL);
	t->n = 0;
	/* 3.13: Number of TSs (1), RESERVED (3), the selectors. */
	IKE_CHECK_SYNTAX(pl->len >= 4);
	num = pl->body[0];
	IKE_CHECK_SYNTAX(num > 0);
	for (i = 0; i < num; i++) {
		IKE_CHECK_SYNTAX(pl->len - off >= TS_HDR_LEN);
		type = pl->body[off];
		slen = ike_get16(pl->body + off + 2);
		IKE_CHECK_SYNTAX(slen >= TS_HDR_LEN && slen <= pl->len - off);
		if ((alen = ts_addr_len(type)) == 0) {
			/* A type we do not know (e.g. RFC 4595's Fibre
			 * Channel): narrowed away. */
			off += slen;
			continue;
		}
		/* Selector Length fits the type. */
		IKE_CHECK_SYNTAX(slen == TS_HDR_LEN + 2 * alen);
		if (t->n >= IKE_MAX_TS) {
			log_debug("%s: more than %d selectors", __func__,
			    IKE_MAX_TS);
			return -E2BIG;
		}
		ts = &t->ts[t->n];
		memset(ts, 0, sizeof(*ts));
		ts->type = type;
		ts->ipproto = pl->body[off + 1];
		ts->sport = ike_get16(pl->body + off + 4);
		ts->eport = ike_get16(pl->body + off + 6);
		memcpy(ts->saddr, pl->body + off + TS_HDR_LEN, alen);
		memcpy(ts->eaddr, pl->body + off + TS_HDR_LEN + alen, alen);
		/* Start <= End, save the OPAQUE ports. */
		IKE_CHECK_SYNTAX(ts->sport <= ts->eport || ports_opaque(ts));
		IKE_CHECK_SYNTAX(memcmp(ts->saddr, ts->eaddr, alen) <= 0);
		t->n++;
		off += slen;
	}
	/* Number of TSs accounts for the whole payload. */
	IKE_CHECK_SYNTAX(off == pl->len);
	return 0;
}

/* The ports both a and b allow into out; 0 when none. */
static int
ports_meet(const struct ike_ts *a, const struct ike_ts *b, struct ike_ts *out)
{
	if (ports_opaque(a) || ports_opaque(b)) {
		/* OPAQUE meets only OPAQUE or ANY. */
		if (!(ports_opaque(a) || ports_any(a)) ||
		    !(ports_opaque(b) || ports_any(b)))
			return 0;
		out->sport = PORT_ANY_END;
		out->eport = 0;
		return 1;
	}
	out->sport = a->sport > b->sport ? a->sport : b->sport;
	out->eport = a->eport < b->eport ? a->eport : b->eport;
	return out->sport <= out->eport;
}

/* The selector both a and b allow into out; 0 when none. */
static int
ts_meet(const struct ike_ts *a, const struct ike_ts *b, struct ike_ts *out)
{
	size_t alen = ts_addr_len(a->type);

	if (a->type != b->type || alen == 0)
		return 0;
	memset(out, 0, sizeof(*out));
	out->type = a->type;
	/* IP Protocol ID 0 is any. */
	if (a->ipproto != 0 && b->ipproto != 0 && a->ipproto != b->ipproto)
		return 0;
	out->ipproto = a->ipproto != 0 ? a->ipproto : b->ipproto;
	if (!ports_meet(a, b, out))
		return 0;
	/* Addresses compare as big-endian numbers. */
	memcpy(out->saddr, memcmp(a->saddr, b->saddr, alen) > 0 ? a->saddr :
	    b->saddr, alen);
	memcpy(out->eaddr, memcmp(a->eaddr, b->eaddr, alen) < 0 ? a->eaddr :
	    b->eaddr, alen);
	return memcmp(out->saddr, out->eaddr, alen) <= 0;
}

int
ike_ts_narrow(const struct ike_ts_pl *offered,
    const struct ike_ts_pl *policy, struct ike_ts_pl *out)
{
	struct ike_ts r;
	size_t i, j;

	IMS_CHECK_PARAMS(offered != NULL && policy != NULL && out != NULL);
	IMS_CHECK_PARAMS(offered->n <= IKE_MAX_TS && policy->n <= IKE_MAX_TS);
	out->n = 0;
	/* 2.9: what is left of each offered selector under each of ours;
	 * a subset of the offer is a valid narrowing, so the results past
	 * IKE_MAX_TS are dropped. */
	for (i = 0; i < offered->n; i++)
		for (j = 0; j < policy->n; j++)
			if (ts_meet(&offered->ts[i], &policy->ts[j], &r) &&
			    out->n < IKE_MAX_TS)
				out->ts[out->n++] = r;
	if (out->n == 0) {
		log_debug("%s: no selector left", __func__);
		return -ENOENT;
	}
	return 0;
}

void
ike_ts_from_prefix(struct ike_ts *ts, int family, const void *addr,
    unsigned prefix)
{
	const uint8_t *a = addr;
	size_t alen, i;
	unsigned bits;
	uint8_t mask;

	memset(ts, 0, sizeof(*ts));
	if (family == AF_INET)
		ts->type = IKE_TS_IPV4_RANGE;
	else if (family == AF_INET6)
		ts->type = IKE_TS_IPV6_RANGE;
	else
		return;		/* type 0: meets nothing */
	alen = ts_addr_len(ts->type);
	if (prefix > 8 * alen)
		prefix = (unsigned)(8 * alen);
	ts->eport = PORT_ANY_END;
	for (i = 0; i < alen; i++) {
		bits = prefix > 8 * i ? prefix - 8 * (unsigned)i : 0;
		mask = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);
		ts->saddr[i] = a[i] & mask;
		ts->eaddr[i] = a[i] | (uint8_t)~mask;
	}
}
