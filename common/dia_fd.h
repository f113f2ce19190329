/* dia_fd.h - the freeDiameter headers, for code that calls fd_* directly.
 *
 * libfdproto.h defines its own CHECK_PARAMS and CHECK_MALLOC (returning
 * positive errnos); they are dropped here so that check.h's versions
 * (negative errnos) apply.  Include this before check.h.
 */
#ifndef IMS_DIA_FD_H
#define IMS_DIA_FD_H

#include <freeDiameter/freeDiameter-host.h>
#include <freeDiameter/libfdcore.h>

#undef CHECK_PARAMS
#undef CHECK_MALLOC

#endif
