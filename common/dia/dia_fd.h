/* dia_fd.h - the freeDiameter headers, for the few files that call fd_*
 * directly.  freeDiameter's own CHECK_* macros (positive errnos) are
 * simply not used: the project's are IMS_CHECK_* (check.h).
 */
#ifndef IMS_DIA_FD_H
#define IMS_DIA_FD_H

#include <freeDiameter/freeDiameter-host.h>
#include <freeDiameter/libfdcore.h>

#endif
