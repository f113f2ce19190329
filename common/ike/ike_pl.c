/* ike_pl.c - the bodies of the simple payloads, RFC 7296 3.4 (KE), 3.5
 * (ID), 3.6/3.7 (CERT, CERTREQ), 3.8 (AUTH), 3.9 (Nonce), 3.10 (Notify),
 * 3.11 (Delete): views into the payload, no copies.  See ike_msg.h.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "ike_int.h"
#include "ike_msg.h"

#define NONCE_MIN	16	/* 3.9: at least 16 octets ... */
#define NONCE_MAX	256	/* ... at most 256 */

int
ike_ke_parse(const struct ike_pl *pl, struct ike_ke *ke)
{
	IMS_CHECK_PARAMS(pl != NULL && ke != NULL);
	/* 3.4: Diffie-Hellman Group Num (2), RESERVED (2), the public
	 * value; a KE without a value is not one. */
	IKE_CHECK_SYNTAX(pl->len > 4);
	ke->group = ike_get16(pl->body);
	ke->data = pl->body + 4;
	ke->len = pl->len - 4;
	return 0;
}

int
ike_nonce_parse(const struct ike_pl *pl, const uint8_t **n, size_t *len)
{
	IMS_CHECK_PARAMS(pl != NULL && n != NULL && len != NULL);
	IKE_CHECK_SYNTAX(pl->len >= NONCE_MIN && pl->len <= NONCE_MAX);
	*n = pl->body;
	*len = pl->len;
	return 0;
}

int
ike_id_parse(const struct ike_pl *pl, struct ike_id *id)
{
	IMS_CHECK_PARAMS(pl != NULL && id != NULL);
	/* 3.5: ID Type (1), RESERVED (3), Identification Data. */
	IKE_CHECK_SYNTAX(pl->len > 4);
	id->type = pl->body[0];
	id->data = pl->body + 4;
	id->len = pl->len - 4;
	id->body = pl->body;
	id->body_len = pl->len;
	if (id->type == IKE_ID_IPV4)
		IKE_CHECK_SYNTAX(id->len == 4);
	else if (id->type == IKE_ID_IPV6)
		IKE_CHECK_SYNTAX(id->len == 16);
	return 0;
}

int
ike_auth_parse(const struct ike_pl *pl, struct ike_auth *a)
{
	IMS_CHECK_PARAMS(pl != NULL && a != NULL);
	/* 3.8: Auth Method (1), RESERVED (3), Authentication Data. */
	IKE_CHECK_SYNTAX(pl->len > 4);
	a->method = pl->body[0];
	a->data = pl->body + 4;
	a->len = pl->len - 4;
	return 0;
}

int
ike_cert_parse(const struct ike_pl *pl, struct ike_cert *c)
{
	IMS_CHECK_PARAMS(pl != NULL && c != NULL);
	/* 3.6 Cert Encoding (1), Certificate Data; 3.7 the same with
	 * Certification Authority (may be empty in a CERTREQ). */
	IKE_CHECK_SYNTAX(pl->len >= 1);
	c->encoding = pl->body[0];
	c->data = pl->body + 1;
	c->len = pl->len - 1;
	if (pl->type == IKE_PL_CERT)
		IKE_CHECK_SYNTAX(c->len > 0);
	return 0;
}

int
ike_notify_parse(const struct ike_pl *pl, struct ike_notify *n)
{
	IMS_CHECK_PARAMS(pl != NULL && n != NULL);
	/* 3.10: Protocol ID (1), SPI Size (1), Notify Message Type (2),
	 * SPI, Notification Data. */
	IKE_CHECK_SYNTAX(pl->len >= 4);
	n->proto = pl->body[0];
	n->spi_size = pl->body[1];
	n->type = ike_get16(pl->body + 2);
	IKE_CHECK_SYNTAX(pl->len - 4 >= n->spi_size);
	n->spi = n->spi_size ? pl->body + 4 : NULL;
	n->data = pl->body + 4 + n->spi_size;
	n->len = pl->len - 4 - n->spi_size;
	return 0;
}

int
ike_delete_parse(const struct ike_pl *pl, struct ike_delete *d)
{
	size_t i, num;

	IMS_CHECK_PARAMS(pl != NULL && d != NULL);
	/* 3.11: Protocol ID (1), SPI Size (1), Num of SPIs (2), SPIs.  The
	 * IKE SA: size 0 and no SPI (the header names it); AH/ESP: 4. */
	IKE_CHECK_SYNTAX(pl->len >= 4);
	d->proto = pl->body[0];
	d->spi_size = pl->body[1];
	num = ike_get16(pl->body + 2);
	d->nspi = 0;
	if (d->proto == IKE_PROTO_IKE) {
		IKE_CHECK_SYNTAX(d->spi_size == 0 && num == 0);
		IKE_CHECK_SYNTAX(pl->len == 4);
		return 0;
	}
	IKE_CHECK_SYNTAX(d->proto == IKE_PROTO_AH ||
	    d->proto == IKE_PROTO_ESP);
	IKE_CHECK_SYNTAX(d->spi_size == 4 && num > 0);
	IKE_CHECK_SYNTAX(pl->len - 4 == num * 4);
	if (num > IKE_MAX_DEL_SPIS) {
		log_debug("%s: %zu SPIs", __func__, num);
		return -E2BIG;
	}
	for (i = 0; i < num; i++)
		d->spi[i] = ike_get32(pl->body + 4 + 4 * i);
	d->nspi = num;
	return 0;
}
