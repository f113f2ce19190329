/* test_seg.c - the seg's pure parts: peer lines, proposal strings
 * (RFC 7296 3.3.3 mandatory transforms; RFC 5282 8: no integrity with
 * AES-GCM), prefixes, the Message-ID rules (RFC 7296 2.3), the
 * retransmission back-off (2.4), the ESP -> xfrm algorithm mapping and
 * the SA payload of an IKE SA rekey (1.3.2).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "seg.h"
#include "t.h"

static const struct ike_transform *
tr(const struct ike_proposal *p, uint8_t type)
{
	size_t i;

	for (i = 0; i < p->ntr; i++)
		if (p->tr[i].type == type)
			return &p->tr[i];
	return NULL;
}

static void
test_props(void)
{
	struct ike_proposal p;
	char why[256], buf[128];
	const struct ike_transform *t;

	T_CHECK(seg_prop_parse("aes128-sha256-modp2048", IKE_PROTO_IKE, &p,
	    why, sizeof(why)) == 0, "%s", why);
	T_CHECK(p.ntr == 4, "ntr %zu", p.ntr);
	t = tr(&p, IKE_TR_ENCR);
	T_CHECK(t != NULL && t->id == IKE_ENCR_AES_CBC && t->keylen == 128,
	    "encr");
	t = tr(&p, IKE_TR_PRF);
	T_CHECK(t != NULL && t->id == IKE_PRF_HMAC_SHA2_256, "prf implied");
	t = tr(&p, IKE_TR_INTEG);
	T_CHECK(t != NULL && t->id == IKE_INTEG_HMAC_SHA2_256_128, "integ");
	t = tr(&p, IKE_TR_DH);
	T_CHECK(t != NULL && t->id == IKE_DH_MODP2048, "dh");
	T_CHECK(strcmp(seg_suite_str(&p, buf, sizeof(buf)),
	    "aes128-sha256-prfsha256-modp2048") == 0, "str %s", buf);

	T_CHECK(seg_prop_parse("aes256gcm16-prf_sha256-ecp256", IKE_PROTO_IKE,
	    &p, why, sizeof(why)) == 0, "%s", why);
	T_CHECK(p.ntr == 3 && tr(&p, IKE_TR_INTEG) == NULL, "gcm: no integ");
	T_CHECK(strcmp(seg_suite_str(&p, buf, sizeof(buf)),
	    "aes256gcm16-prfsha256-ecp256") == 0, "str %s", buf);
	T_CHECK(strcmp(seg_suite_str(&p, buf, 8), "aes256g") == 0,
	    "truncated %s", buf);
	t = tr(&p, IKE_TR_ENCR);
	T_CHECK(t != NULL && t->id == IKE_ENCR_AES_GCM_16 && t->keylen == 256,
	    "gcm 256");
	T_CHECK(seg_prop_parse("aes256gcm16-ecp384", IKE_PROTO_IKE, &p, why,
	    sizeof(why)) == 0, "gcm alone gets prfsha256: %s", why);
	T_CHECK(tr(&p, IKE_TR_PRF) != NULL, "prf added");

	/* ESP: ESN no added, no PRF allowed. */
	T_CHECK(seg_prop_parse("aes128-sha256", IKE_PROTO_ESP, &p, why,
	    sizeof(why)) == 0, "%s", why);
	t = tr(&p, IKE_TR_ESN);
	T_CHECK(t != NULL && t->id == IKE_ESN_NO && p.proto == IKE_PROTO_ESP,
	    "esn no");
	T_CHECK(tr(&p, IKE_TR_PRF) == NULL && tr(&p, IKE_TR_DH) == NULL,
	    "esp: no prf/dh");
	T_CHECK(seg_prop_parse("aes256gcm16", IKE_PROTO_ESP, &p, why,
	    sizeof(why)) == 0, "%s", why);

	/* Refusals. */
	T_CHECK(seg_prop_parse("aes128-sha256", IKE_PROTO_IKE, &p, why,
	    sizeof(why)) == -EINVAL && strstr(why, "DH") != NULL,
	    "ike without dh: %s", why);
	T_CHECK(seg_prop_parse("aes128gcm16-sha256-modp2048", IKE_PROTO_IKE,
	    &p, why, sizeof(why)) == -EINVAL, "gcm + integ");
	T_CHECK(seg_prop_parse("aes128-modp2048", IKE_PROTO_IKE, &p, why,
	    sizeof(why)) == -EINVAL, "cbc without integ");
	T_CHECK(seg_prop_parse("3des-sha256-modp2048", IKE_PROTO_IKE, &p, why,
	    sizeof(why)) == -EINVAL && strstr(why, "3des") != NULL,
	    "unknown: %s", why);
	T_CHECK(seg_prop_parse("aes128-aes256-sha256-modp2048", IKE_PROTO_IKE,
	    &p, why, sizeof(why)) == -EINVAL, "two encr");
	T_CHECK(seg_prop_parse("aes128-sha256-prfsha256", IKE_PROTO_ESP, &p,
	    why, sizeof(why)) == -EINVAL, "esp with prf");
	T_CHECK(seg_prop_parse("aes128-sha256-modp2048-noesn", IKE_PROTO_IKE,
	    &p, why, sizeof(why)) == -EINVAL, "ike with esn");
	T_CHECK(seg_prop_parse("", IKE_PROTO_ESP, &p, why, sizeof(why)) ==
	    -EINVAL, "empty");
	T_CHECK(seg_prop_parse("aes128--sha256", IKE_PROTO_ESP, &p, why,
	    sizeof(why)) == -EINVAL, "empty token");
}

static void
test_prefix(void)
{
	struct xfrm_ip ip;
	uint8_t plen;
	char buf[64];

	T_CHECK(seg_prefix_parse("192.168.201.77/24", &ip, &plen) == 0 &&
	    plen == 24, "v4");
	T_CHECK(strcmp(xfrm_ip_str(&ip, buf, sizeof(buf)), "192.168.201.0") ==
	    0, "host bits cleared: %s", buf);
	T_CHECK(seg_prefix_parse("10.1.2.3/13", &ip, &plen) == 0 &&
	    strcmp(xfrm_ip_str(&ip, buf, sizeof(buf)), "10.0.0.0") == 0,
	    "/13: %s", buf);
	T_CHECK(seg_prefix_parse("fd00:1:2:3::5/64", &ip, &plen) == 0 &&
	    plen == 64 && strcmp(xfrm_ip_str(&ip, buf, sizeof(buf)),
	    "fd00:1:2:3::") == 0, "v6: %s", buf);
	T_CHECK(seg_prefix_parse("10.0.0.0/33", &ip, &plen) == -EINVAL, "/33");
	T_CHECK(seg_prefix_parse("10.0.0.0", &ip, &plen) == -EINVAL, "no /");
	T_CHECK(seg_prefix_parse("10.0.0.0/", &ip, &plen) == -EINVAL, "/");
	T_CHECK(seg_prefix_parse("10.0.0.0/2x", &ip, &plen) == -EINVAL, "2x");
	T_CHECK(seg_prefix_parse("foo/8", &ip, &plen) == -EINVAL, "foo");
}

static void
test_peer(void)
{
	struct seg_peer p;
	char why[256], buf[64];

	T_CHECK(seg_peer_parse("segb address=10.46.0.2 id=segb.example.net "
	    "auth=psk psk=s3cret local-subnet=192.168.201.0/24 "
	    "remote-subnet=192.168.202.0/24 initiate=yes", &p, why,
	    sizeof(why)) == 0, "%s", why);
	T_CHECK(strcmp(p.name, "segb") == 0 && p.initiate == 1 &&
	    p.auth == SEG_AUTH_PSK && p.psklen == 6 &&
	    memcmp(p.psk, "s3cret", 6) == 0, "fields");
	T_CHECK(strcmp(xfrm_ip_str(&p.addr, buf, sizeof(buf)), "10.46.0.2") ==
	    0 && p.lplen == 24 && p.rplen == 24, "addr");
	T_CHECK(strcmp(p.id, "segb.example.net") == 0, "id");
	T_CHECK(seg_peer_parse("b address=10.46.0.2 id=b.example.net "
	    "auth=psk psk=0x00ff10 local-subnet=10.1.0.0/16 "
	    "remote-subnet=10.2.0.0/16", &p, why, sizeof(why)) == 0 &&
	    p.psklen == 3 && p.psk[0] == 0 && p.psk[1] == 0xff &&
	    p.initiate == 0, "hex psk: %s", why);
	T_CHECK(seg_peer_parse("c address=fd00::2 id=c.example.net auth=cert "
	    "local-subnet=fd01::/48 remote-subnet=fd02::/48", &p, why,
	    sizeof(why)) == 0 && p.auth == SEG_AUTH_CERT, "cert v6: %s", why);

	T_CHECK(seg_peer_parse("b address=10.46.0.2 id=b.example.net "
	    "auth=psk local-subnet=10.1.0.0/16 remote-subnet=10.2.0.0/16", &p,
	    why, sizeof(why)) == -EINVAL && strstr(why, "psk") != NULL,
	    "psk missing: %s", why);
	T_CHECK(seg_peer_parse("b address=10.46.0.2 auth=psk psk=x "
	    "local-subnet=10.1.0.0/16 remote-subnet=10.2.0.0/16", &p, why,
	    sizeof(why)) == -EINVAL, "id missing");
	T_CHECK(seg_peer_parse("b address=10.46.0.2 id=b.example.net psk=x "
	    "colour=red local-subnet=10.1.0.0/16 remote-subnet=10.2.0.0/16",
	    &p, why, sizeof(why)) == -EINVAL && strstr(why, "unknown key") !=
	    NULL, "unknown key: %s", why);
	T_CHECK(seg_peer_parse("b address=10.46.0.2 id=b.example.net psk=x "
	    "local-subnet=10.1.0.0/16 remote-subnet=fd02::/48", &p, why,
	    sizeof(why)) == -EINVAL, "mixed families");
	T_CHECK(seg_peer_parse("address=10.46.0.2", &p, why, sizeof(why)) ==
	    -EINVAL, "no name");
	T_CHECK(seg_peer_parse("b address=10.46.0.2 id=b.example.net psk=x "
	    "local-subnet=10.1.0.0/16 remote-subnet=10.2.0.0/16 initiate=maybe",
	    &p, why, sizeof(why)) == -EINVAL, "initiate=maybe");
	T_CHECK(seg_peer_parse("b address=10.46.0.999 id=b.example.net psk=x "
	    "local-subnet=10.1.0.0/16 remote-subnet=10.2.0.0/16", &p, why,
	    sizeof(why)) == -EINVAL && p.psklen == 0, "bad address, psk wiped");
	T_CHECK(seg_peer_parse("b address=10.46.0.2 id=b.example.net psk=0x0 "
	    "local-subnet=10.1.0.0/16 remote-subnet=10.2.0.0/16", &p, why,
	    sizeof(why)) == -EINVAL, "odd hex psk");
}

static void
test_msgid(void)
{
	T_CHECK(seg_msgid_request(0, 0, 0) == SEG_RX_NEW, "first");
	T_CHECK(seg_msgid_request(1, 0, 0) == SEG_RX_DROP, "no cached resp");
	T_CHECK(seg_msgid_request(1, 1, 0) == SEG_RX_RETRANSMIT, "rtx");
	T_CHECK(seg_msgid_request(5, 1, 3) == SEG_RX_DROP, "old");
	T_CHECK(seg_msgid_request(5, 1, 6) == SEG_RX_DROP, "ahead");
	T_CHECK(seg_msgid_request(0, 1, 0xffffffffu) == SEG_RX_DROP, "wrap");
	T_CHECK(seg_msgid_response(1, 7, 7) == 1, "answer");
	T_CHECK(seg_msgid_response(1, 7, 6) == 0, "stale answer");
	T_CHECK(seg_msgid_response(0, 7, 7) == 0, "nothing outstanding");
	T_CHECK(seg_rtx_delay(500, 0) == 500 && seg_rtx_delay(500, 1) ==
	    1000 && seg_rtx_delay(500, 3) == 4000, "doubling");
	T_CHECK(seg_rtx_delay(500, 20) == 30000, "cap");
}

static void
test_algs(void)
{
	struct ike_proposal p;
	const char *e, *a, *g;
	char why[128];

	T_CHECK(seg_prop_parse("aes256-sha256", IKE_PROTO_ESP, &p, why,
	    sizeof(why)) == 0 && seg_kernel_algs(&p, &e, &a, &g) == 0 &&
	    strcmp(e, "aes-cbc") == 0 && strcmp(a, "hmac-sha2-256-128") == 0 &&
	    g == NULL, "cbc");
	T_CHECK(seg_prop_parse("aes128gcm16", IKE_PROTO_ESP, &p, why,
	    sizeof(why)) == 0 && seg_kernel_algs(&p, &e, &a, &g) == 0 &&
	    e == NULL && a == NULL && strcmp(g, "aes-gcm") == 0, "gcm");
	p.tr[p.ntr - 1].id = IKE_ESN_YES;
	T_CHECK(seg_kernel_algs(&p, &e, &a, &g) == -ENOTSUP, "esn refused");
}

static void
ts4(struct ike_ts *t, const char *s, const char *e)
{
	memset(t, 0, sizeof(*t));
	t->type = IKE_TS_IPV4_RANGE;
	t->eport = 65535;
	(void)inet_pton(AF_INET, s, t->saddr);
	(void)inet_pton(AF_INET, e, t->eaddr);
}

static void
test_ts(void)
{
	struct ike_ts t;
	struct xfrm_ip ip;
	uint8_t plen;
	char buf[64];

	ts4(&t, "192.168.201.0", "192.168.201.255");
	T_CHECK(seg_ts_to_prefix(&t, &ip, &plen) == 0 && plen == 24 &&
	    strcmp(xfrm_ip_str(&ip, buf, sizeof(buf)), "192.168.201.0") == 0,
	    "/24");
	ts4(&t, "10.0.0.0", "10.15.255.255");
	T_CHECK(seg_ts_to_prefix(&t, &ip, &plen) == 0 && plen == 12, "/12");
	ts4(&t, "10.0.0.7", "10.0.0.7");
	T_CHECK(seg_ts_to_prefix(&t, &ip, &plen) == 0 && plen == 32, "host");
	ts4(&t, "0.0.0.0", "255.255.255.255");
	T_CHECK(seg_ts_to_prefix(&t, &ip, &plen) == 0 && plen == 0, "any");
	ts4(&t, "10.0.0.1", "10.0.0.255");
	T_CHECK(seg_ts_to_prefix(&t, &ip, &plen) == -EINVAL, "unaligned");
	ts4(&t, "10.0.0.0", "10.0.2.255");
	T_CHECK(seg_ts_to_prefix(&t, &ip, &plen) == -EINVAL, "3 x /24");
	ts4(&t, "10.0.0.0", "10.0.1.254");
	T_CHECK(seg_ts_to_prefix(&t, &ip, &plen) == -EINVAL, "ragged end");
	ts4(&t, "10.0.1.0", "10.0.0.255");
	T_CHECK(seg_ts_to_prefix(&t, &ip, &plen) == -EINVAL, "reversed");
	ts4(&t, "10.0.0.0", "10.0.0.255");
	t.ipproto = 17;
	T_CHECK(seg_ts_to_prefix(&t, &ip, &plen) == -EINVAL, "udp only");
	t.ipproto = 0;
	t.eport = 5060;
	T_CHECK(seg_ts_to_prefix(&t, &ip, &plen) == -EINVAL, "ports");
	memset(&t, 0, sizeof(t));
	t.type = IKE_TS_IPV6_RANGE;
	t.eport = 65535;
	(void)inet_pton(AF_INET6, "fd01::", t.saddr);
	(void)inet_pton(AF_INET6, "fd01::ffff:ffff:ffff:ffff", t.eaddr);
	T_CHECK(seg_ts_to_prefix(&t, &ip, &plen) == 0 && plen == 64 &&
	    ip.family == AF_INET6, "v6 /64");
}

/* In a namespace of its own: a peer's three policies under the seg's
 * owner tag, listed as ours, removed again (no ESP needed for policies). */
static void
netns_policies(void)
{
	struct xfrm_nl *x = xfrm_open();
	struct xfrm_ip local;
	struct seg_peer p;
	char why[128];
	int nsa = -1, npol = -1;

	T_CHECK(x != NULL, "xfrm_open");
	if (x == NULL)
		return;
	T_CHECK(xfrm_set_owner(x, 0x5e) == 0, "owner");
	T_CHECK(seg_peer_parse("b address=10.46.0.2 id=b.example.net psk=x "
	    "local-subnet=192.168.201.0/24 remote-subnet=192.168.202.0/24",
	    &p, why, sizeof(why)) == 0, "%s", why);
	p.reqid = 77;
	(void)xfrm_ip_parse("10.46.0.1", &local);
	T_CHECK(seg_kernel_policies(x, &local, &p) == 0, "policies");
	T_CHECK(xfrm_list_ours(x, NULL, NULL, &nsa, &npol) == 0 && nsa == 0 &&
	    npol == 3, "ours: %d SAs %d policies", nsa, npol);
	T_CHECK(seg_kernel_policies(x, &local, &p) == -EEXIST,
	    "the same policies twice");
	T_CHECK(seg_kernel_policies_del(x, &p) == 0, "del");
	T_CHECK(xfrm_list_ours(x, NULL, NULL, &nsa, &npol) == 0 && npol == 0,
	    "after del: %d policies", npol);
	T_CHECK(seg_kernel_policies_del(x, &p) == 0, "del again: none left");
	xfrm_close(x);
}

/* RFC 7296 1.3.2, 3.3.1: the SA payload of an IKE SA rekey: protocol IKE,
 * SPI Size 8, the new SPI big-endian in every proposal; what the
 * responder parses back and selects keeps the SPI; an ESP SA payload is
 * no IKE rekey. */
static void
test_ikerekey(void)
{
	struct ike_proposal ours[2];
	struct ike_sa_pl sap, back;
	struct ike_proposal chosen;
	struct ike_hdr h;
	struct ike_msg m;
	struct ike_wr w;
	uint8_t buf[1024];
	static const uint8_t spi_be[8] = { 0x01, 0x23, 0x45, 0x67, 0x89,
		0xab, 0xcd, 0xef };
	char why[128];
	size_t i;
	int len;

	seg_spi64_put(buf, 0x0123456789abcdefULL);
	T_CHECK(memcmp(buf, spi_be, 8) == 0, "SPI big-endian");
	T_CHECK(seg_spi64_get(spi_be) == 0x0123456789abcdefULL, "SPI back");
	T_CHECK(seg_prop_parse("aes128-sha256-modp2048", IKE_PROTO_IKE,
	    &ours[0], why, sizeof(why)) == 0, "prop 1: %s", why);
	T_CHECK(seg_prop_parse("aes256gcm16-prfsha256-ecp384", IKE_PROTO_IKE,
	    &ours[1], why, sizeof(why)) == 0, "prop 2: %s", why);
	T_CHECK(seg_ikerekey_offer(ours, 2, 0, &sap) == -EINVAL,
	    "SPI 0 refused");
	T_CHECK(seg_ikerekey_offer(ours, 0, 1, &sap) == -EINVAL,
	    "no proposal refused");
	T_CHECK(seg_ikerekey_offer(ours, 2, 0x0123456789abcdefULL, &sap) == 0,
	    "offer");
	T_CHECK(sap.nprop == 2, "2 proposals");
	for (i = 0; i < 2; i++)
		T_CHECK(sap.prop[i].num == i + 1 &&
		    sap.prop[i].proto == IKE_PROTO_IKE &&
		    sap.prop[i].spi_size == 8 &&
		    memcmp(sap.prop[i].spi, spi_be, 8) == 0 &&
		    sap.prop[i].ntr == ours[i].ntr, "proposal %zu", i + 1);
	/* a CREATE_CHILD_SA request's cleartext: header, SA */
	memset(&h, 0, sizeof(h));
	h.spi_i = 1;
	h.spi_r = 2;
	h.version = IKE_VERSION;
	h.exchange = IKE_CREATE_CHILD_SA;
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_hdr(&w, &h);
	ike_wr_sa(&w, &sap);
	len = ike_wr_finish(&w);
	T_CHECK(len > 0 && ike_msg_parse(buf, (size_t)len, &m) == 0,
	    "message parses (%d)", len);
	T_CHECK(seg_ikerekey_is_ike(&m) == 1, "recognised as an IKE rekey");
	T_CHECK(ike_sa_parse(m.pl[0].body, m.pl[0].len, &back) == 0 &&
	    back.nprop == 2, "SA parses back");
	T_CHECK(ike_sa_select(&back, &ours[1], IKE_PROTO_IKE, &chosen) == 0 &&
	    chosen.num == 2 && chosen.spi_size == 8 &&
	    seg_spi64_get(chosen.spi) == 0x0123456789abcdefULL,
	    "the responder selects proposal 2 with the SPI");
	/* an ESP SA (a CHILD_SA) is not */
	T_CHECK(seg_prop_parse("aes128gcm16", IKE_PROTO_ESP, &ours[0], why,
	    sizeof(why)) == 0, "esp: %s", why);
	memset(&back, 0, sizeof(back));
	back.nprop = 1;
	back.prop[0] = ours[0];
	back.prop[0].num = 1;
	back.prop[0].spi_size = 4;
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_hdr(&w, &h);
	ike_wr_sa(&w, &back);
	len = ike_wr_finish(&w);
	T_CHECK(len > 0 && ike_msg_parse(buf, (size_t)len, &m) == 0,
	    "ESP message parses (%d)", len);
	T_CHECK(seg_ikerekey_is_ike(&m) == 0, "ESP SA: no IKE rekey");
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_hdr(&w, &h);
	len = ike_wr_finish(&w);
	T_CHECK(len > 0 && ike_msg_parse(buf, (size_t)len, &m) == 0 &&
	    seg_ikerekey_is_ike(&m) == 0, "no SA: no IKE rekey");
}

int
main(void)
{
	test_props();
	test_prefix();
	test_peer();
	test_msgid();
	test_algs();
	test_ts();
	test_ikerekey();
	t_in_netns("test_seg", netns_policies);
	return t_done("test_seg");
}
