/* ue_gbacli.c - the command lines of ims-ue's GBA side:
 *
 *	ims-ue gba-bootstrap --impi S --k HEX (--op HEX | --opc HEX)
 *	    --bsf URL --naf FQDN [--cacert FILE] [--state FILE]
 *	    [--amf-sep 0|1] [--timeout S] [--realm R] [--debug] [--debug-keys]
 *	(--realm: the first request's realm when the URL's host is not the
 *	BSF's name, e.g. an address)
 *	ims-ue ut get|put|delete --url URL --btid B --ks-naf-b64 K
 *	    [--identity IMPU] [--cacert FILE] [--if-match ETAG]
 *	    [--body FILE|-] [--content-type T] [--timeout S] [--debug]
 *
 * Output (docs in README): gba-bootstrap prints btid=, ks_naf_b64=,
 * naf_id= (hex), lifetime= (the BSF's xs:dateTime text), expires= (Unix
 * seconds), resync=; ut prints status=, etag= and content_type= (when
 * the response has them), an empty line, then the body as received.
 * Exit 0 on success (ut: a 2xx), 1 on any failure (one line on stderr),
 * 2 on bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliopts.h"
#include "log.h"
#include "ue.h"
#include "ue_gba.h"
#include "util.h"

#define GBA_OPTS	"impi k op opc bsf naf cacert state amf-sep timeout realm"
#define UT_OPTS		"url btid ks-naf-b64 identity cacert if-match body " \
			"content-type timeout"

/* No controls, no DEL: the value goes into a header field. */
static void
field_safe(const struct opts *o, const char *name, const char *v, int quotes)
{
	const unsigned char *p;

	if (*v == '\0')
		usage_error(o->cmd, "--%s must not be empty", name);
	for (p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || (!quotes && (*p == '"' ||
		    *p == '\\')))
			usage_error(o->cmd, "--%s: invalid character", name);
}

/* TS 33.220 4.5.2: the NAF's FQDN (a DNS name, RFC 1035 2.3.4). */
static void
fqdn_ok(const struct opts *o, const char *v)
{
	const char *p;

	if (strlen(v) == 0 || strlen(v) > 253)
		usage_error(o->cmd, "--naf: expected the NAF's FQDN");
	for (p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			usage_error(o->cmd, "--naf: expected the NAF's FQDN");
}

static void
put_hex(const char *name, const uint8_t *b, size_t len)
{
	char hex[2 * KDF_NAF_ID_MAX + 1];

	hex_encode(b, len, hex);
	printf("%s=%s\n", name, hex);
	secure_wipe(hex, sizeof(hex));
}

int
ue_gba_main(int argc, char **argv)
{
	struct ue_gba_conf c;
	struct ue_gba_result r;
	struct opts o;
	uint8_t op[16];
	char b64[64];
	int debug, debug_keys;

	debug = ue_take_flag(&argc, argv, "--debug");
	debug_keys = ue_take_flag(&argc, argv, "--debug-keys");
	opts_parse(&o, "gba-bootstrap", argc, argv, GBA_OPTS);
	memset(&c, 0, sizeof(c));
	c.impi = opts_need(&o, "impi");
	field_safe(&o, "impi", c.impi, 0);
	c.bsf_url = opts_need(&o, "bsf");
	c.naf_fqdn = opts_need(&o, "naf");
	fqdn_ok(&o, c.naf_fqdn);
	c.cacert = opts_get(&o, "cacert");
	if ((c.realm = opts_get(&o, "realm")) != NULL)
		field_safe(&o, "realm", c.realm, 0);
	c.state_path = opts_get(&o, "state");
	opts_hex(&o, "k", c.k, sizeof(c.k));
	if (opts_one_of(&o, "op", "opc") == 0) {
		opts_hex(&o, "op", op, sizeof(op));
		if (milenage_opc(c.k, op, c.opc) < 0)
			usage_error(o.cmd, "cannot derive OPc");
		secure_wipe(op, sizeof(op));
	} else
		opts_hex(&o, "opc", c.opc, sizeof(c.opc));
	c.amf_sep = opts_get(&o, "amf-sep") == NULL ? -1 :
	    (int)opts_uint(&o, "amf-sep", 0, 0, 1, NULL);
	c.timeout_ms = 1000 * opts_uint(&o, "timeout", 10, 1, 3600, NULL);
	if (debug)
		log_setlevel(LOG_LVL_DEBUG);
	log_allow_keys(debug_keys);

	if (ue_gba_bootstrap(&c, &r) < 0) {
		fprintf(stderr, "ims-ue: gba-bootstrap: %s\n", r.why);
		ue_gba_result_wipe(&r);
		secure_wipe(&c, sizeof(c));
		return 1;
	}
	printf("btid=%s\n", r.btid);
	base64_encode(r.ks_naf, sizeof(r.ks_naf), b64);
	printf("ks_naf_b64=%s\n", b64);
	put_hex("naf_id", r.naf_id, r.naf_id_len);
	printf("lifetime=%s\nexpires=%lld\nresync=%d\n", r.lifetime,
	    (long long)r.expiry, r.resync);
	if (debug_keys) {
		put_hex("rand", r.rand, sizeof(r.rand));
		put_hex("res", r.res, sizeof(r.res));
		put_hex("ck", r.ck, sizeof(r.ck));
		put_hex("ik", r.ik, sizeof(r.ik));
		put_hex("ks_naf", r.ks_naf, sizeof(r.ks_naf));
	}
	fflush(stdout);
	secure_wipe(b64, sizeof(b64));
	ue_gba_result_wipe(&r);
	secure_wipe(&c, sizeof(c));
	return 0;
}

/* --body FILE or "-" (stdin), whole, at most UE_HTTP_BODY_MAX bytes. */
static uint8_t *
read_body(const struct opts *o, const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	uint8_t *b;
	size_t n;

	if (f == NULL)
		usage_error(o->cmd, "--body: %s: %s", path, strerror(errno));
	if ((b = malloc(UE_HTTP_BODY_MAX + 1)) == NULL)
		usage_error(o->cmd, "out of memory");
	n = fread(b, 1, UE_HTTP_BODY_MAX + 1, f);
	if (ferror(f) || n > UE_HTTP_BODY_MAX)
		usage_error(o->cmd, "--body: %s: unreadable or larger than %d "
		    "bytes", path, UE_HTTP_BODY_MAX);
	if (f != stdin)
		fclose(f);
	*len = n;
	return b;
}

int
ue_ut_main(int argc, char **argv)
{
	struct ue_ut_conf c;
	struct ue_http_resp resp = { .content_length = -1 };
	struct ue_http *h;
	struct ue_url u;
	struct opts o;
	uint8_t key[KDF_OUT_LEN + 4], *body = NULL;
	const char *verb, *v;
	char why[320];
	size_t klen;
	int rc;

	if (argc < 1 || (strcmp(argv[0], "get") != 0 &&
	    strcmp(argv[0], "put") != 0 && strcmp(argv[0], "delete") != 0))
		usage_error("ut", "expected get, put or delete");
	verb = argv[0];
	argc--;
	argv++;
	if (ue_take_flag(&argc, argv, "--debug"))
		log_setlevel(LOG_LVL_DEBUG);
	opts_parse(&o, "ut", argc, argv, UT_OPTS);
	memset(&c, 0, sizeof(c));
	c.method = strcmp(verb, "get") == 0 ? "GET" :
	    strcmp(verb, "put") == 0 ? "PUT" : "DELETE";
	if (ue_url_parse(opts_need(&o, "url"), &u, why, sizeof(why)) < 0)
		usage_error(o.cmd, "--url: %s", why);
	if (!u.tls)
		usage_error(o.cmd, "--url: Ut runs over TLS: expected https://");
	c.path = u.path;
	c.btid = opts_need(&o, "btid");
	field_safe(&o, "btid", c.btid, 0);
	c.ks_naf_b64 = opts_need(&o, "ks-naf-b64");
	/* TS 33.222 5.3: the password is base64(Ks_(ext)_NAF), 32 octets */
	if (base64_decode(c.ks_naf_b64, strlen(c.ks_naf_b64), key,
	    sizeof(key), &klen) < 0 || klen != KDF_OUT_LEN)
		usage_error(o.cmd, "--ks-naf-b64: expected base64 of 32 bytes");
	secure_wipe(key, sizeof(key));
	if ((c.identity = opts_get(&o, "identity")) != NULL)
		field_safe(&o, "identity", c.identity, 0);
	if ((c.if_match = opts_get(&o, "if-match")) != NULL)
		field_safe(&o, "if-match", c.if_match, 1);
	if ((c.content_type = opts_get(&o, "content-type")) != NULL)
		field_safe(&o, "content-type", c.content_type, 1);
	if ((v = opts_get(&o, "body")) != NULL) {
		if (strcmp(c.method, "PUT") != 0)
			usage_error(o.cmd, "--body goes with put only");
		body = read_body(&o, v, &c.body_len);
		c.body = body;
	}
	if ((h = ue_http_new(&u, opts_get(&o, "cacert"),
	    1000 * opts_uint(&o, "timeout", 10, 1, 3600, NULL))) == NULL)
		usage_error(o.cmd, "out of memory");

	rc = ue_ut_request(h, &c, &resp, why, sizeof(why));
	ue_http_free(h);
	free(body);
	if (rc < 0) {
		fprintf(stderr, "ims-ue: ut: %s\n", why);
		ue_http_resp_clear(&resp);
		return 1;
	}
	printf("status=%d\n", resp.status);
	if (resp.etag[0] != '\0')
		printf("etag=%s\n", resp.etag);
	if (resp.content_type[0] != '\0')
		printf("content_type=%s\n", resp.content_type);
	printf("\n");
	if (resp.body_len > 0)
		fwrite(resp.body, 1, resp.body_len, stdout);
	fflush(stdout);
	rc = resp.status / 100 == 2 ? 0 : 1;
	ue_http_resp_clear(&resp);
	return rc;
}
