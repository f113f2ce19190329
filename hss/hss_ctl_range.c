/* hss_ctl_range.c - hss-ctl add-range: many subscribers of one pattern at
 * once, for labs and benchmarks (bench/reg-vs-kamailio.sh provisions tens
 * of thousands): IMPI PREFIXi@DOMAIN, IMPU sip:PREFIXi@DOMAIN, for i in
 * [first, first + count), all with the same K and OP (OPc computed once).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "aka.h"
#include "hss_ctl.h"
#include "milenage.h"
#include "util.h"

int
cmd_add_range(struct hss_db *db, int argc, char **argv)
{
	struct opts o;
	struct hss_sub s;
	char impu[HSS_ID_MAX];
	const char *impus[1] = { impu }, *prefix, *domain;
	uint8_t op[16];
	unsigned first, count, i;
	int rc;

	opts_parse(&o, "add-range", argc, argv,
	    "prefix first count domain k op opc amf");
	prefix = opts_need(&o, "prefix");
	domain = opts_need(&o, "domain");
	if (strpbrk(prefix, " \t\r\n<>\"@:;") != NULL ||
	    strpbrk(domain, " \t\r\n<>\"@:;") != NULL ||
	    strlen(prefix) + strlen(domain) + 16 >= HSS_ID_MAX)
		die(2, "add-range: invalid --prefix or --domain");
	first = opts_uint(&o, "first", 1, 0, 1000000000u, NULL);
	count = opts_uint(&o, "count", 1, 1, 10000000u, NULL);
	memset(&s, 0, sizeof(s));
	opts_hex(&o, "k", s.k, 16);
	if (opts_one_of(&o, "op", "opc") == 0) {
		opts_hex(&o, "op", op, 16);
		rc = milenage_opc(s.k, op, s.opc);
		secure_wipe(op, sizeof(op));
		if (rc < 0)
			die(2, "add-range: cannot compute OPc");
	} else
		opts_hex(&o, "opc", s.opc, 16);
	if (opts_get(&o, "amf") != NULL)
		opts_hex(&o, "amf", s.amf, 2);
	s.ind_bits = AKA_IND_BITS_DEFAULT;
	(void)snprintf(s.visited, sizeof(s.visited), "*");
	for (i = 0, rc = 0; i < count && rc == 0; i++) {
		(void)snprintf(s.impi, sizeof(s.impi), "%s%u@%s", prefix,
		    first + i, domain);
		if (snprintf(impu, sizeof(impu), "sip:%.*s",
		    (int)(sizeof(impu) - 5), s.impi) >= (int)sizeof(impu))
			die(2, "add-range: identity too long");
		rc = hss_db_sub_add(db, &s, impus, 1, NULL);
	}
	secure_wipe(&s, sizeof(s));
	if (rc < 0)
		die(1, "add-range: %s%u@%s: %s", prefix, first + i - 1, domain,
		    rc == -EEXIST ? "IMPI or IMPU already exists" :
		    strerror(-rc));
	printf("added=%u\n", count);
	return 0;
}
