/* xfrm_bench.c - SA and policy install/delete rates over NETLINK_XFRM.
 *
 *	xfrm_bench [N]		(default 2000; needs root and a kernel with ESP)
 *
 * Works in a private network namespace (unshare) so that nothing is left
 * behind and nothing of anybody else's is touched.  Adds N ESP transport SAs
 * (hmac-sha-1-96 + aes-cbc, per-port selectors as for TS 33.203), reads each
 * back, adds N policies, then deletes them all, timing each batch; finally
 * flush-ours on a second batch.  Prints figures, asserts nothing.  Exits 1 when
 * the kernel refuses ESP SAs (run bench/run-xfrm-bench.sh to use a VM then).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "xfrm.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* SA i: 10.(i>>8).(i&255).1 -> 10.200.0.1, spi 0x10000 + i. */
static void
bench_sa(struct xfrm_sa *sa, unsigned int i)
{
	char a[32];

	memset(sa, 0, sizeof(*sa));
	snprintf(a, sizeof(a), "10.%u.%u.1", (i >> 8) & 0x7f, i & 0xff);
	xfrm_ip_parse(a, &sa->src);
	xfrm_ip_parse("10.200.0.1", &sa->dst);
	sa->spi = 0x10000 + i;
	sa->mode = IMS_XFRM_MODE_TRANSPORT;
	sa->reqid = 1 + i;
	sa->ports.proto = 17;
	sa->ports.sport = 5062;
	sa->ports.dport = 5064;
	snprintf(sa->auth_alg, sizeof(sa->auth_alg), "hmac-sha-1-96");
	memset(sa->auth_key, (int)(i & 0xff), 20);
	sa->auth_keylen = 20;
	snprintf(sa->enc_alg, sizeof(sa->enc_alg), "aes-cbc");
	memset(sa->enc_key, 0x5a, 16);
	sa->enc_keylen = 16;
}

static void
bench_policy(struct xfrm_policy *p, unsigned int i)
{
	struct xfrm_sa sa;

	bench_sa(&sa, i);
	memset(p, 0, sizeof(*p));
	p->src = sa.src;
	p->dst = sa.dst;
	p->ports = sa.ports;
	p->dir = IMS_XFRM_DIR_OUT;
	p->mode = IMS_XFRM_MODE_TRANSPORT;
	p->reqid = sa.reqid;
}

static void
report(const char *what, unsigned int n, double t)
{
	printf("xfrm_bench: %u %s in %.3f s = %.0f/s\n", n, what, t,
	    t > 0 ? n / t : 0.0);
}

static int
bench(struct xfrm_nl *h, unsigned int n)
{
	struct xfrm_sa sa;
	struct xfrm_sa_info si;
	struct xfrm_policy pol;
	unsigned int i;
	double t;
	int rc, nsa, npol;

	bench_sa(&sa, 0);
	if ((rc = xfrm_sa_add(h, &sa)) < 0) {
		fprintf(stderr, "xfrm_bench: this kernel refuses ESP SAs (%s); "
		    "run bench/run-xfrm-bench.sh to measure in a VM\n",
		    strerror(-rc));
		return 1;
	}
	t = now();
	for (i = 1; i < n; i++) {
		bench_sa(&sa, i);
		if ((rc = xfrm_sa_add(h, &sa)) < 0)
			goto fail;
	}
	report("SA adds", n - 1, now() - t);
	t = now();
	for (i = 0; i < n; i++) {
		bench_sa(&sa, i);
		if ((rc = xfrm_sa_get(h, &sa.dst, sa.spi, &si)) < 0)
			goto fail;
	}
	report("SA gets", n, now() - t);
	t = now();
	for (i = 0; i < n; i++) {
		bench_policy(&pol, i);
		if ((rc = xfrm_policy_add(h, &pol)) < 0)
			goto fail;
	}
	report("policy adds (with index probe)", n, now() - t);
	t = now();
	for (i = 0; i < n; i++) {
		bench_sa(&sa, i);
		if ((rc = xfrm_sa_del(h, &sa.dst, sa.spi)) < 0)
			goto fail;
	}
	report("SA deletes", n, now() - t);
	t = now();
	for (i = 0; i < n; i++) {
		bench_policy(&pol, i);
		if ((rc = xfrm_policy_del(h, &pol)) < 0)
			goto fail;
	}
	report("policy deletes", n, now() - t);

	for (i = 0; i < n; i++) {
		bench_sa(&sa, i);
		bench_policy(&pol, i);
		if ((rc = xfrm_sa_add(h, &sa)) < 0 ||
		    (rc = xfrm_policy_add(h, &pol)) < 0)
			goto fail;
	}
	t = now();
	if ((rc = xfrm_flush_ours(h, &nsa, &npol)) < 0)
		goto fail;
	printf("xfrm_bench: flush-ours of %d SAs + %d policies in %.3f s\n",
	    nsa, npol, now() - t);
	return 0;
fail:
	fprintf(stderr, "xfrm_bench: failed at item %u: %s\n", i,
	    strerror(-rc));
	return 1;
}

int
main(int argc, char **argv)
{
	struct xfrm_nl *h;
	unsigned int n = 2000;
	int rc;

	log_init("xfrm_bench", LOG_LVL_WARN);
	if (argc > 1 && (n = (unsigned int)strtoul(argv[1], NULL, 10)) < 2) {
		fprintf(stderr, "usage: xfrm_bench [N >= 2]\n");
		return 2;
	}
	if (n > 30000)
		n = 30000;
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "xfrm_bench: unshare(CLONE_NEWNET): %s (needs "
		    "root)\n", strerror(errno));
		return 1;
	}
	if ((h = xfrm_open()) == NULL) {
		fprintf(stderr, "xfrm_bench: netlink: %s\n", strerror(errno));
		return 1;
	}
	rc = bench(h, n);
	xfrm_close(h);
	return rc;
}
