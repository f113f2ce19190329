/* test_dia_tls.c - diameter.tls (dia_tls.c, dia_conf.c): the keys and
 * their check together (conf's check_all), the TLS lines of the generated
 * freeDiameter configuration for a node that accepts and one that
 * connects, and the rule for an accepted peer's certificate: it must name
 * the identity of the CER (subjectAltName dNSName, else CN; RFC 6125 6.4),
 * never through a wildcard.  The certificates are made here with GnuTLS.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/x509.h>

#include "dia_fd.h"
#include "conf.h"
#include "dia_conf.h"
#include "t.h"

static struct dia_conf dia;
static const struct conf_table tables[] = {
	{ "Diameter", dia_conf_keys, &dia, sizeof(dia) },
};

static int
load(const char *text, char *err, size_t size)
{
	return conf_load_buf(tables, 1, "unit", text, strlen(text), NULL, 0,
	    err, size);
}

/* A self-signed certificate with CN cn and, when san is not NULL, that
 * subjectAltName dNSName; DER into *der (gnutls_free). */
static int
make_cert(const char *cn, const char *san, gnutls_datum_t *der)
{
	gnutls_x509_privkey_t key;
	gnutls_x509_crt_t crt;
	unsigned char serial[1] = { 1 };
	int ok;

	if (gnutls_x509_privkey_init(&key) < 0)
		return -1;
	if (gnutls_x509_crt_init(&crt) < 0) {
		gnutls_x509_privkey_deinit(key);
		return -1;
	}
	ok = gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) == 0 &&
	    gnutls_x509_crt_set_version(crt, 3) == 0 &&
	    gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)) == 0 &&
	    gnutls_x509_crt_set_activation_time(crt, time(NULL) - 60) == 0 &&
	    gnutls_x509_crt_set_expiration_time(crt, time(NULL) + 3600) == 0 &&
	    gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
	    cn, (unsigned)strlen(cn)) == 0 &&
	    (san == NULL || gnutls_x509_crt_set_subject_alt_name(crt,
	    GNUTLS_SAN_DNSNAME, san, (unsigned)strlen(san),
	    GNUTLS_FSAN_SET) == 0) &&
	    gnutls_x509_crt_set_key(crt, key) == 0 &&
	    gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) == 0 &&
	    gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, der) == 0;
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return ok ? 0 : -1;
}

/* dia_tls_peer_check for a peer claiming id with the certificate (cn,
 * san); 0, -EACCES, or -1 when the certificate could not be made. */
static int
peer(const char *id, const char *cn, const char *san)
{
	struct peer_info info;
	gnutls_datum_t der;
	char why[128], idbuf[256];
	int rc;

	if (make_cert(cn, san, &der) < 0)
		return -1;
	memset(&info, 0, sizeof(info));
	(void)snprintf(idbuf, sizeof(idbuf), "%s", id);
	info.pi_diamid = idbuf;
	info.runtime.pir_cert_list = &der;
	info.runtime.pir_cert_list_size = 1;
	rc = dia_tls_peer_check(&info, why, sizeof(why));
	gnutls_free(der.data);
	return rc;
}

int
main(void)
{
	char err[CONF_ERR_MAX], buf[16384], text[2048], file[] =
	    "/tmp/test_dia_tls.XXXXXX";
	struct peer_info none;
	char why[128], id[] = "icscf.unit.test";
	int fd;

	if ((fd = mkstemp(file)) < 0 || write(fd, "x\n", 2) != 2) {
		fprintf(stderr, "test_dia_tls: mkstemp: %s\n", strerror(errno));
		return 1;
	}
	(void)close(fd);

	/* The keys and their check together. */
	T_CHECK(load("diameter.identity = hss.unit.test\n", err,
	    sizeof(err)) == 0 && dia.tls == DIA_TLS_OFF, "tls is off by "
	    "default");
	conf_free(tables, 1);
	T_CHECK(load("diameter.identity = hss.unit.test\n"
	    "diameter.tls = required\n", err, sizeof(err)) == -EINVAL &&
	    strstr(err, "needs diameter.tls-cert, diameter.tls-key and "
	    "diameter.tls-ca") != NULL, "required without the files: %s", err);
	conf_free(tables, 1);
	(void)snprintf(text, sizeof(text), "diameter.identity = hss.unit.test\n"
	    "diameter.tls = required\ndiameter.tls-cert = %s\n"
	    "diameter.tls-key = %s\n", file, file);
	T_CHECK(load(text, err, sizeof(err)) == -EINVAL, "required without "
	    "tls-ca is refused");
	conf_free(tables, 1);
	T_CHECK(load("diameter.identity = hss.unit.test\n"
	    "diameter.tls-ca = /nonexistent/ca.pem\n", err, sizeof(err)) ==
	    -EINVAL && strstr(err, "No such file") != NULL,
	    "a missing file is refused: %s", err);
	conf_free(tables, 1);
	T_CHECK(load("diameter.identity = hss.unit.test\n"
	    "diameter.tls-ca = relative.pem\n", err, sizeof(err)) == -EINVAL,
	    "a relative path is refused");
	conf_free(tables, 1);

	/* The generated configuration: an accepting node... */
	(void)snprintf(text, sizeof(text), "diameter.identity = hss.unit.test\n"
	    "diameter.tls = required\ndiameter.tls-cert = %s\n"
	    "diameter.tls-key = %s\ndiameter.tls-ca = %s\n"
	    "diameter.accept = icscf.unit.test@10.0.0.2\n", file, file, file);
	T_CHECK(load(text, err, sizeof(err)) == 0, "required with the three "
	    "files: %s", err);
	T_CHECK(dia_conf_render(&dia, buf, sizeof(buf)) == 0 &&
	    strstr(buf, "\nPort = 0;\nSecPort = 3868;\n") != NULL,
	    "no clear listener; the TLS one on diameter.port");
	T_CHECK(strstr(buf, "TLS_Cred = \"") != NULL &&
	    strstr(buf, "TLS_CA = \"") != NULL &&
	    strstr(buf, "TLS_Prio = \"NORMAL:-VERS-ALL:+VERS-TLS1.3:"
	    "+VERS-TLS1.2\";") != NULL, "credentials, CA, TLS 1.2 at least");
	conf_free(tables, 1);
	/* ...a connecting one... */
	(void)snprintf(text, sizeof(text), "diameter.identity = icscf.unit.test\n"
	    "diameter.tls = required\ndiameter.tls-cert = %s\n"
	    "diameter.tls-key = %s\ndiameter.tls-ca = %s\n"
	    "diameter.connect = hss.unit.test@10.0.0.1\n", file, file, file);
	T_CHECK(load(text, err, sizeof(err)) == 0, "%s", err);
	T_CHECK(dia_conf_render(&dia, buf, sizeof(buf)) == 0 &&
	    strstr(buf, "ConnectPeer = \"hss.unit.test\" { ConnectTo = "
	    "\"10.0.0.1\"; Port = 3868; };") != NULL &&
	    strstr(buf, "No_TLS") == NULL && strstr(buf, "SecPort = 0;") !=
	    NULL, "TLS on connect to the peer's port, no listener");
	conf_free(tables, 1);
	/* ...and off, as before. */
	T_CHECK(load("diameter.identity = icscf.unit.test\n"
	    "diameter.connect = hss.unit.test@10.0.0.1\n", err,
	    sizeof(err)) == 0 && dia_conf_render(&dia, buf, sizeof(buf)) == 0 &&
	    strstr(buf, "Port = 3868; No_TLS; };") != NULL &&
	    strstr(buf, "TLS_Cred") == NULL, "off: clear peers, no "
	    "credentials");
	conf_free(tables, 1);
	(void)unlink(file);

	/* An accepted peer's certificate. */
	memset(&none, 0, sizeof(none));
	none.pi_diamid = id;
	T_CHECK(dia_tls_peer_check(&none, why, sizeof(why)) == -EACCES &&
	    strstr(why, "no TLS") != NULL, "no certificate: refused");
	T_CHECK(peer(id, "x", id) == 0, "subjectAltName names the identity");
	T_CHECK(peer("ICSCF.Unit.Test", "x", id) == 0, "without case");
	T_CHECK(peer(id, id, NULL) == 0, "no subjectAltName: the CN");
	T_CHECK(peer(id, id, "scscf.unit.test") == -EACCES,
	    "subjectAltName another identity (the CN is then ignored)");
	T_CHECK(peer(id, "scscf.unit.test", NULL) == -EACCES,
	    "CN another identity");
	T_CHECK(peer(id, "x", "*.unit.test") == -EACCES,
	    "a wildcard names no identity");
	T_CHECK(peer(id, "x", "icscf.unit.test.evil") == -EACCES &&
	    peer(id, "x", "cscf.unit.test") == -EACCES, "no prefix or suffix "
	    "match");
	return t_done("test_dia_tls");
}
