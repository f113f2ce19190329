/* ike_msg.c - the IKE header (RFC 7296 3.1), the chain of generic payload
 * headers (3.2), look-ups in a parsed message and names for logs.
 * See ike_msg.h.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "ike_int.h"
#include "ike_msg.h"

int
ike_hdr_parse(const uint8_t *buf, size_t len, struct ike_hdr *h)
{
	IMS_CHECK_PARAMS(buf != NULL || len == 0);
	IMS_CHECK_PARAMS(h != NULL);
	IKE_CHECK_SYNTAX(len >= IKE_HDR_LEN);
	h->spi_i = ike_get64(buf);
	h->spi_r = ike_get64(buf + 8);
	h->next = buf[16];
	h->version = buf[17];
	h->exchange = buf[18];
	h->flags = buf[19];
	h->msgid = ike_get32(buf + 20);
	h->length = ike_get32(buf + 24);
	/* 2.5: a major version we do not speak is refused before anything
	 * else is read; the minor version is ignored. */
	if ((h->version >> 4) != (IKE_VERSION >> 4)) {
		log_debug("%s: major version %u", __func__, h->version >> 4);
		return -EPROTONOSUPPORT;
	}
	IKE_CHECK_SYNTAX(h->length >= IKE_HDR_LEN);
	IKE_CHECK_SYNTAX(h->length <= len);
	return 0;
}

/* 2.5 and 3.2: the payload types this codec knows; an unknown one with
 * the critical bit refuses the message. */
static int
pl_known(uint8_t type)
{
	return (type >= IKE_PL_SA && type <= IKE_PL_EAP) ||
	    type == IKE_PL_SKF;
}

/* The chain from type first over [buf, buf + len): every generic header
 * within the bytes, Payload Length >= 4, the last one ending exactly at
 * len; SK/SKF only as the last (its Next Payload is the inner type) and
 * only when sk_ok. */
static int
chain_parse(uint8_t first, const uint8_t *buf, size_t len, struct ike_msg *m,
    int sk_ok)
{
	uint8_t type = first, next;
	size_t off = 0, plen;
	int unsupported = 0;

	while (type != IKE_PL_NONE) {
		IKE_CHECK_SYNTAX(len - off >= IKE_PL_HDR_LEN);
		next = buf[off];
		plen = ike_get16(buf + off + 2);
		IKE_CHECK_SYNTAX(plen >= IKE_PL_HDR_LEN);
		IKE_CHECK_SYNTAX(plen <= len - off);
		if (m->npl >= IKE_MAX_PAYLOADS) {
			log_debug("%s: more than %d payloads", __func__,
			    IKE_MAX_PAYLOADS);
			return -E2BIG;
		}
		m->pl[m->npl] = (struct ike_pl){
			.type = type,
			.critical = (buf[off + 1] & IKE_PL_CRITICAL) != 0,
			.body = buf + off + IKE_PL_HDR_LEN,
			.len = plen - IKE_PL_HDR_LEN,
		};
		m->npl++;
		if (!pl_known(type) && (buf[off + 1] & IKE_PL_CRITICAL) &&
		    !unsupported) {
			unsupported = 1;
			m->unsupported = type;
		}
		off += plen;
		if (type == IKE_PL_SK || type == IKE_PL_SKF) {
			/* 3.14: the SK payload is the last one; what follows
			 * its header is the encrypted chain. */
			IKE_CHECK_SYNTAX(sk_ok);
			IKE_CHECK_SYNTAX(off == len);
			return unsupported ? -ENOTSUP : 0;
		}
		type = next;
	}
	IKE_CHECK_SYNTAX(off == len);
	if (unsupported) {
		log_debug("%s: unsupported critical payload %u", __func__,
		    m->unsupported);
		return -ENOTSUP;
	}
	return 0;
}

int
ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg *m)
{
	IMS_CHECK_PARAMS(m != NULL);
	m->npl = 0;
	m->unsupported = 0;
	m->buf = buf;
	m->len = 0;
	IMS_CHECK_RC(ike_hdr_parse(buf, len, &m->hdr));
	/* Bytes after Length (a padded datagram) are not the message's. */
	m->len = m->hdr.length;
	return chain_parse(m->hdr.next, buf + IKE_HDR_LEN,
	    m->len - IKE_HDR_LEN, m, 1);
}

int
ike_pl_chain_parse(uint8_t first, const uint8_t *buf, size_t len,
    struct ike_msg *m)
{
	IMS_CHECK_PARAMS(m != NULL);
	IMS_CHECK_PARAMS(buf != NULL || len == 0);
	m->unsupported = 0;
	/* An SK inside the plaintext of an SK is not IKEv2. */
	return chain_parse(first, buf, len, m, 0);
}

uint8_t
ike_sk_inner_type(const struct ike_msg *m, size_t i)
{
	const struct ike_pl *pl;

	if (m == NULL || i >= m->npl)
		return IKE_PL_NONE;
	pl = &m->pl[i];
	if (pl->type != IKE_PL_SK && pl->type != IKE_PL_SKF)
		return IKE_PL_NONE;
	/* The body follows its generic header, which the parser saw. */
	return pl->body[-IKE_PL_HDR_LEN];
}

const struct ike_pl *
ike_msg_find(const struct ike_msg *m, uint8_t type, size_t *iter)
{
	size_t i;

	if (m == NULL || iter == NULL)
		return NULL;
	for (i = *iter; i < m->npl; i++)
		if (m->pl[i].type == type) {
			*iter = i + 1;
			return &m->pl[i];
		}
	*iter = m->npl;
	return NULL;
}

int
ike_msg_notify(const struct ike_msg *m, uint16_t type, struct ike_notify *n)
{
	const struct ike_pl *pl;
	size_t it = 0;

	IMS_CHECK_PARAMS(m != NULL && n != NULL);
	while ((pl = ike_msg_find(m, IKE_PL_NOTIFY, &it)) != NULL)
		if (ike_notify_parse(pl, n) == 0 && n->type == type)
			return 0;
	return -ENOENT;
}

const char *
ike_pl_name(uint8_t type)
{
	static const char *const names[] = {
		[IKE_PL_NONE] = "NONE", [IKE_PL_SA] = "SA", [IKE_PL_KE] = "KE",
		[IKE_PL_IDI] = "IDi", [IKE_PL_IDR] = "IDr",
		[IKE_PL_CERT] = "CERT", [IKE_PL_CERTREQ] = "CERTREQ",
		[IKE_PL_AUTH] = "AUTH", [IKE_PL_NONCE] = "Nonce",
		[IKE_PL_NOTIFY] = "N", [IKE_PL_DELETE] = "D",
		[IKE_PL_VENDOR] = "V", [IKE_PL_TSI] = "TSi",
		[IKE_PL_TSR] = "TSr", [IKE_PL_SK] = "SK", [IKE_PL_CP] = "CP",
		[IKE_PL_EAP] = "EAP", [IKE_PL_SKF] = "SKF",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type] != NULL)
		return names[type];
	return "?";
}

const char *
ike_notify_name(uint16_t type)
{
	static const struct { uint16_t type; const char *name; } names[] = {
		{ IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD,
		    "UNSUPPORTED_CRITICAL_PAYLOAD" },
		{ IKE_N_INVALID_IKE_SPI, "INVALID_IKE_SPI" },
		{ IKE_N_INVALID_MAJOR_VERSION, "INVALID_MAJOR_VERSION" },
		{ IKE_N_INVALID_SYNTAX, "INVALID_SYNTAX" },
		{ IKE_N_INVALID_MESSAGE_ID, "INVALID_MESSAGE_ID" },
		{ IKE_N_INVALID_SPI, "INVALID_SPI" },
		{ IKE_N_NO_PROPOSAL_CHOSEN, "NO_PROPOSAL_CHOSEN" },
		{ IKE_N_INVALID_KE_PAYLOAD, "INVALID_KE_PAYLOAD" },
		{ IKE_N_AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED" },
		{ IKE_N_SINGLE_PAIR_REQUIRED, "SINGLE_PAIR_REQUIRED" },
		{ IKE_N_NO_ADDITIONAL_SAS, "NO_ADDITIONAL_SAS" },
		{ IKE_N_INTERNAL_ADDRESS_FAILURE, "INTERNAL_ADDRESS_FAILURE" },
		{ IKE_N_FAILED_CP_REQUIRED, "FAILED_CP_REQUIRED" },
		{ IKE_N_TS_UNACCEPTABLE, "TS_UNACCEPTABLE" },
		{ IKE_N_INVALID_SELECTORS, "INVALID_SELECTORS" },
		{ IKE_N_TEMPORARY_FAILURE, "TEMPORARY_FAILURE" },
		{ IKE_N_CHILD_SA_NOT_FOUND, "CHILD_SA_NOT_FOUND" },
		{ IKE_N_INITIAL_CONTACT, "INITIAL_CONTACT" },
		{ IKE_N_SET_WINDOW_SIZE, "SET_WINDOW_SIZE" },
		{ IKE_N_ADDITIONAL_TS_POSSIBLE, "ADDITIONAL_TS_POSSIBLE" },
		{ IKE_N_IPCOMP_SUPPORTED, "IPCOMP_SUPPORTED" },
		{ IKE_N_NAT_DETECTION_SOURCE_IP, "NAT_DETECTION_SOURCE_IP" },
		{ IKE_N_NAT_DETECTION_DESTINATION_IP,
		    "NAT_DETECTION_DESTINATION_IP" },
		{ IKE_N_COOKIE, "COOKIE" },
		{ IKE_N_USE_TRANSPORT_MODE, "USE_TRANSPORT_MODE" },
		{ IKE_N_REKEY_SA, "REKEY_SA" },
		{ IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED,
		    "ESP_TFC_PADDING_NOT_SUPPORTED" },
		{ IKE_N_NON_FIRST_FRAGMENTS_ALSO, "NON_FIRST_FRAGMENTS_ALSO" },
		{ IKE_N_IKEV2_FRAGMENTATION_SUPPORTED,
		    "IKEV2_FRAGMENTATION_SUPPORTED" },
		{ IKE_N_SIGNATURE_HASH_ALGORITHMS,
		    "SIGNATURE_HASH_ALGORITHMS" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type)
			return names[i].name;
	return "?";
}
