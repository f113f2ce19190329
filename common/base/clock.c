/* clock.c - monotonic seconds and milliseconds (clock.h). */
#include "clock.h"

static struct timespec
mono(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail on Linux; fall back to wall time. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		ts.tv_sec = time(NULL);
		ts.tv_nsec = 0;
	}
	return ts;
}

time_t
clock_mono_sec(void *unused)
{
	(void)unused;
	return mono().tv_sec;
}

int64_t
clock_mono_ms(void *unused)
{
	struct timespec ts = mono();

	(void)unused;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
