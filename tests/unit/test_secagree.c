/* test_secagree.c - RFC 3329 / TS 33.203 Annex H sec-agree headers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "secagree.h"
#include "t.h"

static struct secagree a, b, c;
static char buf[SECAGREE_FORMAT_MAX];

static int
parse_str(const char *s, struct secagree *sa)
{
	return secagree_parse(s, strlen(s), sa);
}

static int
round_trip(const struct secagree *in)
{
	if (secagree_format(in, buf, sizeof(buf)) != 0)
		return 0;
	if (parse_str(buf, &c) != 0)
		return 0;
	return secagree_equal(in, &c);
}

/* TS 33.203 7.1 / TS 24.229 example Security-Client of a UE. */
#define CLIENT \
	"ipsec-3gpp; alg=hmac-sha-1-96; ealg=aes-cbc; spi-c=1234; " \
	"spi-s=5678; port-c=5062; port-s=5064; prot=esp; mod=trans; q=0.1, " \
	"ipsec-3gpp;alg=hmac-md5-96;ealg=null;spi-c=1;spi-s=2;port-c=3;" \
	"port-s=4, digest;d-alg=md5;d-qop=auth;d-ver=\"0123456789abcdef0123456789abcdef\";q=0.2, " \
	"tls ;q=1.000"

static void
test_parse(void)
{
	const struct secagree_mech *m;

	T_CHECK(parse_str(CLIENT, &a) == 0, "parse client");
	T_CHECK(a.nmech == 4, "nmech %zu", a.nmech);
	m = &a.mech[0];
	T_CHECK(m->ipsec3gpp && m->alg == SECAGREE_ALG_HMAC_SHA1_96 &&
	    m->ealg == SECAGREE_EALG_AES_CBC && m->spi_c == 1234 &&
	    m->spi_s == 5678 && m->port_c == 5062 && m->port_s == 5064 &&
	    m->prot == SECAGREE_PROT_ESP && m->mode == SECAGREE_MODE_TRANS &&
	    m->q == 100 && m->nparams == 0, "mech 0");
	T_CHECK(a.mech[1].ealg == SECAGREE_EALG_NULL &&
	    !(a.mech[1].have & SECAGREE_HAVE_Q), "mech 1");
	m = &a.mech[2];
	T_CHECK(!m->ipsec3gpp && strcmp(m->name, "digest") == 0 &&
	    m->nparams == 3 && strcmp(m->params[1].name, "d-qop") == 0 &&
	    strcmp(m->params[1].value, "auth") == 0 && m->params[2].quoted &&
	    m->q == 200, "digest mech");
	T_CHECK(strcmp(a.mech[3].name, "tls") == 0 && a.mech[3].q == 1000,
	    "tls");
	T_CHECK(round_trip(&a), "round trip: %s", buf);
	T_CHECK(secagree_format_header(SECAGREE_SERVER, &a, buf,
	    sizeof(buf)) == 0 && strncmp(buf, "Security-Server: ipsec-3gpp;q=0.1;"
	    "alg=hmac-sha-1-96;ealg=aes-cbc;prot=esp;mod=trans;spi-c=1234;"
	    "spi-s=5678;port-c=5062;port-s=5064, ", 110) == 0, "header: %s", buf);
	T_CHECK(secagree_format(&a, buf, 10) == -ENOSPC, "ENOSPC");

	/* Extremes and defaults. */
	T_CHECK(parse_str("IPSEC-3GPP;ALG=HMAC-MD5-96;SPI-C=4294967295;"
	    "spi-s=0;port-c=65535;port-s=1;mod=udp-enc-tun;x-flag;x-h=[::1]:5",
	    &a) == 0, "extremes");
	m = &a.mech[0];
	T_CHECK(m->ipsec3gpp && m->spi_c == 4294967295u && m->spi_s == 0 &&
	    m->port_c == 65535 && m->port_s == 1 &&
	    m->mode == SECAGREE_MODE_UDP_ENC_TUN &&
	    m->ealg == SECAGREE_EALG_NULL && !(m->have & SECAGREE_HAVE_EALG) &&
	    m->nparams == 2 && !m->params[0].has_value &&
	    strcmp(m->params[1].value, "[::1]:5") == 0, "extremes values");
	T_CHECK(round_trip(&a), "rt extremes: %s", buf);
	T_CHECK(parse_str("ipsec-3gpp;alg=hmac-sha-1-96;prot=ah;spi-c=1;"
	    "spi-s=2;port-c=3;port-s=4;ealg=des-ede3-cbc", &a) == 0 &&
	    a.mech[0].prot == SECAGREE_PROT_AH, "ah parses");
	T_CHECK(parse_str("digest;q=0.", &a) == 0 && a.mech[0].q == 0, "q=0.");
	T_CHECK(parse_str("digest;q=0.005", &a) == 0 && a.mech[0].q == 5 &&
	    round_trip(&a), "q=0.005 %s", buf);
	T_CHECK(parse_str("x;a=\"q\\\"v\"\r\n ,\r\n\ty", &a) == 0 &&
	    a.nmech == 2 && strcmp(a.mech[0].params[0].value, "q\"v") == 0 &&
	    round_trip(&a), "escape + folding %s", buf);
}

static void
test_bad(void)
{
	static const char *bad[] = {
		"", " ", ",", "digest,", ",digest", "digest,,tls", "digest;",
		"digest;=1", "digest;q", "digest;q=", "digest;q=1.001",
		"digest;q=2", "digest;q=0.1234", "digest;q=.5", "digest;q=-0",
		"digest;q=\"0.5\"", "digest;q=0.5;q=0.5", "digest;a=1;A=2",
		"digest;a=\"x", "digest;a=\"x\\", "digest a", "dig est",
		"digest;a=b c", "digest;a=\"\x01\"", "digest;a=\"a\r\nb\"",
		"di\"gest", "digest;a=1,",
		/* ipsec-3gpp mandatory parameters */
		"ipsec-3gpp", "ipsec-3gpp;spi-c=1;spi-s=2;port-c=3;port-s=4",
		"ipsec-3gpp;alg=hmac-md5-96;spi-s=2;port-c=3;port-s=4",
		"ipsec-3gpp;alg=hmac-md5-96;spi-c=1;port-c=3;port-s=4",
		"ipsec-3gpp;alg=hmac-md5-96;spi-c=1;spi-s=2;port-s=4",
		"ipsec-3gpp;alg=hmac-md5-96;spi-c=1;spi-s=2;port-c=3",
		/* bad values */
		"ipsec-3gpp;alg=hmac sha;spi-c=1;spi-s=2;port-c=3;port-s=4",
		"ipsec-3gpp;alg=hmac-md5-96;ealg=a/b;spi-c=1;spi-s=2;port-c=3;port-s=4",
		"ipsec-3gpp;alg=" "0123456789012345678901234567890123456789"
		    ";spi-c=1;spi-s=2;port-c=3;port-s=4",
		"ipsec-3gpp;alg=hmac-md5-96;prot=udp;spi-c=1;spi-s=2;port-c=3;port-s=4",
		"ipsec-3gpp;alg=hmac-md5-96;mod=x;spi-c=1;spi-s=2;port-c=3;port-s=4",
		"ipsec-3gpp;alg=hmac-md5-96;spi-c=4294967296;spi-s=2;port-c=3;port-s=4",
		"ipsec-3gpp;alg=hmac-md5-96;spi-c=00000000001;spi-s=2;port-c=3;port-s=4",
		"ipsec-3gpp;alg=hmac-md5-96;spi-c=-1;spi-s=2;port-c=3;port-s=4",
		"ipsec-3gpp;alg=hmac-md5-96;spi-c=1;spi-s=2;port-c=0;port-s=4",
		"ipsec-3gpp;alg=hmac-md5-96;spi-c=1;spi-s=2;port-c=65536;port-s=4",
		"ipsec-3gpp;alg=hmac-md5-96;spi-c=1;spi-s=2;port-c=3;port-s=4x",
		"ipsec-3gpp;alg=hmac-md5-96;spi-c=1;spi-s=2;port-c=3;port-s=",
		"ipsec-3gpp;alg=\"hmac-md5-96\";spi-c=1;spi-s=2;port-c=3;port-s=4",
		"ipsec-3gpp;alg;spi-c=1;spi-s=2;port-c=3;port-s=4",
		/* duplicates */
		"ipsec-3gpp;alg=hmac-md5-96;spi-c=1;spi-s=2;port-c=3;port-s=4;SPI-C=1",
		"ipsec-3gpp;alg=hmac-md5-96;alg=hmac-md5-96;spi-c=1;spi-s=2;port-c=3;port-s=4",
	};
	char big[8192];
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		T_CHECK(parse_str(bad[i], &a) == -EINVAL, "rejects [%zu] %s", i,
		    bad[i]);
	T_CHECK(secagree_parse("digest\0", 7, &a) == -EINVAL, "NUL");
	T_CHECK(secagree_parse("digest;a=\"\0\"", 12, &a) == -EINVAL,
	    "NUL quoted");
	T_CHECK(secagree_parse("digest;q=0.5", 10, &a) == 0 && a.mech[0].q ==
	    0, "length honoured");
	{
		const char *ok = CLIENT;

		for (n = 0; n <= strlen(ok); n++) {
			int rc = secagree_parse(ok, n, &a);

			T_CHECK(rc == 0 || rc == -EINVAL, "trunc %zu", n);
		}
	}
	/* 16 mechanisms ok, 17 not */
	n = 0;
	for (i = 0; i < SECAGREE_MAX_MECHS; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "%sm%zu",
		    i ? ", " : "", i);
	T_CHECK(secagree_parse(big, n, &a) == 0 && a.nmech ==
	    SECAGREE_MAX_MECHS && round_trip(&a), "max mechs");
	n += (size_t)snprintf(big + n, sizeof(big) - n, ", extra");
	T_CHECK(secagree_parse(big, n, &a) == -EINVAL, "too many mechs");
	/* 16 generic params ok, 17 not */
	n = (size_t)snprintf(big, sizeof(big), "x");
	for (i = 0; i < SECAGREE_MAX_PARAMS; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, ";p%zu=%zu", i, i);
	T_CHECK(secagree_parse(big, n, &a) == 0 && round_trip(&a),
	    "max params");
	n += (size_t)snprintf(big + n, sizeof(big) - n, ";extra");
	T_CHECK(secagree_parse(big, n, &a) == -EINVAL, "too many params");
	n = (size_t)snprintf(big, sizeof(big), "x;v=\"%0*d\"",
	    SECAGREE_MAX_VALUE, 0);
	T_CHECK(secagree_parse(big, n, &a) == 0, "max value");
	n = (size_t)snprintf(big, sizeof(big), "x;v=\"%0*d\"",
	    SECAGREE_MAX_VALUE + 1, 0);
	T_CHECK(secagree_parse(big, n, &a) == -EINVAL, "oversized value");
	n = (size_t)snprintf(big, sizeof(big), "x%0*d", SECAGREE_MAX_NAME, 0);
	T_CHECK(secagree_parse(big, n, &a) == -EINVAL, "oversized name");
}

static void
test_verify(void)
{
	static const char *server =
	    "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=98765;"
	    "spi-s=909767;port-c=5063;port-s=5065, "
	    "digest;d-alg=md5;d-qop=auth;q=0.5";
	static const struct {
		const char	*verify;
		int		 match;
		const char	*why;
	} cases[] = {
		{ "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=98765;"
		  "spi-s=909767;port-c=5063;port-s=5065, "
		  "digest;d-alg=md5;d-qop=auth;q=0.5", 1, "identical" },
		{ "IPsec-3GPP; port-s=5065 ;spi-s=909767;ALG=HMAC-SHA-1-96; "
		  "port-c=5063;spi-c=98765;ealg=aes-cbc;q=0.100, "
		  "Digest;Q=0.5;D-QOP=AUTH;d-alg=md5", 1, "reordered, case" },
		{ "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=98765;"
		  "spi-s=909767;port-c=5063;port-s=5065;prot=esp;mod=trans, "
		  "digest;d-alg=md5;d-qop=auth;q=0.5", 1, "explicit defaults" },
		{ "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=98766;"
		  "spi-s=909767;port-c=5063;port-s=5065, "
		  "digest;d-alg=md5;d-qop=auth;q=0.5", 0, "spi-c changed" },
		{ "ipsec-3gpp;q=0.1;alg=hmac-md5-96;ealg=aes-cbc;spi-c=98765;"
		  "spi-s=909767;port-c=5063;port-s=5065, "
		  "digest;d-alg=md5;d-qop=auth;q=0.5", 0, "alg changed" },
		{ "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;spi-c=98765;"
		  "spi-s=909767;port-c=5063;port-s=5065, "
		  "digest;d-alg=md5;d-qop=auth;q=0.5", 0, "ealg dropped (null)" },
		{ "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=98765;"
		  "spi-s=909767;port-c=5063;port-s=5066, "
		  "digest;d-alg=md5;d-qop=auth;q=0.5", 0, "port-s changed" },
		{ "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=98765;"
		  "spi-s=909767;port-c=5063;port-s=5065", 0, "mech missing" },
		{ "digest;d-alg=md5;d-qop=auth;q=0.5, "
		  "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=98765;"
		  "spi-s=909767;port-c=5063;port-s=5065", 0, "mechs reordered" },
		{ "ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=98765;"
		  "spi-s=909767;port-c=5063;port-s=5065, "
		  "digest;d-alg=md5;d-qop=auth;q=0.5", 0, "q dropped" },
		{ "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=98765;"
		  "spi-s=909767;port-c=5063;port-s=5065, "
		  "digest;d-alg=md5;d-qop=auth-int;q=0.5", 0, "d-qop changed" },
		{ "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=98765;"
		  "spi-s=909767;port-c=5063;port-s=5065, "
		  "digest;d-alg=md5;d-qop=auth;q=0.5;x=1", 0, "param added" },
		{ "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=98765;"
		  "spi-s=909767;port-c=5063;port-s=5065, "
		  "digest;d-alg=md5;q=0.5", 0, "param removed" },
		{ "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=98765;"
		  "spi-s=909767;port-c=5063;port-s=5065, "
		  "tls;d-alg=md5;d-qop=auth;q=0.5", 0, "mech renamed" },
	};
	size_t i;

	T_CHECK(parse_str(server, &b) == 0, "server");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_CHECK(parse_str(cases[i].verify, &a) == 0, "parse %s",
		    cases[i].why);
		T_CHECK(secagree_verify_matches(&a, &b) == cases[i].match,
		    "%s", cases[i].why);
		T_CHECK(secagree_verify_matches(&b, &a) == cases[i].match,
		    "%s (swapped)", cases[i].why);
	}
	T_CHECK(parse_str("x;v=\"Ab\"", &a) == 0 && parse_str("x;v=\"ab\"",
	    &b) == 0 && !secagree_verify_matches(&a, &b), "quoted case");
}

static void
test_choose(void)
{
	static const struct secagree_policy all[] = {
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_AES_CBC },
		{ SECAGREE_ALG_HMAC_MD5_96, SECAGREE_EALG_AES_CBC },
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_DES_EDE3_CBC },
		{ SECAGREE_ALG_HMAC_MD5_96, SECAGREE_EALG_DES_EDE3_CBC },
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_NULL },
		{ SECAGREE_ALG_HMAC_MD5_96, SECAGREE_EALG_NULL },
	};
	static const struct secagree_policy nullonly[] = {
		{ SECAGREE_ALG_HMAC_MD5_96, SECAGREE_EALG_NULL },
	};
	size_t idx = 99;

#define IPS(alg, ealg, extra) "ipsec-3gpp;alg=" alg ";" ealg \
	"spi-c=1;spi-s=2;port-c=3;port-s=4" extra
	T_CHECK(parse_str("tls;q=1, " IPS("hmac-md5-96", "", ";q=0.9") ", "
	    IPS("hmac-sha-1-96", "ealg=des-ede3-cbc;", ";q=0.1") ", "
	    IPS("hmac-md5-96", "ealg=aes-cbc;", ";q=0.2") ", "
	    IPS("hmac-sha-1-96", "ealg=aes-cbc;prot=ah;", "") ", "
	    IPS("hmac-sha-1-96", "", ""), &a) == 0, "offers");
	T_CHECK(secagree_choose(&a, all, 6, &idx) == 0 && idx == 3,
	    "aes-cbc wins: %zu", idx);
	T_CHECK(secagree_choose(&a, all + 2, 4, &idx) == 0 && idx == 2,
	    "des next: %zu", idx);
	T_CHECK(secagree_choose(&a, all + 4, 2, &idx) == 0 && idx == 5,
	    "sha-1 over md5 (q ignored): %zu", idx);
	T_CHECK(secagree_choose(&a, nullonly, 1, &idx) == 0 && idx == 1,
	    "policy restricts: %zu", idx);
	T_CHECK(secagree_choose(&a, NULL, 0, &idx) == -ENOENT, "empty policy");
	/* q breaks ties between equal algorithms, then client order */
	T_CHECK(parse_str(IPS("hmac-sha-1-96", "", ";q=0.1") ", "
	    IPS("hmac-sha-1-96", "", ";q=0.5") ", "
	    IPS("hmac-sha-1-96", "", ";q=0.5"), &a) == 0 &&
	    secagree_choose(&a, all, 6, &idx) == 0 && idx == 1,
	    "q tie-break: %zu", idx);
	T_CHECK(parse_str(IPS("hmac-sha-1-96", "ealg=aes-cbc;prot=ah;", "")
	    ", digest", &a) == 0 && secagree_choose(&a, all, 6, &idx) ==
	    -ENOENT, "ah never chosen");
	/* Algorithms we do not implement parse, round-trip, compare by text
	 * and are never chosen: a newer UE's offer list still works. */
	{
		struct secagree o2;
		char out[SECAGREE_FORMAT_MAX];

		T_CHECK(parse_str(IPS("hmac-sha-256-128", "ealg=aes-ccm;", "")
		    ", " IPS("hmac-md5-96", "", ""), &a) == 0, "unknown algs");
		T_CHECK(a.mech[0].alg == SECAGREE_ALG_OTHER &&
		    strcmp(a.mech[0].alg_other, "hmac-sha-256-128") == 0 &&
		    a.mech[0].ealg == SECAGREE_EALG_OTHER &&
		    strcmp(a.mech[0].ealg_other, "aes-ccm") == 0, "kept");
		T_CHECK(secagree_choose(&a, all, 6, &idx) == 0 && idx == 1,
		    "unknown never chosen: %zu", idx);
		T_CHECK(secagree_format(&a, out, sizeof(out)) == 0 &&
		    strstr(out, "alg=hmac-sha-256-128") != NULL &&
		    parse_str(out, &o2) == 0 && secagree_equal(&a, &o2),
		    "round trip %s", out);
		T_CHECK(parse_str(IPS("hmac-sha-256-128", "ealg=aes-ccm;", "")
		    ", " IPS("hmac-md5-96", "", ""), &o2) == 0 &&
		    secagree_verify_matches(&o2, &a) == 1, "same text matches");
		T_CHECK(parse_str(IPS("hmac-sha-512-256", "ealg=aes-ccm;", "")
		    ", " IPS("hmac-md5-96", "", ""), &o2) == 0 &&
		    secagree_verify_matches(&o2, &a) == 0, "other text differs");
		T_CHECK(parse_str(IPS("hmac-sha-256-128", "", ""), &a) == 0 &&
		    secagree_choose(&a, all, 6, &idx) == -ENOENT,
		    "only unknown offers: nothing chosen");
	}
#undef IPS
}

/* TS 33.203 Rel-15+ Annex H: aes-gcm with alg null, aes-gmac with ealg
 * null; the pairs that make an SA. */
static void
test_pairs(void)
{
	static const struct {
		enum secagree_alg	alg;
		enum secagree_ealg	ealg;
		int			ok;
	} pairs[] = {
		{ SECAGREE_ALG_HMAC_MD5_96, SECAGREE_EALG_NULL, 1 },
		{ SECAGREE_ALG_HMAC_MD5_96, SECAGREE_EALG_DES_EDE3_CBC, 1 },
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_AES_CBC, 1 },
		{ SECAGREE_ALG_AES_GMAC, SECAGREE_EALG_NULL, 1 },
		{ SECAGREE_ALG_NULL, SECAGREE_EALG_AES_GCM, 1 },
		/* two integrity transforms, or none */
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_AES_GCM, 0 },
		{ SECAGREE_ALG_AES_GMAC, SECAGREE_EALG_AES_GCM, 0 },
		{ SECAGREE_ALG_AES_GMAC, SECAGREE_EALG_AES_CBC, 0 },
		{ SECAGREE_ALG_NULL, SECAGREE_EALG_NULL, 0 },
		{ SECAGREE_ALG_NULL, SECAGREE_EALG_AES_CBC, 0 },
		{ SECAGREE_ALG_NONE, SECAGREE_EALG_AES_GCM, 0 },
		{ SECAGREE_ALG_OTHER, SECAGREE_EALG_NULL, 0 },
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_OTHER, 0 },
		{ (enum secagree_alg)42, SECAGREE_EALG_NULL, 0 },
		{ SECAGREE_ALG_HMAC_SHA1_96, (enum secagree_ealg)42, 0 },
	};
	static const struct secagree_policy pol[] = {
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_AES_CBC },
		{ SECAGREE_ALG_NULL, SECAGREE_EALG_AES_GCM },
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_NULL },
		{ SECAGREE_ALG_AES_GMAC, SECAGREE_EALG_NULL },
	};
	/* A cross product of alg and ealg lists, as a configuration gives. */
	static const struct secagree_policy cross[] = {
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_AES_GCM },
		{ SECAGREE_ALG_AES_GMAC, SECAGREE_EALG_AES_GCM },
		{ SECAGREE_ALG_NULL, SECAGREE_EALG_AES_GCM },
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_AES_CBC },
		{ SECAGREE_ALG_AES_GMAC, SECAGREE_EALG_AES_CBC },
		{ SECAGREE_ALG_NULL, SECAGREE_EALG_AES_CBC },
		{ SECAGREE_ALG_HMAC_SHA1_96, SECAGREE_EALG_NULL },
		{ SECAGREE_ALG_AES_GMAC, SECAGREE_EALG_NULL },
		{ SECAGREE_ALG_NULL, SECAGREE_EALG_NULL },
	};
	const struct secagree_mech *m;
	size_t i, idx = 99;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		T_CHECK(secagree_pair_ok(pairs[i].alg, pairs[i].ealg) ==
		    pairs[i].ok,
		    "pair [%zu]", i);
	T_CHECK(strcmp(secagree_alg_name(SECAGREE_ALG_AES_GMAC), "aes-gmac")
	    == 0 && strcmp(secagree_alg_name(SECAGREE_ALG_NULL), "null") == 0 &&
	    strcmp(secagree_ealg_name(SECAGREE_EALG_AES_GCM), "aes-gcm") == 0,
	    "names");

#define IPS(alg, ealg, extra) "ipsec-3gpp;alg=" alg ";" ealg \
	"spi-c=1;spi-s=2;port-c=3;port-s=4" extra
	/* Parse (letter case free), format, round trip. */
	T_CHECK(parse_str(IPS("null", "ealg=AES-GCM;", ";q=0.5") ", "
	    IPS("AES-GMAC", "ealg=null;", "") ", "
	    IPS("aes-gmac", "", ""), &a) == 0, "parse gcm/gmac");
	m = &a.mech[0];
	T_CHECK(m->alg == SECAGREE_ALG_NULL && m->ealg == SECAGREE_EALG_AES_GCM &&
	    (m->have & SECAGREE_HAVE_EALG), "alg null, ealg aes-gcm");
	T_CHECK(a.mech[1].alg == SECAGREE_ALG_AES_GMAC &&
	    a.mech[1].ealg == SECAGREE_EALG_NULL, "aes-gmac, ealg null");
	T_CHECK(a.mech[2].alg == SECAGREE_ALG_AES_GMAC &&
	    !(a.mech[2].have & SECAGREE_HAVE_EALG), "aes-gmac, no ealg");
	T_CHECK(secagree_format(&a, buf, sizeof(buf)) == 0 && strcmp(buf,
	    "ipsec-3gpp;q=0.5;alg=null;ealg=aes-gcm;spi-c=1;spi-s=2;port-c=3;"
	    "port-s=4, ipsec-3gpp;alg=aes-gmac;ealg=null;spi-c=1;spi-s=2;"
	    "port-c=3;port-s=4, ipsec-3gpp;alg=aes-gmac;spi-c=1;spi-s=2;"
	    "port-c=3;port-s=4") == 0, "format: %s", buf);
	T_CHECK(round_trip(&a), "round trip: %s", buf);

	/* Bidding down (7.2/7.4): the Security-Verify must keep aes-gcm. */
	T_CHECK(parse_str(IPS("null", "ealg=aes-gcm;", ""), &b) == 0 &&
	    parse_str(IPS("NULL", "ealg=Aes-Gcm;", ""), &c) == 0 &&
	    secagree_verify_matches(&c, &b), "verify: case free");
	T_CHECK(parse_str(IPS("hmac-sha-1-96", "ealg=aes-cbc;", ""), &c) == 0 &&
	    !secagree_verify_matches(&c, &b), "verify: gcm -> cbc differs");
	T_CHECK(parse_str(IPS("null", "", ""), &c) == 0 &&
	    !secagree_verify_matches(&c, &b), "verify: ealg dropped differs");
	T_CHECK(parse_str(IPS("aes-gmac", "", ""), &b) == 0 &&
	    parse_str(IPS("aes-gmac", "ealg=null;", ""), &c) == 0 &&
	    secagree_verify_matches(&c, &b), "verify: gmac, absent = null");
	T_CHECK(parse_str(IPS("hmac-sha-1-96", "", ""), &c) == 0 &&
	    !secagree_verify_matches(&c, &b), "verify: gmac -> sha-1 differs");

	/* Choice: aes-gcm above aes-cbc, aes-gmac above hmac-sha-1-96. */
	T_CHECK(parse_str(IPS("hmac-sha-1-96", "ealg=aes-cbc;", ";q=1") ", "
	    IPS("null", "ealg=aes-gcm;", ";q=0.1") ", "
	    IPS("hmac-sha-1-96", "", "") ", " IPS("aes-gmac", "", ""), &a) == 0,
	    "offers");
	T_CHECK(secagree_choose(&a, pol, 4, &idx) == 0 && idx == 1,
	    "aes-gcm wins: %zu", idx);
	T_CHECK(secagree_choose(&a, pol, 1, &idx) == 0 && idx == 0,
	    "policy without gcm: aes-cbc: %zu", idx);
	T_CHECK(secagree_choose(&a, pol + 2, 2, &idx) == 0 && idx == 3,
	    "aes-gmac over hmac-sha-1-96: %zu", idx);
	T_CHECK(secagree_choose(&a, pol + 2, 1, &idx) == 0 && idx == 2,
	    "policy without gmac: sha-1: %zu", idx);
	T_CHECK(secagree_choose(&a, cross, 9, &idx) == 0 && idx == 1,
	    "cross-product policy: aes-gcm: %zu", idx);
	/* Pairs without an SA parse but are never chosen, not even when
	 * the policy names them. */
	T_CHECK(parse_str(IPS("hmac-sha-1-96", "ealg=aes-gcm;", "") ", "
	    IPS("aes-gmac", "ealg=aes-cbc;", "") ", "
	    IPS("null", "", "") ", " IPS("null", "ealg=aes-cbc;", ""), &a) == 0,
	    "pairs without an SA parse");
	T_CHECK(secagree_choose(&a, pol, 4, &idx) == -ENOENT, "none chosen");
	T_CHECK(secagree_choose(&a, cross, 9, &idx) == -ENOENT,
	    "none chosen, even where the policy names them");
	T_CHECK(parse_str(IPS("hmac-sha-1-96", "ealg=aes-cbc;", "") ", "
	    IPS("aes-gmac", "", ""), &a) == 0 &&
	    secagree_choose(&a, cross, 9, &idx) == 0 && idx == 0,
	    "cross product: aes-cbc over aes-gmac: %zu", idx);
	T_CHECK(parse_str(IPS("null", "ealg=aes-gcm;prot=ah;", ""), &a) == 0 &&
	    secagree_choose(&a, pol, 4, &idx) == -ENOENT, "gcm over ah: no");
#undef IPS
}

int
main(void)
{
	test_parse();
	test_bad();
	test_verify();
	test_choose();
	test_pairs();
	return t_done("test_secagree");
}
