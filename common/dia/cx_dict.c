/* cx_dict.c - the Cx/Dx application and its commands (TS 29.229 6.1).
 *
 * freeDiameter 1.2.1's dictionaries hold neither; each is searched first
 * and defined only when missing.  The AVPs are dia_dict.c's.
 */
#include <errno.h>
#include <string.h>

#include "dia_fd.h"
#include "check.h"
#include "cx.h"
#include "dia_conf.h"
#include "log.h"

/* TS 29.229 6.1: the commands, all with the 'P' bit. */
static const struct cmd_def {
	uint32_t	 code;
	const char	*req, *ans;
} cmd_defs[] = {
	{ CX_CMD_UAR, "User-Authorization-Request",
	  "User-Authorization-Answer" },
	{ CX_CMD_SAR, "Server-Assignment-Request",
	  "Server-Assignment-Answer" },
	{ CX_CMD_LIR, "Location-Info-Request", "Location-Info-Answer" },
	{ CX_CMD_MAR, "Multimedia-Auth-Request", "Multimedia-Auth-Answer" },
	{ CX_CMD_RTR, "Registration-Termination-Request",
	  "Registration-Termination-Answer" },
	{ CX_CMD_PPR, "Push-Profile-Request", "Push-Profile-Answer" },
};
#define NCMDS	(sizeof(cmd_defs) / sizeof(cmd_defs[0]))

static struct dict_object *cx_app;
static struct dict_object *cx_req[NCMDS], *cx_ans[NCMDS];

static int
cmds_init(void)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	struct dict_cmd_data cd;
	command_code_t code;
	size_t i;
	int rc;

	for (i = 0; i < NCMDS; i++) {
		code = cmd_defs[i].code;
		cx_req[i] = cx_ans[i] = NULL;
		rc = fd_dict_search(d, DICT_COMMAND, CMD_BY_CODE_R, &code,
		    &cx_req[i], ENOENT);
		if (rc != 0 && rc != ENOENT)
			return -rc;
		if (cx_req[i] == NULL) {
			memset(&cd, 0, sizeof(cd));
			cd.cmd_code = code;
			cd.cmd_name = (char *)cmd_defs[i].req;
			cd.cmd_flag_mask = CMD_FLAG_REQUEST |
			    CMD_FLAG_PROXIABLE | CMD_FLAG_ERROR;
			cd.cmd_flag_val = CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE;
			IMS_CHECK_FD(fd_dict_new(d, DICT_COMMAND, &cd, cx_app,
			    &cx_req[i]));
			cd.cmd_name = (char *)cmd_defs[i].ans;
			cd.cmd_flag_mask = CMD_FLAG_REQUEST |
			    CMD_FLAG_PROXIABLE;
			cd.cmd_flag_val = CMD_FLAG_PROXIABLE;
			IMS_CHECK_FD(fd_dict_new(d, DICT_COMMAND, &cd, cx_app,
			    &cx_ans[i]));
		} else
			IMS_CHECK_FD(fd_dict_search(d, DICT_COMMAND, CMD_ANSWER,
			    cx_req[i], &cx_ans[i], ENOENT));
	}
	return 0;
}

int
cx_dict_init(void)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	struct dict_application_data ad;
	struct dict_object *vendor = NULL;
	application_id_t aid = DIA_APP_CX;
	int rc;

	IMS_CHECK_RC(dia_dict_vendor_3gpp(&vendor));
	cx_app = NULL;
	rc = fd_dict_search(d, DICT_APPLICATION, APPLICATION_BY_ID, &aid,
	    &cx_app, ENOENT);
	if (rc != 0 && rc != ENOENT)
		return -rc;
	if (cx_app == NULL) {
		memset(&ad, 0, sizeof(ad));
		ad.application_id = DIA_APP_CX;
		ad.application_name = (char *)"3GPP Cx/Dx";
		IMS_CHECK_FD(fd_dict_new(d, DICT_APPLICATION, &ad, vendor,
		    &cx_app));
	}
	IMS_CHECK_RC(cmds_init());
	/* Advertised in CER/CEA as Vendor-Specific-Application-Id
	 * { Vendor-Id 10415, Auth-Application-Id 16777216 } (TS 29.229 6.1). */
	IMS_CHECK_FD(fd_disp_app_support(cx_app, vendor, 1, 0));
	return 0;
}

struct dict_object *
dia_cx_cmd(uint32_t code, int request)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (cmd_defs[i].code == code)
			return request ? cx_req[i] : cx_ans[i];
	return NULL;
}

/* Who may send which request (TS 29.228 6.1-6.3, TS 29.229 6.1): the
 * HSS sends RTR and PPR, so a node takes them only from a peer it
 * connects to (the HSS it is configured with); the CSCFs send UAR, SAR,
 * LIR and MAR, which the HSS takes only from the peers it accepts. */
int
cx_register(uint32_t code, dia_handler fn, void *arg)
{
	unsigned from = code == CX_CMD_RTR || code == CX_CMD_PPR ?
	    DIA_PEER_CONNECT : DIA_PEER_ACCEPT;

	return dia_register(cx_app, DIA_APP_CX, code, dia_cx_cmd(code, 1),
	    from, fn, arg);
}
