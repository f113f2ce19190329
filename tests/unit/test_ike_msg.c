/* test_ike_msg.c - the IKEv2 message codec (RFC 7296 3): a hand-assembled
 * IKE_SA_INIT request read field by field, writer -> parser round trips of
 * every payload, every malformation the parsers must refuse, the
 * writer's errors.  The choice of a proposal and the narrowing of traffic
 * selectors are in test_ike_select.c. */
#include <arpa/inet.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ike_msg.h"
#include "t.h"
#include "util.h"

static uint8_t buf[4096], buf2[4096];
static struct ike_msg m;

/* An IKE_SA_INIT request written out by hand from RFC 7296 3.1-3.10
 * (not by ike_wr): one IKE proposal AES-CBC-256 / HMAC-SHA2-256 PRF and
 * integrity / ECP-256, KE of group 19, a 32-byte nonce and the two
 * NAT-detection notifies. */
#define R8(b)	b b b b b b b b
#define R64(b)	R8(b) R8(b) R8(b) R8(b) R8(b) R8(b) R8(b) R8(b)
static const char init_hex[] =
	/* 3.1 header: SPIi, SPIr 0, Next SA(33), 2.0, IKE_SA_INIT(34),
	 * flags I, Message ID 0, Length 240 */
	"0102030405060708" "0000000000000000" "21" "20" "22" "08"
	"00000000" "000000f0"
	/* SA: Next KE(34), C 0, Length 48 */
	"22" "00" "0030"
	/* proposal: last, Length 44, Num 1, IKE, SPI Size 0, 4 transforms */
	"00" "00" "002c" "01" "01" "00" "04"
	/* ENCR AES-CBC(12) with Key Length 256 (attribute 14, TV) */
	"03" "00" "000c" "01" "00" "000c" "800e" "0100"
	/* PRF HMAC-SHA2-256(5), INTEG HMAC-SHA2-256-128(12), DH 19 (last) */
	"03" "00" "0008" "02" "00" "0005"
	"03" "00" "0008" "03" "00" "000c"
	"00" "00" "0008" "04" "00" "0013"
	/* KE: Next Nonce(40), Length 72, group 19, RESERVED, 64 bytes */
	"28" "00" "0048" "0013" "0000" R64("ab")
	/* Nonce: Next N(41), Length 36, 32 bytes */
	"29" "00" "0024" R8("11111111")
	/* N(NAT_DETECTION_SOURCE_IP 16388): Next N, Length 28, proto 0,
	 * SPI Size 0, 20 bytes of SHA-1 */
	"29" "00" "001c" "00" "00" "4004"
	"5a5a5a5a5a5a5a5a5a5a" "5a5a5a5a5a5a5a5a5a5a"
	/* N(NAT_DETECTION_DESTINATION_IP 16389): last payload */
	"00" "00" "001c" "00" "00" "4005"
	"a5a5a5a5a5a5a5a5a5a5" "a5a5a5a5a5a5a5a5a5a5";

static size_t init_len;
static uint8_t init_msg[512];

static void
test_init_request(void)
{
	struct ike_sa_pl sa;
	struct ike_ke ke;
	struct ike_notify n;
	const struct ike_pl *pl;
	const uint8_t *nonce;
	size_t nlen, it = 0;
	struct ike_wr w;
	uint8_t ni[32], nat[20];
	int rc;

	T_CHECK(hex_decode_var(init_hex, init_msg, sizeof(init_msg),
	    &init_len) == 0 && init_len == 240, "hex %zu", init_len);
	T_CHECK((rc = ike_msg_parse(init_msg, init_len, &m)) == 0, "rc %d", rc);
	T_CHECK(m.hdr.spi_i == 0x0102030405060708ULL && m.hdr.spi_r == 0 &&
	    m.hdr.next == IKE_PL_SA && m.hdr.version == IKE_VERSION &&
	    m.hdr.exchange == IKE_SA_INIT && m.hdr.flags == IKE_FLAG_I &&
	    m.hdr.msgid == 0 && m.hdr.length == 240 && m.len == 240,
	    "header");
	T_CHECK(m.npl == 5 && m.pl[0].type == IKE_PL_SA &&
	    m.pl[1].type == IKE_PL_KE && m.pl[2].type == IKE_PL_NONCE &&
	    m.pl[3].type == IKE_PL_NOTIFY && m.pl[4].type == IKE_PL_NOTIFY,
	    "payloads %zu", m.npl);
	T_CHECK(m.pl[0].len == 44 && m.pl[0].body == init_msg + 32 &&
	    !m.pl[0].critical, "SA view");

	T_CHECK(ike_sa_parse(m.pl[0].body, m.pl[0].len, &sa) == 0, "SA");
	T_CHECK(sa.nprop == 1 && sa.prop[0].num == 1 &&
	    sa.prop[0].proto == IKE_PROTO_IKE && sa.prop[0].spi_size == 0 &&
	    sa.prop[0].ntr == 4, "proposal");
	T_CHECK(sa.prop[0].tr[0].type == IKE_TR_ENCR &&
	    sa.prop[0].tr[0].id == IKE_ENCR_AES_CBC &&
	    sa.prop[0].tr[0].keylen == 256 && !sa.prop[0].tr[0].unknown_attr,
	    "ENCR");
	T_CHECK(sa.prop[0].tr[1].type == IKE_TR_PRF &&
	    sa.prop[0].tr[1].id == IKE_PRF_HMAC_SHA2_256 &&
	    sa.prop[0].tr[1].keylen == 0, "PRF");
	T_CHECK(sa.prop[0].tr[2].type == IKE_TR_INTEG &&
	    sa.prop[0].tr[2].id == IKE_INTEG_HMAC_SHA2_256_128, "INTEG");
	T_CHECK(ike_proposal_get(&sa.prop[0], IKE_TR_DH) == &sa.prop[0].tr[3]
	    && sa.prop[0].tr[3].id == IKE_DH_ECP256, "DH");
	T_CHECK(ike_proposal_get(&sa.prop[0], IKE_TR_ESN) == NULL, "no ESN");

	T_CHECK(ike_ke_parse(&m.pl[1], &ke) == 0 && ke.group == 19 &&
	    ke.len == 64 && ke.data == init_msg + 84 && ke.data[0] == 0xab &&
	    ke.data[63] == 0xab, "KE");
	T_CHECK(ike_nonce_parse(&m.pl[2], &nonce, &nlen) == 0 && nlen == 32 &&
	    nonce[0] == 0x11 && nonce == init_msg + 152, "Nonce");
	T_CHECK(ike_notify_parse(&m.pl[3], &n) == 0 && n.proto == 0 &&
	    n.spi_size == 0 && n.spi == NULL &&
	    n.type == IKE_N_NAT_DETECTION_SOURCE_IP && n.len == 20 &&
	    n.data[0] == 0x5a, "N src");
	T_CHECK(ike_msg_notify(&m, IKE_N_NAT_DETECTION_DESTINATION_IP, &n) == 0
	    && n.data == init_msg + 220 && n.data[19] == 0xa5, "N dst");
	T_CHECK(ike_msg_notify(&m, IKE_N_COOKIE, &n) == -ENOENT, "no COOKIE");
	T_CHECK((pl = ike_msg_find(&m, IKE_PL_NOTIFY, &it)) == &m.pl[3] &&
	    (pl = ike_msg_find(&m, IKE_PL_NOTIFY, &it)) == &m.pl[4] &&
	    ike_msg_find(&m, IKE_PL_NOTIFY, &it) == NULL, "find");
	T_CHECK(strcmp(ike_pl_name(IKE_PL_NONCE), "Nonce") == 0 &&
	    strcmp(ike_pl_name(99), "?") == 0 &&
	    strcmp(ike_notify_name(IKE_N_COOKIE), "COOKIE") == 0 &&
	    strcmp(ike_notify_name(12345), "?") == 0, "names");

	/* The writer gives the same bytes from the same fields. */
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_hdr(&w, &m.hdr);
	ike_wr_sa(&w, &sa);
	ike_wr_ke(&w, 19, ke.data, ke.len);
	memset(ni, 0x11, sizeof(ni));
	ike_wr_nonce(&w, ni, sizeof(ni));
	memset(nat, 0x5a, sizeof(nat));
	ike_wr_notify(&w, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, nat, 20);
	memset(nat, 0xa5, sizeof(nat));
	ike_wr_notify(&w, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP,
	    nat, 20);
	T_CHECK((rc = ike_wr_finish(&w)) == 240 &&
	    memcmp(buf, init_msg, 240) == 0, "writer: rc %d", rc);

	/* Bytes after Length (a padded datagram) are not the message's. */
	memcpy(buf, init_msg, init_len);
	buf[init_len] = 0xff;
	T_CHECK(ike_msg_parse(buf, init_len + 1, &m) == 0 && m.len == 240,
	    "trailing bytes");
}

/* Each payload through the writer, then the parsers. */
static void
test_round_trip(void)
{
	static const uint8_t key[5] = { 1, 2, 3, 4, 5 };
	static const uint8_t esp_spi[4] = { 0xc0, 0xff, 0xee, 0x01 };
	struct ike_sa_pl sa = { 0 }, sa2;
	struct ike_ts_pl ts = { 0 }, ts2;
	struct ike_delete d = { 0 }, d2;
	struct ike_hdr h = { .spi_i = 0x1122334455667788ULL,
	    .spi_r = 0x99aabbccddeeff00ULL, .exchange = IKE_AUTH,
	    .flags = IKE_FLAG_R, .msgid = 0x01020304 };
	struct ike_ke ke;
	struct ike_id id;
	struct ike_auth a;
	struct ike_cert c;
	struct ike_notify n;
	const uint8_t *p;
	size_t len;
	struct ike_wr w;
	uint8_t nonce[256];
	int rc;

	sa.nprop = 2;
	sa.prop[0] = (struct ike_proposal){ .num = 1, .proto = IKE_PROTO_ESP,
	    .spi_size = 4, .spi = { 0xde, 0xad, 0xbe, 0xef }, .ntr = 3,
	    .tr = { { IKE_TR_ENCR, IKE_ENCR_AES_GCM_16, 128, 0 },
		    { IKE_TR_ENCR, IKE_ENCR_AES_GCM_16, 256, 0 },
		    { IKE_TR_ESN, IKE_ESN_NO, 0, 0 } } };
	sa.prop[1] = (struct ike_proposal){ .num = 2, .proto = IKE_PROTO_ESP,
	    .spi_size = 4, .spi = { 0xde, 0xad, 0xbe, 0xef }, .ntr = 3,
	    .tr = { { IKE_TR_ENCR, IKE_ENCR_AES_CBC, 128, 0 },
		    { IKE_TR_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0, 0 },
		    { IKE_TR_ESN, IKE_ESN_NO, 0, 0 } } };
	ts.n = 2;
	ike_ts_from_prefix(&ts.ts[0], AF_INET, "\x0a\x00\x00\x01", 32);
	ts.ts[0].ipproto = 17;
	ts.ts[0].sport = ts.ts[0].eport = 500;
	ike_ts_from_prefix(&ts.ts[1], AF_INET6,
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 64);
	d.proto = IKE_PROTO_ESP;
	d.spi_size = 4;
	d.nspi = 3;
	d.spi[0] = 1;
	d.spi[1] = 0x80000000u;
	d.spi[2] = 0xffffffffu;
	memset(nonce, 0x42, sizeof(nonce));

	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_hdr(&w, &h);
	ike_wr_sa(&w, &sa);
	ike_wr_ke(&w, IKE_DH_MODP2048, key, sizeof(key));
	ike_wr_nonce(&w, nonce, 256);
	ike_wr_id(&w, IKE_PL_IDI, IKE_ID_FQDN, (const uint8_t *)"seg.a", 5);
	ike_wr_id(&w, IKE_PL_IDR, IKE_ID_IPV4, (const uint8_t *)"\x0a\0\0\x02",
	    4);
	ike_wr_auth(&w, IKE_AUTH_PSK, key, sizeof(key));
	ike_wr_cert(&w, IKE_PL_CERT, IKE_CERT_X509_SIG, key, 3);
	ike_wr_cert(&w, IKE_PL_CERTREQ, IKE_CERT_X509_SIG, NULL, 0);
	ike_wr_notify(&w, IKE_PROTO_ESP, esp_spi, 4, IKE_N_REKEY_SA, NULL, 0);
	ike_wr_delete(&w, &d);
	ike_wr_ts(&w, IKE_PL_TSI, &ts);
	ike_wr_ts(&w, IKE_PL_TSR, &ts);
	rc = ike_wr_finish(&w);
	T_CHECK(rc > IKE_HDR_LEN, "finish %d", rc);
	T_CHECK(ike_msg_parse(buf, (size_t)rc, &m) == 0 && m.npl == 12 &&
	    m.len == (size_t)rc, "parse %zu", m.npl);
	T_CHECK(m.hdr.spi_i == h.spi_i && m.hdr.spi_r == h.spi_r &&
	    m.hdr.version == IKE_VERSION && m.hdr.exchange == IKE_AUTH &&
	    m.hdr.flags == IKE_FLAG_R && m.hdr.msgid == 0x01020304, "hdr");

	T_CHECK(m.pl[0].type == IKE_PL_SA &&
	    ike_sa_parse(m.pl[0].body, m.pl[0].len, &sa2) == 0 &&
	    sa2.nprop == 2 && sa2.prop[1].num == 2 &&
	    memcmp(sa2.prop[1].spi, "\xde\xad\xbe\xef", 4) == 0 &&
	    sa2.prop[0].ntr == 3 && sa2.prop[0].tr[1].keylen == 256 &&
	    sa2.prop[0].tr[1].id == IKE_ENCR_AES_GCM_16 &&
	    sa2.prop[1].tr[1].type == IKE_TR_INTEG &&
	    sa2.prop[1].tr[2].type == IKE_TR_ESN &&
	    sa2.prop[1].tr[2].keylen == 0, "SA");
	T_CHECK(ike_ke_parse(&m.pl[1], &ke) == 0 && ke.group == 14 &&
	    ke.len == 5 && memcmp(ke.data, key, 5) == 0, "KE");
	T_CHECK(ike_nonce_parse(&m.pl[2], &p, &len) == 0 && len == 256 &&
	    p[255] == 0x42, "Nonce");
	T_CHECK(m.pl[3].type == IKE_PL_IDI && ike_id_parse(&m.pl[3], &id) == 0
	    && id.type == IKE_ID_FQDN && id.len == 5 &&
	    memcmp(id.data, "seg.a", 5) == 0 && id.body == m.pl[3].body &&
	    id.body_len == 9, "IDi");
	T_CHECK(m.pl[4].type == IKE_PL_IDR && ike_id_parse(&m.pl[4], &id) == 0
	    && id.type == IKE_ID_IPV4 && id.len == 4 && id.data[3] == 2, "IDr");
	T_CHECK(ike_auth_parse(&m.pl[5], &a) == 0 && a.method == IKE_AUTH_PSK
	    && a.len == 5 && a.data[4] == 5, "AUTH");
	T_CHECK(m.pl[6].type == IKE_PL_CERT && ike_cert_parse(&m.pl[6], &c) == 0
	    && c.encoding == IKE_CERT_X509_SIG && c.len == 3, "CERT");
	T_CHECK(m.pl[7].type == IKE_PL_CERTREQ &&
	    ike_cert_parse(&m.pl[7], &c) == 0 && c.len == 0, "CERTREQ");
	T_CHECK(ike_notify_parse(&m.pl[8], &n) == 0 && n.proto == IKE_PROTO_ESP
	    && n.spi_size == 4 && memcmp(n.spi, esp_spi, 4) == 0 &&
	    n.type == IKE_N_REKEY_SA && n.len == 0, "N");
	T_CHECK(ike_delete_parse(&m.pl[9], &d2) == 0 && d2.proto == 3 &&
	    d2.spi_size == 4 && d2.nspi == 3 && d2.spi[0] == 1 &&
	    d2.spi[1] == 0x80000000u && d2.spi[2] == 0xffffffffu, "D");
	T_CHECK(m.pl[10].type == IKE_PL_TSI &&
	    ike_ts_parse(&m.pl[10], &ts2) == 0 && ts2.n == 2 &&
	    memcmp(&ts2.ts[0], &ts.ts[0], sizeof(ts.ts[0])) == 0 &&
	    memcmp(&ts2.ts[1], &ts.ts[1], sizeof(ts.ts[1])) == 0, "TSi");
	T_CHECK(m.pl[11].type == IKE_PL_TSR && ike_ts_parse(&m.pl[11], &ts2)
	    == 0 && ts2.n == 2 && ts2.ts[1].type == IKE_TS_IPV6_RANGE, "TSr");

	/* The IKE SA's Delete: no SPI. */
	d = (struct ike_delete){ .proto = IKE_PROTO_IKE };
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_hdr(&w, &h);
	ike_wr_delete(&w, &d);
	rc = ike_wr_finish(&w);
	T_CHECK(rc == IKE_HDR_LEN + 8 && ike_msg_parse(buf, (size_t)rc, &m)
	    == 0 && ike_delete_parse(&m.pl[0], &d2) == 0 &&
	    d2.proto == IKE_PROTO_IKE && d2.nspi == 0, "D IKE %d", rc);
}

/* An SK payload last, its body opaque; the plaintext chain written bare
 * and read with ike_pl_chain_parse, appended to the message's. */
static void
test_sk_chain(void)
{
	struct ike_hdr h = { .spi_i = 1, .spi_r = 2, .exchange = IKE_AUTH,
	    .flags = IKE_FLAG_I, .msgid = 1 };
	struct ike_wr w, in;
	size_t sk, it = 0;
	uint8_t nonce[16] = { 0 };
	struct ike_notify n;
	int rc, plen;

	ike_wr_init(&in, buf2, sizeof(buf2));
	ike_wr_id(&in, IKE_PL_IDI, IKE_ID_FQDN, (const uint8_t *)"a", 1);
	ike_wr_notify(&in, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_wr_nonce(&in, nonce, 16);
	plen = ike_wr_finish(&in);
	T_CHECK(plen == 9 + 8 + 20 && in.first == IKE_PL_IDI && !in.has_hdr,
	    "bare chain %d first %u", plen, in.first);

	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_hdr(&w, &h);
	ike_wr_notify(&w, 0, NULL, 0, IKE_N_COOKIE, nonce, 1);
	sk = ike_wr_pl_begin(&w, IKE_PL_SK, 0);
	w.p[sk] = in.first;		/* 3.14: the first inner type */
	ike_wr_bytes(&w, "IV..ciphertext..ICV", 19);
	ike_wr_pl_end(&w, sk);
	rc = ike_wr_finish(&w);
	T_CHECK(rc == IKE_HDR_LEN + 9 + 23, "rc %d", rc);
	T_CHECK(ike_msg_parse(buf, (size_t)rc, &m) == 0 && m.npl == 2 &&
	    m.pl[1].type == IKE_PL_SK && m.pl[1].len == 19 &&
	    buf[16] == IKE_PL_NOTIFY, "SK message");
	T_CHECK(ike_sk_inner_type(&m, 1) == IKE_PL_IDI &&
	    ike_sk_inner_type(&m, 0) == IKE_PL_NONE &&
	    ike_sk_inner_type(&m, 2) == IKE_PL_NONE, "inner type");
	T_CHECK(ike_pl_chain_parse(IKE_PL_IDI, buf2, (size_t)plen, &m) == 0 &&
	    m.npl == 5 && m.pl[2].type == IKE_PL_IDI &&
	    m.pl[4].type == IKE_PL_NONCE && m.pl[4].len == 16, "inner");
	T_CHECK(ike_msg_find(&m, IKE_PL_NOTIFY, &it) == &m.pl[0] &&
	    ike_msg_find(&m, IKE_PL_NOTIFY, &it) == &m.pl[3], "find inner");
	T_CHECK(ike_msg_notify(&m, IKE_N_INITIAL_CONTACT, &n) == 0 &&
	    n.len == 0, "INITIAL_CONTACT");
	/* An SK inside the plaintext of an SK is refused. */
	m.npl = 0;
	T_CHECK(ike_pl_chain_parse(IKE_PL_SK, buf + IKE_HDR_LEN + 9, 23, &m)
	    == -EPROTO, "nested SK");
	/* An empty plaintext chain. */
	m.npl = 0;
	T_CHECK(ike_pl_chain_parse(IKE_PL_NONE, buf2, 0, &m) == 0 &&
	    m.npl == 0, "empty chain");
}

/* A message: the IKE header (Next Payload first) and the payload bytes in
 * hex; its length in *len.  Returns ike_msg_parse's result. */
static int
parse_hex(uint8_t first, const char *pls, size_t *len)
{
	size_t n = 0;

	memset(buf, 0, IKE_HDR_LEN);
	buf[16] = first;
	buf[17] = IKE_VERSION;
	buf[18] = IKE_INFORMATIONAL;
	if (hex_decode_var(pls, buf + IKE_HDR_LEN, sizeof(buf) - IKE_HDR_LEN,
	    &n) != 0)
		return -999;
	n += IKE_HDR_LEN;
	buf[24] = (uint8_t)(n >> 24);
	buf[25] = (uint8_t)(n >> 16);
	buf[26] = (uint8_t)(n >> 8);
	buf[27] = (uint8_t)n;
	if (len != NULL)
		*len = n;
	return ike_msg_parse(buf, n, &m);
}

/* An SA body in hex through ike_sa_parse. */
static int
sa_hex(const char *hex, struct ike_sa_pl *sa)
{
	size_t n;

	if (hex_decode_var(hex, buf2, sizeof(buf2), &n) != 0)
		return -999;
	return ike_sa_parse(buf2, n, sa);
}

/* A payload body in hex as a struct ike_pl of type. */
static struct ike_pl *
pl_hex(uint8_t type, const char *hex)
{
	static struct ike_pl pl;

	pl.type = type;
	pl.critical = 0;
	pl.body = buf2;
	if (hex_decode_var(hex, buf2, sizeof(buf2), &pl.len) != 0)
		pl.len = 0;
	return &pl;
}

#define TR_AES128	"0300000c0100000c800e0080"
#define TR_PRF		"0300000802000005"
#define TR_INTEG	"030000080300000c"
#define TR_DH19_LAST	"0000000804000013"

static void
test_malformed(void)
{
	struct ike_hdr h;
	struct ike_sa_pl sa;
	struct ike_ts_pl ts;
	struct ike_ke ke;
	struct ike_id id;
	struct ike_auth a;
	struct ike_cert c;
	struct ike_notify n;
	struct ike_delete d;
	const uint8_t *p;
	char hex[640];
	size_t len, i;
	int rc;

	/* 3.1 header */
	T_CHECK(ike_hdr_parse(init_msg, IKE_HDR_LEN - 1, &h) == -EPROTO,
	    "truncated header");
	T_CHECK(ike_msg_parse(init_msg, 0, &m) == -EPROTO, "empty");
	T_CHECK(ike_msg_parse(init_msg, init_len - 1, &m) == -EPROTO,
	    "Length > buffer");
	memcpy(buf, init_msg, init_len);
	buf[27] = IKE_HDR_LEN - 1;
	T_CHECK(ike_msg_parse(buf, init_len, &m) == -EPROTO, "Length < 28");
	buf[27] = 0xf0;
	buf[17] = 0x30;
	T_CHECK(ike_msg_parse(buf, init_len, &m) == -EPROTONOSUPPORT,
	    "version 3.0");
	buf[17] = 0x10;
	T_CHECK(ike_hdr_parse(buf, init_len, &h) == -EPROTONOSUPPORT,
	    "version 1.0");
	buf[17] = 0x21;
	T_CHECK(ike_msg_parse(buf, init_len, &m) == 0 && m.hdr.version == 0x21,
	    "minor version 1 is ignored");

	/* 3.2 the chain */
	T_CHECK(parse_hex(IKE_PL_NONE, "", NULL) == 0 && m.npl == 0, "empty");
	T_CHECK(parse_hex(IKE_PL_VENDOR, "00000003", NULL) == -EPROTO,
	    "payload length 3");
	T_CHECK(parse_hex(IKE_PL_VENDOR, "0000000a0102030405", NULL) ==
	    -EPROTO, "payload past the end");
	T_CHECK(parse_hex(IKE_PL_VENDOR, "00000004" "00", NULL) == -EPROTO,
	    "bytes after the last payload");
	T_CHECK(parse_hex(IKE_PL_VENDOR, "2b000004", NULL) == -EPROTO,
	    "Next Payload with no payload");
	T_CHECK(parse_hex(IKE_PL_VENDOR, "000000", NULL) == -EPROTO,
	    "truncated generic header");
	T_CHECK(parse_hex(IKE_PL_SK, "28000008aabbccdd" "00000004", NULL) ==
	    -EPROTO, "SK not last");
	T_CHECK(parse_hex(IKE_PL_NOTIFY, "2e000008" "00004006"
	    "28000008aabbccdd", NULL) == 0 && m.npl == 2 &&
	    ike_sk_inner_type(&m, 1) == 40, "SK last");
	/* 2.5: unknown payloads. */
	T_CHECK(parse_hex(IKE_PL_VENDOR, "7f000004" "00000005aa", NULL) == 0 &&
	    m.npl == 2 && m.pl[1].type == 127 && m.pl[1].len == 1 &&
	    m.unsupported == 0, "unknown non-critical kept");
	T_CHECK(parse_hex(IKE_PL_VENDOR, "7f000004" "2b800004" "00800004",
	    NULL) == -ENOTSUP && m.unsupported == 127 && m.pl[1].critical,
	    "unknown critical");
	T_CHECK(parse_hex(IKE_PL_VENDOR, "7f000004" "2b800004" "00800003",
	    NULL) == -EPROTO, "syntax wins over an unknown critical payload");
	T_CHECK(parse_hex(IKE_PL_VENDOR, "00800004", NULL) == 0 &&
	    m.pl[0].critical, "known critical");
	for (i = 0, hex[0] = '\0'; i < 33; i++)
		strcat(hex, i + 1 < 33 ? "2b000004" : "00000004");
	T_CHECK(parse_hex(IKE_PL_VENDOR, hex, NULL) == -E2BIG, "33 payloads");
	T_CHECK(parse_hex(IKE_PL_VENDOR, hex + 8, &len) == 0 &&
	    m.npl == IKE_MAX_PAYLOADS, "32 payloads");

	/* 3.3 SA */
	T_CHECK(sa_hex("0000002c01010004" TR_AES128 TR_PRF TR_INTEG
	    TR_DH19_LAST, &sa) == 0, "SA ok");
	T_CHECK(sa_hex("", &sa) == -EPROTO, "SA empty");
	T_CHECK(sa_hex("02000014010100010000000801000014"
	    "0000001403010001" "0000000801000014", &sa) == -EPROTO,
	    "proposals 1, 3");
	T_CHECK(sa_hex("02000010010100010000000801000014"
	    "0000001001010001" "0000000801000014", &sa) == -EPROTO,
	    "proposals 1, 1");
	T_CHECK(sa_hex("02000010020100010000000801000014"
	    "0000001003010001" "0000000801000014", &sa) == -EPROTO,
	    "proposals 2, 3");
	T_CHECK(sa_hex("0000001000010001" "0000000801000014", &sa) == -EPROTO,
	    "proposal 0");
	T_CHECK(sa_hex("0000001003010001" "0000000801000014", &sa) == 0 &&
	    sa.prop[0].num == 3, "lone proposal 3 (an answer)");
	T_CHECK(sa_hex("0200001001010001" "0000000801000014", &sa) == -EPROTO,
	    "last proposal marked 2");
	T_CHECK(sa_hex("02000010010100010000000801000014"
	    "0000001002010001" "0000000801000014", &sa) == 0 && sa.nprop == 2,
	    "proposals 1, 2");
	T_CHECK(sa_hex("0000001001010001" "0000000c01000014", &sa) == -EPROTO,
	    "transform length past the proposal");
	T_CHECK(sa_hex("0000001401010001" "0000000801000014" "00000000", &sa)
	    == -EPROTO, "bytes after the last transform");
	T_CHECK(sa_hex("0000001001010001" "0000000701000014", &sa) == -EPROTO,
	    "transform length 7");
	T_CHECK(sa_hex("0000001801010002" "0000000801000014" "0000000803000002",
	    &sa) == -EPROTO, "first transform marked last");
	T_CHECK(sa_hex("0000001801010001" "0300000801000014" "0000000803000002",
	    &sa) == -EPROTO, "Num Transforms 1 of 2");
	T_CHECK(sa_hex("0000000801010000", &sa) == -EPROTO, "no transform");
	T_CHECK(sa_hex("0000001201010001" "0000000a01000014" "800e", &sa) ==
	    -EPROTO, "truncated attribute");
	T_CHECK(sa_hex("0000001401010001" "0000000c01000014" "000e0002", &sa) ==
	    -EPROTO, "TLV attribute past the transform");
	T_CHECK(sa_hex("0000001801010001" "0000001001000014" "000e0002abcd"
	    "0000", &sa) == -EPROTO, "TLV leaving 2 bytes");
	T_CHECK(sa_hex("0000001401010001" "0000000c0100000c" "80110080", &sa) ==
	    0 && sa.prop[0].tr[0].unknown_attr && sa.prop[0].tr[0].keylen == 0
	    && sa.prop[0].tr[0].id == 12, "unknown attribute: kept, marked");
	T_CHECK(sa_hex("0000001801010001" "000000100100000c" "800e0080800e0100",
	    &sa) == 0 && sa.prop[0].tr[0].unknown_attr, "Key Length twice");
	T_CHECK(sa_hex("0000001401010001" "000000080100000c" "00000000", &sa)
	    == -EPROTO, "proposal longer than its transforms");
	T_CHECK(sa_hex("0000001401010902" "0000000801000014", &sa) == -EPROTO,
	    "SPI size 9");
	T_CHECK(sa_hex("0000000901010401" "00", &sa) == -EPROTO,
	    "SPI past the proposal");
	for (i = 0, hex[0] = '\0'; i < 17; i++)
		strcat(hex, i + 1 < 17 ? "0300000801000014" :
		    "0000000801000014");
	{
		char big[2 * 8 + sizeof(hex)];

		snprintf(big, sizeof(big), "%s%s", "0000009001010011", hex);
		T_CHECK(sa_hex(big, &sa) == -E2BIG, "17 transforms");
	}
	{
		char big[9 * 32 + 1] = "";

		for (i = 0; i < 9; i++) {
			/* proposal i + 1: length 16, 1 transform */
			snprintf(hex, sizeof(hex), "%s000010%02zx010001"
			    "0000000801000014", i + 1 < 9 ? "02" : "00", i + 1);
			strcat(big, hex);
		}
		T_CHECK(sa_hex(big, &sa) == -E2BIG, "9 proposals");
		big[8 * 32] = '\0';
		big[8 * 32 - 32] = '0';
		big[8 * 32 - 31] = '0';
		T_CHECK(sa_hex(big, &sa) == 0 && sa.nprop == 8 &&
		    sa.prop[7].num == 8, "8 proposals");
	}

	/* 3.4, 3.5, 3.6, 3.8, 3.9, 3.10, 3.11 */
	T_CHECK(ike_ke_parse(pl_hex(IKE_PL_KE, "00130000"), &ke) == -EPROTO,
	    "KE without data");
	T_CHECK(ike_ke_parse(pl_hex(IKE_PL_KE, "001300"), &ke) == -EPROTO,
	    "KE of 3");
	T_CHECK(ike_nonce_parse(pl_hex(IKE_PL_NONCE,
	    "000102030405060708090a0b0c0d0e"), &p, &len) == -EPROTO,
	    "nonce of 15");
	T_CHECK(ike_nonce_parse(pl_hex(IKE_PL_NONCE,
	    "000102030405060708090a0b0c0d0e0f"), &p, &len) == 0 && len == 16,
	    "nonce of 16");
	{
		struct ike_pl pl = { .type = IKE_PL_NONCE, .body = buf2,
		    .len = 257 };

		T_CHECK(ike_nonce_parse(&pl, &p, &len) == -EPROTO,
		    "nonce of 257");
		pl.len = 256;
		T_CHECK(ike_nonce_parse(&pl, &p, &len) == 0, "nonce of 256");
	}
	T_CHECK(ike_id_parse(pl_hex(IKE_PL_IDI, "02000000"), &id) == -EPROTO,
	    "ID without data");
	T_CHECK(ike_id_parse(pl_hex(IKE_PL_IDI, "010000000a000001ff"), &id) ==
	    -EPROTO, "ID_IPV4_ADDR of 5");
	T_CHECK(ike_id_parse(pl_hex(IKE_PL_IDI, "050000000a000001"), &id) ==
	    -EPROTO, "ID_IPV6_ADDR of 4");
	T_CHECK(ike_auth_parse(pl_hex(IKE_PL_AUTH, "020000"), &a) == -EPROTO,
	    "AUTH of 3");
	T_CHECK(ike_cert_parse(pl_hex(IKE_PL_CERT, "04"), &c) == -EPROTO,
	    "CERT without data");
	T_CHECK(ike_cert_parse(pl_hex(IKE_PL_CERT, ""), &c) == -EPROTO,
	    "CERT empty");
	T_CHECK(ike_notify_parse(pl_hex(IKE_PL_NOTIFY, "030440"), &n) ==
	    -EPROTO, "N of 3");
	T_CHECK(ike_notify_parse(pl_hex(IKE_PL_NOTIFY, "03044009aabbcc"), &n) ==
	    -EPROTO, "N SPI past the end");
	T_CHECK(ike_delete_parse(pl_hex(IKE_PL_DELETE, "03040002aabbccdd"), &d)
	    == -EPROTO, "D 2 SPIs, 1 there");
	T_CHECK(ike_delete_parse(pl_hex(IKE_PL_DELETE, "03080001aabbccdd"
	    "aabbccdd"), &d) == -EPROTO, "D SPI size 8 for ESP");
	T_CHECK(ike_delete_parse(pl_hex(IKE_PL_DELETE, "01000001"), &d) ==
	    -EPROTO, "D IKE with a count");
	T_CHECK(ike_delete_parse(pl_hex(IKE_PL_DELETE, "03040000"), &d) ==
	    -EPROTO, "D ESP without SPI");
	T_CHECK(ike_delete_parse(pl_hex(IKE_PL_DELETE, "07040000"), &d) ==
	    -EPROTO, "D protocol 7");
	for (i = 0, hex[0] = '\0'; i < 17; i++)
		strcat(hex, "01020304");
	{
		char big[8 + sizeof(hex)];

		snprintf(big, sizeof(big), "03040011%s", hex);
		T_CHECK(ike_delete_parse(pl_hex(IKE_PL_DELETE, big), &d) ==
		    -E2BIG, "D 17 SPIs");
		snprintf(big, sizeof(big), "03040010%s", hex + 8);
		T_CHECK(ike_delete_parse(pl_hex(IKE_PL_DELETE, big), &d) == 0 &&
		    d.nspi == 16 && d.spi[15] == 0x01020304, "D 16 SPIs");
	}

	/* 3.13 TS */
	T_CHECK(ike_ts_parse(pl_hex(IKE_PL_TSI, "01000000" "0700001000000000"
	    "0a0000020a000001"), &ts) == -EPROTO, "TS start > end");
	T_CHECK(ike_ts_parse(pl_hex(IKE_PL_TSI, "01000000" "0700001000000000"
	    "0a0000010a000001"), &ts) == 0 && ts.n == 1, "TS one address");
	T_CHECK(ike_ts_parse(pl_hex(IKE_PL_TSI, "01000000" "0800001000000000"
	    "0a0000010a000001"), &ts) == -EPROTO, "IPv6 TS of 16");
	T_CHECK(ike_ts_parse(pl_hex(IKE_PL_TSI, "01000000" "0700001400000000"
	    "0a0000010a00000100000000"), &ts) == -EPROTO, "IPv4 TS of 20");
	T_CHECK(ike_ts_parse(pl_hex(IKE_PL_TSI, "01000000" "0711001001f401f3"
	    "0a0000010a000001"), &ts) == -EPROTO, "ports 500-499");
	T_CHECK(ike_ts_parse(pl_hex(IKE_PL_TSI, "01000000" "07110010ffff0000"
	    "0a0000010a000001"), &ts) == 0 && ts.ts[0].sport == 65535,
	    "OPAQUE ports");
	T_CHECK(ike_ts_parse(pl_hex(IKE_PL_TSI, "02000000" "0700001000000000"
	    "0a0000010a000001"), &ts) == -EPROTO, "Number of TSs 2 of 1");
	T_CHECK(ike_ts_parse(pl_hex(IKE_PL_TSI, "00000000"), &ts) == -EPROTO,
	    "no TS");
	T_CHECK(ike_ts_parse(pl_hex(IKE_PL_TSI, "01000000" "0700001000000000"
	    "0a0000010a000001" "00"), &ts) == -EPROTO, "a byte after the TSs");
	T_CHECK(ike_ts_parse(pl_hex(IKE_PL_TSI, "02000000" "0900000cdeadbeef"
	    "00000000" "0700001000000000" "0a0000010a000001"), &ts) == 0 &&
	    ts.n == 1 && ts.ts[0].type == IKE_TS_IPV4_RANGE,
	    "unknown TS type skipped");
	for (i = 0, hex[0] = '\0'; i < 9; i++)
		strcat(hex, "07000010000000000a0000010a000001");
	{
		char big[8 + sizeof(hex)];

		snprintf(big, sizeof(big), "09000000%s", hex);
		T_CHECK((rc = ike_ts_parse(pl_hex(IKE_PL_TSI, big), &ts)) ==
		    -E2BIG, "9 TSs: %d", rc);
	}
}

/* The writer's sticky errors. */
static void
test_writer_errors(void)
{
	struct ike_hdr h = { .exchange = IKE_INFORMATIONAL };
	struct ike_sa_pl sa = { 0 };
	struct ike_ts_pl ts = { 0 };
	struct ike_delete d = { .proto = IKE_PROTO_ESP, .spi_size = 4 };
	struct ike_wr w;
	uint8_t nonce[257] = { 0 };

	ike_wr_init(&w, buf, IKE_HDR_LEN + 19);
	ike_wr_hdr(&w, &h);
	ike_wr_nonce(&w, nonce, 16);
	T_CHECK(w.err == -ENOSPC && ike_wr_finish(&w) == -ENOSPC, "ENOSPC");
	ike_wr_init(&w, buf, IKE_HDR_LEN + 20);
	ike_wr_hdr(&w, &h);
	ike_wr_nonce(&w, nonce, 16);
	T_CHECK(ike_wr_finish(&w) == IKE_HDR_LEN + 20, "exact fit");

	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_nonce(&w, nonce, 15);
	T_CHECK(w.err == -EINVAL, "nonce 15");
	ike_wr_nonce(&w, nonce, 16);	/* sticks: does nothing */
	T_CHECK(w.len == 0 && ike_wr_finish(&w) == -EINVAL, "sticky");
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_nonce(&w, nonce, 257);
	T_CHECK(ike_wr_finish(&w) == -EINVAL, "nonce 257");
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_sa(&w, &sa);
	T_CHECK(ike_wr_finish(&w) == -EINVAL, "SA without proposal");
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_ts(&w, IKE_PL_TSI, &ts);
	T_CHECK(ike_wr_finish(&w) == -EINVAL, "TS without selector");
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_delete(&w, &d);
	T_CHECK(ike_wr_finish(&w) == -EINVAL, "ESP D without SPI");
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_id(&w, IKE_PL_AUTH, IKE_ID_FQDN, nonce, 1);
	T_CHECK(ike_wr_finish(&w) == -EINVAL, "ID as AUTH");
	ike_wr_init(&w, NULL, 10);
	T_CHECK(ike_wr_finish(&w) == -EINVAL, "NULL buffer");
	/* A payload longer than its 16-bit Length. */
	{
		static uint8_t big[70000], src[65535];
		size_t st;

		ike_wr_init(&w, big, sizeof(big));
		st = ike_wr_pl_begin(&w, IKE_PL_VENDOR, 0);
		ike_wr_bytes(&w, src, 65531);
		ike_wr_pl_end(&w, st);
		T_CHECK(w.err == 0 && big[2] == 0xff && big[3] == 0xff,
		    "65535");
		ike_wr_init(&w, big, sizeof(big));
		st = ike_wr_pl_begin(&w, IKE_PL_VENDOR, 1);
		ike_wr_bytes(&w, src, 65532);
		ike_wr_pl_end(&w, st);
		T_CHECK(w.err == -ENOSPC, "65536");
	}
}

int
main(void)
{
	test_init_request();
	test_round_trip();
	test_sk_chain();
	test_malformed();
	test_writer_errors();
	return t_done("test_ike_msg");
}
