/* test_reg_reauth.c - whether a REGISTER is authenticated again (scscf/
 * reg_reauth.c, TS 24.229 5.4.1.2.2 step 1) on REGISTERs parsed by Sofia:
 * the integrity-protected parameter read quoted or bare, in any case,
 * unknown values and a second one; the reauth rule against a store: only
 * a protected re- or de-registration of contacts the same IMPI
 * registered goes on without a challenge. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scscf.h"
#include "t.h"

#define DOM	"ims.example.org"
#define IMPU	"sip:alice@" DOM
#define IMPI	"alice@" DOM
#define CONTACT	"sip:alice@10.0.0.10:5060"

/* A REGISTER for IMPU with the Authorization parameters auth (appended
 * to username and nonce; NULL: no Authorization) and headers. */
static msg_t *
reg(const char *user, const char *auth, const char *headers)
{
	char buf[4096], a[1024];
	msg_t *m;

	a[0] = '\0';
	if (auth != NULL)
		(void)snprintf(a, sizeof(a), "Authorization: Digest "
		    "username=\"%s\", realm=\"" DOM "\", nonce=\"\", "
		    "uri=\"sip:" DOM "\", response=\"\"%s\r\n", user, auth);
	(void)snprintf(buf, sizeof(buf), "REGISTER sip:" DOM " SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 10.0.0.4:5060;branch=z9hG4bK1\r\n"
	    "From: <" IMPU ">;tag=1\r\nTo: <" IMPU ">\r\nCall-ID: r1\r\n"
	    "CSeq: 7 REGISTER\r\n%s%sContent-Length: 0\r\n\r\n", a, headers);
	m = msg_make(sipx_mclass(), 0, buf, strlen(buf));
	if (m == NULL || sip_object(m) == NULL)
		abort();
	return m;
}

static void
test_intprot(void)
{
	static const struct {
		const char	*param;
		int		 rc;		/* sipx_auth_creds */
		enum reg_intprot v;
		int		 prot;
	} c[] = {
		{ "", 0, REG_INTPROT_NONE, 0 },
		{ ", integrity-protected=\"no\"", 0, REG_INTPROT_NO, 0 },
		{ ", integrity-protected=no", 0, REG_INTPROT_NO, 0 },
		{ ", integrity-protected=\"yes\"", 0, REG_INTPROT_YES, 1 },
		{ ", Integrity-Protected=YES", 0, REG_INTPROT_YES, 1 },
		{ ", integrity-protected=\"tls-pending\"", 0,
		    REG_INTPROT_TLS_PENDING, 0 },
		{ ", integrity-protected=tls-yes", 0, REG_INTPROT_TLS_YES, 1 },
		{ ", integrity-protected=\"ip-assoc-pending\"", 0,
		    REG_INTPROT_IP_ASSOC_PENDING, 0 },
		{ ", integrity-protected=\"ip-assoc-yes\"", 0,
		    REG_INTPROT_IP_ASSOC_YES, 1 },
		{ ", integrity-protected=IP-Assoc-Yes", 0,
		    REG_INTPROT_IP_ASSOC_YES, 1 },
		{ ", integrity-protected=\"ip-assoc-yes \"", 0,
		    REG_INTPROT_OTHER, 0 },
		{ ", integrity-protected=\"yes-please\"", 0,
		    REG_INTPROT_OTHER, 0 },
		{ ", integrity-protected=\"\"", 0, REG_INTPROT_OTHER, 0 },
		{ ", integrity-protected=auth-done", 0, REG_INTPROT_OTHER, 0 },
		{ ", integrity-protected-x=yes", 0, REG_INTPROT_NONE, 0 },
		/* A second one: the header is refused (400 before this). */
		{ ", integrity-protected=no, integrity-protected=yes", -EINVAL,
		    REG_INTPROT_NONE, 0 },
	};
	struct digest d;
	enum reg_intprot v;
	size_t i;
	msg_t *m;
	int rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		m = reg(IMPI, c[i].param, "");
		rc = sipx_auth_creds(sip_object(m), &d);
		v = reg_intprot_get(&d);
		T_CHECK(rc == c[i].rc && v == c[i].v &&
		    reg_intprot_protected(v) == c[i].prot,
		    "case %zu (%s): rc %d, value %s", i, c[i].param, rc,
		    reg_intprot_name(v));
		msg_destroy(m);
	}
	m = reg(IMPI, NULL, "");
	T_CHECK(sipx_auth_creds(sip_object(m), &d) == -ENOENT &&
	    reg_intprot_get(&d) == REG_INTPROT_NONE, "no Authorization");
	msg_destroy(m);
}

/* reg_reauth_needed on a REGISTER by user with the parameters auth and
 * headers. */
static int
needed(struct scscf *s, const char *user, const char *auth,
    const char *headers)
{
	struct digest d;
	const char *why = NULL;
	msg_t *m = reg(user, auth, headers);
	char impi[SCSCF_ID_MAX];
	int rc;

	if (sipx_register_impi(sip_object(m), IMPU, impi, sizeof(impi)) < 0)
		abort();
	(void)sipx_auth_creds(sip_object(m), &d);
	rc = reg_reauth_needed(s, impi, IMPU, sip_object(m), &d, &why);
	if (why == NULL)
		rc = -99;
	msg_destroy(m);
	return rc;
}

#define YES	", integrity-protected=\"ip-assoc-yes\""
#define HERE	"Contact: <" CONTACT ">;expires=600\r\n"

static void
test_rule(struct scscf *s)
{
	struct binding bn;

	s->reauth = REG_REAUTH_UNLESS_PROTECTED;
	T_CHECK(needed(s, IMPI, YES, HERE) == 1, "never registered");
	T_CHECK(bdb_reg_put(s->db, IMPU, IMPI, "<" IMPU ">", 1) == 0,
	    "registration row");
	T_CHECK(needed(s, IMPI, YES, HERE) == 1, "registered, no binding");
	memset(&bn, 0, sizeof(bn));
	(void)snprintf(bn.contact, sizeof(bn.contact), "%s", CONTACT);
	(void)snprintf(bn.call_id, sizeof(bn.call_id), "r1");
	bn.cseq = 6;
	bn.expires_at = (int64_t)time(NULL) + 600;
	T_CHECK(bdb_binding_put(s->db, IMPU, &bn) == 0, "binding");

	T_CHECK(needed(s, IMPI, YES, HERE) == 0, "protected re-registration");
	T_CHECK(needed(s, IMPI, ", integrity-protected=yes", HERE) == 0,
	    "yes");
	T_CHECK(needed(s, IMPI, ", integrity-protected=TLS-YES", HERE) == 0,
	    "tls-yes");
	T_CHECK(needed(s, IMPI, YES, "Contact: <" CONTACT ">;expires=0\r\n")
	    == 0, "protected de-registration of the contact");
	T_CHECK(needed(s, IMPI, YES, "Contact: *\r\nExpires: 0\r\n") == 0,
	    "protected de-registration, *");
	T_CHECK(needed(s, IMPI, ", integrity-protected=\"no\"", HERE) == 1,
	    "no");
	T_CHECK(needed(s, IMPI, ", integrity-protected=ip-assoc-pending",
	    HERE) == 1, "ip-assoc-pending");
	T_CHECK(needed(s, IMPI, ", integrity-protected=tls-pending", HERE) ==
	    1, "tls-pending");
	T_CHECK(needed(s, IMPI, "", HERE) == 1, "no integrity-protected");
	T_CHECK(needed(s, IMPI, NULL, HERE) == 1, "no Authorization");
	T_CHECK(needed(s, "bob@" DOM, YES, HERE) == 1, "another IMPI");
	T_CHECK(needed(s, "", YES, HERE) == 1,
	    "empty username (the IMPI then derived from the To)");
	T_CHECK(needed(s, IMPI, YES, "Contact: <sip:alice@10.0.0.11:5060>;"
	    "expires=600\r\n") == 1, "a contact not registered");
	T_CHECK(needed(s, IMPI, YES, HERE "Contact: <sip:alice@10.0.0.11>"
	    "\r\n") == 1, "one of two contacts not registered");
	T_CHECK(needed(s, IMPI, YES, "") == 1, "no Contact");
	s->reauth = REG_REAUTH_ALWAYS;
	T_CHECK(needed(s, IMPI, YES, HERE) == 1, "reauth=always");
	s->reauth = REG_REAUTH_UNLESS_PROTECTED;

	/* The identity registered by another IMPI (bob's authentication). */
	T_CHECK(bdb_reg_put(s->db, IMPU, "bob@" DOM, "<" IMPU ">", 1) == 0,
	    "owner bob");
	T_CHECK(needed(s, IMPI, YES, HERE) == 1, "registered by bob");
	T_CHECK(bdb_reg_put(s->db, IMPU, IMPI, "<" IMPU ">", 1) == 0,
	    "owner alice");
	/* A lapsed binding does not count. */
	bn.expires_at = (int64_t)time(NULL) - 1;
	T_CHECK(bdb_binding_put(s->db, IMPU, &bn) == 0, "lapsed binding");
	T_CHECK(needed(s, IMPI, YES, HERE) == 1, "lapsed binding");
	T_CHECK(needed(s, IMPI, YES, "Contact: *\r\nExpires: 0\r\n") == 1,
	    "*, nothing live");
	/* De-registered. */
	T_CHECK(bdb_deregister(s->db, IMPU) == 0, "deregister");
	T_CHECK(needed(s, IMPI, YES, HERE) == 1, "de-registered");
}

int
main(void)
{
	char path[] = "/tmp/test_reg_reauth.XXXXXX", f[64];
	struct scscf s;
	int fd;

	log_init("test_reg_reauth", LOG_LVL_WARN);
	memset(&s, 0, sizeof(s));
	s.max_expires = 3600;
	test_intprot();
	if ((fd = mkstemp(path)) < 0)
		return 1;
	(void)close(fd);
	T_CHECK(bdb_open(path, 0, &s.db) == 0, "open");
	test_rule(&s);
	bdb_close(s.db);
	(void)unlink(path);
	(void)snprintf(f, sizeof(f), "%s-wal", path);
	(void)unlink(f);
	(void)snprintf(f, sizeof(f), "%s-shm", path);
	(void)unlink(f);
	return t_done("test_reg_reauth");
}
