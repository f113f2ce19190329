/* seg_ikerekey_pl.c - the SA payload of an IKE SA rekey (RFC 7296 1.3.2,
 * 3.3.1: protocol IKE, SPI Size 8, the sender's new IKE SPI), pure: built
 * and recognised here, used by seg_ikerekey.c.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "seg.h"

void
seg_spi64_put(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

uint64_t
seg_spi64_get(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int
seg_ikerekey_offer(const struct ike_proposal *props, size_t n, uint64_t spi,
    struct ike_sa_pl *sap)
{
	size_t i;

	IMS_CHECK_PARAMS(n > 0 && n <= IKE_MAX_PROPOSALS && spi != 0);
	memset(sap, 0, sizeof(*sap));
	for (i = 0; i < n; i++) {
		sap->prop[i] = props[i];
		sap->prop[i].num = (uint8_t)(i + 1);
		sap->prop[i].proto = IKE_PROTO_IKE;
		sap->prop[i].spi_size = 8;
		seg_spi64_put(sap->prop[i].spi, spi);
	}
	sap->nprop = n;
	return 0;
}

int
seg_ikerekey_is_ike(const struct ike_msg *m)
{
	const struct ike_pl *pl;
	struct ike_sa_pl sap;
	size_t it = 0;

	return (pl = ike_msg_find(m, IKE_PL_SA, &it)) != NULL &&
	    ike_sa_parse(pl->body, pl->len, &sap) == 0 && sap.nprop > 0 &&
	    sap.prop[0].proto == IKE_PROTO_IKE;
}
