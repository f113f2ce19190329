/* dia_tls.c - Diameter over TLS (diameter.tls, dia_conf.h): the keys'
 * checks, the TLS part of the generated freeDiameter 1.2.1
 * configuration, and what freeDiameter leaves to us.
 *
 * RFC 6733 2.1 and 13.1: with TLS the connection is protected from its
 * first octet (freeDiameter's SecPort and a ConnectPeer without No_TLS or
 * TLS_old_method: no Inband-Security-Id negotiation in clear), both sides
 * present certificates (freeDiameter's server requires one,
 * GNUTLS_CERT_REQUIRE) and each verifies the other's chain against
 * TLS_CA.  TS 33.210 allows TLS for Diameter (Za/Zb) where no SEG
 * protects the link; its TLS profile (TS 33.310 Annex E) excludes
 * versions below TLS 1.2: TLS_Prio below.
 *
 * Identity: freeDiameter compares the certificate with the Diameter
 * identity only for a peer it connects to (the ConnectPeer name, RFC
 * 6125 rules, gnutls_x509_crt_check_hostname in the handshake).  A peer
 * that connects to us is not checked: its certificate is only required to
 * chain to the CA, and any lab certificate could claim any identity in
 * its CER.  dia_tls_peer_check, called from dia_conf's incoming-peer rule
 * after the CER, requires the first certificate to name the claimed
 * identity (subjectAltName dNSName, else CN; no wildcard).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/x509.h>

#include "check.h"
#include "dia.h"
#include "dia_conf.h"
#include "dia_fd.h"
#include "log.h"
#include "met.h"
#include "strbuf.h"

/* TS 33.310 Annex E: TLS 1.2 or 1.3, GnuTLS's NORMAL suites otherwise. */
#define DIA_TLS_PRIO	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define DIA_TLS_FILE_MAX	(256 * 1024)

int
dia_tls_check_file(const char *v, char *why, size_t size)
{
	struct stat st;

	if (v[0] != '/' || strpbrk(v, "\"\\") != NULL) {
		(void)snprintf(why, size, "expected an absolute path without "
		    "'\"' or '\\'");
		return -EINVAL;
	}
	if (access(v, R_OK) == 0)
		return 0;
	/* Not ours to read: the daemon reads it as root at start-up
	 * (dia_tls_load), and a SIGHUP re-reads the configuration after the
	 * switch to the run user, which may not read a root-only key. */
	if (errno == EACCES && geteuid() != 0 && stat(v, &st) == 0 &&
	    S_ISREG(st.st_mode))
		return 0;
	(void)snprintf(why, size, "%s: %s", v, strerror(errno));
	return -EINVAL;
}

int
dia_tls_check_conf(const void *base, char *why, size_t size)
{
	const struct dia_conf *c = base;

	if (c->tls == DIA_TLS_REQUIRED && (c->tls_cert == NULL ||
	    c->tls_key == NULL || c->tls_ca == NULL)) {
		(void)snprintf(why, size, "diameter.tls = required needs "
		    "diameter.tls-cert, diameter.tls-key and diameter.tls-ca");
		return -EINVAL;
	}
	return 0;
}

/* ---- the files, read as root ---- */

enum { F_CERT, F_KEY, F_CA, F_N };
static int tls_fd[F_N] = { -1, -1, -1 };

/* path into a new memory file: its descriptor or -errno. */
static int
copy_to_memfd(const char *path)
{
	char buf[4096];
	ssize_t n;
	size_t total = 0;
	int in, out, rc = 0;

	if ((in = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = -errno;
		log_err("dia: %s: %s", path, strerror(-rc));
		return rc;
	}
	if ((out = memfd_create("imssec-dia-tls", MFD_CLOEXEC)) < 0) {
		rc = -errno;
		(void)close(in);
		return rc;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		total += (size_t)n;
		if (total > DIA_TLS_FILE_MAX) {
			rc = -EFBIG;
			break;
		}
		if (write(out, buf, (size_t)n) != n) {
			rc = -EIO;
			break;
		}
	}
	explicit_bzero(buf, sizeof(buf));	/* maybe key material */
	(void)close(in);
	if (rc < 0) {
		log_err("dia: %s: %s", path, strerror(-rc));
		(void)close(out);
		return rc;
	}
	return out;
}

void
dia_tls_loaded_close(void)
{
	size_t i;

	for (i = 0; i < F_N; i++)
		if (tls_fd[i] >= 0) {
			/* The memory goes with the last descriptor. */
			(void)close(tls_fd[i]);
			tls_fd[i] = -1;
		}
}

int
dia_tls_load(const struct dia_conf *c)
{
	const char *path[F_N];
	size_t i;
	int fd;

	IMS_CHECK_PARAMS(c != NULL);
	if (c->tls != DIA_TLS_REQUIRED)
		return 0;
	path[F_CERT] = c->tls_cert;
	path[F_KEY] = c->tls_key;
	path[F_CA] = c->tls_ca;
	dia_tls_loaded_close();
	for (i = 0; i < F_N; i++) {
		IMS_CHECK_PARAMS(path[i] != NULL);
		if ((fd = copy_to_memfd(path[i])) < 0) {
			dia_tls_loaded_close();
			return fd;
		}
		tls_fd[i] = fd;
	}
	return 0;
}

/* The name freeDiameter opens for file i: the memory file, else the
 * configured path. */
static void
tls_path(int i, const char *configured, char *out, size_t size)
{
	if (tls_fd[i] >= 0)
		(void)snprintf(out, size, "/proc/self/fd/%d", tls_fd[i]);
	else
		(void)snprintf(out, size, "%s", configured);
}

void
dia_tls_render(const struct dia_conf *c, struct strbuf *sb)
{
	char cert[1100], key[1100], ca[1100];

	if (c->tls != DIA_TLS_REQUIRED)
		return;
	tls_path(F_CERT, c->tls_cert, cert, sizeof(cert));
	tls_path(F_KEY, c->tls_key, key, sizeof(key));
	tls_path(F_CA, c->tls_ca, ca, sizeof(ca));
	strbuf_puts(sb, "TLS_Cred = \"");
	strbuf_puts(sb, cert);
	strbuf_puts(sb, "\", \"");
	strbuf_puts(sb, key);
	strbuf_puts(sb, "\";\nTLS_CA = \"");
	strbuf_puts(sb, ca);
	strbuf_puts(sb, "\";\nTLS_Prio = \"" DIA_TLS_PRIO "\";\n");
}

/* ---- incoming peers ---- */

int
dia_tls_peer_check(const struct peer_info *info, char *why, size_t size)
{
	gnutls_x509_crt_t crt;
	int ok;

	if (info->runtime.pir_cert_list == NULL ||
	    info->runtime.pir_cert_list_size == 0) {
		(void)snprintf(why, size, "no TLS (diameter.tls is required)");
		return -EACCES;
	}
	if (gnutls_x509_crt_init(&crt) < 0) {
		(void)snprintf(why, size, "out of memory");
		return -EACCES;
	}
	ok = gnutls_x509_crt_import(crt, &info->runtime.pir_cert_list[0],
	    GNUTLS_X509_FMT_DER) >= 0 &&
	    gnutls_x509_crt_check_hostname2(crt, info->pi_diamid,
	    GNUTLS_VERIFY_DO_NOT_ALLOW_WILDCARDS) != 0;
	gnutls_x509_crt_deinit(crt);
	if (!ok) {
		(void)snprintf(why, size, "its certificate does not name that "
		    "identity");
		return -EACCES;
	}
	return 0;
}

/* HOOK_PEER_CONNECT_FAILED without a peer: an incoming connection
 * freeDiameter dropped before its CER could be validated (handshake
 * failed, no certificate, one from another CA, no CER in time). */
static void
refused(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer,
    void *other, struct fd_hook_permsgdata *pmd, void *regdata)
{
	(void)type;
	(void)msg;
	(void)pmd;
	(void)regdata;
	if (peer != NULL)
		return;
	metric_inc1(&met_dia_refused, MET_DIA_REFUSED_TRANSPORT);
	log_sec(LOG_LVL_WARN, 3, NULL, NULL, "dia: refused a connection: %s",
	    other != NULL ? (const char *)other : "(no reason given)");
}

int
dia_tls_hook_init(void)
{
	struct fd_hook_hdl *h;

	IMS_CHECK_FD(fd_hook_register(HOOK_MASK(HOOK_PEER_CONNECT_FAILED),
	    refused, NULL, NULL, &h));
	return 0;
}
