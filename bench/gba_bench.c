/* gba_bench.c - GBA throughput, through ims-ue's own code (tools/ims-ue:
 * ue_gba.c, ue_ut.c, the HTTP client):
 *
 *	gba_bench bootstrap --bsf URL --naf FQDN --impi FMT --users N
 *	    --k HEX (--op HEX | --opc HEX) [--count N] [--threads T]
 *	    [--realm R] [--cacert FILE]
 *		Ub bootstraps per second (hss + bsf: 401, the USIM, 200),
 *		users FMT with %d = 1..N in turn, each with a fresh USIM
 *	gba_bench ut --url URL --btid B --ks-naf-b64 K [--identity IMPU]
 *	    [--count N] [--threads T] [--cacert FILE] [--new-connection]
 *		authenticated Ut GETs per second (naf + its application
 *		server: 401 then the authorised request, one connection kept
 *		per thread unless --new-connection)
 *
 * Prints name=value figures (requests, ok, errors, seconds, per_second,
 * latency percentiles in ms); asserts nothing (bench/, README).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cliopts.h"
#include "log.h"
#include "milenage.h"
#include "ue_gba.h"
#include "util.h"

#define BENCH_MAX_THREADS	64

struct bench {
	int			 ut;
	struct ue_gba_conf	 gba;
	const char		*impi_fmt;
	char			 impi_pre[256];	/* impi_fmt before / after %d */
	const char		*impi_post;
	unsigned		 users;
	struct ue_url		 url;
	struct ue_ut_conf	 utc;
	const char		*cacert;
	int			 new_conn;
	unsigned		 count, threads;
	pthread_mutex_t		 lock;
	unsigned		 next;		/* requests handed out */
	unsigned		 ok, errors;
	double			*lat;		/* ms, one per request */
	char			 first_error[320];
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The next request number, or -1 when all are handed out. */
static long
take(struct bench *b)
{
	long n = -1;

	pthread_mutex_lock(&b->lock);
	if (b->next < b->count)
		n = b->next++;
	pthread_mutex_unlock(&b->lock);
	return n;
}

static void
done(struct bench *b, long n, double ms, int ok, const char *why)
{
	pthread_mutex_lock(&b->lock);
	b->lat[n] = ms;
	if (ok)
		b->ok++;
	else {
		b->errors++;
		if (b->first_error[0] == '\0')
			snprintf(b->first_error, sizeof(b->first_error), "%s",
			    why);
	}
	pthread_mutex_unlock(&b->lock);
}

static void *
run_bootstrap(void *arg)
{
	struct bench *b = arg;
	struct ue_gba_conf c = b->gba;
	struct ue_gba_result r;
	char impi[600];
	double t;
	long n;
	int rc;

	while ((n = take(b)) >= 0) {
		snprintf(impi, sizeof(impi), "%s%u%s", b->impi_pre,
		    (unsigned)(n % b->users) + 1, b->impi_post);
		c.impi = impi;
		t = now_ms();
		rc = ue_gba_bootstrap(&c, &r);
		done(b, n, now_ms() - t, rc == 0, r.why);
		ue_gba_result_wipe(&r);
	}
	secure_wipe(&c, sizeof(c));
	return NULL;
}

static void *
run_ut(void *arg)
{
	struct bench *b = arg;
	struct ue_http_resp resp = { .content_length = -1 };
	struct ue_http *h = NULL;
	char why[320];
	double t;
	long n;
	int rc;

	while ((n = take(b)) >= 0) {
		if (h == NULL && (h = ue_http_new(&b->url, b->cacert,
		    10000)) == NULL) {
			done(b, n, 0, 0, "out of memory");
			continue;
		}
		t = now_ms();
		rc = ue_ut_request(h, &b->utc, &resp, why, sizeof(why));
		if (rc == 0 && resp.status / 100 != 2)
			snprintf(why, sizeof(why), "status %d", resp.status);
		done(b, n, now_ms() - t, rc == 0 && resp.status / 100 == 2,
		    why);
		ue_http_resp_clear(&resp);
		if (b->new_conn) {
			ue_http_free(h);
			h = NULL;
		}
	}
	ue_http_free(h);
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
report(struct bench *b, double secs)
{
	unsigned n = b->ok + b->errors;

	qsort(b->lat, n, sizeof(*b->lat), cmp_double);
	printf("mode=%s\nthreads=%u\nrequests=%u\nok=%u\nerrors=%u\n",
	    b->ut ? "ut" : "bootstrap", b->threads, n, b->ok, b->errors);
	printf("seconds=%.3f\nper_second=%.1f\n", secs,
	    secs > 0 ? b->ok / secs : 0);
	if (n > 0)
		printf("latency_ms_p50=%.2f\nlatency_ms_p90=%.2f\n"
		    "latency_ms_p99=%.2f\nlatency_ms_max=%.2f\n",
		    b->lat[n / 2], b->lat[n * 9 / 10], b->lat[n * 99 / 100],
		    b->lat[n - 1]);
	if (b->first_error[0] != '\0')
		printf("first_error=%s\n", b->first_error);
}

static void
setup_bootstrap(struct bench *b, struct opts *o)
{
	uint8_t op[16];

	b->gba.bsf_url = opts_need(o, "bsf");
	b->gba.naf_fqdn = opts_need(o, "naf");
	b->gba.realm = opts_get(o, "realm");
	b->gba.cacert = opts_get(o, "cacert");
	b->gba.amf_sep = -1;
	b->gba.timeout_ms = 10000;
	b->impi_fmt = opts_need(o, "impi");
	if (strstr(b->impi_fmt, "%d") == NULL ||
	    strchr(strstr(b->impi_fmt, "%d") + 2, '%') != NULL ||
	    strchr(b->impi_fmt, '%') != strstr(b->impi_fmt, "%d"))
		usage_error(o->cmd, "--impi: one %%d, no other %%");
	snprintf(b->impi_pre, sizeof(b->impi_pre), "%.*s",
	    (int)(strstr(b->impi_fmt, "%d") - b->impi_fmt), b->impi_fmt);
	b->impi_post = strstr(b->impi_fmt, "%d") + 2;
	b->users = opts_uint(o, "users", 1, 1, 1000000, NULL);
	opts_hex(o, "k", b->gba.k, sizeof(b->gba.k));
	if (opts_one_of(o, "op", "opc") == 0) {
		opts_hex(o, "op", op, sizeof(op));
		if (milenage_opc(b->gba.k, op, b->gba.opc) < 0)
			usage_error(o->cmd, "cannot derive OPc");
		secure_wipe(op, sizeof(op));
	} else
		opts_hex(o, "opc", b->gba.opc, sizeof(b->gba.opc));
}

static void
setup_ut(struct bench *b, struct opts *o)
{
	char why[128];

	if (ue_url_parse(opts_need(o, "url"), &b->url, why, sizeof(why)) < 0)
		usage_error(o->cmd, "--url: %s", why);
	b->utc.method = "GET";
	b->utc.path = b->url.path;
	b->utc.btid = opts_need(o, "btid");
	b->utc.ks_naf_b64 = opts_need(o, "ks-naf-b64");
	b->utc.identity = opts_get(o, "identity");
	b->cacert = opts_get(o, "cacert");
}

int
main(int argc, char **argv)
{
	static struct bench b;
	pthread_t th[BENCH_MAX_THREADS];
	struct opts o;
	double t0, t1;
	unsigned i;
	int newconn = 0, j;

	log_init("gba_bench", LOG_LVL_ERR);
	if (argc < 2 || (strcmp(argv[1], "bootstrap") != 0 &&
	    strcmp(argv[1], "ut") != 0)) {
		fprintf(stderr, "usage: gba_bench bootstrap|ut ... (see "
		    "bench/gba_bench.c)\n");
		return 2;
	}
	b.ut = strcmp(argv[1], "ut") == 0;
	for (j = 2; j < argc; j++)
		if (strcmp(argv[j], "--new-connection") == 0) {
			memmove(argv + j, argv + j + 1,
			    (size_t)(argc - j) * sizeof(*argv));
			argc--;
			newconn = 1;
		}
	opts_parse(&o, argv[1], argc - 2, argv + 2, b.ut ?
	    "url btid ks-naf-b64 identity count threads cacert" :
	    "bsf naf impi users k op opc count threads realm cacert");
	b.new_conn = newconn;
	b.count = opts_uint(&o, "count", 200, 1, 10000000, NULL);
	b.threads = opts_uint(&o, "threads", 4, 1, BENCH_MAX_THREADS, NULL);
	if (b.ut)
		setup_ut(&b, &o);
	else
		setup_bootstrap(&b, &o);
	if ((b.lat = calloc(b.count, sizeof(*b.lat))) == NULL ||
	    pthread_mutex_init(&b.lock, NULL) != 0) {
		fprintf(stderr, "gba_bench: out of memory\n");
		return 1;
	}
	t0 = now_ms();
	for (i = 0; i < b.threads; i++)
		if (pthread_create(&th[i], NULL, b.ut ? run_ut :
		    run_bootstrap, &b) != 0) {
			fprintf(stderr, "gba_bench: pthread_create failed\n");
			return 1;
		}
	for (i = 0; i < b.threads; i++)
		pthread_join(th[i], NULL);
	t1 = now_ms();
	report(&b, (t1 - t0) / 1e3);
	secure_wipe(&b.gba, sizeof(b.gba));
	free(b.lat);
	return b.ok > 0 ? 0 : 1;
}
