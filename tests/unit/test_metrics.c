/* test_metrics.c - common/metrics: the text format byte for byte
 * (HELP/TYPE, escaping, cumulative buckets with +Inf, _sum, _count,
 * sparse families), bad definitions refused, out-of-range indices
 * ignored, exact counts under concurrent updates. */
#include <pthread.h>
#include <stdlib.h>

#include "met.h"
#include "metrics.h"
#include "t.h"

static const char *const colours[] = { "red", "a\"b\\c\nd", NULL };
static const char *const sides[] = { "in", "out", NULL };
static const uint64_t bounds[] = { 1000000, 50000000, 1000000000 };
static const char *const les[] = { "0.001", "0.05", "1", NULL };

static struct metric_family c = {
	.name = "t_things_total", .type = METRIC_COUNTER,
	.help = "things\\counted\nhere",
	.dims = { { "colour", colours }, { "side", sides } },
};
static struct metric_family sparse = {
	.name = "t_sparse_total", .type = METRIC_COUNTER,
	.flags = METRIC_SPARSE, .help = "sparse",
	.dims = { { "side", sides } },
};
static struct metric_family g = {
	.name = "t_level", .type = METRIC_GAUGE, .help = "a level",
};
static struct metric_family h = {
	.name = "t_seconds", .type = METRIC_HISTOGRAM, .help = "latency",
	.dims = { { "side", sides } },
	.bounds_ns = bounds, .bounds_le = les, .nbounds = 3,
};
static struct metric_family conc = {
	.name = "t_conc_total", .type = METRIC_COUNTER, .help = "threads",
};

/* The family's text, malloc'd. */
static char *
render(struct metric_family *f)
{
	char *s = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&s, &n);

	if (out == NULL)
		return strdup("");
	if (metrics_render_family(out, f) < 0)
		fputs("<error>", out);
	fclose(out);
	return s;
}

static void
expect(struct metric_family *f, const char *want)
{
	char *got = render(f);

	T_CHECK(strcmp(got, want) == 0, "%s:\n--- got\n%s--- want\n%s",
	    f->name, got, want);
	free(got);
}

static void *
hammer(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 100000; i++)
		metric_inc(&conc);
	return NULL;
}

int
main(void)
{
	static const char *const one[] = { "x", NULL };
	struct metric_family bad1 = { .name = "1bad", .help = "" };
	struct metric_family bad2 = { .name = "ok", .help = "",
	    .dims = { { "le", one } } };
	struct metric_family bad3 = { .name = "ok2", .help = "",
	    .type = METRIC_HISTOGRAM, .bounds_ns = bounds, .bounds_le = les,
	    .nbounds = 0 };
	static const uint64_t down[] = { 2, 1 };
	struct metric_family bad4 = { .name = "ok3", .help = "",
	    .type = METRIC_HISTOGRAM, .bounds_ns = down, .bounds_le = les,
	    .nbounds = 2 };
	pthread_t th[4];
	int i;

	/* Before registration: no storage, no update, nothing rendered. */
	metric_inc2(&c, 0, 0);
	T_CHECK(metric_value(&c, 0, 0, 0) == 0, "unregistered update");
	T_CHECK(metrics_register(&c) == 0, "register");
	T_CHECK(metrics_register(&c) == 0, "register again: no-op");
	T_CHECK(metrics_register(&sparse) == 0 && metrics_register(&g) == 0 &&
	    metrics_register(&h) == 0 && metrics_register(&conc) == 0,
	    "register the others");
	T_CHECK(metrics_register(&bad1) == -EINVAL, "bad name refused");
	T_CHECK(metrics_register(&bad2) == -EINVAL, "label le refused");
	T_CHECK(metrics_register(&bad3) == -EINVAL, "histogram w/o bounds");
	T_CHECK(metrics_register(&bad4) == -EINVAL, "bounds not ascending");

	metric_inc2(&c, 0, 1);
	metric_add(&c, 41, 1, 0, 0);
	metric_inc2(&c, 1, 0);
	metric_inc2(&c, 2, 0);		/* out of range: ignored */
	metric_add(&c, -5, 1, 0, 0);	/* a counter never goes down */
	metric_inc3(&c, 0, 0, 1);	/* no third label */
	T_CHECK(metric_value(&c, 1, 0, 0) == 42, "value %lld",
	    (long long)metric_value(&c, 1, 0, 0));
	expect(&c,
	    "# HELP t_things_total things\\\\counted\\nhere\n"
	    "# TYPE t_things_total counter\n"
	    "t_things_total{colour=\"red\",side=\"in\"} 0\n"
	    "t_things_total{colour=\"red\",side=\"out\"} 1\n"
	    "t_things_total{colour=\"a\\\"b\\\\c\\nd\",side=\"in\"} 42\n"
	    "t_things_total{colour=\"a\\\"b\\\\c\\nd\",side=\"out\"} 0\n");

	expect(&sparse, "# HELP t_sparse_total sparse\n"
	    "# TYPE t_sparse_total counter\n");
	metric_inc1(&sparse, 1);
	expect(&sparse, "# HELP t_sparse_total sparse\n"
	    "# TYPE t_sparse_total counter\n"
	    "t_sparse_total{side=\"out\"} 1\n");

	metric_set(&g, 7, 0, 0, 0);
	metric_add(&g, -9, 0, 0, 0);
	expect(&g, "# HELP t_level a level\n# TYPE t_level gauge\n"
	    "t_level -2\n");

	metric_observe_ns(&h, 1000000, 1, 0, 0);	/* on the bound: 0.001 */
	metric_observe_ns(&h, 20000000, 1, 0, 0);	/* 0.05 */
	metric_observe_ns(&h, 3000000000u, 1, 0, 0);	/* +Inf */
	metric_observe_ns(&h, 5, 3, 0, 0);		/* ignored */
	expect(&h, "# HELP t_seconds latency\n# TYPE t_seconds histogram\n"
	    "t_seconds_bucket{side=\"in\",le=\"0.001\"} 0\n"
	    "t_seconds_bucket{side=\"in\",le=\"0.05\"} 0\n"
	    "t_seconds_bucket{side=\"in\",le=\"1\"} 0\n"
	    "t_seconds_bucket{side=\"in\",le=\"+Inf\"} 0\n"
	    "t_seconds_sum{side=\"in\"} 0.000000000\n"
	    "t_seconds_count{side=\"in\"} 0\n"
	    "t_seconds_bucket{side=\"out\",le=\"0.001\"} 1\n"
	    "t_seconds_bucket{side=\"out\",le=\"0.05\"} 2\n"
	    "t_seconds_bucket{side=\"out\",le=\"1\"} 2\n"
	    "t_seconds_bucket{side=\"out\",le=\"+Inf\"} 3\n"
	    "t_seconds_sum{side=\"out\"} 3.021000000\n"
	    "t_seconds_count{side=\"out\"} 3\n");

	for (i = 0; i < 4; i++)
		T_CHECK(pthread_create(&th[i], NULL, hammer, NULL) == 0,
		    "thread");
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	T_CHECK(metric_value(&conc, 0, 0, 0) == 400000,
	    "concurrent count %lld", (long long)metric_value(&conc, 0, 0, 0));

	/* The project's label mappings. */
	T_CHECK(met_sip_status(200) == 0 && met_sip_status(401) == 1 &&
	    met_sip_status(403) == 2 && met_sip_status(202) == 4 &&
	    met_sip_status(404) == 6 && met_sip_status(503) == 7,
	    "SIP status labels");
	T_CHECK(met_dia_cmd(16777216, 303) == MET_CMD_MAR &&
	    met_dia_cmd(16777216, 301) == MET_CMD_SAR &&
	    met_dia_cmd(16777221, 303) == MET_CMD_ZH_MAR &&
	    met_dia_cmd(16777220, 310) == MET_CMD_ZN_BIR &&
	    met_dia_cmd(4, 272) == MET_CMD_OTHER, "Diameter command labels");
	T_CHECK(met_dia_result(2001) == 0 &&
	    met_dia_result(0) == met_dia_result(12345) + 1,
	    "Diameter results: none after other");
	T_CHECK(met_http_class(204) == 1 && met_http_class(999) == 4,
	    "HTTP classes");
	/* The whole registry renders, the families in registration order. */
	{
		char *s = NULL;
		size_t n = 0;
		FILE *out = open_memstream(&s, &n);

		T_CHECK(out != NULL && metrics_render(out) == 0, "render all");
		if (out != NULL)
			fclose(out);
		T_CHECK(s != NULL && strstr(s, "# HELP t_things_total") == s &&
		    strstr(s, "t_conc_total 400000\n") != NULL,
		    "registry order");
		free(s);
	}
	return t_done("test_metrics");
}
