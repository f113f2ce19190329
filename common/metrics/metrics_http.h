/* metrics_http.h - the daemons' /metrics and /healthz over HTTP/1.1
 * (libevent's evhttp) on a thread and event_base of their own, so that it
 * serves whatever loop the daemon runs (Sofia-SIP's su_root, libevent,
 * freeDiameter's threads).  The daemon skeleton drives it
 * (metrics_daemon_ext, for daemon_spec.metrics) from the key
 * metrics-listen = HOST:PORT:
 *
 *   GET /metrics  200, text/plain; version=0.0.4 (metrics_render)
 *   GET /healthz  200 "ok" while the daemon runs; 503 "starting" until
 *                 its start-up is over, 503 "stopping" once a stop began.
 *                 Health is the process's phase only: a daemon whose
 *                 Diameter peers are down is still "ok" (see
 *                 imssec_diameter_peers_up).
 *   HEAD          as GET without the body
 *   other method  405 with Allow: GET, HEAD (on /metrics and /healthz)
 *   other path    404
 *
 * Bounds: METRICS_HTTP_CONNS connections served at once (one more gets
 * 503 and is closed), METRICS_HTTP_TIMEOUT s of idleness or a slow
 * request closes a connection, headers at most 8 KiB, no body.
 */
#ifndef IMS_METRICS_HTTP_H
#define IMS_METRICS_HTTP_H

#include "daemon.h"

#define METRICS_HTTP_CONNS	16
#define METRICS_HTTP_TIMEOUT	10	/* seconds */

/* Bind listen (HOST:PORT) as the daemon function; no thread.  0,
 * -EINVAL, -EADDRNOTAVAIL, -ENOMEM. */
int	metrics_http_bind(const char *function, const char *listen);
/* The serving thread.  0 or -errno. */
int	metrics_http_launch(void);
/* DAEMON_STARTING, DAEMON_RUNNING, DAEMON_STOPPING (daemon.h). */
void	metrics_http_phase(int phase);
/* Stops and joins the thread (any thread but that one). */
void	metrics_http_stop(void);

/* The four above for the skeleton. */
extern const struct daemon_ext metrics_daemon_ext;

#endif
