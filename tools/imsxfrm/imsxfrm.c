/* imsxfrm - install and inspect ESP SAs and policies through common/xfrm.
 *
 *	imsxfrm [--owner TAG] COMMAND [OPTIONS]
 *
 * Everything it installs carries the project's ownership marker (xfrm.h),
 * so `imsxfrm flush-ours` removes exactly that.  Exit status: 0 done,
 * 1 the kernel refused (errno string on stderr), 2 bad usage.
 *
 * `gm-keys` and `gm-sa ...` (the Gm SAs of TS 33.203 7.1 and Annex I)
 * are in imsxfrm_gm.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliopts.h"
#include "log.h"
#include "util.h"
#include "imsxfrm.h"
#include "xfrm.h"

const char *cmd;		/* the command, once known */

void
xusage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "imsxfrm: ");
	if (cmd != NULL)
		fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EX_USAGE);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: imsxfrm [--owner TAG] COMMAND [OPTIONS]\n"
	    "  sa-add|sa-update --src A --dst B --spi N --mode transport|tunnel\n"
	    "      [--proto-sel udp|tcp|N --sport P --dport P] [--reqid N]\n"
	    "      [--auth ALG --auth-key HEX] [--enc ALG --enc-key HEX]\n"
	    "      [--aead aes-gcm|aes-gmac --aead-key HEX] [--replay N]\n"
	    "      [--encap-sport P --encap-dport P]\n"
	    "      [--sel-src A[/LEN] --sel-dst B[/LEN]]   (tunnel: inner selector)\n"
	    "  sa-del --dst B --spi N\n"
	    "  sa-get --dst B --spi N\n"
	    "  policy-add --src A --dst B --dir in|out|fwd [--proto udp --sport P\n"
	    "      --dport P] [--tmpl-src A --tmpl-dst B] [--mode M] [--reqid N]\n"
	    "      [--priority N]\n"
	    "  policy-del --src A --dst B --dir D [--proto --sport --dport]\n"
	    "  spi-alloc --src A --dst B [--min N --max N] [--reqid N]\n"
	    "  list-ours | flush-ours\n"
	    "  gm-keys --ck HEX --ik HEX --alg A [--ealg E]   (prints keys: debugging)\n"
	    "      A, E: the TS 33.203 Annex H tokens, in pairs: A hmac-md5-96|\n"
	    "      hmac-sha-1-96 with E null|aes-cbc|des-ede3-cbc; --alg null\n"
	    "      --ealg aes-gcm; --alg aes-gmac (E null)\n"
	    "  gm-sa alloc-spis --side pcscf|ue --ue A --pcscf B [--min N --max N]\n"
	    "  gm-sa install|set-lifetime|remove --side pcscf|ue --ue A --pcscf B\n"
	    "      --port-uc P --port-us P --port-pc P --port-ps P\n"
	    "      --spi-uc N --spi-us N --spi-pc N --spi-ps N [--larval yes]\n"
	    "      install: --alg A [--ealg E] --ck HEX --ik HEX --lifetime S\n"
	    "      set-lifetime: --alg A [--ealg E] --lifetime S   remove: [--alg A]\n"
	    "      (TS 33.203 7.1: 4 SAs + UDP/TCP policies; keys on the command\n"
	    "      line: tests and demos only)\n"
	    "  algorithms: hmac-md5-96 hmac-sha-1-96 hmac-sha2-256-128,\n"
	    "      null aes-cbc des-ede3-cbc, aes-gcm aes-gmac (key || 4-byte salt)\n");
	exit(EX_USAGE);
}

uint64_t
num(const char *name, const char *s, uint64_t max)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s == '\0' || *s == '-')
		xusage("bad --%s", name);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > max)
		xusage("bad --%s: %s", name, s);
	return v;
}

void
need(const char *name, const char *v)
{
	if (v == NULL)
		xusage("missing --%s", name);
}

void
ip(const char *name, const char *s, struct xfrm_ip *out)
{
	need(name, s);
	if (xfrm_ip_parse(s, out) < 0)
		xusage("bad --%s: %s", name, s);
}

static int
mode_arg(const char *s)
{
	if (s == NULL || strcmp(s, "transport") == 0)
		return IMS_XFRM_MODE_TRANSPORT;
	if (strcmp(s, "tunnel") == 0)
		return IMS_XFRM_MODE_TUNNEL;
	xusage("bad --mode: %s", s);
}

static int
dir_arg(const char *s)
{
	need("dir", s);
	if (strcmp(s, "in") == 0)
		return IMS_XFRM_DIR_IN;
	if (strcmp(s, "out") == 0)
		return IMS_XFRM_DIR_OUT;
	if (strcmp(s, "fwd") == 0)
		return IMS_XFRM_DIR_FWD;
	xusage("bad --dir: %s", s);
}

static void
ports_arg(const struct args *a, struct xfrm_ports *p)
{
	memset(p, 0, sizeof(*p));
	if (a->proto != NULL) {
		if (strcmp(a->proto, "udp") == 0)
			p->proto = IPPROTO_UDP;
		else if (strcmp(a->proto, "tcp") == 0)
			p->proto = IPPROTO_TCP;
		else if (strcmp(a->proto, "sctp") == 0)
			p->proto = IPPROTO_SCTP;
		else
			p->proto = (uint8_t)num("proto-sel", a->proto, 255);
	}
	if (a->sport != NULL)
		p->sport = (uint16_t)num("sport", a->sport, 65535);
	if (a->dport != NULL)
		p->dport = (uint16_t)num("dport", a->dport, 65535);
	if ((p->sport || p->dport) && p->proto == 0)
		xusage("--sport/--dport need --proto-sel");
}

/* Algorithm + hex key into the SA's fixed buffers. */
static void
alg_arg(const char *opt, const char *alg, const char *hex, char *name,
    uint8_t *key, size_t *keylen)
{
	const struct xfrm_alg_info *a;
	char kopt[16];

	if (alg == NULL) {
		if (hex != NULL)
			xusage("--%s-key without --%s", opt, opt);
		return;
	}
	if ((a = xfrm_alg_lookup(alg)) == NULL)
		xusage("unknown --%s algorithm: %s", opt, alg);
	snprintf(name, XFRM_ALGNAME_MAX, "%s", a->name);
	if (hex == NULL && a->keylen[0] == 0)
		return;
	snprintf(kopt, sizeof(kopt), "%s-key", opt);
	need(kopt, hex);
	if (hex_decode_var(hex, key, XFRM_KEY_MAX, keylen) < 0)
		xusage("bad --%s-key (hex expected)", opt);
	if (!xfrm_alg_key_ok(a, *keylen))
		xusage("--%s-key: wrong length %zu for %s", opt, *keylen,
		    alg);
}

int
kernel_error(int rc)
{
	fprintf(stderr, "imsxfrm: %s: %s\n", cmd, strerror(-rc));
	return EX_KERNEL;
}

/* --sel-src/--sel-dst ADDR[/LEN]: the inner selector of a tunnel-mode SA;
 * no /LEN means the host. */
static void
sel_arg(const char *name, const char *s, struct xfrm_ip *out, uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash;
	size_t n;

	need(name, s);
	slash = strchr(s, '/');
	n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (n >= sizeof(buf))
		xusage("bad --%s: %s", name, s);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (xfrm_ip_parse(buf, out) < 0)
		xusage("bad --%s: %s", name, s);
	*plen = out->family == AF_INET ? 32 : 128;
	if (slash != NULL)
		*plen = (uint8_t)num(name, slash + 1, *plen);
}

static int
cmd_sa_add(struct xfrm_nl *h, const struct args *a, int update)
{
	struct xfrm_sa sa;
	int rc;

	memset(&sa, 0, sizeof(sa));
	ip("src", a->src, &sa.src);
	ip("dst", a->dst, &sa.dst);
	if (sa.src.family != sa.dst.family)
		xusage("--src and --dst of different families");
	need("spi", a->spi);
	sa.spi = (uint32_t)num("spi", a->spi, UINT32_MAX);
	if (sa.spi < 256)
		xusage("--spi must be >= 256 (RFC 4303)");
	sa.mode = mode_arg(a->mode);
	ports_arg(a, &sa.ports);
	if (a->sel_src != NULL || a->sel_dst != NULL) {
		if (sa.mode != IMS_XFRM_MODE_TUNNEL)
			xusage("--sel-src/--sel-dst need --mode tunnel");
		sel_arg("sel-src", a->sel_src, &sa.sel_src, &sa.sel_src_plen);
		sel_arg("sel-dst", a->sel_dst, &sa.sel_dst, &sa.sel_dst_plen);
		if (sa.sel_src.family != sa.sel_dst.family)
			xusage("--sel-src and --sel-dst of different "
			    "families");
	}
	if (a->reqid != NULL)
		sa.reqid = (uint32_t)num("reqid", a->reqid, UINT32_MAX);
	if (a->replay != NULL)
		sa.replay_window = (uint8_t)num("replay", a->replay, 255);
	if (a->encap_sport != NULL || a->encap_dport != NULL) {
		sa.encap_sport = (uint16_t)num("encap-sport",
		    a->encap_sport ? a->encap_sport : "4500", 65535);
		sa.encap_dport = (uint16_t)num("encap-dport",
		    a->encap_dport ? a->encap_dport : "4500", 65535);
	}
	if (a->aead != NULL && (a->auth != NULL || a->enc != NULL))
		xusage("--aead excludes --auth and --enc");
	if (a->aead == NULL && a->auth == NULL && a->enc == NULL)
		xusage("missing --auth, --enc or --aead");
	alg_arg("auth", a->auth, a->auth_key, sa.auth_alg, sa.auth_key,
	    &sa.auth_keylen);
	alg_arg("enc", a->enc, a->enc_key, sa.enc_alg, sa.enc_key,
	    &sa.enc_keylen);
	alg_arg("aead", a->aead, a->aead_key, sa.aead_alg, sa.aead_key,
	    &sa.aead_keylen);
	rc = update ? xfrm_sa_update(h, &sa) : xfrm_sa_add(h, &sa);
	return rc < 0 ? kernel_error(rc) : 0;
}

static int
cmd_sa_del(struct xfrm_nl *h, const struct args *a)
{
	struct xfrm_ip dst;
	int rc;

	ip("dst", a->dst, &dst);
	need("spi", a->spi);
	rc = xfrm_sa_del(h, &dst, (uint32_t)num("spi", a->spi, UINT32_MAX));
	return rc < 0 ? kernel_error(rc) : 0;
}

static int
cmd_sa_get(struct xfrm_nl *h, const struct args *a)
{
	struct xfrm_ip dst;
	struct xfrm_sa_info si;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int rc;

	ip("dst", a->dst, &dst);
	need("spi", a->spi);
	rc = xfrm_sa_get(h, &dst, (uint32_t)num("spi", a->spi, UINT32_MAX),
	    &si);
	if (rc < 0)
		return kernel_error(rc);
	printf("spi=0x%08x\nsrc=%s\ndst=%s\nmode=%s\nreqid=%u\nours=%d\n"
	    "bytes=%" PRIu64 "\npackets=%" PRIu64 "\nreplay_window=%u\n"
	    "replay_errors=%u\nreplay_old=%u\nintegrity_failed=%u\n", si.spi,
	    xfrm_ip_str(&si.src, s, sizeof(s)),
	    xfrm_ip_str(&si.dst, d, sizeof(d)),
	    si.mode == IMS_XFRM_MODE_TUNNEL ? "tunnel" : "transport",
	    si.reqid, si.ours, si.bytes, si.packets, si.replay_window,
	    si.replay_errors, si.replay_old, si.integrity_failed);
	return 0;
}

static void
policy_arg(const struct args *a, struct xfrm_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	ip("src", a->src, &pol->src);
	ip("dst", a->dst, &pol->dst);
	if (pol->src.family != pol->dst.family)
		xusage("--src and --dst of different families");
	pol->dir = dir_arg(a->dir);
	ports_arg(a, &pol->ports);
}

static int
cmd_policy_add(struct xfrm_nl *h, const struct args *a)
{
	struct xfrm_policy pol;
	int rc;

	policy_arg(a, &pol);
	if (a->tmpl_src != NULL)
		ip("tmpl-src", a->tmpl_src, &pol.tmpl_src);
	if (a->tmpl_dst != NULL)
		ip("tmpl-dst", a->tmpl_dst, &pol.tmpl_dst);
	pol.mode = mode_arg(a->mode);
	if (pol.mode == IMS_XFRM_MODE_TUNNEL &&
	    (a->tmpl_src == NULL || a->tmpl_dst == NULL))
		xusage("tunnel mode needs --tmpl-src and --tmpl-dst");
	if (a->reqid != NULL)
		pol.reqid = (uint32_t)num("reqid", a->reqid, UINT32_MAX);
	if (a->priority != NULL)
		pol.priority = (uint32_t)num("priority", a->priority,
		    UINT32_MAX);
	if ((rc = xfrm_policy_add(h, &pol)) < 0)
		return kernel_error(rc);
	printf("index=0x%08x\n", pol.index);
	return 0;
}

static int
cmd_policy_del(struct xfrm_nl *h, const struct args *a)
{
	struct xfrm_policy pol;
	int rc;

	policy_arg(a, &pol);
	rc = xfrm_policy_del(h, &pol);
	return rc < 0 ? kernel_error(rc) : 0;
}

static int
cmd_spi_alloc(struct xfrm_nl *h, const struct args *a)
{
	struct xfrm_ip src, dst;
	uint32_t min = 0x100, max = 0x0fffffff, reqid = 0, spi;
	int rc;

	ip("src", a->src, &src);
	ip("dst", a->dst, &dst);
	if (src.family != dst.family)
		xusage("--src and --dst of different families");
	if (a->min != NULL)
		min = (uint32_t)num("min", a->min, UINT32_MAX);
	if (a->max != NULL)
		max = (uint32_t)num("max", a->max, UINT32_MAX);
	if (min < 256 || min > max)
		xusage("need 256 <= --min <= --max");
	if (a->reqid != NULL)
		reqid = (uint32_t)num("reqid", a->reqid, UINT32_MAX);
	if ((rc = xfrm_spi_alloc(h, &src, &dst, min, max, reqid, &spi)) < 0)
		return kernel_error(rc);
	printf("spi=0x%08x\n", spi);
	return 0;
}

static const char *
dir_name(int dir)
{
	static const char *n[] = { "in", "out", "fwd" };

	return dir >= 0 && dir <= 2 ? n[dir] : "?";
}

static void
list_cb(const struct xfrm_item *it, void *arg)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	(void)arg;
	xfrm_ip_str(&it->src, s, sizeof(s));
	xfrm_ip_str(&it->dst, d, sizeof(d));
	if (it->is_policy)
		printf("policy dir=%s index=0x%08x src=%s dst=%s proto=%u "
		    "sport=%u dport=%u\n", dir_name(it->dir), it->index, s, d,
		    it->ports.proto, it->ports.sport, it->ports.dport);
	else
		printf("sa spi=0x%08x src=%s dst=%s reqid=%u proto=%u "
		    "sport=%u dport=%u\n", it->spi, s, d, it->reqid,
		    it->ports.proto, it->ports.sport, it->ports.dport);
}

static int
cmd_list_ours(struct xfrm_nl *h)
{
	int rc, nsa = 0, npol = 0;

	if ((rc = xfrm_list_ours(h, list_cb, NULL, &nsa, &npol)) < 0)
		return kernel_error(rc);
	printf("ours: sa=%d policy=%d\n", nsa, npol);
	return 0;
}

/* --alg / --ealg: the Security-Client/-Server tokens (TS 33.203 Annex H);
 * no --ealg is null. */
static int
cmd_flush_ours(struct xfrm_nl *h)
{
	int rc, nsa = 0, npol = 0;

	rc = xfrm_flush_ours(h, &nsa, &npol);
	printf("flushed: sa=%d policy=%d\n", nsa, npol);
	return rc < 0 ? kernel_error(rc) : 0;
}

/* The options each command takes (cliopts tables). */
static const struct {
	const char	*cmd;
	const char	*allowed;
} cmdopts[] = {
	{ "sa-add", "src dst spi mode proto-sel proto sport dport reqid auth "
	    "auth-key enc enc-key aead aead-key replay encap-sport encap-dport "
	    "sel-src sel-dst" },
	{ "sa-update", "src dst spi mode proto-sel proto sport dport reqid "
	    "auth auth-key enc enc-key aead aead-key replay encap-sport "
	    "encap-dport sel-src sel-dst" },
	{ "sa-del", "dst spi" },
	{ "sa-get", "dst spi" },
	{ "policy-add", "src dst dir proto-sel proto sport dport tmpl-src "
	    "tmpl-dst mode reqid priority" },
	{ "policy-del", "src dst dir proto-sel proto sport dport" },
	{ "spi-alloc", "src dst min max reqid" },
	{ "list-ours", "" },
	{ "flush-ours", "" },
	{ "gm-keys", "ck ik alg ealg" },
	{ "gm-sa alloc-spis", "side ue pcscf min max" },
	{ "gm-sa install", "side ue pcscf port-uc port-us port-pc port-ps "
	    "spi-uc spi-us spi-pc spi-ps alg ealg ck ik lifetime larval" },
	{ "gm-sa set-lifetime", "side ue pcscf port-uc port-us port-pc port-ps "
	    "spi-uc spi-us spi-pc spi-ps alg ealg lifetime" },
	{ "gm-sa remove", "side ue pcscf port-uc port-us port-pc port-ps "
	    "spi-uc spi-us spi-pc spi-ps alg ealg larval" },
};

static void
parse(int argc, char **argv, const char *allowed, struct args *a)
{
	struct opts o;

	memset(a, 0, sizeof(*a));
	opts_parse(&o, cmd, argc, argv, allowed);
	a->src = opts_get(&o, "src");
	a->dst = opts_get(&o, "dst");
	a->spi = opts_get(&o, "spi");
	a->mode = opts_get(&o, "mode");
	a->dir = opts_get(&o, "dir");
	if ((a->proto = opts_get(&o, "proto-sel")) == NULL)
		a->proto = opts_get(&o, "proto");
	a->sport = opts_get(&o, "sport");
	a->dport = opts_get(&o, "dport");
	a->auth = opts_get(&o, "auth");
	a->auth_key = opts_get(&o, "auth-key");
	a->enc = opts_get(&o, "enc");
	a->enc_key = opts_get(&o, "enc-key");
	a->aead = opts_get(&o, "aead");
	a->aead_key = opts_get(&o, "aead-key");
	a->reqid = opts_get(&o, "reqid");
	a->tmpl_src = opts_get(&o, "tmpl-src");
	a->tmpl_dst = opts_get(&o, "tmpl-dst");
	a->sel_src = opts_get(&o, "sel-src");
	a->sel_dst = opts_get(&o, "sel-dst");
	a->min = opts_get(&o, "min");
	a->max = opts_get(&o, "max");
	a->priority = opts_get(&o, "priority");
	a->replay = opts_get(&o, "replay");
	a->encap_sport = opts_get(&o, "encap-sport");
	a->encap_dport = opts_get(&o, "encap-dport");
	a->ck = opts_get(&o, "ck");
	a->ik = opts_get(&o, "ik");
	a->alg = opts_get(&o, "alg");
	a->ealg = opts_get(&o, "ealg");
	a->side = opts_get(&o, "side");
	a->ue = opts_get(&o, "ue");
	a->pcscf = opts_get(&o, "pcscf");
	a->lifetime = opts_get(&o, "lifetime");
	a->larval = opts_get(&o, "larval");
	a->port_uc = opts_get(&o, "port-uc");
	a->port_us = opts_get(&o, "port-us");
	a->port_pc = opts_get(&o, "port-pc");
	a->port_ps = opts_get(&o, "port-ps");
	a->spi_uc = opts_get(&o, "spi-uc");
	a->spi_us = opts_get(&o, "spi-us");
	a->spi_pc = opts_get(&o, "spi-pc");
	a->spi_ps = opts_get(&o, "spi-ps");
}

static int
run(struct xfrm_nl *h, const struct args *a)
{
	if (strcmp(cmd, "sa-add") == 0)
		return cmd_sa_add(h, a, 0);
	if (strcmp(cmd, "sa-update") == 0)
		return cmd_sa_add(h, a, 1);
	if (strcmp(cmd, "sa-del") == 0)
		return cmd_sa_del(h, a);
	if (strcmp(cmd, "sa-get") == 0)
		return cmd_sa_get(h, a);
	if (strcmp(cmd, "policy-add") == 0)
		return cmd_policy_add(h, a);
	if (strcmp(cmd, "policy-del") == 0)
		return cmd_policy_del(h, a);
	if (strcmp(cmd, "spi-alloc") == 0)
		return cmd_spi_alloc(h, a);
	if (strcmp(cmd, "list-ours") == 0)
		return cmd_list_ours(h);
	if (strncmp(cmd, "gm-sa ", 6) == 0)
		return cmd_gm_sa(h, a);
	return cmd_flush_ours(h);
}

int
main(int argc, char **argv)
{
	struct args a;
	struct xfrm_nl *h;
	char name[32];
	long owner = -1;
	size_t i, c = 0;
	int rc;

	log_init("imsxfrm", LOG_LVL_WARN);
	if (argc >= 3 && strcmp(argv[1], "--owner") == 0) {
		owner = (long)num("owner", argv[2], 255);
		if (owner == 0)
			xusage("--owner must be 1..255");
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)
		usage();
	/* gm-sa takes an action word: "gm-sa install" is one command. */
	snprintf(name, sizeof(name), "%s", argv[1]);
	if (strcmp(argv[1], "gm-sa") == 0) {
		if (argc < 3)
			xusage("gm-sa needs alloc-spis, install, set-lifetime "
			    "or remove");
		snprintf(name, sizeof(name), "gm-sa %s", argv[2]);
		argc--;
		argv++;
	}
	for (i = 0; i < sizeof(cmdopts) / sizeof(cmdopts[0]); i++)
		if (strcmp(name, cmdopts[i].cmd) == 0) {
			cmd = cmdopts[i].cmd;
			c = i;
		}
	if (cmd == NULL)
		xusage("unknown command %s", name);
	parse(argc - 2, argv + 2, cmdopts[c].allowed, &a);
	if (strcmp(cmd, "gm-keys") == 0)	/* no netlink needed */
		return cmd_gm_keys(&a);
	if ((h = xfrm_open()) == NULL) {
		fprintf(stderr, "imsxfrm: %s: netlink: %s\n", cmd,
		    strerror(errno));
		return EX_KERNEL;
	}
	if (owner > 0)
		(void)xfrm_set_owner(h, (uint8_t)owner);
	rc = run(h, &a);
	xfrm_close(h);
	return rc;
}
