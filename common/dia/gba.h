/* gba.h - the GBA Diameter applications of TS 29.109: Zh (BSF <-> HSS,
 * Application-Id 16777221) and Zn (NAF <-> BSF, Application-Id 16777220),
 * vendor 10415.  Dictionary in gba_dict.c, clients in zh_client.c and
 * zn_client.c; the servers use dia_register through zh_register and
 * zn_register.
 *
 * Threads and error idiom as in dia.h: callbacks run on freeDiameter
 * threads, 0 or a negative errno.
 */
#ifndef IMS_GBA_H
#define IMS_GBA_H

#include <stddef.h>
#include <stdint.h>

#include "dia.h"

#define DIA_APP_ZN		16777220	/* TS 29.109 6.1 */
#define DIA_APP_ZH		16777221	/* TS 29.109 5.1 */

/* Command codes, TS 29.109 5.1.1 / 6.1.1 (Zh reuses Cx's MAR code). */
#define ZH_CMD_MAR		303	/* Multimedia-Auth-Request/Answer */
#define ZN_CMD_BIR		310	/* Bootstrapping-Info-Request/Answer */

/* Result codes, TS 29.109 7 (Experimental-Result, vendor 10415). */
#define GBA_ERROR_IMPI_UNKNOWN			5401
#define GBA_ERROR_NOT_AUTHORIZED		5402
#define GBA_ERROR_TRANSACTION_IDENTIFIER_INVALID 5403

/* GBA-Type, TS 29.109 6.3.13. */
#define GBA_TYPE_3G		0
#define GBA_TYPE_2G		1

#define GBA_STR_MAX		256
#define GBA_NAF_ID_MAX		258	/* FQDN (255) || Ua protocol id (5) */

/* ---- dictionary (gba_dict.c) ---- */

/* The Zh and Zn applications and their commands, each searched first and
 * defined only when missing (the GBA AVPs of TS 29.109 6.3, 400..418, are
 * enum dia_avp's, defined by dia_init; Time AVPs: dia_add_time);
 * `which` says which applications are advertised in CER/CEA (a bsf
 * advertises both, an HSS Zh, a NAF Zn).  Call after dia_init (and after
 * cx_dict_init when the daemon also does Cx) and before dia_start. */
#define GBA_ADV_ZH	0x1
#define GBA_ADV_ZN	0x2
int	gba_dict_init(unsigned which);
struct dict_object *gba_app(uint32_t app_id);
struct dict_object *gba_cmd(uint32_t app_id, uint32_t code, int request);

/* ---- Zh (TS 29.109 5) ---- */

/* Server side: dia_register for Zh MAR, from peers we accept (a BSF). */
int	zh_register(dia_handler, void *arg);

struct zh_req {
	const char	*dest_realm;	/* required */
	const char	*dest_host;	/* optional */
	const char	*impi;		/* User-Name */
	const uint8_t	*sip_authorization; /* resync: RAND || AUTS, or NULL */
	size_t		 sip_authorization_len;
	int64_t		 guss_timestamp; /* GUSS-Timestamp (Unix), 0: none */
	unsigned	 timeout_ms;	/* 0: 5000 */
	const char	*impu;		/* Public-Identity, or NULL; with impi
					 * NULL the HSS answers for its IMPI
					 * (TS 29.109 5.2.2.1) */
};

struct zh_answer {
	int		 status;	/* 0: answer parsed; -ETIMEDOUT; -EIO */
	uint32_t	 result_code;
	uint32_t	 exp_result_code;
	char		 user_name[GBA_STR_MAX];
	char		 error_message[GBA_STR_MAX];
	int		 has_vector;
	uint8_t		 rand[16], autn[16];
	uint8_t		 xres[16];
	size_t		 xres_len;
	uint8_t		 ck[16], ik[16];
	char		*guss;		/* GBA-UserSecSettings XML (malloc'd,
					 * NUL-terminated) or NULL */
	size_t		 guss_len;
};
typedef void (*zh_answer_cb)(void *arg, struct zh_answer *);
int	zh_mar_send(const struct zh_req *, zh_answer_cb, void *arg);
/* Wipes the keys, frees the GUSS and the answer. */
void	zh_answer_free(struct zh_answer *);

/* ---- Zn (TS 29.109 6) ---- */

/* Server side: dia_register for Zn BIR, from peers we accept (a NAF). */
int	zn_register(dia_handler, void *arg);

struct zn_req {
	const char	*dest_realm;	/* required */
	const char	*dest_host;	/* optional */
	const char	*btid;		/* Transaction-Identifier */
	const uint8_t	*naf_id;	/* NAF-Id: FQDN || Ua protocol id */
	size_t		 naf_id_len;
	const char	*gsid;		/* GAA-Service-Identifier, optional */
	unsigned	 timeout_ms;
};

struct zn_answer {
	int		 status;	/* 0: answer parsed; -ETIMEDOUT; -EIO */
	uint32_t	 result_code;
	uint32_t	 exp_result_code;
	char		 user_name[GBA_STR_MAX];	/* IMPI */
	char		 error_message[GBA_STR_MAX];
	int		 has_key;
	uint8_t		 ks_naf[32];	/* ME-Key-Material */
	int64_t		 key_expiry;	/* Key-ExpiryTime, Unix time */
	int64_t		 created;	/* BootstrapInfoCreationTime, Unix */
	uint32_t	 gba_type;
	char		*uss;		/* GBA-UserSecSettings (the USS for this
					 * NAF; malloc'd) or NULL */
	size_t		 uss_len;
};
typedef void (*zn_answer_cb)(void *arg, struct zn_answer *);
int	zn_bir_send(const struct zn_req *, zn_answer_cb, void *arg);
void	zn_answer_free(struct zn_answer *);

/* Diameter Time (RFC 6733 4.3.1: seconds since 1900, NTP) <-> Unix. */
#define GBA_NTP_OFFSET	2208988800LL

#endif
