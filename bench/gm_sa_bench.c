/* gm_sa_bench.c - TS 33.203 7.1 SA sets per second through the P-CSCF's
 * code path (common/ipsec/gm_sa), and the same sets as `ip xfrm` commands.
 *
 *	gm_sa_bench [N]			(default 500; root and a kernel with ESP)
 *	gm_sa_bench --ip-cmds N FILE	(writes commands, touches no kernel)
 *
 * Measured, in a private network namespace (unshare: nothing is left and
 * nobody else's state is touched), N times one P-CSCF set (UE 10.1.x.y,
 * P-CSCF 10.0.0.40, hmac-sha-1-96 + aes-cbc, the ports of the lab):
 *   alloc+install+remove  what pcscf_gm.c does per UE: gm_sa_alloc_spis
 *			   (2 ALLOCSPI), gm_sa_install (8 policies, 2 UPDSA of
 *			   the larval states, 2 NEWSA), gm_sa_remove (4 GETSA
 *			   for the owner check, 4 DELSA, 8 policy deletes);
 *			   each phase timed on its own;
 *   install+remove	   the same with fixed SPIs (no ALLOCSPI, 4 NEWSA):
 *			   the set the --ip-cmds file holds;
 *   N installed, then N removed: the cost with N sets in the tables.
 * One untimed set first loads the ESP modules.  Prints one "name=value"
 * block per pass; asserts nothing, but any xfrm
 * error ends the run with exit 1.
 *
 * --ip-cmds writes the fixed-SPI set N times as `ip -batch` lines, each set
 * added then deleted (4 state add, 8 policy add, 4 state delete, 8 policy
 * delete), built from the same gm_sa_plan: bench/gm-bench.sh runs the file
 * with one `ip` per line and as one `ip -batch`.  Differences: the policies
 * get the kernel's index, not our marker index (xfrm_policy.c), and there
 * is no owner check before a delete.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gm_sa.h"
#include "log.h"
#include "xfrm.h"

#define PC_ADDR		"10.0.0.40"
#define LIFETIME	240		/* s: the pcscf's ipsec-pending */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Set i: UE 10.1.x.y from i + 1, the lab's ports, SPIs distinct for
 * every set, CK/IK fixed (their value costs nothing). */
static void
bench_set(struct gm_sa *p, unsigned int i, int fixed_spis)
{
	char a[32];

	memset(p, 0, sizeof(*p));
	p->side = GM_SA_PCSCF;
	snprintf(a, sizeof(a), "10.1.%u.%u", ((i + 1) >> 8) & 0xff,
	    (i + 1) & 0xff);
	xfrm_ip_parse(a, &p->ue);
	xfrm_ip_parse(PC_ADDR, &p->pcscf);
	p->port_uc = 5070;
	p->port_us = 5069;
	p->port_pc = 5066;
	p->port_ps = 5064;
	/* The UE's SPIs come in its Security-Client; ours from ALLOCSPI,
	 * unless fixed. */
	p->spi_uc = 0x10000000 + 4 * i;
	p->spi_us = p->spi_uc + 1;
	if (fixed_spis) {
		p->spi_pc = p->spi_uc + 2;
		p->spi_ps = p->spi_uc + 3;
	}
	p->alg = SECAGREE_ALG_HMAC_SHA1_96;
	p->ealg = SECAGREE_EALG_AES_CBC;
	memset(p->ck, 0x5a, sizeof(p->ck));
	memset(p->ik, 0xa5, sizeof(p->ik));
	p->lifetime = LIFETIME;
}

static void
result(const char *pass, unsigned int n, double t)
{
	printf("pass=%s\nsets=%u\nseconds=%.3f\nsets_per_s=%.1f\n"
	    "sas_per_s=%.1f\nms_per_set=%.3f\n\n", pass, n, t, n / t,
	    GM_SA_NSA * n / t, 1e3 * t / n);
}

static int
fail(const char *what, unsigned int i, int rc)
{
	fprintf(stderr, "gm_sa_bench: %s, set %u: %s%s\n", what, i,
	    strerror(-rc), i == 0 ? " (no ESP in this kernel? bench/gm-bench.sh"
	    " runs it in a VM then)" : "");
	return 1;
}

/* The P-CSCF's path, set by set, each phase timed. */
static int
pass_alloc(struct xfrm_nl *h, unsigned int n)
{
	struct gm_sa p, keep;
	double t0, t1, t2, ta = 0, ti = 0, tr = 0;
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		bench_set(&p, i, 0);
		t0 = now();
		if ((rc = gm_sa_alloc_spis(h, &p, 0, 0)) < 0)
			return fail("gm_sa_alloc_spis", i, rc);
		t1 = now();
		keep = p;		/* gm_sa_install wipes CK/IK, clears larval */
		if ((rc = gm_sa_install(h, &p)) < 0)
			return fail("gm_sa_install", i, rc);
		t2 = now();
		keep.larval = 0;
		if ((rc = gm_sa_remove(h, &keep, NULL, NULL)) < 0)
			return fail("gm_sa_remove", i, rc);
		ta += t1 - t0;
		ti += t2 - t1;
		tr += now() - t2;
	}
	result("gm_sa alloc+install+remove", n, ta + ti + tr);
	printf("ms_alloc=%.3f\nms_install=%.3f\nms_remove=%.3f\n\n",
	    1e3 * ta / n, 1e3 * ti / n, 1e3 * tr / n);
	return 0;
}

/* Fixed SPIs: add and remove one set at a time (as the ip file does),
 * then all N in, all N out. */
static int
pass_fixed(struct xfrm_nl *h, unsigned int n)
{
	struct gm_sa p;
	double t;
	unsigned int i;
	int rc;

	t = now();
	for (i = 0; i < n; i++) {
		bench_set(&p, i, 1);
		if ((rc = gm_sa_install(h, &p)) < 0)
			return fail("gm_sa_install", i, rc);
		if ((rc = gm_sa_remove(h, &p, NULL, NULL)) < 0)
			return fail("gm_sa_remove", i, rc);
	}
	result("gm_sa install+remove (fixed SPIs)", n, now() - t);
	t = now();
	for (i = 0; i < n; i++) {
		bench_set(&p, i, 1);
		if ((rc = gm_sa_install(h, &p)) < 0)
			return fail("gm_sa_install", i, rc);
	}
	result("gm_sa install of N kept sets", n, now() - t);
	t = now();
	for (i = 0; i < n; i++) {
		bench_set(&p, i, 1);
		if ((rc = gm_sa_remove(h, &p, NULL, NULL)) < 0)
			return fail("gm_sa_remove", i, rc);
	}
	result("gm_sa remove of N kept sets", n, now() - t);
	return 0;
}

static void
hex(FILE *f, const uint8_t *b, size_t n)
{
	fputs("0x", f);
	while (n--)
		fprintf(f, "%02x", *b++);
}

/* The fixed-SPI sets as `ip -batch` lines (see the top of the file). */
static int
ip_cmds(unsigned int n, const char *path, uint32_t mark)
{
	static const char *const dirs[] = { [IMS_XFRM_DIR_IN] = "in",
	    [IMS_XFRM_DIR_OUT] = "out" };
	struct gm_sa p;
	struct gm_sa_plan pl;
	uint8_t ak[IPSEC3GPP_AUTH_KEY_MAX], ek[IPSEC3GPP_ENC_KEY_MAX];
	size_t al = sizeof(ak), el = sizeof(ek);
	char s[64], d[64];
	const struct xfrm_sa *sa;
	const struct xfrm_policy *po;
	unsigned int i, j;
	FILE *f;

	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		return 1;
	}
	for (i = 0; i < n; i++) {
		bench_set(&p, i, 1);
		if (gm_sa_plan(&p, &pl) < 0 || ipsec3gpp_esp_keys(p.alg,
		    p.ealg, p.ck, p.ik, ak, &al, ek, &el) < 0) {
			fprintf(stderr, "gm_sa_bench: cannot plan set %u\n", i);
			fclose(f);
			return 1;
		}
		for (j = 0; j < GM_SA_NPOL; j++) {
			po = &pl.pol[j];
			xfrm_ip_str(&po->src, s, sizeof(s));
			xfrm_ip_str(&po->dst, d, sizeof(d));
			fprintf(f, "xfrm policy add src %s/32 dst %s/32 proto %s "
			    "sport %u dport %u dir %s tmpl src %s dst %s proto "
			    "esp spi 0x%08x reqid 0x%08x mode transport\n", s, d,
			    po->ports.proto == 17 ? "udp" : "tcp", po->ports.sport,
			    po->ports.dport, dirs[po->dir], s, d, po->spi,
			    po->reqid);
		}
		for (j = 0; j < GM_SA_NSA; j++) {
			sa = &pl.sa[j].sa;
			xfrm_ip_str(&sa->src, s, sizeof(s));
			xfrm_ip_str(&sa->dst, d, sizeof(d));
			fprintf(f, "xfrm state add src %s dst %s proto esp spi "
			    "0x%08x reqid 0x%08x mode transport replay-window "
			    "%u output-mark 0x%08x mask 0 auth-trunc %s ", s, d,
			    sa->spi, sa->reqid, sa->replay_window, mark,
			    xfrm_alg_lookup(sa->auth_alg)->kname);
			hex(f, ak, al);
			fprintf(f, " %u enc %s ",
			    xfrm_alg_lookup(sa->auth_alg)->bits,
			    xfrm_alg_lookup(sa->enc_alg)->kname);
			hex(f, ek, el);
			fprintf(f, " sel src %s dst %s sport %u dport %u limit "
			    "time-hard %u\n", s, d, sa->ports.sport,
			    sa->ports.dport, LIFETIME);
		}
		for (j = 0; j < GM_SA_NSA; j++) {
			sa = &pl.sa[j].sa;
			xfrm_ip_str(&sa->src, s, sizeof(s));
			xfrm_ip_str(&sa->dst, d, sizeof(d));
			fprintf(f, "xfrm state delete src %s dst %s proto esp "
			    "spi 0x%08x\n", s, d, sa->spi);
		}
		for (j = 0; j < GM_SA_NPOL; j++) {
			po = &pl.pol[j];
			xfrm_ip_str(&po->src, s, sizeof(s));
			xfrm_ip_str(&po->dst, d, sizeof(d));
			fprintf(f, "xfrm policy delete src %s/32 dst %s/32 proto "
			    "%s sport %u dport %u dir %s\n", s, d,
			    po->ports.proto == 17 ? "udp" : "tcp",
			    po->ports.sport, po->ports.dport, dirs[po->dir]);
		}
	}
	return fclose(f) == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct xfrm_nl *h;
	struct gm_sa p;
	unsigned int n = 500;
	int rc;

	log_init("gm_sa_bench", LOG_LVL_WARN);
	if (argc == 4 && strcmp(argv[1], "--ip-cmds") == 0 &&
	    (n = (unsigned int)strtoul(argv[2], NULL, 10)) > 0 && n <= 65535)
		return ip_cmds(n, argv[3],
		    XFRM_OWNER_SA_MARK(XFRM_OWNER_DEFAULT));
	if (argc > 2 || (argc == 2 &&
	    ((n = (unsigned int)strtoul(argv[1], NULL, 10)) == 0 ||
	    n > 65535))) {
		fprintf(stderr, "usage: gm_sa_bench [N] | --ip-cmds N FILE "
		    "(1 <= N <= 65535)\n");
		return 2;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "gm_sa_bench: unshare(CLONE_NEWNET): %s (needs "
		    "root)\n", strerror(errno));
		return 1;
	}
	if ((h = xfrm_open()) == NULL) {
		fprintf(stderr, "gm_sa_bench: netlink: %s\n", strerror(errno));
		return 1;
	}
	/* Warm-up, not timed: the first ESP SA makes the kernel load esp4
	 * and the algorithms' modules (seconds under qemu TCG). */
	bench_set(&p, n, 1);
	if ((rc = gm_sa_install(h, &p)) < 0 ||
	    (rc = gm_sa_remove(h, &p, NULL, NULL)) < 0) {
		xfrm_close(h);
		return fail("warm-up", 0, rc);
	}
	rc = pass_alloc(h, n);
	if (rc == 0)
		rc = pass_fixed(h, n);
	xfrm_close(h);
	return rc;
}
