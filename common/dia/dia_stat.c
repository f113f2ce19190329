/* dia_stat.c - Diameter metrics (common/metrics/met.h): requests and
 * answers by command, role and result, the client's round trips, the
 * peers in state Open.  One call at each point of dia_server.c,
 * cx_client.c and gba_client.c. */
#include <pthread.h>

#include "dia_fd.h"
#include "dia.h"
#include "met.h"

void
dia_stat_request(uint32_t app_id, uint32_t code, unsigned role)
{
	metric_inc2(&met_dia_requests, met_dia_cmd(app_id, code), role);
}

void
dia_stat_answer(uint32_t app_id, uint32_t code, unsigned role,
    struct msg *ans, uint64_t t0)
{
	unsigned cmd = met_dia_cmd(app_id, code);
	uint32_t rc = 0, erc = 0;

	if (ans != NULL) {
		dia_get_result(ans, &rc, &erc);
		/* An answer without a result is "other", not "none". */
		rc = erc != 0 ? erc : rc != 0 ? rc : UINT32_MAX;
	}
	metric_inc3(&met_dia_answers, cmd, role, met_dia_result(rc));
	if (ans != NULL && t0 != 0)
		metric_observe_ns(&met_dia_seconds, metric_now_ns() - t0, cmd,
		    0, 0);
}

/* Read at each scrape (imssec_diameter_peers_up). */
static int64_t
dia_peers_open(void)
{
	struct fd_list *li;
	int64_t n = 0;

	if (pthread_rwlock_rdlock(&fd_g_peers_rw) != 0)
		return 0;
	for (li = fd_g_peers.next; li != &fd_g_peers; li = li->next)
		if (fd_peer_get_state((struct peer_hdr *)li) == STATE_OPEN)
			n++;
	(void)pthread_rwlock_unlock(&fd_g_peers_rw);
	return n;
}

int
dia_stat_use(void)
{
	/* Before the family is registered: the release of its storage
	 * publishes it to the scraping thread. */
	met_dia_peers_up.read = dia_peers_open;
	return met_use(MET_G_DIA);
}
