/* ue_gba.h - ims-ue's GBA side (TS 33.220, TS 24.109): bootstrapping over
 * Ub and requests over Ut authenticated with the NAF key.
 *
 *	ue_gba.c	Ub (TS 24.109 4.4): AKA challenge, USIM check with
 *			the SQN state file, auts, auth-int, rspauth, the
 *			bsf+xml body, Ks_NAF (TS 33.220 4.5.2, Annex B)
 *	ue_ut.c		Ut (TS 24.109 5.2, TS 33.222 5.3): HTTP Digest MD5
 *			with username B-TID and password base64(Ks_NAF)
 * Both are also linked into bench/gba_bench.
 */
#ifndef IMS_UE_GBA_H
#define IMS_UE_GBA_H

#include <stddef.h>
#include <stdint.h>

#include "bsfxml.h"
#include "kdf.h"
#include "ue_http.h"

struct ue_gba_conf {
	const char	*impi;
	uint8_t		 k[16];
	uint8_t		 opc[16];
	const char	*bsf_url;
	const char	*realm;		/* first request's realm, NULL: the
					 * URL's host (TS 24.109 4.4.3) */
	const char	*naf_fqdn;
	const char	*cacert;	/* NULL: the system's CAs */
	const char	*state_path;	/* USIM SQN state, NULL: fresh */
	int		 amf_sep;	/* -1 any */
	unsigned	 timeout_ms;
};

struct ue_gba_result {
	int		 status;	/* the last HTTP status, 0 none */
	int		 resync;	/* an auts was sent */
	char		 btid[BSFXML_BTID_MAX];
	char		 lifetime[BSFXML_LIFETIME_MAX];	/* as the BSF sent it */
	int64_t		 expiry;	/* the same, Unix time */
	uint8_t		 rand[16], res[8], ck[16], ik[16];
	uint8_t		 naf_id[KDF_NAF_ID_MAX];
	size_t		 naf_id_len;
	uint8_t		 ks_naf[KDF_OUT_LEN];
	char		 why[320];	/* the failure, one line */
};

/* 0 bootstrapped; -1 failed (r->why), with r->status the HTTP status of
 * a refusal. */
int	ue_gba_bootstrap(const struct ue_gba_conf *, struct ue_gba_result *);
void	ue_gba_result_wipe(struct ue_gba_result *);

struct ue_ut_conf {
	const char	*method;	/* GET, PUT, DELETE */
	const char	*path;		/* origin-form of the URL */
	const char	*btid;
	const char	*ks_naf_b64;	/* the Digest password itself */
	const char	*identity;	/* X-3GPP-Intended-Identity, or NULL */
	const char	*if_match;	/* or NULL */
	const char	*content_type;	/* or NULL */
	const uint8_t	*body;
	size_t		 body_len;
};

/* One Ut request over h: sent without credentials, answered once on a
 * 401 from a 3GPP-bootstrapping realm, the final response's rspauth
 * checked when present.  0 with resp set (any status), or -1 (why). */
int	ue_ut_request(struct ue_http *h, const struct ue_ut_conf *,
	    struct ue_http_resp *resp, char *why, size_t whysz);

/* The command lines (main.c hands over argv after the command). */
int	ue_gba_main(int argc, char **argv);
int	ue_ut_main(int argc, char **argv);

#endif
