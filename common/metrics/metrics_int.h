/* metrics_int.h - between metrics.c and metrics_fmt.c. */
#ifndef IMS_METRICS_INT_H
#define IMS_METRICS_INT_H

#include "metrics.h"

/* The registered families, newest first (linked by next). */
struct metric_family	*metrics_list(void);

#endif
