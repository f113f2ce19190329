/* ike.h - IKEv2 numbers (RFC 7296 3, IANA "IKEv2 Parameters") and the
 * TS 33.210 profile the seg implements.  Shared by the message codec
 * (ike_msg.h), the crypto (ike_crypto.h) and the seg.
 */
#ifndef IMS_IKE_H
#define IMS_IKE_H

#include <stdint.h>

#define IKE_PORT		500
#define IKE_NATT_PORT		4500
#define IKE_HDR_LEN		28	/* RFC 7296 3.1 */
#define IKE_PL_HDR_LEN		4	/* RFC 7296 3.2 generic payload header */
#define IKE_VERSION		0x20	/* major 2, minor 0 */
#define IKE_MSG_MAX		65535	/* the Length field's range */

/* 3.1 Exchange Type */
enum ike_exchange {
	IKE_SA_INIT = 34,
	IKE_AUTH = 35,
	IKE_CREATE_CHILD_SA = 36,
	IKE_INFORMATIONAL = 37,
};

/* 3.1 Flags */
#define IKE_FLAG_I		0x08	/* sent by the original initiator */
#define IKE_FLAG_V		0x10
#define IKE_FLAG_R		0x20	/* a response */

/* 3.2 Next Payload */
enum ike_pl_type {
	IKE_PL_NONE = 0,
	IKE_PL_SA = 33,
	IKE_PL_KE = 34,
	IKE_PL_IDI = 35,
	IKE_PL_IDR = 36,
	IKE_PL_CERT = 37,
	IKE_PL_CERTREQ = 38,
	IKE_PL_AUTH = 39,
	IKE_PL_NONCE = 40,
	IKE_PL_NOTIFY = 41,
	IKE_PL_DELETE = 42,
	IKE_PL_VENDOR = 43,
	IKE_PL_TSI = 44,
	IKE_PL_TSR = 45,
	IKE_PL_SK = 46,
	IKE_PL_CP = 47,
	IKE_PL_EAP = 48,
	IKE_PL_SKF = 53,	/* RFC 7383 */
};
#define IKE_PL_CRITICAL		0x80	/* 3.2 the C bit */

/* 3.3.1 Protocol ID */
enum ike_proto { IKE_PROTO_IKE = 1, IKE_PROTO_AH = 2, IKE_PROTO_ESP = 3 };

/* 3.3.2 Transform Type and the IDs of the TS 33.210 profile */
enum ike_tr_type {
	IKE_TR_ENCR = 1, IKE_TR_PRF = 2, IKE_TR_INTEG = 3, IKE_TR_DH = 4,
	IKE_TR_ESN = 5,
};
#define IKE_ENCR_AES_CBC	12
#define IKE_ENCR_AES_GCM_16	20	/* RFC 5282 (IKE), RFC 4106 (ESP) */
#define IKE_PRF_HMAC_SHA2_256	5	/* RFC 4868 */
#define IKE_INTEG_NONE		0
#define IKE_INTEG_HMAC_SHA2_256_128 12	/* RFC 4868 */
#define IKE_DH_NONE		0
#define IKE_DH_MODP2048		14	/* RFC 3526 */
#define IKE_DH_ECP256		19	/* RFC 5903 */
#define IKE_DH_ECP384		20
#define IKE_ESN_NO		0
#define IKE_ESN_YES		1
#define IKE_ATTR_KEYLEN		14	/* 3.3.5, TV format */

/* 3.5 ID Type */
enum ike_id_type {
	IKE_ID_IPV4 = 1, IKE_ID_FQDN = 2, IKE_ID_RFC822 = 3, IKE_ID_IPV6 = 5,
	IKE_ID_DER_ASN1_DN = 9, IKE_ID_KEY_ID = 11,
};

/* 3.6 Certificate Encoding */
#define IKE_CERT_X509_SIG	4

/* 3.8 Auth Method; RFC 7427 */
enum ike_auth_method {
	IKE_AUTH_RSA_SIG = 1, IKE_AUTH_PSK = 2, IKE_AUTH_ECDSA_256 = 9,
	IKE_AUTH_ECDSA_384 = 10, IKE_AUTH_DIGSIG = 14,
};

/* 3.13.1 TS Type */
#define IKE_TS_IPV4_RANGE	7
#define IKE_TS_IPV6_RANGE	8

/* 3.10.1 Notify Message Types: errors (< 16384) and status.  (The tag
 * ike_notify is the parsed payload's struct, ike_msg.h.) */
enum ike_notify_type {
	IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
	IKE_N_INVALID_IKE_SPI = 4,
	IKE_N_INVALID_MAJOR_VERSION = 5,
	IKE_N_INVALID_SYNTAX = 7,
	IKE_N_INVALID_MESSAGE_ID = 9,
	IKE_N_INVALID_SPI = 11,
	IKE_N_NO_PROPOSAL_CHOSEN = 14,
	IKE_N_INVALID_KE_PAYLOAD = 17,
	IKE_N_AUTHENTICATION_FAILED = 24,
	IKE_N_SINGLE_PAIR_REQUIRED = 34,
	IKE_N_NO_ADDITIONAL_SAS = 35,
	IKE_N_INTERNAL_ADDRESS_FAILURE = 36,
	IKE_N_FAILED_CP_REQUIRED = 37,
	IKE_N_TS_UNACCEPTABLE = 38,
	IKE_N_INVALID_SELECTORS = 39,
	IKE_N_TEMPORARY_FAILURE = 43,
	IKE_N_CHILD_SA_NOT_FOUND = 44,
	IKE_N_INITIAL_CONTACT = 16384,
	IKE_N_SET_WINDOW_SIZE = 16385,
	IKE_N_ADDITIONAL_TS_POSSIBLE = 16386,
	IKE_N_IPCOMP_SUPPORTED = 16387,
	IKE_N_NAT_DETECTION_SOURCE_IP = 16388,
	IKE_N_NAT_DETECTION_DESTINATION_IP = 16389,
	IKE_N_COOKIE = 16390,
	IKE_N_USE_TRANSPORT_MODE = 16391,
	IKE_N_REKEY_SA = 16393,
	IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
	IKE_N_NON_FIRST_FRAGMENTS_ALSO = 16395,
	IKE_N_IKEV2_FRAGMENTATION_SUPPORTED = 16430,	/* RFC 7383 */
	IKE_N_SIGNATURE_HASH_ALGORITHMS = 16431,	/* RFC 7427 */
};

#endif
