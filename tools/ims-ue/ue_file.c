/* ue_file.c - ims-ue's state files (the USIM SQN state, the Gm SA sets)
 * written whole or not at all: a private temporary file, fsync, rename.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "ue.h"

FILE *
ue_file_begin(const char *path, char *tmp, size_t tmpsize, int *rc)
{
	FILE *f;
	int fd;

	if ((size_t)snprintf(tmp, tmpsize, "%s.tmp%ld", path,
	    (long)getpid()) >= tmpsize) {
		*rc = -ENAMETOOLONG;
		return NULL;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    (f = fdopen(fd, "w")) == NULL) {
		*rc = -errno;
		log_err("%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	*rc = 0;
	return f;
}

int
ue_file_commit(FILE *f, const char *tmp, const char *path, const char *what)
{
	int rc = 0;

	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = -errno;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc < 0) {
		log_err("%s: cannot write the %s: %s", path, what,
		    strerror(-rc));
		unlink(tmp);
	}
	return rc;
}
