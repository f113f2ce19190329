/* cxclient_load.c - mar-load: many MARs over one Cx connection, for the
 * hss's throughput and its SQN guarantees under load (TS 29.228 6.3.1).
 *
 *   mar-load --users N --count M [--prefix P] [--window W] [--items I]
 *            [--first F] [--k HEX (--op HEX | --opc HEX)]
 *
 * IMPI i (F <= i < F + N, taken in turn) is P<i>@REALM with IMPU
 * sip:P<i>@REALM, REALM the destination realm.  W MARs are outstanding at
 * once (each answer sends the next).  With --k (the subscribers' shared
 * K, as in the tests), every vector is checked as a USIM would (TS 33.102
 * 6.3.3: AK = f5(RAND), SQN = (SQN xor AK) xor AK, MAC-A = f1) and printed
 * as "sqn IMPI SQN" (hex), or "badmac IMPI".  Then one line:
 * mars= ok= failed= vectors= secs= rate= (MARs/s).  Exit 0 when every
 * MAR got 2001, else 1.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aka.h"
#include "cliopts.h"
#include "cx.h"
#include "cxclient.h"
#include "dia_conf.h"
#include "dia_fd.h"
#include "log.h"
#include "milenage.h"
#include "util.h"

struct load {
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cond;
	const char		*prefix, *realm, *dest_host;
	unsigned		 users, first, count, items, timeout;
	unsigned		 sent, done, ok, failed, vectors;
	struct milenage_ctx	*usim;		/* NULL: no check */
};

static void on_load_answer(void *arg, struct cx_answer *a);

/* Sends MAR number L->sent; the mutex held. */
static int
load_send(struct load *L)
{
	char impi[300], impu[310], sn[300];
	struct cx_req r;
	unsigned u = L->first + L->sent % L->users;

	(void)snprintf(impi, sizeof(impi), "%s%u@%s", L->prefix, u, L->realm);
	(void)snprintf(impu, sizeof(impu), "sip:%s", impi);
	(void)snprintf(sn, sizeof(sn), "sip:scscf.%s", L->realm);
	memset(&r, 0, sizeof(r));
	r.dest_realm = L->realm;
	r.dest_host = L->dest_host;
	r.impi = impi;
	r.impu = impu;
	r.server_name = sn;
	r.auth_items = L->items;
	r.timeout_ms = L->timeout;
	L->sent++;
	return cx_mar_send(&r, on_load_answer, L);
}

/* The USIM's check of one vector (TS 33.102 6.3.3), printed. */
static void
usim_check(struct load *L, const char *impi, const struct cx_auth_item *it)
{
	const uint8_t *rand = it->authenticate, *autn = it->authenticate + 16;
	uint8_t ak[6], sqnb[6], xmac[8];
	char hex[13];
	int i;

	if (it->authenticate_len != 32 ||
	    milenage_f2345(L->usim, rand, NULL, NULL, NULL, ak) < 0) {
		printf("badmac %s\n", impi);
		return;
	}
	for (i = 0; i < 6; i++)
		sqnb[i] = autn[i] ^ ak[i];
	if (milenage_f1(L->usim, rand, sqnb, autn + 6, xmac, NULL) < 0 ||
	    !ct_equal(xmac, autn + 8, 8)) {
		printf("badmac %s\n", impi);
		return;
	}
	hex_encode(sqnb, 6, hex);
	printf("sqn %s %s\n", impi, hex);
	secure_wipe(ak, sizeof(ak));
}

/* freeDiameter thread: count the answer, send the next MAR. */
static void
on_load_answer(void *arg, struct cx_answer *a)
{
	struct load *L = arg;
	unsigned i;

	(void)pthread_mutex_lock(&L->mtx);
	L->done++;
	if (a->status == 0 && a->result_code == 2001) {
		L->ok++;
		L->vectors += a->n_items;
		for (i = 0; L->usim != NULL && i < a->n_items; i++)
			usim_check(L, a->user_name, &a->items[i]);
	} else
		L->failed++;
	cx_answer_free(a);
	while (L->sent < L->count && load_send(L) < 0) {
		L->done++;
		L->failed++;
	}
	(void)pthread_cond_signal(&L->cond);
	(void)pthread_mutex_unlock(&L->mtx);
}

static double
mono(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
load_main(int argc, char **argv, struct dia_conf *dia, const char *dest_host,
    int debug)
{
	static struct load L = { .mtx = PTHREAD_MUTEX_INITIALIZER,
	    .cond = PTHREAD_COND_INITIALIZER };
	uint8_t k[16], op[16], opc[16];
	unsigned window, i;
	struct opts o;
	double t0, t;
	int rc;

	opts_parse(&o, "mar-load", argc, argv,
	    "users count prefix window items first k op opc");
	L.users = opts_uint(&o, "users", 0, 1, 1000000, NULL);
	L.count = opts_uint(&o, "count", 0, 1, 100000000, NULL);
	if (opts_get(&o, "users") == NULL || opts_get(&o, "count") == NULL)
		usage_error("mar-load", "--users and --count are required");
	L.prefix = opts_get(&o, "prefix") ? opts_get(&o, "prefix") : "u";
	L.first = opts_uint(&o, "first", 1, 0, 1000000, NULL);
	L.items = opts_uint(&o, "items", 1, 1, CX_MAX_AUTH_ITEMS, NULL);
	window = opts_uint(&o, "window", 8, 1, 1000, NULL);
	L.realm = dia_conf_dest_realm(dia);
	L.dest_host = dest_host;
	L.timeout = dia->timeout_ms;
	if (opts_get(&o, "k") != NULL) {
		opts_hex(&o, "k", k, 16);
		if ((opts_get(&o, "op") == NULL) == (opts_get(&o, "opc") == NULL))
			usage_error("mar-load", "--k needs --op or --opc");
		if (opts_get(&o, "op") != NULL) {
			opts_hex(&o, "op", op, 16);
			if (milenage_opc(k, op, opc) < 0)
				return 1;
		} else
			opts_hex(&o, "opc", opc, 16);
		L.usim = milenage_new(k, opc);
		secure_wipe(k, sizeof(k));
		secure_wipe(opc, sizeof(opc));
		if (L.usim == NULL)
			return 1;
	}

	log_init("cxclient", debug ? LOG_LVL_DEBUG : LOG_LVL_WARN);
	if ((rc = dia_init(dia)) < 0 || (rc = cx_dict_init()) < 0 ||
	    (rc = dia_start()) < 0) {
		fprintf(stderr, "cxclient: freeDiameter start failed: %s\n",
		    strerror(-rc));
		return 1;
	}
	if (dia_wait_peer(dest_host, DIA_APP_CX, L.timeout + 10000) < 0) {
		fprintf(stderr, "cxclient: no Cx peer connected\n");
		printf("status=no-peer\n");
		fflush(stdout);
		(void)dia_stop(2000);
		return 1;
	}
	t0 = mono();
	(void)pthread_mutex_lock(&L.mtx);
	for (i = 0; i < window && L.sent < L.count; i++)
		if (load_send(&L) < 0) {
			L.done++;
			L.failed++;
		}
	/* Every MAR is answered or expires (cx_client's timer). */
	while (L.done < L.count)
		(void)pthread_cond_wait(&L.cond, &L.mtx);
	t = mono() - t0;
	printf("mars=%u ok=%u failed=%u vectors=%u secs=%.3f rate=%.0f\n",
	    L.count, L.ok, L.failed, L.vectors, t, L.count / t);
	rc = L.failed == 0 ? 0 : 1;
	(void)pthread_mutex_unlock(&L.mtx);
	fflush(stdout);
	milenage_free(L.usim);
	(void)dia_stop(3000);
	return rc;
}
