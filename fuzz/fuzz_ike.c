/* fuzz_ike.c - the IKEv2 message codec (common/ike, RFC 7296 3):
 * ike_msg_parse, then every payload parser on each payload found (SA with
 * the choice and the answer check, TS with narrowing), and
 * ike_pl_chain_parse over each SK body as if it were the plaintext.  They
 * never read outside the input (an exact-size heap copy: ASan sees it),
 * return only the documented codes, give views inside the input, and what
 * parses is written back by ike_wr and parses to the same fields. */
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike_msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint8_t *in_lo, *in_hi;

/* p[0..n) lies in the input. */
static void
inside(const uint8_t *p, size_t n)
{
	if (n == 0)
		return;
	if (p < in_lo || p > in_hi || (size_t)(in_hi - p) < n)
		abort();
}

static void
check_rc(int rc)
{
	if (rc != 0 && rc != -EPROTO && rc != -ENOTSUP && rc != -E2BIG &&
	    rc != -EPROTONOSUPPORT)
		abort();
}

/* The one payload w wrote (a bare chain into out), read back. */
static struct ike_pl *
reread(const uint8_t *out, struct ike_wr *w, struct ike_msg *m2)
{
	int n = ike_wr_finish(w);

	if (n < 0 || ike_pl_chain_parse(w->first, out, (size_t)n, m2) != 0 ||
	    m2->npl != 1)
		abort();
	return &m2->pl[0];
}

static void
tr_same(const struct ike_transform *a, const struct ike_transform *b)
{
	if (a->type != b->type || a->id != b->id || a->keylen != b->keylen)
		abort();
}

static void
fuzz_sa(const struct ike_pl *pl)
{
	static const struct ike_proposal ours = { .proto = IKE_PROTO_IKE,
		.ntr = 6, .tr = {
		{ IKE_TR_ENCR, IKE_ENCR_AES_CBC, 128, 0 },
		{ IKE_TR_ENCR, IKE_ENCR_AES_GCM_16, 256, 0 },
		{ IKE_TR_PRF, IKE_PRF_HMAC_SHA2_256, 0, 0 },
		{ IKE_TR_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0, 0 },
		{ IKE_TR_INTEG, IKE_INTEG_NONE, 0, 0 },
		{ IKE_TR_DH, IKE_DH_ECP256, 0, 0 } } };
	static struct ike_sa_pl sa, sa2;
	static uint8_t out[IKE_MSG_MAX];
	struct ike_proposal c;
	struct ike_msg m2 = { 0 };
	struct ike_wr w;
	const struct ike_pl *p2;
	size_t i, j;
	int rc;

	rc = ike_sa_parse(pl->body, pl->len, &sa);
	check_rc(rc);
	if (rc != 0)
		return;
	if (sa.nprop == 0 || sa.nprop > IKE_MAX_PROPOSALS)
		abort();
	rc = ike_sa_select(&sa, &ours, IKE_PROTO_IKE, &c);
	if (rc == 0) {
		/* One transform per type, each offered and ours. */
		for (i = 0; i < c.ntr; i++)
			for (j = 0; j < i; j++)
				if (c.tr[i].type == c.tr[j].type)
					abort();
		if (c.proto != IKE_PROTO_IKE || c.tr[0].unknown_attr)
			abort();
	} else if (rc != -ENOENT)
		abort();
	rc = ike_sa_check_reply(&sa, &sa, &c);
	if (rc != 0 && rc != -EPROTO)
		abort();

	ike_wr_init(&w, out, sizeof(out));
	ike_wr_sa(&w, &sa);
	p2 = reread(out, &w, &m2);
	if (ike_sa_parse(p2->body, p2->len, &sa2) != 0 ||
	    sa2.nprop != sa.nprop)
		abort();
	for (i = 0; i < sa.nprop; i++) {
		if (sa2.prop[i].num != sa.prop[i].num ||
		    sa2.prop[i].proto != sa.prop[i].proto ||
		    sa2.prop[i].spi_size != sa.prop[i].spi_size ||
		    memcmp(sa2.prop[i].spi, sa.prop[i].spi, 8) != 0 ||
		    sa2.prop[i].ntr != sa.prop[i].ntr)
			abort();
		for (j = 0; j < sa.prop[i].ntr; j++)
			tr_same(&sa.prop[i].tr[j], &sa2.prop[i].tr[j]);
	}
}

static void
fuzz_ts(const struct ike_pl *pl)
{
	static struct ike_ts_pl ts, ts2, pol, out;
	static uint8_t buf[1024];
	struct ike_msg m2 = { 0 };
	struct ike_wr w;
	size_t i;
	int rc;

	rc = ike_ts_parse(pl, &ts);
	check_rc(rc);
	if (rc != 0)
		return;
	pol.n = 2;
	ike_ts_from_prefix(&pol.ts[0], AF_INET, "\x0a\x00\x00\x00", 8);
	ike_ts_from_prefix(&pol.ts[1], AF_INET6,
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\0", 32);
	rc = ike_ts_narrow(&ts, &pol, &out);
	if ((rc != 0 && rc != -ENOENT) || out.n > IKE_MAX_TS)
		abort();
	for (i = 0; i < out.n; i++)
		if (memcmp(out.ts[i].saddr, out.ts[i].eaddr,
		    out.ts[i].type == IKE_TS_IPV4_RANGE ? 4 : 16) > 0)
			abort();
	if (ts.n == 0)
		return;		/* only unknown types */
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_ts(&w, pl->type, &ts);
	if (ike_ts_parse(reread(buf, &w, &m2), &ts2) != 0 ||
	    ts2.n != ts.n || memcmp(ts2.ts, ts.ts, ts.n * sizeof(ts.ts[0])))
		abort();
}

static void
fuzz_delete(const struct ike_pl *pl)
{
	static uint8_t buf[256];
	struct ike_delete d, d2;
	struct ike_msg m2 = { 0 };
	struct ike_wr w;
	int rc;

	rc = ike_delete_parse(pl, &d);
	check_rc(rc);
	if (rc != 0)
		return;
	ike_wr_init(&w, buf, sizeof(buf));
	ike_wr_delete(&w, &d);
	if (ike_delete_parse(reread(buf, &w, &m2), &d2) != 0 ||
	    d2.proto != d.proto || d2.nspi != d.nspi ||
	    memcmp(d2.spi, d.spi, d.nspi * sizeof(d.spi[0])) != 0)
		abort();
}

static void
fuzz_pl(const struct ike_pl *pl)
{
	struct ike_ke ke;
	struct ike_id id;
	struct ike_auth a;
	struct ike_cert c;
	struct ike_notify n;
	const uint8_t *p;
	size_t len;

	inside(pl->body, pl->len);
	switch (pl->type) {
	case IKE_PL_SA:
		fuzz_sa(pl);
		break;
	case IKE_PL_KE:
		if (ike_ke_parse(pl, &ke) == 0)
			inside(ke.data, ke.len);
		break;
	case IKE_PL_NONCE:
		if (ike_nonce_parse(pl, &p, &len) == 0 &&
		    (len < 16 || len > 256))
			abort();
		break;
	case IKE_PL_IDI:
	case IKE_PL_IDR:
		if (ike_id_parse(pl, &id) == 0) {
			inside(id.data, id.len);
			inside(id.body, id.body_len);
		}
		break;
	case IKE_PL_AUTH:
		if (ike_auth_parse(pl, &a) == 0)
			inside(a.data, a.len);
		break;
	case IKE_PL_CERT:
	case IKE_PL_CERTREQ:
		if (ike_cert_parse(pl, &c) == 0)
			inside(c.data, c.len);
		break;
	case IKE_PL_NOTIFY:
		if (ike_notify_parse(pl, &n) == 0) {
			inside(n.data, n.len);
			inside(n.spi, n.spi_size);
		}
		break;
	case IKE_PL_DELETE:
		fuzz_delete(pl);
		break;
	case IKE_PL_TSI:
	case IKE_PL_TSR:
		fuzz_ts(pl);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ike_msg m;
	struct ike_notify n;
	uint8_t *in;
	size_t i, npl;
	int rc;

	if ((in = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(in, data, size);
	in_lo = in;
	in_hi = in + size;

	rc = ike_msg_parse(in, size, &m);
	check_rc(rc);
	if (rc == -ENOTSUP && m.unsupported == 0)
		abort();
	if (m.npl > IKE_MAX_PAYLOADS || (rc == 0 && m.len > size))
		abort();
	/* What was read before an error is still a view of the input. */
	npl = m.npl;
	for (i = 0; i < npl; i++)
		fuzz_pl(&m.pl[i]);
	(void)ike_msg_notify(&m, IKE_N_COOKIE, &n);
	/* The SK body as if it were the plaintext chain. */
	for (i = 0; i < npl; i++) {
		if (m.pl[i].type != IKE_PL_SK && m.pl[i].type != IKE_PL_SKF)
			continue;
		m.npl = npl;
		rc = ike_pl_chain_parse(ike_sk_inner_type(&m, i),
		    m.pl[i].body, m.pl[i].len, &m);
		check_rc(rc);
		for (size_t j = npl; j < m.npl; j++)
			fuzz_pl(&m.pl[j]);
		break;
	}
	/* A bare chain: the first byte names the first payload. */
	if (size > 0) {
		m.npl = 0;
		check_rc(ike_pl_chain_parse(in[0], in + 1, size - 1, &m));
		for (i = 0; i < m.npl; i++)
			fuzz_pl(&m.pl[i]);
	}
	free(in);
	return 0;
}
