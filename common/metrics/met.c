/* met.c - the project's metric families and their label values (met.h). */
#include <errno.h>
#include <stddef.h>

#include "check.h"
#include "met.h"

#define NS(s)	((uint64_t)((s) * 1e9 + 0.5))

/* Latencies: 0.5 ms .. 10 s. */
static const uint64_t lat_ns[] = { NS(0.0005), NS(0.001), NS(0.0025),
    NS(0.005), NS(0.01), NS(0.025), NS(0.05), NS(0.1), NS(0.25), NS(0.5),
    NS(1), NS(2.5), NS(5), NS(10) };
static const char *const lat_le[] = { "0.0005", "0.001", "0.0025", "0.005",
    "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10" };
#define LAT	.bounds_ns = lat_ns, .bounds_le = lat_le, \
		.nbounds = sizeof(lat_ns) / sizeof(lat_ns[0])

/* Set once by met_init, before the family is registered. */
static const char *bi_function[2] = { "unknown", NULL };
static const char *const bi_version[] = { IMSSEC_VERSION, NULL };

static const char *const sip_methods[] = { "REGISTER", "INVITE", "ACK",
    "BYE", "CANCEL", "OPTIONS", "SUBSCRIBE", "NOTIFY", "MESSAGE", "PRACK",
    "UPDATE", "INFO", "REFER", "PUBLISH", "other", NULL };
enum { ST_200, ST_401, ST_403, ST_1XX, ST_2XX, ST_3XX, ST_4XX, ST_5XX,
    ST_6XX };
static const char *const sip_statuses[] = { "200", "401", "403", "1xx",
    "2xx", "3xx", "4xx", "5xx", "6xx", NULL };
static const char *const shed_classes[] = { "new", "finishing", NULL };
static const char *const auth_causes[] = { "wrong_response",
    "mac_failure", "no_qop_or_replay", "stale_nonce", "sync_failure", "bad_auts",
    "unknown_user", "hss_refused", "hss_unreachable", "too_many_challenges",
    "wrong_user", NULL };
static const char *const dia_cmds[] = { "UAR", "SAR", "LIR", "MAR", "RTR",
    "PPR", "Zh-MAR", "Zn-BIR", "other", NULL };
static const char *const dia_roles[] = { "client", "server", NULL };
/* The results our applications use (RFC 6733 7.1, TS 29.229 6.2, TS
 * 29.109 5.3/6.3); "none": no (usable) answer; "other": any other. */
static const uint32_t dia_result_codes[] = { 2001, 2002, 2003, 2004, 3002,
    3003, 3004, 5001, 5002, 5003, 5004, 5005, 5006, 5007, 5008, 5009, 5012,
    5014, 5401, 5402, 5403 };
#define NRESULTS	(sizeof(dia_result_codes) / sizeof(dia_result_codes[0]))
static const char *const dia_results[] = { "2001", "2002", "2003", "2004",
    "3002", "3003", "3004", "5001", "5002", "5003", "5004", "5005", "5006",
    "5007", "5008", "5009", "5012", "5014", "5401", "5402", "5403", "other",
    "none", NULL };
static const char *const dia_refused_causes[] = { "not_listed",
    "address", "realm", "full", "certificate", "transport", NULL };
static const char *const http_classes[] = { "1xx", "2xx", "3xx", "4xx",
    "5xx", NULL };

struct metric_family met_build_info = {
	.name = "imssec_build_info", .type = METRIC_GAUGE,
	.help = "1, labelled with the daemon's function and imssec version",
	.dims = { { "function", bi_function }, { "version", bi_version } },
};
struct metric_family met_sip_requests = {
	.name = "imssec_sip_requests_total", .type = METRIC_COUNTER,
	.flags = METRIC_SPARSE,
	.help = "SIP requests received, by method",
	.dims = { { "method", sip_methods } },
};
struct metric_family met_sip_responses = {
	.name = "imssec_sip_responses_total", .type = METRIC_COUNTER,
	.flags = METRIC_SPARSE,
	.help = "final SIP responses sent (own and relayed), by the "
	    "request's method and the status (200, 401, 403, else its class)",
	.dims = { { "method", sip_methods }, { "status", sip_statuses } },
};
struct metric_family met_sip_register_seconds = {
	.name = "imssec_sip_register_seconds", .type = METRIC_HISTOGRAM,
	.help = "time from a REGISTER's arrival to its final response",
	LAT,
};
struct metric_family met_sip_shed = {
	.name = "imssec_sip_overload_rejected_total", .type = METRIC_COUNTER,
	.help = "requests answered 503 under overload (sipx max-pending), "
	    "by class: new work, or work that finishes a begun one",
	.dims = { { "class", shed_classes } },
};
struct metric_family met_sip_pending = {
	.name = "imssec_sip_pending", .type = METRIC_GAUGE,
	.help = "forwarded requests and Cx requests in flight",
};
struct metric_family met_auth_failures = {
	.name = "imssec_auth_failures_total", .type = METRIC_COUNTER,
	.help = "AKA authentications not accepted, by cause",
	.dims = { { "cause", auth_causes } },
};
struct metric_family met_dia_requests = {
	.name = "imssec_diameter_requests_total", .type = METRIC_COUNTER,
	.flags = METRIC_SPARSE,
	.help = "Diameter requests sent (role client) and received (role "
	    "server), by command",
	.dims = { { "cmd", dia_cmds }, { "role", dia_roles } },
};
struct metric_family met_dia_answers = {
	.name = "imssec_diameter_answers_total", .type = METRIC_COUNTER,
	.flags = METRIC_SPARSE,
	.help = "Diameter answers received (role client; none: timeout or "
	    "refused) and sent (role server), by command and "
	    "Experimental-Result-Code or else Result-Code",
	.dims = { { "cmd", dia_cmds }, { "role", dia_roles },
	    { "result", dia_results } },
};
struct metric_family met_dia_seconds = {
	.name = "imssec_diameter_request_seconds", .type = METRIC_HISTOGRAM,
	.flags = METRIC_SPARSE,
	.help = "round trip of the Diameter requests we send, by command",
	.dims = { { "cmd", dia_cmds } },
	LAT,
};
struct metric_family met_dia_peers_up = {
	.name = "imssec_diameter_peers_up", .type = METRIC_GAUGE,
	.help = "Diameter peers in state Open",
};
struct metric_family met_dia_refused = {
	.name = "imssec_diameter_peers_refused_total",
	.type = METRIC_COUNTER,
	.help = "incoming Diameter connections refused, by cause: identity "
	    "not listed, wrong address, wrong realm, too many peers, no TLS "
	    "or a certificate not naming the identity, dropped before the "
	    "CER (TLS handshake failed, e.g. no or a foreign certificate)",
	.dims = { { "cause", dia_refused_causes } },
};
struct metric_family met_bindings = {
	.name = "imssec_bindings_active", .type = METRIC_GAUGE,
	.help = "registered contact bindings held by the S-CSCF",
};
struct metric_family met_gm_sa_sets = {
	.name = "imssec_gm_sa_sets_installed", .type = METRIC_GAUGE,
	.help = "Gm IPsec SA sets (TS 33.203 7.1: 4 SAs each) installed by "
	    "the P-CSCF",
};
struct metric_family met_http_requests = {
	.name = "imssec_http_requests_total", .type = METRIC_COUNTER,
	.help = "HTTP requests answered, by status class",
	.dims = { { "code_class", http_classes } },
};

static struct metric_family *const groups[][6] = {
	{ &met_sip_requests, &met_sip_responses, &met_sip_register_seconds,
	  &met_sip_shed, &met_sip_pending },
	{ &met_auth_failures },
	{ &met_dia_requests, &met_dia_answers, &met_dia_seconds,
	  &met_dia_peers_up, &met_dia_refused },
	{ &met_bindings },
	{ &met_gm_sa_sets },
	{ &met_http_requests },
};

int
met_init(const char *function)
{
	IMS_CHECK_PARAMS(function != NULL);
	bi_function[0] = function;
	IMS_CHECK_RC(metrics_register(&met_build_info));
	metric_set(&met_build_info, 1, 0, 0, 0);
	return 0;
}

int
met_use(unsigned g)
{
	size_t i, j;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		for (j = 0; (g & (1u << i)) && j < sizeof(groups[0]) /
		    sizeof(groups[0][0]) && groups[i][j] != NULL; j++)
			IMS_CHECK_RC(metrics_register(groups[i][j]));
	return 0;
}

unsigned
met_sip_status(int status)
{
	if (status == 200 || status == 401 || status == 403)
		return status == 200 ? ST_200 : status == 401 ? ST_401 :
		    ST_403;
	if (status < 100 || status > 699)
		return ST_5XX;	/* not sent as such: never happens */
	return ST_1XX + (unsigned)(status / 100 - 1);
}

unsigned
met_dia_cmd(uint32_t app, uint32_t code)
{
	/* Cx (16777216): 300..305 in the order UAR, SAR, LIR, MAR, RTR,
	 * PPR (TS 29.229 6.1); Zh 16777221 MAR 303; Zn 16777220 BIR 310. */
	if (app == 16777216 && code >= 300 && code <= 305)
		return MET_CMD_UAR + (code - 300);
	if (app == 16777221 && code == 303)
		return MET_CMD_ZH_MAR;
	if (app == 16777220 && code == 310)
		return MET_CMD_ZN_BIR;
	return MET_CMD_OTHER;
}

unsigned
met_dia_result(uint32_t code)
{
	size_t i;

	if (code == 0)
		return NRESULTS + 1;
	for (i = 0; i < NRESULTS; i++)
		if (dia_result_codes[i] == code)
			return (unsigned)i;
	return NRESULTS;
}

unsigned
met_http_class(int status)
{
	if (status < 100 || status > 599)
		return 4;
	return (unsigned)(status / 100 - 1);
}
