/* http_stat.h - imssec_http_requests_total (common/metrics/met.h) for
 * the bsf's, the naf's and xcap's servers: one call at the top of the
 * request callback; the response's status class is counted when it has
 * left (evhttp's completion callback), whichever path answered. */
#ifndef IMS_HTTP_STAT_H
#define IMS_HTTP_STAT_H

struct evhttp_request;

void	http_stat_track(struct evhttp_request *);

#endif
