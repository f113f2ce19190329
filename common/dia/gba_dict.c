/* gba_dict.c - the GBA applications of TS 29.109: Zh (5, BSF <-> HSS,
 * 16777221) and Zn (6, NAF <-> BSF, 16777220), their commands, and who
 * may send them.  The GBA AVPs (TS 29.109 6.3) are dia_dict.c's.
 *
 * TS 29.109 7.3: Zh reuses the command code of Cx's MAR (303), Zn takes
 * 310 (Bootstrapping-Info).  freeDiameter keeps one command object per
 * code, whatever the application, so the Zh MAR is Cx's MAR object when
 * cx_dict_init made it first (and the reverse); the dispatch and the
 * routing go by the Application-Id of the header.  Each object is
 * searched first and defined only when missing.
 */
#include <errno.h>
#include <string.h>

#include "dia_fd.h"
#include "check.h"
#include "dia_conf.h"
#include "gba.h"
#include "log.h"

static const struct app_def {
	uint32_t	 id;
	const char	*name;
	unsigned	 adv;		/* GBA_ADV_* */
	uint32_t	 code;		/* its one command */
	const char	*req, *ans;
} app_defs[] = {
	{ DIA_APP_ZH, "3GPP Zh", GBA_ADV_ZH, ZH_CMD_MAR,
	  "Multimedia-Auth-Request", "Multimedia-Auth-Answer" },
	{ DIA_APP_ZN, "3GPP Zn", GBA_ADV_ZN, ZN_CMD_BIR,
	  "Bootstrapping-Info-Request", "Bootstrapping-Info-Answer" },
};
#define NAPPS	(sizeof(app_defs) / sizeof(app_defs[0]))

static struct dict_object *apps[NAPPS];
static struct dict_object *reqs[NAPPS], *anss[NAPPS];

static int
app_index(uint32_t app_id)
{
	size_t i;

	for (i = 0; i < NAPPS; i++)
		if (app_defs[i].id == app_id)
			return (int)i;
	return -1;
}

static int
app_define(size_t i, struct dict_object *vendor)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	struct dict_application_data ad;
	application_id_t aid = app_defs[i].id;
	int rc;

	apps[i] = NULL;
	rc = fd_dict_search(d, DICT_APPLICATION, APPLICATION_BY_ID, &aid,
	    &apps[i], ENOENT);
	if (rc != 0 && rc != ENOENT)
		return -rc;
	if (apps[i] != NULL)
		return 0;
	memset(&ad, 0, sizeof(ad));
	ad.application_id = app_defs[i].id;
	ad.application_name = (char *)app_defs[i].name;
	IMS_CHECK_FD(fd_dict_new(d, DICT_APPLICATION, &ad, vendor, &apps[i]));
	return 0;
}

/* TS 29.109 5.2.2.1 / 6.2.2.1: the commands carry the 'P' bit. */
static int
cmd_define(size_t i)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	struct dict_cmd_data cd;
	command_code_t code = app_defs[i].code;
	int rc;

	reqs[i] = anss[i] = NULL;
	rc = fd_dict_search(d, DICT_COMMAND, CMD_BY_CODE_R, &code, &reqs[i],
	    ENOENT);
	if (rc != 0 && rc != ENOENT)
		return -rc;
	if (reqs[i] != NULL) {
		IMS_CHECK_FD(fd_dict_search(d, DICT_COMMAND, CMD_ANSWER,
		    reqs[i], &anss[i], ENOENT));
		return 0;
	}
	memset(&cd, 0, sizeof(cd));
	cd.cmd_code = code;
	cd.cmd_name = (char *)app_defs[i].req;
	cd.cmd_flag_mask = CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE |
	    CMD_FLAG_ERROR;
	cd.cmd_flag_val = CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE;
	IMS_CHECK_FD(fd_dict_new(d, DICT_COMMAND, &cd, apps[i], &reqs[i]));
	cd.cmd_name = (char *)app_defs[i].ans;
	cd.cmd_flag_mask = CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE;
	cd.cmd_flag_val = CMD_FLAG_PROXIABLE;
	IMS_CHECK_FD(fd_dict_new(d, DICT_COMMAND, &cd, apps[i], &anss[i]));
	return 0;
}

int
gba_dict_init(unsigned which)
{
	struct dict_object *vendor = NULL;
	size_t i;

	IMS_CHECK_PARAMS(which != 0 &&
	    (which & ~(unsigned)(GBA_ADV_ZH | GBA_ADV_ZN)) == 0);
	IMS_CHECK_RC(dia_dict_vendor_3gpp(&vendor));
	for (i = 0; i < NAPPS; i++) {
		IMS_CHECK_RC(app_define(i, vendor));
		IMS_CHECK_RC(cmd_define(i));
		/* Advertised in CER/CEA as Vendor-Specific-Application-Id
		 * { Vendor-Id 10415, Auth-Application-Id } (TS 29.109 5.1,
		 * 6.1); freeDiameter routes a request only to a peer that
		 * advertised its application. */
		if (which & app_defs[i].adv)
			IMS_CHECK_FD(fd_disp_app_support(apps[i], vendor, 1,
			    0));
	}
	return 0;
}

struct dict_object *
gba_app(uint32_t app_id)
{
	int i = app_index(app_id);

	return i < 0 ? NULL : apps[i];
}

struct dict_object *
gba_cmd(uint32_t app_id, uint32_t code, int request)
{
	int i = app_index(app_id);

	if (i < 0 || app_defs[i].code != code)
		return NULL;
	return request ? reqs[i] : anss[i];
}

/* TS 33.220 4.3: the BSF sends Zh requests to the HSS, so the HSS takes
 * them only from peers it accepts (diameter.accept: its BSFs). */
int
zh_register(dia_handler fn, void *arg)
{
	int i = app_index(DIA_APP_ZH);

	IMS_CHECK_PARAMS(apps[i] != NULL);
	return dia_register(apps[i], DIA_APP_ZH, ZH_CMD_MAR, reqs[i],
	    DIA_PEER_ACCEPT, fn, arg);
}

/* TS 33.220 4.3: NAFs send Zn requests to the BSF, which takes them only
 * from peers it accepts (its NAFs). */
int
zn_register(dia_handler fn, void *arg)
{
	int i = app_index(DIA_APP_ZN);

	IMS_CHECK_PARAMS(apps[i] != NULL);
	return dia_register(apps[i], DIA_APP_ZN, ZN_CMD_BIR, reqs[i],
	    DIA_PEER_ACCEPT, fn, arg);
}
