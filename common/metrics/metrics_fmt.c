/* metrics_fmt.c - the Prometheus text exposition format, version 0.0.4:
 *
 *   # HELP name help text (\\ and \n escaped)
 *   # TYPE name counter|gauge|histogram
 *   name{label="value",...} 42
 *   name_bucket{...,le="0.005"} 3   (cumulative, ending with le="+Inf")
 *   name_sum{...} 0.012500000
 *   name_count{...} 3
 *
 * Label values are escaped (\\, \", \n); sums are seconds written from
 * integer nanoseconds, so the text is exact and stable (tests compare
 * it byte for byte).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "metrics.h"
#include "metrics_int.h"

#define FAMILIES_MAX	256

static void
put_escaped(FILE *out, const char *s, int quote)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '"' && quote)
			fputs("\\\"", out);
		else
			fputc(*s, out);
	}
}

/* {a="x",b="y"[,le="..."]} or nothing at all. */
static void
put_labels(FILE *out, const struct metric_family *f, size_t series,
    const char *le)
{
	unsigned idx[METRIC_DIMS_MAX], d;
	size_t s = series;

	if (f->ndims == 0 && le == NULL)
		return;
	for (d = f->ndims; d-- > 0;) {
		idx[d] = (unsigned)(s % f->dimn[d]);
		s /= f->dimn[d];
	}
	fputc('{', out);
	for (d = 0; d < f->ndims; d++) {
		fprintf(out, "%s%s=\"", d > 0 ? "," : "", f->dims[d].label);
		put_escaped(out, f->dims[d].values[idx[d]], 1);
		fputc('"', out);
	}
	if (le != NULL) {
		fprintf(out, "%sle=\"", f->ndims > 0 ? "," : "");
		put_escaped(out, le, 1);
		fputc('"', out);
	}
	fputc('}', out);
}

static void
put_histogram(FILE *out, const struct metric_family *f,
    _Atomic int64_t *vals, size_t s)
{
	int64_t c[METRIC_BUCKETS_MAX + 1], cum = 0;
	uint64_t sum;
	unsigned b;

	for (b = 0; b <= f->nbounds; b++)
		c[b] = atomic_load_explicit(&vals[s * (f->nbounds + 1) + b],
		    memory_order_relaxed);
	for (b = 0; b <= f->nbounds; b++)
		cum += c[b];
	if (cum == 0 && (f->flags & METRIC_SPARSE))
		return;
	sum = atomic_load_explicit(&f->sum_ns[s], memory_order_relaxed);
	cum = 0;
	for (b = 0; b <= f->nbounds; b++) {
		cum += c[b];
		fprintf(out, "%s_bucket", f->name);
		put_labels(out, f, s, b < f->nbounds ? f->bounds_le[b] : "+Inf");
		fprintf(out, " %" PRId64 "\n", cum);
	}
	fprintf(out, "%s_sum", f->name);
	put_labels(out, f, s, NULL);
	fprintf(out, " %" PRIu64 ".%09" PRIu64 "\n", sum / 1000000000u,
	    sum % 1000000000u);
	fprintf(out, "%s_count", f->name);
	put_labels(out, f, s, NULL);
	fprintf(out, " %" PRId64 "\n", cum);
}

int
metrics_render_family(FILE *out, struct metric_family *f)
{
	static const char *const types[] = { "counter", "gauge", "histogram" };
	_Atomic int64_t *vals;
	int64_t v;
	size_t s;

	vals = atomic_load_explicit(&f->vals, memory_order_acquire);
	if (vals == NULL)
		return 0;
	fprintf(out, "# HELP %s ", f->name);
	put_escaped(out, f->help, 0);
	fprintf(out, "\n# TYPE %s %s\n", f->name, types[f->type]);
	for (s = 0; s < f->nseries; s++) {
		if (f->type == METRIC_HISTOGRAM) {
			put_histogram(out, f, vals, s);
			continue;
		}
		v = f->read != NULL ? f->read() :
		    atomic_load_explicit(&vals[s], memory_order_relaxed);
		if (v == 0 && (f->flags & METRIC_SPARSE))
			continue;
		fputs(f->name, out);
		put_labels(out, f, s, NULL);
		fprintf(out, " %" PRId64 "\n", v);
	}
	return ferror(out) ? -EIO : 0;
}

int
metrics_render(FILE *out)
{
	struct metric_family *fams[FAMILIES_MAX], *f;
	size_t n = 0;

	/* The list is newest first: render in the order of registration. */
	for (f = metrics_list(); f != NULL && n < FAMILIES_MAX; f = f->next)
		fams[n++] = f;
	while (n-- > 0)
		if (metrics_render_family(out, fams[n]) < 0)
			return -EIO;
	return fflush(out) != 0 ? -EIO : 0;
}
