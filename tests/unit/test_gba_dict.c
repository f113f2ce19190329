/* test_gba_dict.c - the GBA Diameter layer without a network, freeDiameter
 * initialised but not started:
 *
 * - the GBA AVPs of TS 29.109 6.3 have their codes, the 3GPP vendor, the
 *   V and M bits (GUSS-Timestamp without M) and their base types;
 * - Zh and Zn exist with their commands; Zh's MAR is Cx's MAR object (one
 *   command code, TS 29.109 7.3), whichever of cx_dict_init and
 *   gba_dict_init comes first;
 * - Time AVPs (RFC 6733 4.3.1) on the wire as NTP seconds, both eras.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "dia_fd.h"
#include "conf.h"
#include "cx.h"
#include "dia.h"
#include "dia_conf.h"
#include "gba.h"
#include "log.h"
#include "t.h"

#define REALM	"unit.test"

static struct dia_conf dia;
static const struct conf_table tables[] = {
	{ "Diameter", dia_conf_keys, &dia, sizeof(dia) },
};

static void
test_avps(void)
{
	static const struct {
		enum dia_avp	 id;
		uint32_t	 code;
		enum dict_avp_basetype type;
		int		 m;
	} want[] = {
		{ DIA_AVP_GBA_USERSECSETTINGS, 400, AVP_TYPE_OCTETSTRING, 1 },
		{ DIA_AVP_TRANSACTION_IDENTIFIER, 401, AVP_TYPE_OCTETSTRING, 1 },
		{ DIA_AVP_NAF_ID, 402, AVP_TYPE_OCTETSTRING, 1 },
		{ DIA_AVP_GAA_SERVICE_IDENTIFIER, 403, AVP_TYPE_OCTETSTRING, 1 },
		{ DIA_AVP_KEY_EXPIRYTIME, 404, AVP_TYPE_OCTETSTRING, 1 },
		{ DIA_AVP_ME_KEY_MATERIAL, 405, AVP_TYPE_OCTETSTRING, 1 },
		{ DIA_AVP_UICC_KEY_MATERIAL, 406, AVP_TYPE_OCTETSTRING, 1 },
		{ DIA_AVP_GBA_U_AWARENESS_INDICATOR, 407, AVP_TYPE_INTEGER32, 1 },
		{ DIA_AVP_BOOTSTRAPINFOCREATIONTIME, 408, AVP_TYPE_OCTETSTRING,
		  1 },
		{ DIA_AVP_GUSS_TIMESTAMP, 409, AVP_TYPE_OCTETSTRING, 0 },
		{ DIA_AVP_GBA_TYPE, 410, AVP_TYPE_INTEGER32, 1 },
		{ DIA_AVP_UE_ID, 411, AVP_TYPE_OCTETSTRING, 1 },
		{ DIA_AVP_UE_ID_TYPE, 412, AVP_TYPE_INTEGER32, 1 },
		{ DIA_AVP_UICC_APP_LABEL, 413, AVP_TYPE_OCTETSTRING, 1 },
		{ DIA_AVP_UICC_ME, 414, AVP_TYPE_INTEGER32, 1 },
		{ DIA_AVP_REQUESTED_KEY_LIFETIME, 415, AVP_TYPE_OCTETSTRING, 1 },
		{ DIA_AVP_PRIVATE_IDENTITY_REQUEST, 416, AVP_TYPE_INTEGER32, 1 },
		{ DIA_AVP_GBA_PUSH_INFO, 417, AVP_TYPE_OCTETSTRING, 1 },
		{ DIA_AVP_NAF_SA_IDENTIFIER, 418, AVP_TYPE_OCTETSTRING, 1 },
	};
	struct dict_avp_data d;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct dict_object *o = dia_avp(want[i].id);

		T_CHECK(o != NULL && fd_dict_getval(o, &d) == 0, "AVP %u",
		    want[i].code);
		if (o == NULL)
			continue;
		T_CHECK(d.avp_code == want[i].code &&
		    d.avp_vendor == DIA_VENDOR_3GPP, "%s: code %u vendor %u",
		    d.avp_name, d.avp_code, d.avp_vendor);
		T_CHECK(d.avp_basetype == want[i].type, "%s: type", d.avp_name);
		T_CHECK((d.avp_flag_val & AVP_FLAG_VENDOR) &&
		    !!(d.avp_flag_val & AVP_FLAG_MANDATORY) == want[i].m,
		    "%s: flags %x", d.avp_name, d.avp_flag_val);
	}
}

static void
test_commands(void)
{
	struct dict_application_data ad;
	struct dict_cmd_data cd;

	T_CHECK(gba_app(DIA_APP_ZH) != NULL && fd_dict_getval(gba_app(
	    DIA_APP_ZH), &ad) == 0 && ad.application_id == 16777221, "Zh");
	T_CHECK(gba_app(DIA_APP_ZN) != NULL && fd_dict_getval(gba_app(
	    DIA_APP_ZN), &ad) == 0 && ad.application_id == 16777220, "Zn");
	T_CHECK(gba_app(DIA_APP_CX) == NULL, "Cx is not a GBA application");
	T_CHECK(gba_cmd(DIA_APP_ZH, ZH_CMD_MAR, 1) == dia_cx_cmd(CX_CMD_MAR, 1)
	    && gba_cmd(DIA_APP_ZH, ZH_CMD_MAR, 0) == dia_cx_cmd(CX_CMD_MAR, 0),
	    "Zh's MAR is Cx's MAR object");
	T_CHECK(gba_cmd(DIA_APP_ZN, ZN_CMD_BIR, 1) != NULL &&
	    fd_dict_getval(gba_cmd(DIA_APP_ZN, ZN_CMD_BIR, 1), &cd) == 0 &&
	    cd.cmd_code == 310 && (cd.cmd_flag_val & CMD_FLAG_REQUEST) &&
	    (cd.cmd_flag_val & CMD_FLAG_PROXIABLE), "BIR 310, R and P");
	T_CHECK(gba_cmd(DIA_APP_ZN, ZN_CMD_BIR, 0) != NULL &&
	    fd_dict_getval(gba_cmd(DIA_APP_ZN, ZN_CMD_BIR, 0), &cd) == 0 &&
	    cd.cmd_code == 310 && !(cd.cmd_flag_val & CMD_FLAG_REQUEST),
	    "BIA 310");
	T_CHECK(gba_cmd(DIA_APP_ZH, ZN_CMD_BIR, 1) == NULL &&
	    gba_cmd(DIA_APP_ZN, ZH_CMD_MAR, 1) == NULL, "no cross-over");
	T_CHECK(gba_dict_init(0) == -EINVAL && gba_dict_init(0x4) == -EINVAL,
	    "gba_dict_init checks its flags");
}

static void
test_time(void)
{
	static const struct {
		int64_t		 unix_time;
		const char	*ntp;	/* the 4 octets on the wire */
	} v[] = {
		{ 0, "83aa7e80" },		/* 1970-01-01: 2208988800 */
		{ 1796169600, "eeb9de00" },	/* 2026-12-02T00:00:00Z */
		{ 2085978495, "ffffffff" },	/* the last second of era 0 */
		{ 2085978496, "00000000" },	/* 2036-02-07T06:28:16Z */
		{ 4102444800, "7830d580" },	/* 2100-01-01 */
	};
	struct msg *m = NULL;
	struct avp *a;
	struct avp_hdr *h;
	int64_t t;
	size_t i;

	T_CHECK(fd_msg_new(gba_cmd(DIA_APP_ZN, ZN_CMD_BIR, 0), 0, &m) == 0,
	    "a BIA");
	if (m == NULL)
		return;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		T_CHECK(dia_add_time(m, DIA_AVP_KEY_EXPIRYTIME, v[i].unix_time)
		    == 0, "add %lld", (long long)v[i].unix_time);
		a = dia_get_avp(m, DIA_AVP_KEY_EXPIRYTIME, (unsigned)i);
		T_CHECK(a != NULL && fd_msg_avp_hdr(a, &h) == 0 &&
		    h->avp_value != NULL && h->avp_value->os.len == 4, "4 octets");
		if (a != NULL && h->avp_value != NULL)
			T_EQ_HEX(h->avp_value->os.data, h->avp_value->os.len,
			    v[i].ntp);
	}
	T_CHECK(dia_get_time(m, DIA_AVP_KEY_EXPIRYTIME, &t) == 0 && t == 0,
	    "the first back");
	(void)fd_msg_free(m);
	/* Each one back through a message of its own. */
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		m = NULL;
		if (fd_msg_new(gba_cmd(DIA_APP_ZN, ZN_CMD_BIR, 0), 0, &m) != 0)
			break;
		t = -1;
		T_CHECK(dia_add_time(m, DIA_AVP_BOOTSTRAPINFOCREATIONTIME,
		    v[i].unix_time) == 0 && dia_get_time(m,
		    DIA_AVP_BOOTSTRAPINFOCREATIONTIME, &t) == 0 &&
		    t == v[i].unix_time, "round trip %lld: %lld",
		    (long long)v[i].unix_time, (long long)t);
		(void)fd_msg_free(m);
	}
	/* Out of the two eras; a Time of the wrong length. */
	m = NULL;
	if (fd_msg_new(gba_cmd(DIA_APP_ZN, ZN_CMD_BIR, 0), 0, &m) != 0)
		return;
	T_CHECK(dia_add_time(m, DIA_AVP_KEY_EXPIRYTIME, -2208988801LL) ==
	    -EINVAL && dia_add_time(m, DIA_AVP_KEY_EXPIRYTIME,
	    (int64_t)1 << 40) == -EINVAL, "outside 1968..2104");
	T_CHECK(dia_get_time(m, DIA_AVP_KEY_EXPIRYTIME, &t) == -ENOENT,
	    "absent");
	T_CHECK(dia_add_os(m, DIA_AVP_KEY_EXPIRYTIME,
	    (const uint8_t *)"\x01\x02\x03", 3) == 0 &&
	    dia_get_time(m, DIA_AVP_KEY_EXPIRYTIME, &t) == -EBADMSG,
	    "3 octets refused");
	(void)fd_msg_free(m);
}

int
main(void)
{
	static const char text[] =
	    "diameter.identity = bsf." REALM "\n"
	    "diameter.accept = naf." REALM "@192.0.2.2\n"
	    "diameter.extensions-dir = /usr/lib/freeDiameter\n";
	char err[CONF_ERR_MAX];

	log_init("test_gba_dict", LOG_LVL_ERR);
	if (conf_load_buf(tables, 1, "unit", text, sizeof(text) - 1, NULL, 0,
	    err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	/* GBA first, then Cx: the MAR object is shared either way. */
	if (dia_init(&dia) < 0 || gba_dict_init(GBA_ADV_ZH | GBA_ADV_ZN) < 0 ||
	    cx_dict_init() < 0) {
		fprintf(stderr, "test_gba_dict: freeDiameter set-up failed\n");
		return 1;
	}
	test_avps();
	test_commands();
	test_time();
	return t_done("test_gba_dict");
}
