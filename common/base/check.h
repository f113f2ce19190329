/* check.h - one error-handling idiom for the whole project.
 *
 * Functions return 0 on success and a negative errno-style code on failure
 * (-EINVAL for bad input, -ENOMEM, -EIO for a crypto library failure, or the
 * kernel's errno).  The macros log the failing expression and return.
 */
#ifndef IMS_CHECK_H
#define IMS_CHECK_H

#include <errno.h>
#include "log.h"

/* expr must be true, else log and return -EINVAL. */
#define IMS_CHECK_PARAMS(expr) do {					\
	if (!(expr)) {							\
		log_debug("%s: invalid parameter: %s", __func__, #expr);	\
		return -EINVAL;						\
	}								\
} while (0)

/* expr is an OpenSSL call that returns 1 on success. */
#define IMS_CHECK_SSL(expr) do {					\
	if ((expr) != 1) {						\
		log_err("%s: %s failed", __func__, #expr);		\
		return -EIO;						\
	}								\
} while (0)

/* expr returns 0 or a negative errno: propagate the error. */
#define IMS_CHECK_RC(expr) do {						\
	int check_rc_ = (expr);						\
	if (check_rc_ < 0)						\
		return check_rc_;					\
} while (0)

/* expr is an allocation: NULL -> -ENOMEM. */
#define IMS_CHECK_MALLOC(expr) do {					\
	if ((expr) == NULL) {						\
		log_err("%s: out of memory: %s", __func__, #expr);	\
		return -ENOMEM;						\
	}								\
} while (0)

#endif
