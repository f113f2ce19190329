#!/bin/sh
# imssec-pki naf FQDN ADDRESS - the compose CA and a server certificate
# in the pki volume (PKI_DIR, /var/lib/imssec-pki): ca.pem (what the ue
# service trusts), NAME.pem and NAME.key (0600).  The CA is made once;
# the certificate each start (its address may change).  EC P-256.
set -eu
D=${PKI_DIR:-/var/lib/imssec-pki}
n=$1 fqdn=$2 ip=$3
umask 077
if [ ! -f "$D/ca.pem" ]; then
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -keyout "$D/ca.key" -out "$D/ca.pem.tmp" -days 365 \
	    -subj "/O=imssec compose/CN=imssec compose CA" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
	chmod 0644 "$D/ca.pem.tmp"
	mv "$D/ca.pem.tmp" "$D/ca.pem"
fi
printf '%s\n' "subjectAltName=DNS:$fqdn,IP:$ip" "extendedKeyUsage=serverAuth" \
    "basicConstraints=CA:FALSE" >"$D/$n.ext"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$D/$n.key" -out "$D/$n.csr" -subj "/CN=$fqdn" 2>/dev/null
openssl x509 -req -in "$D/$n.csr" -CA "$D/ca.pem" -CAkey "$D/ca.key" \
    -CAcreateserial -out "$D/$n.pem" -days 365 -extfile "$D/$n.ext" 2>/dev/null
rm -f "$D/$n.csr" "$D/$n.ext"
chmod 0644 "$D/$n.pem"
