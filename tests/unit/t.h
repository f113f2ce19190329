/* t.h - a minimal unit-test harness: one binary per module, one ctest each.
 *
 *	T_CHECK(cond, "fmt", ...)	records a failure and goes on
 *	T_EQ_HEX(buf, len, "hex")	compares bytes to an expected hex string
 *	return t_done("name");		prints "N passed, N failed", exit status
 *	t_in_netns("name", fn);		runs fn in a child in a network
 *					namespace of its own (needs root)
 */
#ifndef IMS_T_H
#define IMS_T_H

#include <sys/wait.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static int t_pass, t_fail;

#define T_CHECK(cond, ...) do {						\
	if (cond) {							\
		t_pass++;						\
	} else {							\
		t_fail++;						\
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

#define T_EQ_HEX(buf, len, hex) do {					\
	char t_got_[2 * 512 + 1];					\
	size_t t_len_ = (len);						\
	if (t_len_ > 512) t_len_ = 512;					\
	hex_encode((const uint8_t *)(buf), t_len_, t_got_);		\
	T_CHECK(strcmp(t_got_, (hex)) == 0, "got %s, want %s", t_got_, (hex)); \
} while (0)

static inline int
t_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, t_pass, t_fail);
	return t_fail == 0 && t_pass > 0 ? 0 : 1;
}

/* fn in a forked child inside a new network namespace (its netlink
 * objects never touch the host's); the child's failures count as one here.
 * Not a skip without the privilege: the tests run as root. */
static inline void
t_in_netns(const char *name, void (*fn)(void))
{
	pid_t pid;
	int status;

	if ((pid = fork()) < 0) {
		T_CHECK(0, "fork");
		return;
	}
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0) {
			fprintf(stderr, "%s: unshare(CLONE_NEWNET): %s (run the "
			    "tests as root)\n", name, strerror(errno));
			_exit(1);
		}
		fn();
		fflush(stdout);
		_exit(t_fail == 0 ? 0 : 1);
	}
	T_CHECK(waitpid(pid, &status, 0) == pid, "wait");
	T_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "%s: netns part failed (status 0x%x)", name, status);
}

#endif
