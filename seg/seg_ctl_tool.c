/* seg_ctl_tool.c - seg-ctl: the client of the seg's control socket
 * (seg_ctl.c).
 *
 *   seg-ctl [-s SOCKET] list | stats | initiate PEER | delete PEER |
 *           rekey PEER | rekey-ike PEER
 *
 * Prints the seg's answer; exit 0, 1 when the seg refused ("error:") or
 * cannot be reached, 2 on a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define SEG_CTL_DEFAULT	"/run/seg.ctl"

static int
usage(void)
{
	fprintf(stderr, "usage: seg-ctl [-s SOCKET] list | stats | initiate "
	    "PEER | delete PEER | rekey PEER | rekey-ike PEER\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const char *path = SEG_CTL_DEFAULT;
	struct sockaddr_un sun;
	char line[256], buf[4096];
	size_t len = 0;
	ssize_t n;
	int fd, i = 1, refused = 0, first = 1;

	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		path = argv[2];
		i = 3;
	}
	if (i >= argc)
		return usage();
	if ((strcmp(argv[i], "list") == 0 || strcmp(argv[i], "stats") == 0)
	    && argc == i + 1)
		n = snprintf(line, sizeof(line), "%s\n", argv[i]);
	else if ((strcmp(argv[i], "initiate") == 0 ||
	    strcmp(argv[i], "delete") == 0 ||
	    strcmp(argv[i], "rekey") == 0 ||
	    strcmp(argv[i], "rekey-ike") == 0) && argc == i + 2)
		n = snprintf(line, sizeof(line), "%s %s\n", argv[i],
		    argv[i + 1]);
	else
		return usage();
	if (n < 0 || (size_t)n >= sizeof(line) ||
	    strlen(path) >= sizeof(sun.sun_path))
		return usage();
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "seg-ctl: %s: %s\n", path, strerror(errno));
		return 1;
	}
	len = (size_t)n;
	if (write(fd, line, len) != (ssize_t)len) {
		fprintf(stderr, "seg-ctl: write: %s\n", strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (first && n >= 6 && memcmp(buf, "error:", 6) == 0)
			refused = 1;
		first = 0;
		if (fwrite(buf, 1, (size_t)n, refused ? stderr : stdout) !=
		    (size_t)n)
			return 1;
	}
	(void)close(fd);
	if (n < 0) {
		fprintf(stderr, "seg-ctl: read: %s\n", strerror(errno));
		return 1;
	}
	return refused;
}
