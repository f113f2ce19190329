/* bsf_zn.c - the BSF's Zn server (TS 29.109 6, TS 33.220 4.5.3): a NAF
 * asks, with a Bootstrapping-Info-Request, for the key Ks_NAF of a B-TID
 * (Transaction-Identifier) and its NAF_Id (NAF-Id: the NAF's FQDN || the
 * 5-octet Ua security protocol identifier, TS 33.220 Annex H).
 *
 * Authorisation, in this order:
 *   1. the peer: dia_server already checked that the request comes from a
 *      configured Zn peer whose Origin-Host is that peer.  The peer may ask
 *      for the NAF FQDN equal to its own Diameter identity, or for an FQDN
 *      a naf-peer entry (FQDN@IDENTITY) gives it; anything else is
 *      GBA_ERROR_NOT_AUTHORIZED (5402).  So a NAF peer can never obtain
 *      the Ks_NAF of another NAF, whatever NAF-Id it sends (the NAF_Id
 *      enters the KDF: the key is bound to the FQDN asked for);
 *   2. the B-TID: unknown or expired is
 *      GBA_ERROR_TRANSACTION_IDENTIFIER_INVALID (5403);
 *   3. the subscriber: the NAF's group (naf-group, else "default") must
 *      have a USS in the subscriber's GUSS (guss_uss_for), else 5402;
 *      without a GUSS, 5402 with guss-required, else allowed without USS.
 * Success: User-Name (IMPI), ME-Key-Material = Ks_NAF (GBA_ME, TS 33.220
 * B.3), Key-ExpiryTime, BootstrapInfoCreationTime, GBA-Type 3G and
 * GBA-UserSecSettings = the GUSS with only that USS.
 *
 * Runs on freeDiameter threads: the store under its mutex, the settings
 * read-only.
 *
 * Which peers may send BIRs: zn_register takes them from accepted peers
 * only, and dia_conf refuses diameter.accept with diameter.connect, while
 * a BSF connects to its HSS (Zh).  So the handler is registered here for
 * both kinds (dia_register, DIA_PEER_ACCEPT | DIA_PEER_CONNECT): with
 * today's dia_conf the BSF connects to the HSS and to its NAFs (which
 * accept it) and they send BIRs over that connection; should dia_conf
 * allow a node both, the NAFs may connect to the BSF.  Rule 1 keeps the
 * HSS (a connect peer) from asking for any key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bsf.h"
#include "check.h"
#include "dia_conf.h"
#include "guss.h"
#include "kdf.h"
#include "log.h"
#include "strbuf.h"
#include "util.h"

#define NAF_UA_ID_LEN	5	/* TS 33.220 Annex H */
#define ZN_USS_MAX	GUSS_XML_MAX

const char *
bsf_naf_group(const struct bsf_conf *c, const char *fqdn, size_t len)
{
	size_t i;

	for (i = 0; i < c->naf_group.n; i++) {
		const char *e = c->naf_group.v[i], *eq = strchr(e, '=');

		if (eq != NULL && (size_t)(eq - e) == len &&
		    strncasecmp(e, fqdn, len) == 0)
			return eq + 1;
	}
	return "default";
}

/* Rule 1 above. */
static int
peer_may_ask(const struct bsf_conf *c, const char *peer, const char *fqdn)
{
	size_t i, n = strlen(fqdn);

	if (strcasecmp(peer, fqdn) == 0)
		return 1;
	for (i = 0; i < c->naf_peer.n; i++) {
		const char *e = c->naf_peer.v[i], *at = strchr(e, '@');

		if (at != NULL && (size_t)(at - e) == n &&
		    strncasecmp(e, fqdn, n) == 0 && strcasecmp(at + 1, peer) == 0)
			return 1;
	}
	return 0;
}

/* Rule 3: the USS for the NAF into uss (NUL-terminated, "" without a
 * GUSS); 0, or 1 when the NAF is not authorised. */
static int
zn_uss(const struct bsf_conf *c, const char *guss_xml, const char *fqdn,
    char *uss, size_t size)
{
	struct gba_guss *g;
	const struct gba_uss *u;
	struct strbuf sb;
	const char *group = bsf_naf_group(c, fqdn, strlen(fqdn));
	char why[128];
	int rc = 1;

	uss[0] = '\0';
	if (guss_xml == NULL)
		return c->guss_required ? 1 : 0;
	IMS_CHECK_MALLOC(g = calloc(1, sizeof(*g)));
	if (guss_parse(guss_xml, strlen(guss_xml), g, why, sizeof(why)) < 0)
		log_warn("bsf: Zn: the stored GUSS does not parse: %s", why);
	else if ((u = guss_uss_for(g, group)) == NULL)
		log_info("bsf: Zn: no USS for NAF group %s (%s)", group, fqdn);
	else {
		strbuf_init(&sb, uss, size);
		if (guss_format_uss(u, &sb) < 0 || strbuf_status(&sb) < 0) {
			log_err("bsf: Zn: cannot format the USS");
			rc = -EIO;
		} else
			rc = 0;
	}
	free(g);
	return rc;
}

static int
zn_bir(struct msg *req, struct msg *ans, void *arg)
{
	struct bsf *b = arg;
	const struct bsf_conf *c = b->conf;
	uint8_t naf_id[GBA_NAF_ID_MAX];
	size_t len, naf_len;
	char btid[BSF_BTID_MAX], fqdn[256], peer[256];
	struct bsf_boot bt;
	uint8_t ks_naf[KDF_OUT_LEN];
	char *uss = NULL;
	int rc;

	if ((rc = dia_get_os(req, DIA_AVP_TRANSACTION_IDENTIFIER,
	    (uint8_t *)btid, sizeof(btid) - 1, &len)) == -ENOENT)
		return dia_set_missing(ans, DIA_AVP_TRANSACTION_IDENTIFIER);
	if (rc < 0 || len == 0 || memchr(btid, '\0', len) != NULL)
		return dia_add_exp_result(ans,
		    GBA_ERROR_TRANSACTION_IDENTIFIER_INVALID);
	btid[len] = '\0';
	if ((rc = dia_get_os(req, DIA_AVP_NAF_ID, naf_id, sizeof(naf_id),
	    &naf_len)) == -ENOENT)
		return dia_set_missing(ans, DIA_AVP_NAF_ID);
	if (rc < 0 || naf_len <= NAF_UA_ID_LEN ||
	    naf_len - NAF_UA_ID_LEN >= sizeof(fqdn))
		return dia_set_error(ans, DIA_INVALID_AVP_VALUE,
		    "NAF-Id is FQDN || Ua security protocol identifier");
	memcpy(fqdn, naf_id, naf_len - NAF_UA_ID_LEN);
	fqdn[naf_len - NAF_UA_ID_LEN] = '\0';
	if (memchr(naf_id, '\0', naf_len - NAF_UA_ID_LEN) != NULL ||
	    conf_name_check(fqdn, 0) < 0)
		return dia_set_error(ans, DIA_INVALID_AVP_VALUE,
		    "NAF-Id does not start with an FQDN");
	IMS_CHECK_RC(dia_msg_peer(req, peer, sizeof(peer)));
	if (!peer_may_ask(c, peer, fqdn)) {
		log_sec(LOG_LVL_WARN, 6, NULL, peer, "bsf: Zn: may not ask "
		    "for NAF %s (naf-peer)", fqdn);
		return dia_add_exp_result(ans, GBA_ERROR_NOT_AUTHORIZED);
	}
	if ((rc = bsf_store_get(b->store, btid, (int64_t)time(NULL),
	    &bt)) == -ENOENT) {
		log_sec(LOG_LVL_INFO, 6, NULL, peer, "bsf: Zn: unknown or "
		    "expired B-TID %s", btid);
		return dia_add_exp_result(ans,
		    GBA_ERROR_TRANSACTION_IDENTIFIER_INVALID);
	}
	IMS_CHECK_RC(rc);
	if ((uss = malloc(ZN_USS_MAX)) == NULL) {
		bsf_boot_clear(&bt);
		return -ENOMEM;
	}
	if ((rc = zn_uss(c, bt.guss, fqdn, uss, ZN_USS_MAX)) != 0) {
		bsf_boot_clear(&bt);
		free(uss);
		if (rc < 0)
			return rc;
		log_sec(LOG_LVL_WARN, 6, bt.impi, peer, "bsf: Zn: NAF %s not "
		    "authorised by the GUSS", fqdn);
		return dia_add_exp_result(ans, GBA_ERROR_NOT_AUTHORIZED);
	}
	/* TS 33.220 B.3: Ks_NAF = KDF(Ks, "gba-me", RAND, IMPI, NAF_Id). */
	if ((rc = kdf_ks_naf(bt.ks, bt.ks + 16, bt.rand, bt.impi, naf_id,
	    naf_len, ks_naf)) == 0 &&
	    (rc = dia_set_error(ans, DIA_SUCCESS, NULL)) == 0 &&
	    (rc = dia_add_str(ans, DIA_AVP_USER_NAME, bt.impi)) == 0 &&
	    (rc = dia_add_os(ans, DIA_AVP_ME_KEY_MATERIAL, ks_naf,
	    sizeof(ks_naf))) == 0 &&
	    (rc = dia_add_time(ans, DIA_AVP_KEY_EXPIRYTIME,
	    bt.expires)) == 0 &&
	    (rc = dia_add_time(ans, DIA_AVP_BOOTSTRAPINFOCREATIONTIME,
	    bt.created)) == 0 &&
	    (rc = dia_add_u32(ans, DIA_AVP_GBA_TYPE, GBA_TYPE_3G)) == 0 &&
	    uss[0] != '\0')
		rc = dia_add_os(ans, DIA_AVP_GBA_USERSECSETTINGS,
		    (const uint8_t *)uss, strlen(uss));
	if (rc == 0) {
		log_sec(LOG_LVL_INFO, 6, bt.impi, peer, "bsf: Zn: Ks_NAF of %s "
		    "for NAF %s", btid, fqdn);
		if (log_keys_allowed()) {
			char x[2 * KDF_OUT_LEN + 1];

			hex_encode(ks_naf, sizeof(ks_naf), x);
			log_debug("bsf: Zn: Ks_NAF %s", x);
			secure_wipe(x, sizeof(x));
		}
	}
	secure_wipe(ks_naf, sizeof(ks_naf));
	bsf_boot_clear(&bt);
	free(uss);
	return rc;
}

int
bsf_zn_init(struct bsf *b)
{
	/* zn_register would take accepted peers only (see above). */
	return dia_register(gba_app(DIA_APP_ZN), DIA_APP_ZN, ZN_CMD_BIR,
	    gba_cmd(DIA_APP_ZN, ZN_CMD_BIR, 1), DIA_PEER_ACCEPT |
	    DIA_PEER_CONNECT, zn_bir, b);
}
