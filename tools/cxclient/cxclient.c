/* cxclient.c - a Cx client on the command line (TS 29.228/29.229), over
 * the same common/dia client API the CSCFs use.
 *
 *   cxclient [-c FILE] [-o KEY=VALUE] [--KEY VALUE] ... [-d] COMMAND ...
 *       mar --impi S --impu URI [--server-name URI] [--scheme S]
 *           [--items N] [--auts-rand HEX --auts HEX]
 *       uar --impi S --impu URI [--visited NET] [--type 0|1|2]
 *       sar (--impu URI | --impi S | both) --type N [--server-name URI]
 *           [--udaa 0|1]
 *       lir --impu URI
 *       listen [--count N]   (act as an S-CSCF: print and answer N RTRs
 *                             or PPRs with 2001; "rtr-wait" is an alias)
 *       zh-mar (--impi S | --impu URI) [--resync HEX] [--guss-timestamp T]
 *                            (act as a BSF towards the HSS, TS 29.109 5)
 *       zn-bir --btid S --naf-id HEX [--gsid S]
 *                            (act as a NAF towards the BSF, TS 29.109 6)
 *       mar-load --users N --count M [--window W] ...
 *                            (many MARs at once; cxclient_load.c)
 *
 * Settings as the daemons take them (conf.h): a file of diameter.* keys
 * (dia_conf.h; identity, connect, dest-realm, timeout...), dest-host and
 * debug, or the same as flags (-o diameter.identity=..., --dest-host H).
 * Output: name=value lines (lower-case hex).  result= is the
 * Experimental-Result-Code when present, else the Result-Code.  Exit 0 on
 * a 2xxx result, 1 on another result, no peer or a timeout, 2 on bad usage.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cliopts.h"
#include "conf.h"
#include "cxclient.h"
#include "dia_fd.h"
#include "cx.h"
#include "dia_conf.h"
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
		fprintf(stderr, "usage: cxclient [-c FILE] [-o KEY=VALUE] "
		    "[--KEY VALUE] ... [-d] mar|uar|sar|lir|listen|zh-mar|zn-bir|"
		    "mar-load"
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

void
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
	if (a->error_message[0] != '\0')
		printf("error_message=%s\n", a->error_message);
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

/* The tool's own settings, next to diameter.* (dia_conf.h). */
struct cxclient_conf {
	char	*dest_host;
	int	 debug;
};

static struct cxclient_conf conf;
static struct dia_conf dia;

static const struct conf_key cxclient_keys[] = {
	{ .name = "dest-host", .type = CONF_STRING,
	  .offset = offsetof(struct cxclient_conf, dest_host), .max = 255,
	  .help = "Destination-Host of the requests; unset: any Cx peer" },
	{ .name = "debug", .type = CONF_BOOL,
	  .offset = offsetof(struct cxclient_conf, debug), .dflt = "no",
	  .opt = 'd', .optval = "yes",
	  .help = "log freeDiameter's and our debug messages" },
	{ .name = NULL }
};

static const struct conf_table cxclient_tables[] = {
	{ "cxclient", cxclient_keys, &conf, sizeof(conf) },
	{ "Diameter", dia_conf_keys, &dia, sizeof(dia) },
};
#define CXCLIENT_NT	(sizeof(cxclient_tables) / sizeof(cxclient_tables[0]))

/* The command's options (cliopts) into r. */
static void
command(const char *cmd, int argc, char **argv, struct cx_req *r,
    uint8_t authz[30])
{
	static const char *const allowed[] = {
		"impi impu server-name scheme items auts-rand auts",	/* mar */
		"impi impu visited type",				/* uar */
		"impi impu type server-name udaa",			/* sar */
		"impu",							/* lir */
		"count",						/* listen */
	};
	static const char *const cmds[] = { "mar", "uar", "sar", "lir",
	    "listen" };
	static char sn[300];
	struct opts o;
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmd, cmds[i]) == 0)
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0]))
		usage("unknown command (mar, uar, sar, lir, listen)");
	opts_parse(&o, cmd, argc, argv, allowed[i]);
	r->impi = opts_get(&o, "impi");
	r->impu = opts_get(&o, "impu");
	r->server_name = opts_get(&o, "server-name");
	r->auth_scheme = opts_get(&o, "scheme");
	r->auth_items = opts_uint(&o, "items", 0, 0, CX_MAX_AUTH_ITEMS, NULL);
	r->visited_network = opts_get(&o, "visited");
	r->uar_type = r->sar_type = opts_uint(&o, "type", 0, 0, 255, NULL);
	r->user_data_available = opts_uint(&o, "udaa", 0, 0, 1, NULL);
	rtr_count = opts_uint(&o, "count", 1, 1, 1000, NULL);
	if ((opts_get(&o, "auts") == NULL) != (opts_get(&o, "auts-rand") ==
	    NULL))
		usage_error(cmd, "--auts-rand and --auts go together");
	if (opts_get(&o, "auts") != NULL) {
		opts_hex(&o, "auts-rand", authz, 16);
		opts_hex(&o, "auts", authz + 16, 14);
		r->sip_authorization = authz;
		r->sip_authorization_len = 30;
	}
	if (i <= 1 && (r->impi == NULL || r->impu == NULL))
		usage_error(cmd, "--impi and --impu are required");
	if (i == 2 && ((r->impu == NULL && r->impi == NULL) ||
	    opts_get(&o, "type") == NULL))
		usage_error(cmd, "--impu or --impi, and --type are required");
	if (i == 3 && r->impu == NULL)
		usage_error(cmd, "--impu is required");
	if (r->server_name == NULL && (i == 0 || i == 2)) {
		(void)snprintf(sn, sizeof(sn), "sip:scscf.%s", r->dest_realm);
		r->server_name = sn;
	}
}

int
main(int argc, char **argv)
{
	struct conf_cli cli;
	struct cx_req r;
	const char *cmd;
	char err[CONF_ERR_MAX];
	uint8_t authz[16 + 14];
	unsigned timeout;
	int rc;
	struct timespec ts;

	memset(&r, 0, sizeof(r));
	if (conf_cli_parse(cxclient_tables, CXCLIENT_NT, argc, argv, "h", 1,
	    &cli, err, sizeof(err)) < 0)
		usage(err);
	if (conf_cli_has(&cli, 'h') || cli.argi >= argc)
		usage(NULL);
	if (conf_load(cxclient_tables, CXCLIENT_NT, cli.file, cli.over,
	    cli.nover, err, sizeof(err)) < 0) {
		fprintf(stderr, "cxclient: %s\n", err);
		exit(2);
	}
	cmd = argv[cli.argi];
	if (gba_is_cmd(cmd))
		_exit(gba_main(cmd, argc - cli.argi - 1, argv + cli.argi + 1,
		    &dia, conf.dest_host, conf.debug));
	if (strcmp(cmd, "mar-load") == 0)
		_exit(load_main(argc - cli.argi - 1, argv + cli.argi + 1, &dia,
		    conf.dest_host, conf.debug));
	if (strcmp(cmd, "rtr-wait") == 0)
		cmd = "listen";
	r.dest_realm = dia_conf_dest_realm(&dia);
	r.dest_host = conf.dest_host;
	command(cmd, argc - cli.argi - 1, argv + cli.argi + 1, &r, authz);
	timeout = dia.timeout_ms;
	r.timeout_ms = timeout;

	log_init("cxclient", conf.debug ? LOG_LVL_DEBUG : LOG_LVL_WARN);
	if ((rc = dia_init(&dia)) < 0 ||
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
		fflush(stdout);
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
		fflush(stdout);
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
