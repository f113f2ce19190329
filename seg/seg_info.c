/* seg_info.c - INFORMATIONAL exchanges (RFC 7296 1.4): Delete of the IKE
 * SA or of the CHILD_SA (1.4.1: the answer deletes the other direction),
 * and the empty request of dead-peer detection (2.4).
 */
#include <string.h>

#include "check.h"
#include "log.h"
#include "seg_ike.h"

int
seg_info_send(struct seg_ike *sa, int delete_ike)
{
	struct ike_delete d;
	struct ike_wr w;
	uint8_t in[256], out[1024];
	size_t n;

	ike_wr_init(&w, in, sizeof(in));
	if (delete_ike) {
		memset(&d, 0, sizeof(d));
		d.proto = IKE_PROTO_IKE;
		ike_wr_delete(&w, &d);
	}
	IMS_CHECK_RC(seg_ike_seal(sa, IKE_INFORMATIONAL, 0, sa->msgid_out, &w,
	    out, sizeof(out), &n));
	if (delete_ike) {
		/* Sent once: the SA goes at once (1.4.1 lets the sender
		 * close it without waiting). */
		log_info("seg: peer %s: Delete of IKE SA %016llx/%016llx sent",
		    sa->peer->name, (unsigned long long)sa->spi_i,
		    (unsigned long long)sa->spi_r);
		return seg_send(sa->s, &sa->ss, sa->sslen, out, n);
	}
	log_debug("seg: peer %s: liveness check", sa->peer->name);
	return seg_ike_request(sa, out, n);
}

int
seg_info_delete_child(struct seg_ike *sa, uint32_t spi)
{
	struct ike_delete d;
	struct ike_wr w;
	uint8_t in[256], out[1024];
	size_t n;

	memset(&d, 0, sizeof(d));
	d.proto = IKE_PROTO_ESP;
	d.spi_size = 4;
	d.nspi = 1;
	d.spi[0] = spi;
	ike_wr_init(&w, in, sizeof(in));
	ike_wr_delete(&w, &d);
	IMS_CHECK_RC(seg_ike_seal(sa, IKE_INFORMATIONAL, 0, sa->msgid_out, &w,
	    out, sizeof(out), &n));
	return seg_ike_request(sa, out, n);
}

void
seg_info_request(struct seg_ike *sa, struct ike_msg *m)
{
	struct ike_delete d, ours;
	struct ike_wr w;
	uint8_t in[256], out[1024];
	size_t i, j, n;
	int del_ike = 0, del_child = 0, del_old = 0;

	for (i = 0; i < m->npl; i++) {
		if (m->pl[i].type != IKE_PL_DELETE)
			continue;
		if (ike_delete_parse(&m->pl[i], &d) < 0) {
			(void)seg_ike_notify_resp(sa, &m->hdr,
			    IKE_N_INVALID_SYNTAX, NULL, 0);
			return;
		}
		if (d.proto == IKE_PROTO_IKE)
			del_ike = 1;
		else if (d.proto == IKE_PROTO_ESP)
			for (j = 0; j < d.nspi; j++) {
				if (sa->child.installed &&
				    d.spi[j] == sa->child.spi_out)
					del_child = 1;
				if (sa->old.installed &&
				    d.spi[j] == sa->old.spi_out)
					del_old = 1;	/* after a rekey */
			}
	}
	ike_wr_init(&w, in, sizeof(in));
	if ((del_child || del_old) && !del_ike) {
		memset(&ours, 0, sizeof(ours));
		ours.proto = IKE_PROTO_ESP;
		ours.spi_size = 4;
		if (del_child)
			ours.spi[ours.nspi++] = sa->child.spi_in;
		if (del_old)
			ours.spi[ours.nspi++] = sa->old.spi_in;
		ike_wr_delete(&w, &ours);
	}
	if (seg_ike_seal(sa, IKE_INFORMATIONAL, 1, m->hdr.msgid, &w, out,
	    sizeof(out), &n) == 0)
		(void)seg_ike_respond(sa, out, n);
	if (del_ike) {
		seg_ike_kill(sa, "deleted by the peer");
		return;
	}
	if (del_old)
		seg_child_old_deleted(sa);
	if (del_child) {
		(void)seg_kernel_child_del(sa->s->x, &sa->s->local, sa->peer,
		    &sa->child);
		sa->child.installed = 0;
		log_info("seg: peer %s: CHILD_SA 0x%08x/0x%08x deleted by the "
		    "peer", sa->peer->name, sa->child.spi_in,
		    sa->child.spi_out);
	}
}

void
seg_info_response(struct seg_ike *sa, struct ike_msg *m)
{
	(void)m;
	log_debug("seg: peer %s: alive", sa->peer->name);
}
