/* ue_reg.c - registration with IMS AKA, the UE side of TS 24.229 5.1.1
 * and TS 33.203 6.1 (RFC 3261 10.2, RFC 3310).
 *
 *	REGISTER (empty credentials) --> 401 (RAND, AUTN)
 *	  AUTN ok:	REGISTER (RES as password) --> 200 | 403
 *	  SQN stale:	REGISTER (empty password, auts) --> 401 (fresh) ...
 *	  MAC/AMF bad:	REGISTER (empty response) --> final; stop
 *
 * One Call-ID for the whole registration, CSeq incremented per request
 * (TS 24.229 5.1.1.2.1, RFC 3261 10.2.4).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "log.h"
#include "ue.h"
#include "util.h"

struct ue_reg {
	const struct ue_conf	*conf;
	struct ue_sip		*sip;
	struct milenage_ctx	*mil;
	struct aka_ue_sqn	 sqn;
	char			 request_uri[512];
	char			 from[600];
	char			 to[600];
	char			 call_id[128];
	uint32_t		 cseq;
	char			 service_route[UE_HDR_MAX];
	char			 auth[DIGEST_FORMAT_MAX];
};

struct ue_reg *
ue_reg_new(const struct ue_conf *c)
{
	struct ue_reg *u;
	char rnd[33], tag[17];

	if ((u = calloc(1, sizeof(*u))) == NULL) {
		log_err("out of memory");
		return NULL;
	}
	u->conf = c;
	if (ue_sqn_load(c->state_path, &u->sqn) < 0)
		goto fail;	/* logged */
	if ((u->mil = milenage_new(c->k, c->opc)) == NULL ||
	    ue_random_hex(rnd, 16) < 0 || ue_random_hex(tag, 8) < 0) {
		log_err("crypto library failure");
		goto fail;
	}
	if ((u->sip = ue_sip_open(c)) == NULL)
		goto fail;	/* logged */
	/* TS 24.229 5.1.1.2.1: Request-URI is the home domain; From and To
	 * carry the public identity being registered. */
	snprintf(u->request_uri, sizeof(u->request_uri), "sip:%s", c->domain);
	snprintf(u->from, sizeof(u->from), "<%s>;tag=%s", c->impu, tag);
	snprintf(u->to, sizeof(u->to), "<%s>", c->impu);
	snprintf(u->call_id, sizeof(u->call_id), "%s@%s", rnd,
	    ue_sip_local_host(u->sip));
	u->cseq = 1;
	return u;
fail:
	ue_reg_free(u);
	return NULL;
}

void
ue_reg_free(struct ue_reg *u)
{
	if (u == NULL)
		return;
	ue_sip_close(u->sip);
	milenage_free(u->mil);
	secure_wipe(u->auth, sizeof(u->auth));
	free(u);
}

static int
send_register(struct ue_reg *u, unsigned expires, struct ue_resp *resp)
{
	struct ue_req q = {
		.method = "REGISTER",
		.request_uri = u->request_uri,
		.call_id = u->call_id,
		.cseq = u->cseq++,
		.from = u->from,
		.to = u->to,
		.contact = 1,
		.expires = (long)expires,
		.authorization = u->auth,
		/* TS 24.229 5.1.1.2.1: the UE supports Path (RFC 3327). */
		.supported = "path",
	};

	return ue_sip_request(u->sip, &q, u->conf->timeout_ms, resp);
}

/* TS 33.102 6.3.3: the USIM checks AUTN; a newly accepted SQN is stored
 * before the response leaves (a replay must fail even after a crash). */
static int
usim_check(struct ue_reg *u, const struct digest *chal, struct ue_result *res,
    uint8_t auts[AKA_AUTS_LEN])
{
	uint8_t rand[16], autn[16];
	int rc;

	if (digest_aka_nonce_split(chal->nonce, rand, autn, NULL, 0, NULL) < 0)
		return -EBADMSG;
	rc = aka_ue_check(u->mil, &u->sqn, rand, autn, u->conf->amf_sep,
	    res->res, res->ck, res->ik, auts);
	if (rc == AKA_OK) {
		uint8_t ak[6], sqnb[6];
		int i;

		/* SQN = (SQN xor AK) xor AK, for the report only. */
		IMS_CHECK_RC(milenage_f2345(u->mil, rand, NULL, NULL, NULL, ak));
		for (i = 0; i < 6; i++)
			sqnb[i] = autn[i] ^ ak[i];
		secure_wipe(ak, sizeof(ak));
		res->sqn = aka_sqn_from_bytes(sqnb);
		res->have_sqn = 1;
		IMS_CHECK_RC(ue_sqn_save(u->conf->state_path, &u->sqn));
	}
	return rc;
}

static void
take_final(struct ue_result *res, const struct ue_resp *resp)
{
	res->status = resp->status;
	res->expires = resp->expires;
	memcpy(res->service_route, resp->service_route,
	    sizeof(res->service_route));
	memcpy(res->p_associated_uri, resp->p_associated_uri,
	    sizeof(res->p_associated_uri));
}

int
ue_reg_register(struct ue_reg *u, unsigned expires, struct ue_result *res)
{
	const struct ue_conf *c = u->conf;
	struct ue_resp resp;
	struct digest chal;
	uint8_t auts[AKA_AUTS_LEN];
	int challenges = 0, rc, check;

	memset(res, 0, sizeof(*res));
	res->expires = -1;
	IMS_CHECK_RC(ue_auth_initial(c, u->request_uri, u->auth, sizeof(u->auth)));
	for (;;) {
		IMS_CHECK_RC(send_register(u, expires, &resp));
		if (resp.status == 0) {
			res->outcome = resp.unreachable ? UE_UNREACHABLE :
			    UE_TIMEOUT;
			return 0;
		}
		take_final(res, &resp);
		if (resp.status >= 200 && resp.status < 300) {
			res->outcome = UE_REGISTERED;
			/* TS 24.229 5.1.1.2.2: requests follow the
			 * Service-Route learnt here. */
			memcpy(u->service_route, resp.service_route,
			    sizeof(u->service_route));
			return 0;
		}
		if (resp.status != 401 || ++challenges > UE_MAX_CHALLENGES) {
			res->outcome = UE_REJECTED;
			return 0;
		}
		if (ue_auth_challenge(&resp, &chal) < 0) {
			res->outcome = UE_NO_CHALLENGE;
			return 0;
		}
		check = usim_check(u, &chal, res, auts);
		switch (check) {
		case AKA_OK:
			/* RFC 3310 3.3: RES is the password. */
			rc = ue_auth_answer(c, &chal, "REGISTER",
			    u->request_uri, res->res, sizeof(res->res),
			    res->ck, res->ik, NULL, u->auth, sizeof(u->auth));
			break;
		case AKA_SYNC_FAILURE:
			/* RFC 3310 3.4, TS 33.102 6.3.5: empty password and
			 * auts; the S-CSCF answers with a fresh challenge. */
			res->resync = 1;
			rc = ue_auth_answer(c, &chal, "REGISTER",
			    u->request_uri, NULL, 0, NULL, NULL, auts,
			    u->auth, sizeof(u->auth));
			break;
		case AKA_MAC_FAILURE:
		case AKA_AMF_FAILURE:
			/* TS 24.229 5.1.1.5.3: tell the network, then stop
			 * whatever it answers. */
			IMS_CHECK_RC(ue_auth_reject(c, &chal, u->request_uri,
			    u->auth, sizeof(u->auth)));
			IMS_CHECK_RC(send_register(u, expires, &resp));
			res->status = resp.status;
			res->outcome = check == AKA_MAC_FAILURE ?
			    UE_MAC_FAILURE : UE_AMF_FAILURE;
			return 0;
		case -EBADMSG:
			res->outcome = UE_NO_CHALLENGE;
			return 0;
		default:
			return check < 0 ? check : -EIO;
		}
		if (rc == -ENOTSUP) {	/* only auth-int offered */
			res->outcome = UE_NO_CHALLENGE;
			return 0;
		}
		IMS_CHECK_RC(rc);
	}
}

/*
 * TS 24.229 5.1.2A.1.1: an initial request outside a dialog goes to the
 * P-CSCF with a Route built from the Service-Route of the registration
 * (the P-CSCF's own entry is the outbound proxy we send to anyway).
 */
int
ue_reg_message(struct ue_reg *u, const char *to, const char *body,
    struct ue_resp *resp)
{
	char to_hdr[600], call_id[128], rnd[33];
	struct ue_req q;

	IMS_CHECK_RC(ue_random_hex(rnd, 16));
	snprintf(call_id, sizeof(call_id), "%s@%s", rnd,
	    ue_sip_local_host(u->sip));
	snprintf(to_hdr, sizeof(to_hdr), "<%s>", to);
	memset(&q, 0, sizeof(q));
	q.method = "MESSAGE";
	q.request_uri = to;
	q.call_id = call_id;
	q.cseq = 1;
	q.from = u->from;
	q.to = to_hdr;
	q.expires = -1;
	q.route = u->service_route[0] != '\0' ? u->service_route : NULL;
	q.content_type = "text/plain";
	q.body = body;
	return ue_sip_request(u->sip, &q, u->conf->timeout_ms, resp);
}
