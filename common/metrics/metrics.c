/* metrics.c - the families' storage, registration and updates (see
 * metrics.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "metrics.h"
#include "metrics_int.h"

/* The registered families, newest first (a lock-free stack). */
static _Atomic(struct metric_family *) metrics_head;

struct metric_family *
metrics_list(void)
{
	return atomic_load_explicit(&metrics_head, memory_order_acquire);
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* for names, without ':' for labels. */
static int
metric_name_ok(const char *s, int label)
{
	const char *p;

	if (s == NULL || *s == '\0' || (*s >= '0' && *s <= '9'))
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' ||
		    (*p == ':' && !label)))
			return 0;
	/* "le" is the histograms' own; "__" prefixes are reserved. */
	return !label || (strcmp(s, "le") != 0 && strncmp(s, "__", 2) != 0);
}

static int
metric_def_ok(struct metric_family *f)
{
	unsigned d, n, b;

	if (!metric_name_ok(f->name, 0) || f->help == NULL)
		return 0;
	f->ndims = 0;
	for (d = 0; d < METRIC_DIMS_MAX && f->dims[d].label != NULL; d++) {
		if (!metric_name_ok(f->dims[d].label, 1) ||
		    f->dims[d].values == NULL)
			return 0;
		for (n = 0; f->dims[d].values[n] != NULL; n++)
			;
		if (n == 0)
			return 0;
		f->dimn[d] = n;
		f->ndims++;
	}
	for (; d < METRIC_DIMS_MAX; d++)
		if (f->dims[d].label != NULL)
			return 0;
	if (f->type == METRIC_HISTOGRAM) {
		if (f->nbounds == 0 || f->nbounds > METRIC_BUCKETS_MAX ||
		    f->bounds_ns == NULL || f->bounds_le == NULL)
			return 0;
		for (b = 1; b < f->nbounds; b++)
			if (f->bounds_ns[b] <= f->bounds_ns[b - 1])
				return 0;
	} else if (f->nbounds != 0)
		return 0;
	if (f->read != NULL && (f->type != METRIC_GAUGE || f->ndims != 0))
		return 0;
	return 1;
}

int
metrics_register(struct metric_family *f)
{
	_Atomic int64_t *vals;
	size_t n = 1, per;
	unsigned d;

	IMS_CHECK_PARAMS(f != NULL);
	if (atomic_exchange(&f->registered, 1))
		return 0;
	if (!metric_def_ok(f)) {
		log_err("metrics: bad definition of %s",
		    f->name != NULL ? f->name : "(unnamed)");
		atomic_store(&f->registered, 0);
		return -EINVAL;
	}
	for (d = 0; d < f->ndims; d++)
		n *= f->dimn[d];
	per = f->type == METRIC_HISTOGRAM ? f->nbounds + 1 : 1;
	f->nseries = n;
	if ((vals = calloc(n * per, sizeof(*vals))) == NULL ||
	    (f->type == METRIC_HISTOGRAM &&
	    (f->sum_ns = calloc(n, sizeof(*f->sum_ns))) == NULL)) {
		free(vals);
		atomic_store(&f->registered, 0);
		log_err("metrics: out of memory");
		return -ENOMEM;
	}
	atomic_store_explicit(&f->vals, vals, memory_order_release);
	f->next = atomic_load(&metrics_head);
	while (!atomic_compare_exchange_weak(&metrics_head, &f->next, f))
		;
	return 0;
}

/* The series' index, or -1 (out of range, not registered). */
static long
metric_series(struct metric_family *f, unsigned i0, unsigned i1,
    unsigned i2, _Atomic int64_t **vals)
{
	unsigned idx[METRIC_DIMS_MAX] = { i0, i1, i2 };
	unsigned d;
	long s = 0;

	*vals = atomic_load_explicit(&f->vals, memory_order_acquire);
	if (*vals == NULL)
		return -1;
	for (d = 0; d < f->ndims; d++) {
		if (idx[d] >= f->dimn[d])
			return -1;
		s = s * (long)f->dimn[d] + (long)idx[d];
	}
	for (; d < METRIC_DIMS_MAX; d++)
		if (idx[d] != 0)
			return -1;
	return s;
}

void
metric_add(struct metric_family *f, int64_t n, unsigned i0, unsigned i1,
    unsigned i2)
{
	_Atomic int64_t *v;
	long s;

	if (f->type == METRIC_HISTOGRAM || (f->type == METRIC_COUNTER &&
	    n < 0) || f->read != NULL ||
	    (s = metric_series(f, i0, i1, i2, &v)) < 0)
		return;
	atomic_fetch_add_explicit(&v[s], n, memory_order_relaxed);
}

void
metric_set(struct metric_family *f, int64_t val, unsigned i0, unsigned i1,
    unsigned i2)
{
	_Atomic int64_t *v;
	long s;

	if (f->type != METRIC_GAUGE || f->read != NULL ||
	    (s = metric_series(f, i0, i1, i2, &v)) < 0)
		return;
	atomic_store_explicit(&v[s], val, memory_order_relaxed);
}

void
metric_observe_ns(struct metric_family *f, uint64_t ns, unsigned i0,
    unsigned i1, unsigned i2)
{
	_Atomic int64_t *v;
	unsigned b;
	long s;

	if (f->type != METRIC_HISTOGRAM ||
	    (s = metric_series(f, i0, i1, i2, &v)) < 0)
		return;
	/* The first bucket whose bound holds ns; nbounds is +Inf. */
	for (b = 0; b < f->nbounds && ns > f->bounds_ns[b]; b++)
		;
	atomic_fetch_add_explicit(&v[(size_t)s * (f->nbounds + 1) + b], 1,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&f->sum_ns[s], ns, memory_order_relaxed);
}

int64_t
metric_value(struct metric_family *f, unsigned i0, unsigned i1, unsigned i2)
{
	_Atomic int64_t *v;
	int64_t sum = 0;
	unsigned b;
	long s;

	if (f->read != NULL)
		return f->read();
	if ((s = metric_series(f, i0, i1, i2, &v)) < 0)
		return 0;
	if (f->type != METRIC_HISTOGRAM)
		return atomic_load_explicit(&v[s], memory_order_relaxed);
	for (b = 0; b <= f->nbounds; b++)
		sum += atomic_load_explicit(&v[(size_t)s * (f->nbounds + 1) +
		    b], memory_order_relaxed);
	return sum;
}

uint64_t
metric_now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * UINT64_C(1000000000) +
	    (uint64_t)ts.tv_nsec;
}
