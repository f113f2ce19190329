/* test_seg_cookie.c - seg/seg_cookie.c (RFC 7296 2.6) with the daemon's
 * sending stubbed: the stateless N(COOKIE) answer, a returned cookie
 * accepted, one altered or made for another address or SPI refused, the
 * previous secret still accepted after one rotation and not after two,
 * the threshold, the half-open-max drop, and the initiator's IKE_SA_INIT
 * rebuilt with N(COOKIE) first (and the cookie replaced, not stacked).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "seg_ike.h"
#include "t.h"

/* --- stubs of seg_net.c and seg_ike.c ------------------------------------ */
static uint8_t sent[SEG_MSG_MAX];
static size_t sentlen;
static int nsent, nreq;

int
seg_send(struct seg *s, const struct sockaddr_storage *to, socklen_t tl,
    const uint8_t *b, size_t n)
{
	(void)s, (void)to, (void)tl;
	if (n > sizeof(sent))
		return -EMSGSIZE;
	memcpy(sent, b, n);
	sentlen = n;
	nsent++;
	return 0;
}

int
seg_ike_random(void *p, size_t n)
{
	return RAND_bytes(p, (int)n) == 1 ? 0 : -EIO;
}

int
seg_ike_request(struct seg_ike *sa, const uint8_t *req, size_t len)
{
	(void)sa;
	memcpy(sent, req, len);
	sentlen = len;
	nreq++;
	return 0;
}

/* --- an IKE_SA_INIT request ---------------------------------------------- */
static const uint8_t nonce[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

/* A request with SPIi spi, N(COOKIE) first when ck; its length. */
static size_t
request(uint8_t *buf, size_t cap, uint64_t spi, const uint8_t *ck,
    size_t cklen)
{
	struct ike_hdr h;
	struct ike_wr w;
	struct ike_sa_pl sap;
	uint8_t ke[256] = { 0 };
	int rc;

	memset(&h, 0, sizeof(h));
	h.spi_i = spi;
	h.version = IKE_VERSION;
	h.exchange = IKE_SA_INIT;
	h.flags = IKE_FLAG_I;
	memset(&sap, 0, sizeof(sap));
	sap.nprop = 1;
	sap.prop[0].num = 1;
	sap.prop[0].proto = IKE_PROTO_IKE;
	sap.prop[0].ntr = 1;
	sap.prop[0].tr[0].type = IKE_TR_DH;
	sap.prop[0].tr[0].id = IKE_DH_MODP2048;
	ke[255] = 2;
	ike_wr_init(&w, buf, cap);
	ike_wr_hdr(&w, &h);
	if (ck != NULL)
		ike_wr_notify(&w, 0, NULL, 0, IKE_N_COOKIE, ck, cklen);
	ike_wr_sa(&w, &sap);
	ike_wr_ke(&w, IKE_DH_MODP2048, ke, sizeof(ke));
	ike_wr_nonce(&w, nonce, sizeof(nonce));
	rc = ike_wr_finish(&w);
	return rc > 0 ? (size_t)rc : 0;
}

static struct sockaddr_storage
addr4(const char *a)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	in->sin_family = AF_INET;
	in->sin_port = htons(500);
	(void)inet_pton(AF_INET, a, &in->sin_addr);
	return ss;
}

/* The gate over a request; *ck gets the cookie of an N(COOKIE) answer. */
static int
gate(struct seg *s, uint64_t spi, const uint8_t *in_ck, size_t in_len,
    const char *from, uint8_t *ck, size_t *cklen)
{
	uint8_t buf[1024];
	struct ike_msg m, r;
	struct ike_notify n;
	struct sockaddr_storage ss = addr4(from);
	size_t len = request(buf, sizeof(buf), spi, in_ck, in_len);
	int before = nsent, rc;

	T_CHECK(len > 0 && ike_msg_parse(buf, len, &m) == 0, "request");
	rc = seg_cookie_gate(s, &m, &ss, sizeof(struct sockaddr_in));
	if (nsent > before && ck != NULL) {
		T_CHECK(ike_msg_parse(sent, sentlen, &r) == 0, "answer parses");
		T_CHECK(r.npl == 1 && r.hdr.spi_i == spi && r.hdr.spi_r == 0 &&
		    r.hdr.exchange == IKE_SA_INIT && r.hdr.flags == IKE_FLAG_R,
		    "only N(COOKIE), SPIr 0, R flag");
		T_CHECK(ike_msg_notify(&r, IKE_N_COOKIE, &n) == 0 &&
		    n.len == SEG_COOKIE_LEN, "a 36-octet cookie");
		memcpy(ck, n.data, n.len);
		*cklen = n.len;
	}
	return rc;
}

static void
test_gate(void)
{
	struct seg_conf c;
	struct seg s;
	uint8_t ck[64], ck2[64], bad[64];
	size_t cklen = 0, ck2len = 0;
	int n0;

	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	s.conf = &c;
	c.half_open_max = 500;
	c.cookie_threshold = 20;
	n0 = nsent;
	T_CHECK(gate(&s, 0x1111, NULL, 0, "10.0.0.2", ck, &cklen) == 1 &&
	    nsent == n0, "under the threshold: on without a cookie");

	c.cookie_threshold = 0;	/* always */
	T_CHECK(gate(&s, 0x1111, NULL, 0, "10.0.0.2", ck, &cklen) == 0 &&
	    nsent == n0 + 1, "threshold 0: answered with N(COOKIE)");
	T_CHECK(s.cookie.sent == 1 && s.cookie.engaged, "counted, engaged");
	T_CHECK(gate(&s, 0x1111, ck, cklen, "10.0.0.2", NULL, NULL) == 1 &&
	    s.cookie.valid == 1, "the cookie returned: on");
	memcpy(bad, ck, cklen);
	bad[cklen - 1] ^= 1;
	T_CHECK(gate(&s, 0x1111, bad, cklen, "10.0.0.2", ck2, &ck2len) == 0 &&
	    s.cookie.invalid == 1, "an altered cookie: ignored, a new one");
	T_CHECK(gate(&s, 0x1111, ck, cklen, "10.0.0.3", ck2, &ck2len) == 0,
	    "another address (IPi): refused");
	T_CHECK(gate(&s, 0x2222, ck, cklen, "10.0.0.2", ck2, &ck2len) == 0,
	    "another SPIi: refused");
	T_CHECK(gate(&s, 0x1111, ck, 20, "10.0.0.2", ck2, &ck2len) == 0,
	    "a short cookie: refused");

	/* 2.6: the previous secret's cookies accepted for a while */
	s.cookie.cur_at -= 1000;
	T_CHECK(gate(&s, 0x1111, ck, cklen, "10.0.0.2", NULL, NULL) == 1,
	    "after one rotation the old cookie still works");
	T_CHECK(s.cookie.cur_ver == 2 && memcmp(ck, "\0\0\0\1", 4) == 0,
	    "the version of the secret leads the cookie");
	s.cookie.cur_at -= 1000;
	T_CHECK(gate(&s, 0x1111, ck, cklen, "10.0.0.2", ck2, &ck2len) == 0,
	    "after two rotations it does not");
	T_CHECK(memcmp(ck2, "\0\0\0\3", 4) == 0, "a new one of version 3");
}

static void
test_half_open(void)
{
	struct seg_conf c;
	struct seg s;
	struct seg_ike sas[3];
	size_t i;
	int n0;

	memset(&c, 0, sizeof(c));
	memset(&s, 0, sizeof(s));
	memset(sas, 0, sizeof(sas));
	s.conf = &c;
	c.half_open_max = 3;
	c.cookie_threshold = 2;
	for (i = 0; i < 3; i++) {
		sas[i].state = SEG_INIT_DONE;
		sas[i].next = i + 1 < 3 ? &sas[i + 1] : NULL;
	}
	sas[2].initiator = 1;	/* ours: not half-open */
	s.sas = &sas[0];
	T_CHECK(seg_half_open(&s) == 2, "two half-open");
	n0 = nsent;
	T_CHECK(gate(&s, 0x3333, NULL, 0, "10.0.0.2", NULL, NULL) == 0 &&
	    nsent == n0 + 1, "at the threshold: a cookie");
	sas[2].initiator = 0;
	T_CHECK(gate(&s, 0x3333, NULL, 0, "10.0.0.2", NULL, NULL) == 0 &&
	    nsent == n0 + 1 && s.cookie.dropped == 1,
	    "at half-open-max: dropped, not answered");
	sas[1].state = SEG_ESTABLISHED;
	sas[2].state = SEG_DEAD;
	c.cookie_threshold = 2;
	T_CHECK(gate(&s, 0x3333, NULL, 0, "10.0.0.2", NULL, NULL) == 1,
	    "established and dead ones do not count");
}

/* The initiator: N(COOKIE) first, the rest unchanged; a second cookie
 * replaces the first. */
static void
test_retry(void)
{
	struct seg_peer p;
	struct seg_ike sa;
	struct ike_msg m;
	struct ike_notify n;
	uint8_t buf[1024], c1[8] = "cookie1", c2[16] = "another cookie";
	size_t len = request(buf, sizeof(buf), 0x4444, NULL, 0);

	memset(&p, 0, sizeof(p));
	memset(&sa, 0, sizeof(sa));
	sa.peer = &p;
	sa.msgid_out = 1;	/* moved on by the answer */
	sa.init_i = malloc(len);
	T_CHECK(sa.init_i != NULL, "malloc");
	if (sa.init_i == NULL)
		return;
	memcpy(sa.init_i, buf, len);
	sa.init_ilen = len;
	n.data = c1;
	n.len = sizeof(c1);
	T_CHECK(seg_cookie_retry(&sa, &n) == 0 && nreq == 1, "sent again");
	T_CHECK(sa.msgid_out == 0, "Message ID 0 again");
	T_CHECK(sa.init_ilen == len + 8 + sizeof(c1) && sentlen ==
	    sa.init_ilen && memcmp(sent, sa.init_i, sentlen) == 0,
	    "kept for AUTH as sent");
	T_CHECK(ike_msg_parse(sa.init_i, sa.init_ilen, &m) == 0 &&
	    m.npl == 4 && m.pl[0].type == IKE_PL_NOTIFY, "N(COOKIE) first");
	T_CHECK(ike_msg_notify(&m, IKE_N_COOKIE, &n) == 0 &&
	    n.len == sizeof(c1) && memcmp(n.data, c1, n.len) == 0, "its data");
	T_CHECK(memcmp(sa.init_i + IKE_HDR_LEN + 8 + sizeof(c1),
	    buf + IKE_HDR_LEN, len - IKE_HDR_LEN) == 0, "the rest unchanged");
	n.data = c2;
	n.len = sizeof(c2);
	T_CHECK(seg_cookie_retry(&sa, &n) == 0, "a second cookie");
	T_CHECK(ike_msg_parse(sa.init_i, sa.init_ilen, &m) == 0 &&
	    m.npl == 4 && sa.init_ilen == len + 8 + sizeof(c2) &&
	    ike_msg_notify(&m, IKE_N_COOKIE, &n) == 0 &&
	    n.len == sizeof(c2), "replaced, not stacked");
	n.len = 65;
	T_CHECK(seg_cookie_retry(&sa, &n) == -EINVAL, "65 octets refused");
	n.len = 0;
	T_CHECK(seg_cookie_retry(&sa, &n) == -EINVAL, "0 octets refused");
	free(sa.init_i);
}

int
main(void)
{
	test_gate();
	test_half_open();
	test_retry();
	return t_done("test_seg_cookie");
}
