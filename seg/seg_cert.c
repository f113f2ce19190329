/* seg_cert.c - certificate authentication for the seg (TS 33.210 5.4.2
 * profile of RFC 7296): our X.509 certificate in a CERT payload (3.6,
 * encoding 4), a CERTREQ naming the CA by the SHA-1 hash of its public key
 * (3.7), signatures per RFC 7427 (ike_auth_sign/verify); the peer's
 * certificate verified against the CA (X509_verify_cert) and its
 * subjectAltName dNSName required to be the configured peer identity.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "check.h"
#include "log.h"
#include "seg_ike.h"

static int
need_cert(const struct seg *s)
{
	size_t i;

	for (i = 0; i < s->npeers; i++)
		if (s->peers[i].auth == SEG_AUTH_CERT)
			return 1;
	return 0;
}

static X509 *
read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;

	if (f == NULL)
		return NULL;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	(void)fclose(f);
	return x;
}

int
seg_cert_load(struct seg *s)
{
	const struct seg_conf *c = s->conf;
	X509 *cert = NULL, *ca = NULL;
	FILE *f;
	int len, rc = -EINVAL;
	uint8_t *p;
	unsigned int hl;
	const ASN1_BIT_STRING *k;

	if (!need_cert(s))
		return 0;
	if (c->cert == NULL || c->key == NULL || c->ca == NULL) {
		log_err("seg: auth=cert needs cert, key and ca");
		return -EINVAL;
	}
	if ((cert = read_cert(c->cert)) == NULL) {
		log_err("seg: cannot read the certificate %s", c->cert);
		goto out;
	}
	if ((f = fopen(c->key, "r")) == NULL ||
	    (s->key = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL) {
		if (f != NULL)
			(void)fclose(f);
		log_err("seg: cannot read the private key %s", c->key);
		goto out;
	}
	(void)fclose(f);
	if (X509_check_private_key(cert, s->key) != 1) {
		log_err("seg: %s is not the key of %s", c->key, c->cert);
		goto out;
	}
	if ((ca = read_cert(c->ca)) == NULL ||
	    (s->ca = X509_STORE_new()) == NULL ||
	    X509_STORE_add_cert(s->ca, ca) != 1) {
		log_err("seg: cannot read the CA certificate %s", c->ca);
		goto out;
	}
	/* 3.7: SHA-1 of the CA's subjectPublicKey. */
	k = X509_get0_pubkey_bitstr(ca);
	if (k == NULL || EVP_Digest(k->data, (size_t)k->length, s->ca_keyid,
	    &hl, EVP_sha1(), NULL) != 1 || hl != sizeof(s->ca_keyid)) {
		rc = -EIO;
		goto out;
	}
	if ((len = i2d_X509(cert, NULL)) <= 0 ||
	    (s->cert_der = OPENSSL_malloc((size_t)len)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	p = s->cert_der;
	if (i2d_X509(cert, &p) != len) {
		rc = -EIO;
		goto out;
	}
	s->cert_derlen = (size_t)len;
	if (X509_check_host(cert, c->identity, 0,
	    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, NULL) != 1)
		log_warn("seg: %s does not name %s in its subjectAltName: "
		    "peers will refuse it", c->cert, c->identity);
	rc = 0;
out:
	X509_free(cert);
	X509_free(ca);
	return rc;
}

void
seg_cert_free(struct seg *s)
{
	EVP_PKEY_free(s->key);
	s->key = NULL;
	X509_STORE_free(s->ca);
	s->ca = NULL;
	OPENSSL_free(s->cert_der);
	s->cert_der = NULL;
}

void
seg_cert_wr_certreq(const struct seg *s, struct ike_wr *w)
{
	if (s->ca != NULL)
		ike_wr_cert(w, IKE_PL_CERTREQ, IKE_CERT_X509_SIG, s->ca_keyid,
		    sizeof(s->ca_keyid));
}

int
seg_cert_auth_make(struct seg_ike *sa, struct ike_wr *w,
    const uint8_t *octets, size_t olen)
{
	struct seg *s = sa->s;
	uint8_t sig[1024], method;
	size_t slen;

	IMS_CHECK_PARAMS(s->key != NULL && s->cert_der != NULL);
	ike_wr_cert(w, IKE_PL_CERT, IKE_CERT_X509_SIG, s->cert_der,
	    s->cert_derlen);
	IMS_CHECK_RC(ike_auth_sign(s->key, octets, olen, &method, sig,
	    sizeof(sig), &slen));
	ike_wr_auth(w, method, sig, slen);
	return 0;
}

int
seg_cert_auth_check(struct seg_ike *sa, const struct ike_msg *m,
    const struct ike_auth *a, const uint8_t *octets, size_t olen)
{
	const struct seg_peer *p = sa->peer;
	const struct ike_pl *pl;
	struct ike_cert c;
	X509_STORE_CTX *ctx = NULL;
	X509 *x = NULL;
	const uint8_t *d;
	size_t it = 0;
	int rc = -EACCES;

	if ((pl = ike_msg_find(m, IKE_PL_CERT, &it)) == NULL ||
	    ike_cert_parse(pl, &c) < 0 || c.encoding != IKE_CERT_X509_SIG ||
	    c.len > 65535) {
		log_warn("seg: peer %s: no X.509 certificate", p->name);
		return -EACCES;
	}
	d = c.data;
	if ((x = d2i_X509(NULL, &d, (long)c.len)) == NULL ||
	    d != c.data + c.len) {
		log_warn("seg: peer %s: certificate unreadable", p->name);
		goto out;
	}
	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(ctx, sa->s->ca, x, NULL) != 1) {
		rc = -EIO;
		goto out;
	}
	if (X509_verify_cert(ctx) != 1) {
		log_warn("seg: peer %s: certificate not trusted: %s", p->name,
		    X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(ctx)));
		goto out;
	}
	if (X509_check_host(x, p->id, 0, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
	    X509_CHECK_FLAG_NO_WILDCARDS, NULL) != 1) {
		log_warn("seg: peer %s: the certificate does not name %s in "
		    "its subjectAltName", p->name, p->id);
		goto out;
	}
	if (ike_auth_verify(X509_get0_pubkey(x), a->method, a->data, a->len,
	    octets, olen) == 0)
		rc = 0;
out:
	X509_STORE_CTX_free(ctx);
	X509_free(x);
	return rc;
}
