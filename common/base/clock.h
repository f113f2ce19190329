/* clock.h - the monotonic clock of the state objects (the S-CSCF's auth
 * store, the P-CSCF's UE, dialog and rate tables).  Each object takes its
 * clock as a callback so unit tests can drive time; these are the real
 * ones (CLOCK_MONOTONIC: immune to wall-clock steps).  The argument is
 * unused. */
#ifndef IMS_CLOCK_H
#define IMS_CLOCK_H

#include <stdint.h>
#include <time.h>

time_t	clock_mono_sec(void *unused);
int64_t	clock_mono_ms(void *unused);

#endif
