/* seg_ctl.c - the seg's control socket (a Unix stream socket, mode 0600,
 * made as root before the switch of user): one command line per
 * connection, the answer, then close.  seg-ctl is its client.
 *
 *   list            every peer, its IKE SA and CHILD_SA: state,
 *                   algorithms, SPIs, lifetimes, the kernel's counters
 *   stats           half-open IKE SAs, cookies sent / returned valid /
 *                   invalid, IKE_SA_INIT dropped (seg_cookie.c)
 *   initiate PEER   start an IKE SA with PEER (and let it come back)
 *   delete PEER     Delete its IKE SA (1.4.1) and keep it down
 *   rekey PEER      rekey its CHILD_SA now (CREATE_CHILD_SA, 1.3.3)
 *   rekey-ike PEER  rekey its IKE SA now (CREATE_CHILD_SA, 1.3.2, 2.18)
 * An answer starting with "error:" is a refusal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>

#include "check.h"
#include "log.h"
#include "seg_ike.h"

#define CTL_LINE_MAX	256

static const char *const state_names[] = {
	[SEG_INIT_SENT] = "connecting", [SEG_AUTH_SENT] = "authenticating",
	[SEG_INIT_DONE] = "half-open", [SEG_ESTABLISHED] = "established",
	[SEG_DEAD] = "closing",
};

struct seg_peer *
seg_peer_find(struct seg *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->npeers; i++)
		if (strcmp(s->peers[i].name, name) == 0)
			return &s->peers[i];
	return NULL;
}

static void
list_child(struct seg *s, const struct seg_ike *sa, FILE *f)
{
	const struct seg_child *c = &sa->child;
	struct xfrm_sa_info in, out;
	char ln[64], rn[64], alg[96];
	long left;

	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	(void)xfrm_sa_get(s->x, &s->local, c->spi_in, &in);
	(void)xfrm_sa_get(s->x, &sa->peer->addr, c->spi_out, &out);
	left = (long)s->conf->child_lifetime - (long)(time(NULL) - c->added);
	fprintf(f, "  child %s/%u === %s/%u esp tunnel %s spi-in 0x%08x "
	    "spi-out 0x%08x lifetime %us left %lds in %llu bytes %llu packets "
	    "out %llu bytes %llu packets\n",
	    xfrm_ip_str(&c->lnet, ln, sizeof(ln)), c->lplen,
	    xfrm_ip_str(&c->rnet, rn, sizeof(rn)), c->rplen,
	    seg_suite_str(&c->prop, alg, sizeof(alg)), c->spi_in, c->spi_out,
	    s->conf->child_lifetime, left > 0 ? left : 0,
	    (unsigned long long)in.bytes, (unsigned long long)in.packets,
	    (unsigned long long)out.bytes, (unsigned long long)out.packets);
}

static void
ctl_list(struct seg *s, FILE *f)
{
	const struct seg_ike *sa;
	char a[64], alg[96];
	size_t i;
	int any;

	for (i = 0; i < s->npeers; i++) {
		const struct seg_peer *p = &s->peers[i];

		any = 0;
		for (sa = s->sas; sa != NULL; sa = sa->next) {
			if (sa->peer != p || sa->state == SEG_DEAD)
				continue;
			any = 1;
			fprintf(f, "ike %s %s %s %s %s spi-i %016llx spi-r "
			    "%016llx %s age %llds\n", p->name,
			    xfrm_ip_str(&p->addr, a, sizeof(a)), p->id,
			    state_names[sa->state],
			    sa->initiator ? "initiator" : "responder",
			    (unsigned long long)sa->spi_i,
			    (unsigned long long)sa->spi_r,
			    sa->have_keys ? seg_suite_str(&sa->prop, alg,
			    sizeof(alg)) : "-",
			    (long long)(time(NULL) - sa->created));
			if (sa->child.installed)
				list_child(s, sa, f);
		}
		if (!any)
			fprintf(f, "peer %s %s %s down%s\n", p->name,
			    xfrm_ip_str(&p->addr, a, sizeof(a)), p->id,
			    p->held ? " (held)" : "");
	}
}

static void
ctl_command(struct seg *s, char *line, FILE *f)
{
	char *cmd, *arg, *save = NULL;
	struct seg_peer *p = NULL;

	cmd = strtok_r(line, " \t\r\n", &save);
	arg = strtok_r(NULL, " \t\r\n", &save);
	if (cmd != NULL && strcmp(cmd, "list") == 0 && arg == NULL) {
		ctl_list(s, f);
		return;
	}
	if (cmd != NULL && strcmp(cmd, "stats") == 0 && arg == NULL) {
		fprintf(f, "half-open %zu cookies-sent %llu cookies-valid %llu "
		    "cookies-invalid %llu half-open-drops %llu\n",
		    seg_half_open(s), s->cookie.sent, s->cookie.valid,
		    s->cookie.invalid, s->cookie.dropped);
		return;
	}
	if (cmd == NULL || arg == NULL || strtok_r(NULL, " \t\r\n", &save) !=
	    NULL || (strcmp(cmd, "initiate") != 0 &&
	    strcmp(cmd, "delete") != 0 && strcmp(cmd, "rekey") != 0 &&
	    strcmp(cmd, "rekey-ike") != 0)) {
		fprintf(f, "error: commands: list, stats, initiate PEER, "
		    "delete PEER, rekey PEER, rekey-ike PEER\n");
		return;
	}
	if ((p = seg_peer_find(s, arg)) == NULL) {
		fprintf(f, "error: no peer %s\n", arg);
		return;
	}
	if (strcmp(cmd, "initiate") == 0) {
		p->held = 0;
		if (seg_init_start(s, p, 0) < 0)
			fprintf(f, "error: cannot initiate with %s\n", arg);
		else
			fprintf(f, "initiating %s\n", arg);
		return;
	}
	if (strcmp(cmd, "rekey") == 0) {
		if (p->sa == NULL || p->sa->outstanding ||
		    seg_child_rekey_start(p->sa) < 0)
			fprintf(f, "error: cannot rekey with %s now\n", arg);
		else
			fprintf(f, "rekeying %s\n", arg);
		return;
	}
	if (strcmp(cmd, "rekey-ike") == 0) {
		if (p->sa == NULL || p->sa->outstanding ||
		    seg_ikerekey_start(p->sa, 0) < 0)
			fprintf(f, "error: cannot rekey with %s now\n", arg);
		else
			fprintf(f, "rekeying the IKE SA with %s\n", arg);
		return;
	}
	p->held = 1;
	if (p->sa == NULL) {
		fprintf(f, "error: no IKE SA with %s\n", arg);
		return;
	}
	(void)seg_info_send(p->sa, 1);
	seg_ike_kill(p->sa, "deleted by seg-ctl");
	fprintf(f, "deleted %s\n", arg);
}

static void
ctl_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct seg *s = arg;
	struct timeval tv = { 1, 0 };
	char line[CTL_LINE_MAX + 1], *out = NULL;
	size_t got = 0, outlen = 0, off;
	ssize_t n;
	FILE *f;
	int fd;

	(void)what;
	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (got < CTL_LINE_MAX && memchr(line, '\n', got) == NULL) {
		n = read(fd, line + got, CTL_LINE_MAX - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	line[got] = '\0';
	if ((f = open_memstream(&out, &outlen)) != NULL) {
		ctl_command(s, line, f);
		(void)fclose(f);
		for (off = 0; off < outlen; off += (size_t)n)
			if ((n = write(fd, out + off, outlen - off)) <= 0)
				break;
		free(out);
	}
	(void)close(fd);
}

int
seg_ctl_open(struct seg *s)
{
	struct sockaddr_un sun;
	int fd, rc;

	s->ctl_fd = -1;
	if (s->conf->ctl == NULL)
		return 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(s->conf->ctl) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, s->conf->ctl, strlen(s->conf->ctl));
	(void)unlink(s->conf->ctl);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    chmod(s->conf->ctl, 0600) < 0 || listen(fd, 8) < 0) {
		rc = -errno;
		log_err("seg: control socket %s: %s", s->conf->ctl,
		    strerror(errno));
		(void)close(fd);
		return rc;
	}
	s->ctl_fd = fd;
	s->ev_ctl = event_new(s->loop.base, fd, EV_READ | EV_PERSIST,
	    ctl_accept, s);
	if (s->ev_ctl == NULL || event_add(s->ev_ctl, NULL) != 0)
		return -ENOMEM;
	return 0;
}

void
seg_ctl_close(struct seg *s)
{
	if (s->ev_ctl != NULL)
		event_free(s->ev_ctl);
	s->ev_ctl = NULL;
	if (s->ctl_fd >= 0) {
		(void)close(s->ctl_fd);
		(void)unlink(s->conf->ctl);
	}
	s->ctl_fd = -1;
}
