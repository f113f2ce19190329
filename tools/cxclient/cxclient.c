/* cxclient.c - a Cx client on the command line (TS 29.228/29.229), over
 * the same common/dia client API the CSCFs use.
 *
 *   cxclient -c FDCONF --dest-realm R [--dest-host H] [--timeout MS] [-d]
 *       mar --impi S --impu URI [--server-name URI] [--scheme S]
 *           [--items N] [--auts-rand HEX --auts HEX]
 *       uar --impi S --impu URI [--visited NET] [--type 0|1|2]
 *       sar (--impu URI | --impi S | both) --type N [--server-name URI]
 *           [--udaa 0|1]
 *       lir --impu URI
 *       listen [--count N]   (act as an S-CSCF: print and answer N RTRs
 *                             or PPRs with 2001; "rtr-wait" is an alias)
 *
 * Output: name=value lines (lower-case hex).  result= is the
 * Experimental-Result-Code when present, else the Result-Code.  Exit 0 on
 * a 2xxx result, 1 on another result, no peer or a timeout, 2 on bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "dia_fd.h"
#include "cx.h"
#include "log.h"
#include "util.h"

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct cx_answer *answer;

static void __attribute__((noreturn))
usage(const char *msg)
{
	if (msg != NULL)
		fprintf(stderr, "cxclient: %s\n", msg);
	else
		fprintf(stderr, "usage: cxclient -c FDCONF --dest-realm R"
		    " [--dest-host H] [--timeout MS] [-d]"
		    " mar|uar|sar|lir|listen"
		    " [--option value ...]\n");
	exit(2);
}

static unsigned rtr_seen, rtr_count = 1;

/* freeDiameter thread: an RTR (TS 29.229 6.1.9) for the test S-CSCF. */
static int
on_rtr(struct msg *req, struct msg *ans, void *arg)
{
	char buf[CX_STR_MAX];
	struct avp *g;
	uint32_t reason;

	(void)arg;
	(void)pthread_mutex_lock(&mtx);
	if (dia_get_str(req, DIA_AVP_USER_NAME, buf, sizeof(buf)) == 0)
		printf("rtr_user_name=%s\n", buf);
	if (dia_get_str(req, DIA_AVP_PUBLIC_IDENTITY, buf, sizeof(buf)) == 0)
		printf("rtr_impu=%s\n", buf);
	if ((g = dia_get_avp(req, DIA_AVP_DEREGISTRATION_REASON, 0)) != NULL &&
	    dia_get_u32(g, DIA_AVP_REASON_CODE, &reason) == 0)
		printf("rtr_reason=%u\n", reason);
	fflush(stdout);
	rtr_seen++;
	(void)pthread_cond_signal(&cond);
	(void)pthread_mutex_unlock(&mtx);
	return dia_set_error(ans, DIA_SUCCESS, NULL);
}

/* freeDiameter thread: a PPR (TS 29.229 6.1.11) for the test S-CSCF. */
static int
on_ppr(struct msg *req, struct msg *ans, void *arg)
{
	char buf[CX_STR_MAX];
	struct avp *a;
	struct avp_hdr *h;

	(void)arg;
	(void)pthread_mutex_lock(&mtx);
	if (dia_get_str(req, DIA_AVP_USER_NAME, buf, sizeof(buf)) == 0)
		printf("ppr_user_name=%s\n", buf);
	if ((a = dia_get_avp(req, DIA_AVP_USER_DATA, 0)) != NULL &&
	    fd_msg_avp_hdr(a, &h) == 0 && h->avp_value != NULL)
		printf("ppr_user_data=%.*s\n", (int)h->avp_value->os.len,
		    (const char *)h->avp_value->os.data);
	fflush(stdout);
	rtr_seen++;
	(void)pthread_cond_signal(&cond);
	(void)pthread_mutex_unlock(&mtx);
	return dia_set_error(ans, DIA_SUCCESS, NULL);
}

/* freeDiameter thread: hand the answer to the main thread. */
static void
on_answer(void *arg, struct cx_answer *a)
{
	(void)arg;
	(void)pthread_mutex_lock(&mtx);
	answer = a;
	(void)pthread_cond_signal(&cond);
	(void)pthread_mutex_unlock(&mtx);
}

static unsigned
num(const char *s, unsigned max)
{
	unsigned long v;

	if (daemon_parse_uint(s, 0, max, &v) < 0)
		usage("invalid number");
	return (unsigned)v;
}

static void
out_hex(const char *name, const uint8_t *p, size_t len)
{
	char hex[129];

	if (len > 64)
		len = 64;
	hex_encode(p, len, hex);
	printf("%s=%s\n", name, hex);
}

static int
print_answer(const struct cx_answer *a)
{
	uint32_t res;
	unsigned i;

	if (a->status == -ETIMEDOUT) {
		printf("status=timeout\n");
		return 1;
	}
	res = a->exp_result_code ? a->exp_result_code : a->result_code;
	printf("result_code=%u\n", a->result_code);
	printf("exp_result_code=%u\n", a->exp_result_code);
	printf("result=%u\n", res);
	if (a->user_name[0] != '\0')
		printf("user_name=%s\n", a->user_name);
	if (a->server_name[0] != '\0')
		printf("server_name=%s\n", a->server_name);
	if (a->has_capabilities)
		printf("server_capabilities=%u,%u\n", a->n_mandatory,
		    a->n_optional);
	printf("items=%u\n", a->n_items);
	for (i = 0; i < a->n_items; i++) {
		const struct cx_auth_item *it = &a->items[i];

		printf("item=%u\n", it->item_number);
		printf("scheme=%s\n", it->scheme);
		if (it->authenticate_len == 32) {
			out_hex("rand", it->authenticate, 16);
			out_hex("autn", it->authenticate + 16, 16);
		}
		out_hex("xres", it->authorization, it->authorization_len);
		if (it->has_ck)
			out_hex("ck", it->ck, 16);
		if (it->has_ik)
			out_hex("ik", it->ik, 16);
	}
	if (a->user_data != NULL)
		printf("user_data=%s\n", a->user_data);
	return res / 1000 == 2 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	static const struct option global[] = {
		{ "dest-realm", required_argument, NULL, 'r' },
		{ "dest-host", required_argument, NULL, 'H' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct option cmdopts[] = {
		{ "impi", required_argument, NULL, 'i' },
		{ "impu", required_argument, NULL, 'u' },
		{ "server-name", required_argument, NULL, 's' },
		{ "scheme", required_argument, NULL, 'S' },
		{ "items", required_argument, NULL, 'n' },
		{ "auts-rand", required_argument, NULL, 'R' },
		{ "auts", required_argument, NULL, 'A' },
		{ "visited", required_argument, NULL, 'v' },
		{ "type", required_argument, NULL, 'T' },
		{ "udaa", required_argument, NULL, 'U' },
		{ "count", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 }
	};
	struct cx_req r;
	const char *fdconf = NULL, *cmd, *auts_rand = NULL, *auts = NULL;
	uint8_t authz[16 + 14];
	unsigned timeout = 5000;
	int ch, debug = 0, rc, has_type = 0;
	struct timespec ts;

	memset(&r, 0, sizeof(r));
	while ((ch = getopt_long(argc, argv, "+c:d", global, NULL)) != -1) {
		switch (ch) {
		case 'c': fdconf = optarg; break;
		case 'd': debug = 1; break;
		case 'r': r.dest_realm = optarg; break;
		case 'H': r.dest_host = optarg; break;
		case 't': timeout = num(optarg, 600000); break;
		default: usage(NULL);
		}
	}
	if (fdconf == NULL || r.dest_realm == NULL || optind >= argc)
		usage(NULL);
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+", cmdopts, NULL)) != -1) {
		switch (ch) {
		case 'i': r.impi = optarg; break;
		case 'u': r.impu = optarg; break;
		case 's': r.server_name = optarg; break;
		case 'S': r.auth_scheme = optarg; break;
		case 'n': r.auth_items = num(optarg, CX_MAX_AUTH_ITEMS); break;
		case 'R': auts_rand = optarg; break;
		case 'A': auts = optarg; break;
		case 'v': r.visited_network = optarg; break;
		case 'T': r.uar_type = r.sar_type = num(optarg, 255);
			has_type = 1; break;
		case 'U': r.user_data_available = num(optarg, 1); break;
		case 'C': rtr_count = num(optarg, 1000); break;
		default: usage(NULL);
		}
	}
	if (optind != argc)
		usage("unexpected argument");
	if ((auts_rand == NULL) != (auts == NULL))
		usage("--auts-rand and --auts go together");
	if (auts != NULL) {
		if (hex_decode(auts_rand, authz, 16) < 0 ||
		    hex_decode(auts, authz + 16, 14) < 0)
			usage("--auts-rand must be 16 and --auts 14 hex bytes");
		r.sip_authorization = authz;
		r.sip_authorization_len = sizeof(authz);
	}
	if (strcmp(cmd, "mar") == 0 || strcmp(cmd, "uar") == 0) {
		if (r.impi == NULL || r.impu == NULL)
			usage("--impi and --impu are required");
	} else if (strcmp(cmd, "sar") == 0) {
		if ((r.impu == NULL && r.impi == NULL) || !has_type)
			usage("--impu or --impi, and --type are required");
	} else if (strcmp(cmd, "listen") == 0 ||
	    strcmp(cmd, "rtr-wait") == 0) {
		cmd = "listen";
	} else if (strcmp(cmd, "lir") == 0) {
		if (r.impu == NULL)
			usage("--impu is required");
	} else
		usage("unknown command (mar, uar, sar, lir, listen)");
	if (r.server_name == NULL && strcmp(cmd, "lir") != 0 &&
	    strcmp(cmd, "uar") != 0) {
		static char sn[300];

		(void)snprintf(sn, sizeof(sn), "sip:scscf.%s", r.dest_realm);
		r.server_name = sn;
	}
	r.timeout_ms = timeout;

	log_init("cxclient", debug ? LOG_LVL_DEBUG : LOG_LVL_WARN);
	if ((rc = dia_init(fdconf, debug)) < 0 ||
	    (rc = cx_dict_init()) < 0 ||
	    (strcmp(cmd, "listen") == 0 &&
	    ((rc = cx_register(CX_CMD_RTR, on_rtr, NULL)) < 0 ||
	    (rc = cx_register(CX_CMD_PPR, on_ppr, NULL)) < 0)) ||
	    (rc = dia_start()) < 0) {
		fprintf(stderr, "cxclient: freeDiameter start failed: %s\n",
		    strerror(-rc));
		_exit(1);
	}
	if (dia_wait_peer(r.dest_host, DIA_APP_CX, timeout + 10000) < 0) {
		fprintf(stderr, "cxclient: no Cx peer connected\n");
		printf("status=no-peer\n");
		(void)dia_stop(2000);
		_exit(1);
	}
	if (strcmp(cmd, "listen") == 0) {
		printf("status=ready\n");
		fflush(stdout);
		(void)clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += timeout / 1000;
		(void)pthread_mutex_lock(&mtx);
		while (rtr_seen < rtr_count)
			if (pthread_cond_timedwait(&cond, &mtx, &ts) ==
			    ETIMEDOUT)
				break;
		rc = rtr_seen >= rtr_count ? 0 : 1;
		(void)pthread_mutex_unlock(&mtx);
		if (rc != 0)
			printf("status=timeout\n");
		/* Let the RTA leave before the shutdown. */
		(void)usleep(200 * 1000);
		(void)dia_stop(3000);
		_exit(rc);
	}
	if (strcmp(cmd, "mar") == 0)
		rc = cx_mar_send(&r, on_answer, NULL);
	else if (strcmp(cmd, "uar") == 0)
		rc = cx_uar_send(&r, on_answer, NULL);
	else if (strcmp(cmd, "sar") == 0)
		rc = cx_sar_send(&r, on_answer, NULL);
	else
		rc = cx_lir_send(&r, on_answer, NULL);
	secure_wipe(authz, sizeof(authz));
	if (rc < 0) {
		fprintf(stderr, "cxclient: send failed: %s\n", strerror(-rc));
		(void)dia_stop(2000);
		_exit(1);
	}
	/* The answer callback or the expiry always comes; bound it anyway. */
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout / 1000 + 5;
	(void)pthread_mutex_lock(&mtx);
	while (answer == NULL)
		if (pthread_cond_timedwait(&cond, &mtx, &ts) == ETIMEDOUT)
			break;
	(void)pthread_mutex_unlock(&mtx);
	if (answer == NULL) {
		printf("status=timeout\n");
		rc = 1;
	} else {
		rc = print_answer(answer);
		cx_answer_free(answer);
	}
	fflush(stdout);
	(void)dia_stop(3000);
	_exit(rc);
}
