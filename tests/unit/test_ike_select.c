/* test_ike_select.c - the choices of the IKEv2 codec (RFC 7296): the
 * responder's choice of a proposal (2.7, 3.3), the initiator's check of
 * the answer, and traffic selector narrowing (2.9, 3.13). */
#include <arpa/inet.h>
#include <sys/socket.h>

#include <errno.h>
#include <string.h>

#include "ike_msg.h"
#include "t.h"

#define TR(t, i, k)	{ .type = (t), .id = (i), .keylen = (k) }

/* ours for the IKE SA: AES-CBC-128/256 or AES-GCM-256, PRF SHA2-256,
 * integrity SHA2-256-128 (NONE allowed: GCM), groups 19 and 14. */
static const struct ike_proposal ours_ike = { .proto = IKE_PROTO_IKE,
	.ntr = 8, .tr = {
	TR(IKE_TR_ENCR, IKE_ENCR_AES_CBC, 128),
	TR(IKE_TR_ENCR, IKE_ENCR_AES_CBC, 256),
	TR(IKE_TR_ENCR, IKE_ENCR_AES_GCM_16, 256),
	TR(IKE_TR_PRF, IKE_PRF_HMAC_SHA2_256, 0),
	TR(IKE_TR_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0),
	TR(IKE_TR_INTEG, IKE_INTEG_NONE, 0),
	TR(IKE_TR_DH, IKE_DH_ECP256, 0),
	TR(IKE_TR_DH, IKE_DH_MODP2048, 0) } };

static struct ike_proposal
prop(uint8_t num, uint8_t proto, size_t ntr,
    const struct ike_transform *tr)
{
	struct ike_proposal p = { .num = num, .proto = proto, .ntr = ntr };

	memcpy(p.tr, tr, ntr * sizeof(*tr));
	return p;
}

#define PROP(num, proto, ...) prop(num, proto,				\
	sizeof((struct ike_transform[]){ __VA_ARGS__ }) /		\
	sizeof(struct ike_transform),					\
	(struct ike_transform[]){ __VA_ARGS__ })

static void
test_select(void)
{
	struct ike_sa_pl off = { 0 }, reply = { 0 };
	struct ike_proposal c, ours_esp;
	int rc;

	/* 1: 3DES only; 2: AES-CBC 192 or 256, groups 20 or 14; 3: would
	 * do too, but comes later. */
	off.nprop = 3;
	off.prop[0] = PROP(1, IKE_PROTO_IKE, TR(IKE_TR_ENCR, 3, 0),
	    TR(IKE_TR_PRF, 5, 0), TR(IKE_TR_INTEG, 12, 0),
	    TR(IKE_TR_DH, 19, 0));
	off.prop[1] = PROP(2, IKE_PROTO_IKE, TR(IKE_TR_ENCR, 12, 192),
	    TR(IKE_TR_ENCR, 12, 256), TR(IKE_TR_PRF, 5, 0),
	    TR(IKE_TR_INTEG, 12, 0), TR(IKE_TR_DH, 20, 0), TR(IKE_TR_DH, 14, 0),
	    TR(IKE_TR_DH, 19, 0));
	off.prop[2] = PROP(3, IKE_PROTO_IKE, TR(IKE_TR_ENCR, 12, 128),
	    TR(IKE_TR_PRF, 5, 0), TR(IKE_TR_INTEG, 12, 0),
	    TR(IKE_TR_DH, 19, 0));
	T_CHECK((rc = ike_sa_select(&off, &ours_ike, IKE_PROTO_IKE, &c)) == 0
	    && c.num == 2 && c.ntr == 4, "first acceptable wins: %d num %u",
	    rc, c.num);
	T_CHECK(ike_proposal_get(&c, IKE_TR_ENCR)->keylen == 256 &&
	    ike_proposal_get(&c, IKE_TR_DH)->id == 14 &&
	    ike_proposal_get(&c, IKE_TR_PRF)->id == 5 &&
	    ike_proposal_get(&c, IKE_TR_INTEG)->id == 12,
	    "the initiator's order within the proposal");
	T_CHECK(ike_sa_select(&off, &ours_ike, IKE_PROTO_ESP, &c) == -ENOENT,
	    "no ESP proposal");

	/* The Key Length must match: 192 only, or none at all. */
	off.nprop = 2;
	off.prop[1] = PROP(2, IKE_PROTO_IKE, TR(IKE_TR_ENCR, 12, 192),
	    TR(IKE_TR_ENCR, 12, 0), TR(IKE_TR_PRF, 5, 0),
	    TR(IKE_TR_INTEG, 12, 0), TR(IKE_TR_DH, 19, 0));
	T_CHECK(ike_sa_select(&off, &ours_ike, IKE_PROTO_IKE, &c) == -ENOENT,
	    "keylen mismatch: none");
	/* A proposal missing a required type (DH) is skipped. */
	off.prop[1] = PROP(2, IKE_PROTO_IKE, TR(IKE_TR_ENCR, 12, 128),
	    TR(IKE_TR_PRF, 5, 0), TR(IKE_TR_INTEG, 12, 0));
	off.prop[2] = PROP(3, IKE_PROTO_IKE, TR(IKE_TR_ENCR, 12, 128),
	    TR(IKE_TR_PRF, 5, 0), TR(IKE_TR_INTEG, 12, 0),
	    TR(IKE_TR_DH, 19, 0));
	off.nprop = 3;
	T_CHECK(ike_sa_select(&off, &ours_ike, IKE_PROTO_IKE, &c) == 0 &&
	    c.num == 3, "missing DH skipped: %u", c.num);
	/* A type ours does not list at all (ESN in an IKE proposal). */
	off.prop[2].tr[off.prop[2].ntr++] = (struct ike_transform)
	    TR(IKE_TR_ESN, 0, 0);
	T_CHECK(ike_sa_select(&off, &ours_ike, IKE_PROTO_IKE, &c) == -ENOENT,
	    "extra type: none");
	/* AES-GCM without integrity is chosen; with one, or CBC with NONE,
	 * it is not (3.3.3). */
	off.nprop = 1;
	off.prop[0] = PROP(1, IKE_PROTO_IKE, TR(IKE_TR_ENCR, 20, 256),
	    TR(IKE_TR_PRF, 5, 0), TR(IKE_TR_DH, 19, 0));
	T_CHECK(ike_sa_select(&off, &ours_ike, IKE_PROTO_IKE, &c) == 0 &&
	    c.ntr == 3 && ike_proposal_get(&c, IKE_TR_INTEG) == NULL, "GCM");
	off.prop[0] = PROP(1, IKE_PROTO_IKE, TR(IKE_TR_ENCR, 20, 256),
	    TR(IKE_TR_PRF, 5, 0), TR(IKE_TR_INTEG, 12, 0),
	    TR(IKE_TR_DH, 19, 0));
	T_CHECK(ike_sa_select(&off, &ours_ike, IKE_PROTO_IKE, &c) == -ENOENT,
	    "GCM with HMAC");
	off.prop[0] = PROP(1, IKE_PROTO_IKE, TR(IKE_TR_ENCR, 12, 128),
	    TR(IKE_TR_PRF, 5, 0), TR(IKE_TR_INTEG, 0, 0), TR(IKE_TR_DH, 19, 0));
	T_CHECK(ike_sa_select(&off, &ours_ike, IKE_PROTO_IKE, &c) == -ENOENT,
	    "CBC with INTEG NONE");
	/* A transform with an attribute not understood is never chosen. */
	off.prop[0] = PROP(1, IKE_PROTO_IKE, TR(IKE_TR_ENCR, 12, 128),
	    TR(IKE_TR_PRF, 5, 0), TR(IKE_TR_INTEG, 12, 0),
	    TR(IKE_TR_DH, 19, 0));
	off.prop[0].tr[1].unknown_attr = 1;
	T_CHECK(ike_sa_select(&off, &ours_ike, IKE_PROTO_IKE, &c) == -ENOENT,
	    "unknown attribute");
	off.nprop = 0;
	T_CHECK(ike_sa_select(&off, &ours_ike, IKE_PROTO_IKE, &c) == -ENOENT,
	    "nothing offered");

	/* A CHILD_SA: ESP, AES-GCM-128, no ESN, PFS optional. */
	ours_esp = PROP(0, IKE_PROTO_ESP, TR(IKE_TR_ENCR, 20, 128),
	    TR(IKE_TR_ESN, 0, 0), TR(IKE_TR_DH, 0, 0), TR(IKE_TR_DH, 19, 0));
	off.nprop = 2;
	off.prop[0] = PROP(1, IKE_PROTO_ESP, TR(IKE_TR_ENCR, 12, 128),
	    TR(IKE_TR_INTEG, 12, 0), TR(IKE_TR_ESN, 0, 0));
	off.prop[1] = PROP(2, IKE_PROTO_ESP, TR(IKE_TR_ENCR, 20, 256),
	    TR(IKE_TR_ENCR, 20, 128), TR(IKE_TR_ESN, 1, 0),
	    TR(IKE_TR_ESN, 0, 0));
	off.prop[1].spi_size = 4;
	memcpy(off.prop[1].spi, "\x01\x02\x03\x04", 4);
	T_CHECK(ike_sa_select(&off, &ours_esp, IKE_PROTO_ESP, &c) == 0 &&
	    c.num == 2 && c.spi_size == 4 && c.spi[3] == 4 && c.ntr == 2 &&
	    ike_proposal_get(&c, IKE_TR_ENCR)->keylen == 128 &&
	    ike_proposal_get(&c, IKE_TR_ESN)->id == 0, "ESP");

	/* The initiator's check of the answer. */
	off.nprop = 2;
	off.prop[0] = PROP(1, IKE_PROTO_IKE, TR(IKE_TR_ENCR, 12, 128),
	    TR(IKE_TR_PRF, 5, 0), TR(IKE_TR_INTEG, 12, 0), TR(IKE_TR_DH, 19, 0),
	    TR(IKE_TR_DH, 14, 0));
	off.prop[1] = PROP(2, IKE_PROTO_IKE, TR(IKE_TR_ENCR, 20, 256),
	    TR(IKE_TR_PRF, 5, 0), TR(IKE_TR_INTEG, 0, 0), TR(IKE_TR_DH, 19, 0));
	reply.nprop = 1;
	reply.prop[0] = PROP(1, IKE_PROTO_IKE, TR(IKE_TR_ENCR, 12, 128),
	    TR(IKE_TR_PRF, 5, 0), TR(IKE_TR_INTEG, 12, 0),
	    TR(IKE_TR_DH, 14, 0));
	T_CHECK(ike_sa_check_reply(&off, &reply, &c) == 0 && c.num == 1 &&
	    c.ntr == 4 && ike_proposal_get(&c, IKE_TR_DH)->id == 14, "reply");
	reply.nprop = 2;
	reply.prop[1] = off.prop[1];
	T_CHECK(ike_sa_check_reply(&off, &reply, &c) == -EPROTO,
	    "2 proposals");
	reply.nprop = 1;
	reply.prop[0].tr[3].id = 20;
	T_CHECK(ike_sa_check_reply(&off, &reply, &c) == -EPROTO,
	    "a transform not offered");
	reply.prop[0].tr[3].id = 19;
	reply.prop[0].tr[0].keylen = 256;
	T_CHECK(ike_sa_check_reply(&off, &reply, &c) == -EPROTO,
	    "another key length");
	reply.prop[0].tr[0].keylen = 128;
	reply.prop[0].num = 2;
	T_CHECK(ike_sa_check_reply(&off, &reply, &c) == -EPROTO,
	    "transforms of proposal 1 under number 2");
	reply.prop[0].num = 3;
	T_CHECK(ike_sa_check_reply(&off, &reply, &c) == -EPROTO,
	    "number 3 not offered");
	reply.prop[0].num = 1;
	reply.prop[0].ntr = 3;
	T_CHECK(ike_sa_check_reply(&off, &reply, &c) == -EPROTO,
	    "DH not answered");
	reply.prop[0].ntr = 5;
	reply.prop[0].tr[4] = (struct ike_transform)TR(IKE_TR_DH, 14, 0);
	T_CHECK(ike_sa_check_reply(&off, &reply, &c) == -EPROTO,
	    "two DH answered");
	reply.prop[0] = PROP(2, IKE_PROTO_IKE, TR(IKE_TR_ENCR, 20, 256),
	    TR(IKE_TR_PRF, 5, 0), TR(IKE_TR_DH, 19, 0));
	T_CHECK(ike_sa_check_reply(&off, &reply, &c) == 0 && c.num == 2,
	    "INTEG NONE offered: may be left out");
	reply.prop[0].proto = IKE_PROTO_ESP;
	T_CHECK(ike_sa_check_reply(&off, &reply, &c) == -EPROTO,
	    "another protocol");
	reply.prop[0].proto = IKE_PROTO_IKE;
	reply.prop[0].spi_size = 8;
	T_CHECK(ike_sa_check_reply(&off, &reply, &c) == -EPROTO,
	    "SPI Size 8 to an offer of 0");
}

static struct ike_ts
ts4(uint8_t proto, uint16_t sp, uint16_t ep, const char *s, const char *e)
{
	struct ike_ts t = { .type = IKE_TS_IPV4_RANGE, .ipproto = proto,
	    .sport = sp, .eport = ep };

	inet_pton(AF_INET, s, t.saddr);
	inet_pton(AF_INET, e, t.eaddr);
	return t;
}

static int
ts_is(const struct ike_ts *t, int family, const char *s, const char *e)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	inet_ntop(family, t->saddr, a, sizeof(a));
	inet_ntop(family, t->eaddr, b, sizeof(b));
	return strcmp(a, s) == 0 && strcmp(b, e) == 0;
}

static void
test_narrow(void)
{
	struct ike_ts_pl off = { 0 }, pol = { 0 }, out;
	uint8_t a6[16];
	int rc;

	off.n = pol.n = 1;
	/* A subset of policy: kept whole. */
	off.ts[0] = ts4(0, 0, 65535, "10.0.0.0", "10.0.0.255");
	ike_ts_from_prefix(&pol.ts[0], AF_INET, "\x0a\x00\x07\x07", 16);
	T_CHECK(ts_is(&pol.ts[0], AF_INET, "10.0.0.0", "10.0.255.255") &&
	    pol.ts[0].sport == 0 && pol.ts[0].eport == 65535 &&
	    pol.ts[0].ipproto == 0, "from_prefix /16");
	T_CHECK(ike_ts_narrow(&off, &pol, &out) == 0 && out.n == 1 &&
	    memcmp(&out.ts[0], &off.ts[0], sizeof(out.ts[0])) == 0, "subset");
	/* Overlap. */
	off.ts[0] = ts4(0, 0, 65535, "10.0.0.128", "10.0.1.127");
	ike_ts_from_prefix(&pol.ts[0], AF_INET, "\x0a\x00\x01\x00", 24);
	T_CHECK(ike_ts_narrow(&off, &pol, &out) == 0 && out.n == 1 &&
	    ts_is(&out.ts[0], AF_INET, "10.0.1.0", "10.0.1.127"), "overlap");
	/* Disjoint. */
	ike_ts_from_prefix(&pol.ts[0], AF_INET, "\x0a\x01\x00\x00", 16);
	T_CHECK((rc = ike_ts_narrow(&off, &pol, &out)) == -ENOENT &&
	    out.n == 0, "disjoint %d", rc);
	/* Adjacent ranges do not meet. */
	off.ts[0] = ts4(0, 0, 65535, "10.0.255.0", "10.0.255.255");
	T_CHECK(ike_ts_narrow(&off, &pol, &out) == -ENOENT, "adjacent");
	/* IPv6, and a family against the other. */
	inet_pton(AF_INET6, "2001:db8:1:2::5", a6);
	ike_ts_from_prefix(&off.ts[0], AF_INET6, a6, 32);
	ike_ts_from_prefix(&pol.ts[0], AF_INET6, a6, 48);
	T_CHECK(ike_ts_narrow(&off, &pol, &out) == 0 && out.n == 1 &&
	    ts_is(&out.ts[0], AF_INET6, "2001:db8:1::",
	    "2001:db8:1:ffff:ffff:ffff:ffff:ffff"), "IPv6");
	ike_ts_from_prefix(&pol.ts[0], AF_INET6, a6, 127);
	T_CHECK(ts_is(&pol.ts[0], AF_INET6, "2001:db8:1:2::4",
	    "2001:db8:1:2::5"), "from_prefix /127");
	ike_ts_from_prefix(&pol.ts[0], AF_INET6, a6, 200);
	T_CHECK(ts_is(&pol.ts[0], AF_INET6, "2001:db8:1:2::5",
	    "2001:db8:1:2::5"), "from_prefix /200 = /128");
	ike_ts_from_prefix(&pol.ts[0], AF_INET, a6, 0);
	T_CHECK(ts_is(&pol.ts[0], AF_INET, "0.0.0.0", "255.255.255.255"),
	    "from_prefix /0");
	T_CHECK(ike_ts_narrow(&off, &pol, &out) == -ENOENT, "v6 against v4");
	ike_ts_from_prefix(&pol.ts[0], AF_INET, "\x0a\x01\x02\x03", 20);
	T_CHECK(ts_is(&pol.ts[0], AF_INET, "10.1.0.0", "10.1.15.255"),
	    "from_prefix /20");

	/* Ports and protocol. */
	off.ts[0] = ts4(17, 500, 600, "10.0.0.1", "10.0.0.1");
	pol.ts[0] = ts4(0, 550, 65535, "10.0.0.0", "10.0.0.255");
	T_CHECK(ike_ts_narrow(&off, &pol, &out) == 0 && out.ts[0].ipproto == 17
	    && out.ts[0].sport == 550 && out.ts[0].eport == 600 &&
	    ts_is(&out.ts[0], AF_INET, "10.0.0.1", "10.0.0.1"), "UDP 550-600");
	pol.ts[0].ipproto = 6;
	T_CHECK(ike_ts_narrow(&off, &pol, &out) == -ENOENT, "UDP against TCP");
	pol.ts[0] = ts4(17, 601, 700, "10.0.0.0", "10.0.0.255");
	T_CHECK(ike_ts_narrow(&off, &pol, &out) == -ENOENT, "ports disjoint");
	off.ts[0] = ts4(17, 65535, 0, "10.0.0.1", "10.0.0.1");	/* OPAQUE */
	pol.ts[0] = ts4(0, 0, 65535, "10.0.0.0", "10.0.0.255");
	T_CHECK(ike_ts_narrow(&off, &pol, &out) == 0 &&
	    out.ts[0].sport == 65535 && out.ts[0].eport == 0, "OPAQUE, ANY");
	pol.ts[0] = ts4(0, 500, 500, "10.0.0.0", "10.0.0.255");
	T_CHECK(ike_ts_narrow(&off, &pol, &out) == -ENOENT, "OPAQUE, 500");

	/* Selector by selector: two offered, two allowed, two results. */
	off.n = pol.n = 2;
	off.ts[0] = ts4(0, 0, 65535, "10.0.0.0", "10.0.0.255");
	off.ts[1] = ts4(0, 0, 65535, "10.0.2.0", "10.0.2.255");
	pol.ts[0] = ts4(6, 0, 65535, "10.0.0.16", "10.0.0.31");
	pol.ts[1] = ts4(0, 0, 65535, "10.0.2.200", "10.0.3.10");
	T_CHECK(ike_ts_narrow(&off, &pol, &out) == 0 && out.n == 2 &&
	    out.ts[0].ipproto == 6 &&
	    ts_is(&out.ts[0], AF_INET, "10.0.0.16", "10.0.0.31") &&
	    ts_is(&out.ts[1], AF_INET, "10.0.2.200", "10.0.2.255"), "2 x 2");
}

int
main(void)
{
	test_select();
	test_narrow();
	return t_done("test_ike_select");
}
