/* http_stat.c - HTTP status classes answered (http_stat.h). */
#include <event2/http.h>

#include "http_stat.h"
#include "met.h"

static void
http_stat_done(struct evhttp_request *req, void *arg)
{
	(void)arg;
	metric_inc1(&met_http_requests,
	    met_http_class(evhttp_request_get_response_code(req)));
}

void
http_stat_track(struct evhttp_request *req)
{
	evhttp_request_set_on_complete_cb(req, http_stat_done, NULL);
}
