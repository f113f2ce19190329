/* dia_avp.c - building and reading the AVPs of Cx messages.
 *
 * Children are matched by AVP code and vendor from the header rather than
 * by dictionary model, so AVPs inside grouped AVPs are found even when a
 * peer's flags differ from our dictionary.
 */
#include <errno.h>
#include <string.h>

#include "dia_fd.h"
#include "check.h"
#include "dia.h"
#include "log.h"

static int
avp_new(enum dia_avp id, struct avp **out)
{
	struct dict_object *model;

	if ((model = dia_avp(id)) == NULL)
		return -EINVAL;
	IMS_CHECK_FD(fd_msg_avp_new(model, 0, out));
	return 0;
}

static int
avp_append(void *parent, struct avp *a)
{
	int rc;

	if ((rc = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, a)) != 0) {
		log_err("dia: fd_msg_avp_add: %s", strerror(rc));
		(void)fd_msg_free(a);
		return -rc;
	}
	return 0;
}

static int
avp_setvalue(struct avp *a, union avp_value *v)
{
	int rc;

	if ((rc = fd_msg_avp_setvalue(a, v)) != 0) {
		log_err("dia: fd_msg_avp_setvalue: %s", strerror(rc));
		(void)fd_msg_free(a);
		return -rc;
	}
	return 0;
}

int
dia_add_os(void *parent, enum dia_avp id, const uint8_t *p, size_t len)
{
	struct avp *a;
	union avp_value v;

	IMS_CHECK_PARAMS(parent != NULL && (p != NULL || len == 0));
	IMS_CHECK_RC(avp_new(id, &a));
	memset(&v, 0, sizeof(v));
	v.os.data = (uint8_t *)(uintptr_t)p;	/* copied by setvalue */
	v.os.len = len;
	IMS_CHECK_RC(avp_setvalue(a, &v));
	return avp_append(parent, a);
}

int
dia_add_str(void *parent, enum dia_avp id, const char *s)
{
	IMS_CHECK_PARAMS(s != NULL);
	return dia_add_os(parent, id, (const uint8_t *)s, strlen(s));
}

int
dia_add_u32(void *parent, enum dia_avp id, uint32_t u)
{
	struct avp *a;
	union avp_value v;

	IMS_CHECK_PARAMS(parent != NULL);
	IMS_CHECK_RC(avp_new(id, &a));
	memset(&v, 0, sizeof(v));
	v.u32 = u;	/* Enumerated (Integer32) shares the representation */
	IMS_CHECK_RC(avp_setvalue(a, &v));
	return avp_append(parent, a);
}

int
dia_add_group(void *parent, enum dia_avp id, struct avp **out)
{
	struct avp *a;

	IMS_CHECK_PARAMS(parent != NULL && out != NULL);
	IMS_CHECK_RC(avp_new(id, &a));
	IMS_CHECK_RC(avp_append(parent, a));
	*out = a;
	return 0;
}

int
dia_add_vsai(struct msg *m, uint32_t app_id)
{
	struct avp *g;

	IMS_CHECK_RC(dia_add_group(m, DIA_AVP_VENDOR_SPECIFIC_APPLICATION_ID, &g));
	IMS_CHECK_RC(dia_add_u32(g, DIA_AVP_VENDOR_ID, DIA_VENDOR_3GPP));
	IMS_CHECK_RC(dia_add_u32(g, DIA_AVP_AUTH_APPLICATION_ID, app_id));
	return 0;
}

int
dia_add_exp_result(struct msg *m, uint32_t code)
{
	struct avp *g;

	IMS_CHECK_RC(dia_add_group(m, DIA_AVP_EXPERIMENTAL_RESULT, &g));
	IMS_CHECK_RC(dia_add_u32(g, DIA_AVP_VENDOR_ID, DIA_VENDOR_3GPP));
	IMS_CHECK_RC(dia_add_u32(g, DIA_AVP_EXPERIMENTAL_RESULT_CODE, code));
	return 0;
}

struct avp *
dia_get_avp(void *parent, enum dia_avp id, unsigned n)
{
	struct dict_object *model;
	struct dict_avp_data md;
	struct avp *a = NULL;
	struct avp_hdr *h;

	if (parent == NULL || (model = dia_avp(id)) == NULL ||
	    fd_dict_getval(model, &md) != 0)
		return NULL;
	if (fd_msg_browse(parent, MSG_BRW_FIRST_CHILD, &a, NULL) != 0)
		return NULL;
	while (a != NULL) {
		if (fd_msg_avp_hdr(a, &h) == 0 && h->avp_code == md.avp_code &&
		    ((h->avp_flags & AVP_FLAG_VENDOR) ? h->avp_vendor : 0) ==
		    md.avp_vendor) {
			if (n == 0)
				return a;
			n--;
		}
		if (fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL) != 0)
			return NULL;
	}
	return NULL;
}

/* The value of an AVP that must have one (unparsed ones do not). */
static int
avp_value(void *parent, enum dia_avp id, union avp_value **v)
{
	struct avp *a;
	struct avp_hdr *h;

	if ((a = dia_get_avp(parent, id, 0)) == NULL)
		return -ENOENT;
	IMS_CHECK_FD(fd_msg_avp_hdr(a, &h));
	if (h->avp_value == NULL)
		return -EBADMSG;
	*v = h->avp_value;
	return 0;
}

int
dia_get_os(void *parent, enum dia_avp id, uint8_t *buf, size_t max,
    size_t *len)
{
	union avp_value *v;

	IMS_CHECK_RC(avp_value(parent, id, &v));
	if (v->os.len > max)
		return -ENOSPC;
	if (v->os.len > 0)
		memcpy(buf, v->os.data, v->os.len);
	*len = v->os.len;
	return 0;
}

int
dia_get_str(void *parent, enum dia_avp id, char *buf, size_t size)
{
	union avp_value *v;

	IMS_CHECK_PARAMS(size > 0);
	IMS_CHECK_RC(avp_value(parent, id, &v));
	if (v->os.len >= size)
		return -ENOSPC;
	if (memchr(v->os.data, '\0', v->os.len) != NULL)
		return -EBADMSG;
	memcpy(buf, v->os.data, v->os.len);
	buf[v->os.len] = '\0';
	return 0;
}

int
dia_get_u32(void *parent, enum dia_avp id, uint32_t *u)
{
	union avp_value *v;

	IMS_CHECK_RC(avp_value(parent, id, &v));
	*u = v->u32;
	return 0;
}

void
dia_get_result(struct msg *m, uint32_t *result, uint32_t *exp_result)
{
	struct avp *g;

	*result = *exp_result = 0;
	(void)dia_get_u32(m, DIA_AVP_RESULT_CODE, result);
	if ((g = dia_get_avp(m, DIA_AVP_EXPERIMENTAL_RESULT, 0)) != NULL)
		(void)dia_get_u32(g, DIA_AVP_EXPERIMENTAL_RESULT_CODE,
		    exp_result);
}

/* RFC 6733 4.3.1: Time is the 32-bit NTP seconds field (RFC 5905); the
 * values with the high bit clear are taken as after 2036-02-07, the
 * rollover RFC 6733 names, so Unix times from 1968 to 2104 round-trip. */
#define DIA_NTP_OFFSET	2208988800LL	/* 1900-01-01 to 1970-01-01 */
#define DIA_NTP_ERA	4294967296LL

int
dia_add_time(void *parent, enum dia_avp id, int64_t t)
{
	int64_t ntp = t + DIA_NTP_OFFSET;
	uint8_t b[4];

	IMS_CHECK_PARAMS(ntp >= DIA_NTP_ERA / 2 && ntp < DIA_NTP_ERA * 3 / 2);
	ntp %= DIA_NTP_ERA;
	b[0] = (uint8_t)(ntp >> 24);
	b[1] = (uint8_t)(ntp >> 16);
	b[2] = (uint8_t)(ntp >> 8);
	b[3] = (uint8_t)ntp;
	return dia_add_os(parent, id, b, sizeof(b));
}

int
dia_get_time(void *parent, enum dia_avp id, int64_t *t)
{
	uint8_t b[4];
	size_t len;
	int64_t ntp;
	int rc;

	if ((rc = dia_get_os(parent, id, b, sizeof(b), &len)) < 0)
		return rc == -ENOSPC ? -EBADMSG : rc;
	if (len != sizeof(b))
		return -EBADMSG;
	ntp = (int64_t)b[0] << 24 | (int64_t)b[1] << 16 |
	    (int64_t)b[2] << 8 | (int64_t)b[3];
	if (ntp < DIA_NTP_ERA / 2)
		ntp += DIA_NTP_ERA;
	*t = ntp - DIA_NTP_OFFSET;
	return 0;
}
