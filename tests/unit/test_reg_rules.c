/* test_reg_rules.c - what a REGISTER may do to the bindings (scscf/
 * reg_rules.c) on REGISTERs parsed by Sofia: "*" only alone and with
 * Expires: 0; the Path entries kept (trusted hosts from the top, 403 when
 * the top one is not); the contact count (max-contacts, a request that
 * adds none always passes), duplicates counted once, the CSeq order of
 * RFC 3261 10.3 step 7; applying the Contact list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scscf.h"
#include "t.h"

#define IMPU	"sip:alice@ims.example.org"

static msg_t *
reg(const char *callid, unsigned cseq, const char *headers)
{
	char buf[4096];
	msg_t *m;

	(void)snprintf(buf, sizeof(buf), "REGISTER sip:ims.example.org "
	    "SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.3:5060;branch=z9hG4bK1\r\n"
	    "From: <" IMPU ">;tag=1\r\nTo: <" IMPU ">\r\nCall-ID: %s\r\n"
	    "CSeq: %u REGISTER\r\n%sContent-Length: 0\r\n\r\n", callid, cseq,
	    headers);
	m = msg_make(sip_default_mclass(), 0, buf, strlen(buf));
	if (m == NULL || sip_object(m) == NULL)
		abort();
	return m;
}

static void
test_wildcard(void)
{
	static const struct {
		const char	*hdrs;
		int		 ok;
	} c[] = {
		{ "Contact: *\r\nExpires: 0\r\n", 1 },
		{ "Contact: *\r\nExpires: 600\r\n", 0 },
		{ "Contact: *\r\n", 0 },
		{ "Contact: *, <sip:a@10.0.0.10>\r\nExpires: 0\r\n", 0 },
		{ "Contact: <sip:a@10.0.0.10>;expires=0\r\n", 1 },
		{ "", 1 },
	};
	size_t i;
	msg_t *m;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		m = reg("w", 1, c[i].hdrs);
		T_CHECK(reg_wildcard_ok(sip_object(m)) == c[i].ok, "case %zu",
		    i);
		msg_destroy(m);
	}
}

static void
test_path(struct scscf *s)
{
	static const struct {
		const char	*hdrs;
		int		 rc;
		const char	*kept;
	} c[] = {
		{ "", 0, "" },
		{ "Path: <sip:term@10.0.0.4:5060;lr>\r\n", 0,
		    "<sip:term@10.0.0.4:5060;lr>" },
		{ "Path: <sip:term@10.0.0.4:5060;lr>, <sip:x@10.9.9.9;lr>\r\n",
		    0, "<sip:term@10.0.0.4:5060;lr>" },
		{ "Path: <sip:a@10.0.0.4;lr>\r\nPath: <sip:b@10.0.0.3;lr>, "
		    "<sip:c@10.9.9.9;lr>, <sip:d@10.0.0.4;lr>\r\n", 0,
		    "<sip:a@10.0.0.4;lr>, <sip:b@10.0.0.3;lr>" },
		{ "Path: <sip:t@[2001:db8::4]:5060;lr>\r\n", 0,
		    "<sip:t@[2001:db8::4]:5060;lr>" },
		{ "Path: <sip:x@10.9.9.9;lr>, <sip:term@10.0.0.4;lr>\r\n",
		    -EPERM, "" },
		{ "Path: <sip:term@pcscf.ims.example.org;lr>\r\n", -EPERM, "" },
		{ "Path: <sip:term@10.0.0.40;lr>\r\n", -EPERM, "" },
	};
	char out[SCSCF_PATH_MAX];
	size_t i;
	msg_t *m;
	int rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		m = reg("p", 1, c[i].hdrs);
		rc = reg_path_trusted(s, sip_object(m), msg_home(m), out,
		    sizeof(out));
		T_CHECK(rc == c[i].rc && (rc < 0 || strcmp(out, c[i].kept) ==
		    0), "case %zu: rc %d, kept \"%s\"", i, rc, out);
		msg_destroy(m);
	}
	m = reg("p", 1, "Path: <sip:term@10.0.0.4:5060;lr>\r\n");
	T_CHECK(reg_path_trusted(s, sip_object(m), msg_home(m), out, 8) ==
	    -ENOSPC, "no room");
	msg_destroy(m);
}

/* Apply a REGISTER as the registrar does (check, then write). */
static int
apply(struct scscf *s, const char *callid, unsigned cseq, const char *hdrs,
    size_t *after)
{
	msg_t *m = reg(callid, cseq, hdrs);
	int rc;

	if ((rc = reg_bindings_check(s, IMPU, sip_object(m), after)) == 0) {
		if (bdb_begin(s->db) < 0)
			abort();
		if ((rc = reg_bindings_update(s, IMPU, "<sip:p@10.0.0.4;lr>",
		    sip_object(m))) < 0)
			bdb_rollback(s->db);
		else
			rc = bdb_commit(s->db);
	}
	msg_destroy(m);
	return rc;
}

static size_t
live(struct scscf *s)
{
	struct binding bn[SCSCF_MAX_BINDINGS];
	size_t n = 99;

	if (bdb_bindings_get(s->db, IMPU, (int64_t)time(NULL), bn,
	    SCSCF_MAX_BINDINGS, &n) < 0)
		return 99;
	return n;
}

#define C(p, e)	"<sip:alice@10.0.0.10:" #p ">;expires=" #e

static void
test_bindings(struct scscf *s)
{
	size_t after = 99;

	s->max_contacts = 2;
	T_CHECK(apply(s, "c1", 5, "Contact: " C(1, 600) ", " C(2, 600) "\r\n",
	    &after) == 0 && after == 2 && live(s) == 2, "two contacts");
	T_CHECK(apply(s, "c2", 1, "Contact: " C(3, 600) "\r\n", &after) ==
	    -E2BIG && live(s) == 2, "a third: -E2BIG, nothing written");
	T_CHECK(apply(s, "c2", 2, "Contact: " C(3, 600) ", " C(3, 0) "\r\n",
	    &after) == 0 && after == 2 && live(s) == 2,
	    "the last of two same contacts counts (expires 0: nothing new)");
	T_CHECK(apply(s, "c1", 5, "Contact: " C(1, 300) "\r\n", &after) ==
	    -EALREADY, "same Call-ID, same CSeq: out of order");
	T_CHECK(apply(s, "c1", 4, "Contact: " C(1, 0) "\r\n", &after) ==
	    -EALREADY && live(s) == 2, "same Call-ID, lower CSeq");
	T_CHECK(apply(s, "c1", 6, "Contact: " C(1, 0) ", " C(3, 600) "\r\n",
	    &after) == 0 && after == 2 && live(s) == 2, "a swap");
	T_CHECK(apply(s, "c9", 1, "Contact: " C(2, 600) "\r\n", &after) ==
	    0 && after == 2, "a refresh from another Call-ID");
	/* Lowered below what is stored: a request that adds none passes. */
	s->max_contacts = 1;
	T_CHECK(apply(s, "c9", 2, "Contact: " C(2, 600) "\r\n", &after) ==
	    0 && after == 2, "refresh above a lowered limit");
	T_CHECK(apply(s, "c9", 3, "Contact: " C(4, 600) "\r\n", &after) ==
	    -E2BIG, "growth above it refused");
	T_CHECK(apply(s, "c9", 4, "Contact: *\r\nExpires: 0\r\n", &after) ==
	    0 && after == 0, "*: none kept");
	T_CHECK(apply(s, "c9", 5, "Contact: " C(5, 600) "\r\nExpires: abc\r\n",
	    &after) == -EINVAL, "a bad expiry");
}

int
main(void)
{
	char path[] = "/tmp/test_reg_rules.XXXXXX", f[64];
	char *nets[] = { "10.0.0.3", "10.0.0.4", "2001:db8::4/128" };
	struct conf_list trusted = { 3, nets, NULL };
	struct scscf s;
	int fd;

	log_init("test_reg_rules", LOG_LVL_WARN);
	memset(&s, 0, sizeof(s));
	s.max_expires = 3600;
	T_CHECK(sipx_trust_set(&s.trust, &trusted) == 0, "trust");
	test_wildcard();
	test_path(&s);
	if ((fd = mkstemp(path)) < 0)
		return 1;
	(void)close(fd);
	T_CHECK(bdb_open(path, 0, &s.db) == 0, "open");
	test_bindings(&s);
	bdb_close(s.db);
	(void)unlink(path);
	(void)snprintf(f, sizeof(f), "%s-wal", path);
	(void)unlink(f);
	(void)snprintf(f, sizeof(f), "%s-shm", path);
	(void)unlink(f);
	return t_done("test_reg_rules");
}
