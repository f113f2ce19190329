/* test_log.c - the daemons' line format and log_sec's security-event
 * fields (association, subscriber, peer), read back from stderr. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "t.h"

/* Runs fn with stderr going to a file; the text it wrote into out. */
static void
capture(void (*fn)(void), char *out, size_t size)
{
	char path[] = "/tmp/test_log.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	out[0] = '\0';
	if (fd < 0 || saved < 0)
		return;
	(void)unlink(path);
	(void)dup2(fd, 2);
	fn();
	(void)dup2(saved, 2);
	close(saved);
	if ((n = pread(fd, out, size - 1, 0)) >= 0)
		out[n] = '\0';
	close(fd);
}

static void
events(void)
{
	log_sec(LOG_LVL_WARN, 1, "alice@ims.example.org", "10.0.0.40:5060",
	    "registrar: authentication failed (%s): %d", "wrong response", 403);
	log_sec(LOG_LVL_INFO, 6, NULL, "", "bsf: %d %s", 400, "no");
	log_sec(LOG_LVL_DEBUG, 2, "bob", "x", "not at info");
	log_sec(LOG_LVL_INFO, 3, "ev\nil", "p\r1", "line");
}

int
main(void)
{
	char buf[4096];

	log_open_daemon("t", LOG_LVL_INFO, LOG_TO_STDERR);
	capture(events, buf, sizeof(buf));
	T_CHECK(strstr(buf, " t[") != NULL, "names the function: %s", buf);
	T_CHECK(strstr(buf, "] WARN: SA1 user=alice@ims.example.org "
	    "peer=10.0.0.40:5060: registrar: authentication failed (wrong "
	    "response): 403\n") != NULL, "association, user, peer lead");
	T_CHECK(strstr(buf, "] INFO: SA6 user=- peer=-: bsf: 400 no\n") !=
	    NULL, "absent fields are -");
	T_CHECK(strstr(buf, "not at info") == NULL, "the level filters");
	T_CHECK(strstr(buf, "SA3 user=ev il peer=p 1: line\n") != NULL,
	    "a field cannot break the line");
	return t_done("test_log");
}
