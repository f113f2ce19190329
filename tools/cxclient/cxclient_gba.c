/* cxclient_gba.c - cxclient's GBA commands over the common/dia clients
 * the bsf and the naf use (gba.h): a tool that plays the BSF towards an
 * HSS, or a NAF towards a BSF, for tests (an independent or rogue peer).
 *
 *   zh-mar (--impi S | --impu URI | both) [--resync HEX]
 *          [--guss-timestamp UNIX]
 *       TS 29.109 5.2.2.1 (User-Name, Public-Identity); --resync is SIP-Authorization, RAND || AUTS
 *       (60 hex digits).  Prints result_code, exp_result_code, result,
 *       user_name, error_message, then rand, autn, xres, ck, ik when a
 *       vector came, and guss= (the GBA-UserSecSettings, one line).
 *   zn-bir --btid S --naf-id HEX [--gsid S]
 *       TS 29.109 6.2.2.1.  Prints the results, impi, ks_naf, expiry and
 *       created (Unix times), gba_type, uss= (one line).
 *
 * Exit 0 on a 2xxx result, 1 on another result, no peer or a timeout,
 * 2 on bad usage, as the Cx commands.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cliopts.h"
#include "cxclient.h"
#include "dia_conf.h"
#include "gba.h"
#include "log.h"
#include "util.h"

static pthread_mutex_t gmtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gcond = PTHREAD_COND_INITIALIZER;
static struct zh_answer *zh_ans;
static struct zn_answer *zn_ans;

int
gba_is_cmd(const char *cmd)
{
	return strcmp(cmd, "zh-mar") == 0 || strcmp(cmd, "zn-bir") == 0;
}

/* freeDiameter threads: hand the answer to the main thread. */
static void
on_zh(void *arg, struct zh_answer *a)
{
	(void)arg;
	(void)pthread_mutex_lock(&gmtx);
	zh_ans = a;
	(void)pthread_cond_signal(&gcond);
	(void)pthread_mutex_unlock(&gmtx);
}

static void
on_zn(void *arg, struct zn_answer *a)
{
	(void)arg;
	(void)pthread_mutex_lock(&gmtx);
	zn_ans = a;
	(void)pthread_cond_signal(&gcond);
	(void)pthread_mutex_unlock(&gmtx);
}

/* A document on one line: newlines and carriage returns as blanks. */
static void
out_doc(const char *name, const char *s, size_t len)
{
	size_t i;

	printf("%s=", name);
	for (i = 0; i < len; i++)
		putchar(s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
	putchar('\n');
}

static int
out_result(int status, uint32_t rc, uint32_t exp, const char *user,
    const char *msg)
{
	uint32_t res = exp ? exp : rc;

	if (status == -ETIMEDOUT) {
		printf("status=timeout\n");
		return -1;
	}
	if (status < 0) {
		printf("status=error\n");
		return -1;
	}
	printf("result_code=%u\nexp_result_code=%u\nresult=%u\n", rc, exp,
	    res);
	if (user[0] != '\0')
		printf("user_name=%s\n", user);
	if (msg[0] != '\0')
		printf("error_message=%s\n", msg);
	return res / 1000 == 2 ? 0 : 1;
}

static int
print_zh(const struct zh_answer *a)
{
	int rc = out_result(a->status, a->result_code, a->exp_result_code,
	    a->user_name, a->error_message);

	if (rc < 0)
		return 1;
	if (a->has_vector) {
		out_hex("rand", a->rand, 16);
		out_hex("autn", a->autn, 16);
		out_hex("xres", a->xres, a->xres_len);
		out_hex("ck", a->ck, 16);
		out_hex("ik", a->ik, 16);
	}
	if (a->guss != NULL)
		out_doc("guss", a->guss, a->guss_len);
	return rc;
}

static int
print_zn(const struct zn_answer *a)
{
	int rc = out_result(a->status, a->result_code, a->exp_result_code,
	    a->user_name, a->error_message);

	if (rc < 0)
		return 1;
	if (a->user_name[0] != '\0')
		printf("impi=%s\n", a->user_name);
	if (a->has_key)
		out_hex("ks_naf", a->ks_naf, sizeof(a->ks_naf));
	if (a->key_expiry != 0)
		printf("expiry=%lld\n", (long long)a->key_expiry);
	if (a->created != 0)
		printf("created=%lld\n", (long long)a->created);
	printf("gba_type=%u\n", a->gba_type);
	if (a->uss != NULL)
		out_doc("uss", a->uss, a->uss_len);
	return rc;
}

/* Waits for the answer callback (it always comes: answer or expiry). */
static int
wait_answer(unsigned timeout_ms, int zh)
{
	struct timespec ts;
	int rc;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000 + 5;
	(void)pthread_mutex_lock(&gmtx);
	while ((zh ? (void *)zh_ans : (void *)zn_ans) == NULL)
		if (pthread_cond_timedwait(&gcond, &gmtx, &ts) == ETIMEDOUT)
			break;
	(void)pthread_mutex_unlock(&gmtx);
	if (zh && zh_ans != NULL) {
		rc = print_zh(zh_ans);
		zh_answer_free(zh_ans);
	} else if (!zh && zn_ans != NULL) {
		rc = print_zn(zn_ans);
		zn_answer_free(zn_ans);
	} else {
		printf("status=timeout\n");
		rc = 1;
	}
	return rc;
}

int
gba_main(const char *cmd, int argc, char **argv, struct dia_conf *dia,
    const char *dest_host, int debug)
{
	int zh = strcmp(cmd, "zh-mar") == 0;
	uint8_t authz[16 + 14], naf_id[GBA_NAF_ID_MAX];
	struct zh_req hr;
	struct zn_req nr;
	struct opts o;
	unsigned timeout = dia->timeout_ms;
	const char *v;
	int rc;

	memset(&hr, 0, sizeof(hr));
	memset(&nr, 0, sizeof(nr));
	if (zh) {
		opts_parse(&o, cmd, argc, argv,
		    "impi impu resync guss-timestamp");
		hr.impi = opts_get(&o, "impi");
		hr.impu = opts_get(&o, "impu");
		if (hr.impi == NULL && hr.impu == NULL)
			usage_error(cmd, "--impi or --impu is required");
		if (opts_get(&o, "resync") != NULL) {
			opts_hex(&o, "resync", authz, sizeof(authz));
			hr.sip_authorization = authz;
			hr.sip_authorization_len = sizeof(authz);
		}
		if ((v = opts_get(&o, "guss-timestamp")) != NULL) {
			char *end;

			hr.guss_timestamp = strtoll(v, &end, 10);
			if (*end != '\0' || hr.guss_timestamp <= 0)
				usage_error(cmd, "--guss-timestamp UNIX-TIME");
		}
		hr.dest_realm = dia_conf_dest_realm(dia);
		hr.dest_host = dest_host;
		hr.timeout_ms = timeout;
	} else {
		opts_parse(&o, cmd, argc, argv, "btid naf-id gsid");
		nr.btid = opts_need(&o, "btid");
		nr.naf_id_len = opts_hexvar(&o, "naf-id", naf_id,
		    sizeof(naf_id));
		(void)opts_need(&o, "naf-id");
		nr.naf_id = naf_id;
		nr.gsid = opts_get(&o, "gsid");
		nr.dest_realm = dia_conf_dest_realm(dia);
		nr.dest_host = dest_host;
		nr.timeout_ms = timeout;
	}

	log_init("cxclient", debug ? LOG_LVL_DEBUG : LOG_LVL_WARN);
	if ((rc = dia_init(dia)) < 0 ||
	    (rc = gba_dict_init(zh ? GBA_ADV_ZH : GBA_ADV_ZN)) < 0 ||
	    (rc = dia_start()) < 0) {
		fprintf(stderr, "cxclient: freeDiameter start failed: %s\n",
		    strerror(-rc));
		return 1;
	}
	if (dia_wait_peer(dest_host, zh ? DIA_APP_ZH : DIA_APP_ZN,
	    timeout + 10000) < 0) {
		fprintf(stderr, "cxclient: no %s peer connected\n",
		    zh ? "Zh" : "Zn");
		printf("status=no-peer\n");
		fflush(stdout);
		(void)dia_stop(2000);
		return 1;
	}
	rc = zh ? zh_mar_send(&hr, on_zh, NULL) : zn_bir_send(&nr, on_zn,
	    NULL);
	secure_wipe(authz, sizeof(authz));
	if (rc < 0) {
		fprintf(stderr, "cxclient: send failed: %s\n", strerror(-rc));
		(void)dia_stop(2000);
		return 1;
	}
	rc = wait_answer(timeout, zh);
	fflush(stdout);
	(void)dia_stop(3000);
	return rc;
}
