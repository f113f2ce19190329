/* dia_req.c - the head every request of our client applications (Cx/Dx,
 * Zh, Zn) starts with (dia.h). */
#include <errno.h>
#include <string.h>

#include "dia_fd.h"
#include "check.h"
#include "dia.h"
#include "log.h"

int
dia_req_new(struct dict_object *cmd, uint32_t app_id, const char *dest_realm,
    const char *dest_host, struct msg **out)
{
	struct msg_hdr *h;
	struct msg *m = NULL;
	int rc;

	IMS_CHECK_PARAMS(cmd != NULL && dest_realm != NULL && out != NULL);
	IMS_CHECK_FD(fd_msg_new(cmd, MSGFL_ALLOC_ETEID, &m));
	if ((rc = fd_msg_hdr(m, &h)) != 0)
		goto fail;
	h->msg_appl = app_id;
	if ((rc = fd_msg_new_session(m, NULL, 0)) != 0)
		goto fail;
	/* Auth-Session-State NO_STATE_MAINTAINED (1): Cx, Zh and Zn keep no
	 * session (TS 29.229 6.1, TS 29.109 5.2.2.1, 6.2.2.1). */
	if ((rc = -dia_add_vsai(m, app_id)) != 0 ||
	    (rc = -dia_add_u32(m, DIA_AVP_AUTH_SESSION_STATE, 1)) != 0)
		goto fail;
	if ((rc = fd_msg_add_origin(m, 0)) != 0)
		goto fail;
	if (dest_host != NULL &&
	    (rc = -dia_add_str(m, DIA_AVP_DESTINATION_HOST, dest_host)) != 0)
		goto fail;
	if ((rc = -dia_add_str(m, DIA_AVP_DESTINATION_REALM,
	    dest_realm)) != 0)
		goto fail;
	*out = m;
	return 0;
fail:
	log_err("dia: building a request of application %u failed: %s",
	    app_id, strerror(rc));
	(void)fd_msg_free(m);
	return -rc;
}
