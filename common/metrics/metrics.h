/* metrics.h - counters, gauges and histograms, and their rendering in the
 * Prometheus text exposition format, version 0.0.4.
 *
 * A family is a static object (the project's are in met.h): a name, a
 * help line, a type and up to METRIC_DIMS_MAX labels, each with a FIXED
 * set of values given at compile time, so the number of series is
 * bounded by design (never a subscriber identity, an address or a peer's
 * free text as a label value).  A series is addressed by the indices of
 * its label values; an index out of range is no update (and no crash).
 *
 * Updates are lock-free (C11 atomics, relaxed: each value is exact, a
 * scrape may see one series a moment later than another) from any
 * thread.  A family takes updates once metrics_register() has given it
 * its storage; before that (a tool that never registers it) an update is
 * a no-op, so library code instruments unconditionally.  Registration
 * pushes the family on a lock-free list that the renderer walks.
 *
 * Rendering (metrics_render) writes, per registered family in the order
 * of registration: "# HELP", "# TYPE", then its series; label values and
 * help text escaped (\\, \", \n); histograms as cumulative _bucket{le=}
 * lines ending with le="+Inf", then _sum and _count (_count is the +Inf
 * bucket of the same reading, so the two always agree).  A family with
 * METRIC_SPARSE shows only the series that have counted something (a
 * label set that never occurred stays absent), others every series.
 */
#ifndef IMS_METRICS_H
#define IMS_METRICS_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define METRIC_DIMS_MAX		3
#define METRIC_BUCKETS_MAX	16

enum metric_type {
	METRIC_COUNTER,
	METRIC_GAUGE,
	METRIC_HISTOGRAM,
};

#define METRIC_SPARSE	0x01	/* render only series with a count */

struct metric_dim {
	const char		*label;		/* label name */
	const char *const	*values;	/* NULL-terminated, fixed */
};

struct metric_family {
	/* Set by the definition. */
	const char		*name;
	const char		*help;
	enum metric_type	 type;
	unsigned		 flags;
	struct metric_dim	 dims[METRIC_DIMS_MAX];	/* label NULL: unused */
	/* Histograms: ascending upper bounds in nanoseconds and their le
	 * text (e.g. 1000000 and "0.001"); +Inf is implicit. */
	const uint64_t		*bounds_ns;
	const char *const	*bounds_le;
	unsigned		 nbounds;
	/* Gauges without labels only: read at each scrape instead of a
	 * stored value (e.g. the Diameter peers that are open). */
	int64_t			(*read)(void);

	/* Private: metrics_register. */
	_Atomic(_Atomic int64_t *) vals;	/* series x (nbounds + 1) */
	_Atomic uint64_t	*sum_ns;	/* histograms: per series */
	size_t			 nseries;
	unsigned		 ndims;
	unsigned		 dimn[METRIC_DIMS_MAX];
	struct metric_family	*next;
	atomic_int		 registered;
};

/* Storage for f and f on the list of rendered families; idempotent (and
 * thread-safe).  0, -EINVAL (a bad definition: name, labels, bounds),
 * -ENOMEM. */
int	metrics_register(struct metric_family *f);

/* Counters: add n (>= 0).  Gauges: add n (may be negative). */
void	metric_add(struct metric_family *, int64_t n, unsigned i0,
	    unsigned i1, unsigned i2);
/* Gauges: set. */
void	metric_set(struct metric_family *, int64_t v, unsigned i0,
	    unsigned i1, unsigned i2);
/* Histograms: one observation of ns nanoseconds. */
void	metric_observe_ns(struct metric_family *, uint64_t ns, unsigned i0,
	    unsigned i1, unsigned i2);
/* The current value (counters, gauges; histograms: the count): tests. */
int64_t	metric_value(struct metric_family *, unsigned i0, unsigned i1,
	    unsigned i2);

#define metric_inc(f)			metric_add((f), 1, 0, 0, 0)
#define metric_inc1(f, a)		metric_add((f), 1, (a), 0, 0)
#define metric_inc2(f, a, b)		metric_add((f), 1, (a), (b), 0)
#define metric_inc3(f, a, b, c)		metric_add((f), 1, (a), (b), (c))

/* Monotonic nanoseconds, for latencies: t0 = metric_now_ns(), then
 * metric_observe_ns(f, metric_now_ns() - t0, ...). */
uint64_t metric_now_ns(void);

/* Every registered family, in the text format.  0 or -EIO (a write
 * failed). */
int	metrics_render(FILE *);
/* One family (tests).  0 or -EIO. */
int	metrics_render_family(FILE *, struct metric_family *);

#endif
