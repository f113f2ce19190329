/* t.h - a minimal unit-test harness: one binary per module, one ctest each.
 *
 *	T_CHECK(cond, "fmt", ...)	records a failure and goes on
 *	T_EQ_HEX(buf, len, "hex")	compares bytes to an expected hex string
 *	return t_done("name");		prints "N passed, N failed", exit status
 */
#ifndef IMS_T_H
#define IMS_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#endif
