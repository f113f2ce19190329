#!/bin/sh
# samples.sh [BUILD_DIR] - writes the sample configurations hss/hss.conf,
# scscf/scscf.conf, icscf/icscf.conf, pcscf/pcscf.conf, bsf/bsf.conf,
# naf/naf.conf, naf/xcap.conf and seg/seg.conf with `DAEMON -p`
# (every key, with its help and default), set for the lab topology of
# scripts/lablib.sh.  Run it after adding or changing a key, then review the
# diff; tests/unit/test_samples.sh checks the samples are complete.
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build}/bin
n=10.77.0 d=ims.example.org
header() {	# DAEMON FUNCTION
	cat <<HDR
# $1.conf - sample configuration of the $2 for the lab topology of
# scripts/lablib.sh, written by scripts/samples.sh.  ./lab runs
# \`$1 -p -c $1/$1.conf -o KEY=VALUE ...\` to write the one it uses.
# Installed: /etc/imssec/$1.conf.
#
HDR
}
{ header hss HSS; "$bin/hss" -p -c /dev/null -o db=/var/lib/imssec/hss.db \
    -o diameter.identity=hss.$d -o diameter.accept=scscf.$d@$n.20 \
    -o diameter.accept=icscf.$d@$n.30 -o scscf=sip:$n.20:6060@scscf.$d \
    -o diameter.threads=16
} >hss/hss.conf
{ header scscf S-CSCF; "$bin/scscf" -p -c /dev/null -o listen=$n.20:6060 \
    -o domain=$d -o name=sip:$n.20:6060 -o db=/var/lib/imssec/scscf.db \
    -o diameter.identity=scscf.$d -o diameter.connect=hss.$d@$n.10 \
    -o trusted-peer=$n.40 -o trusted-peer=$n.30
} >scscf/scscf.conf
{ header icscf I-CSCF; "$bin/icscf" -p -c /dev/null -o listen=$n.30:4060 \
    -o domain=$d -o scscf=sip:$n.20:6060=1,2 -o diameter.identity=icscf.$d \
    -o diameter.connect=hss.$d@$n.10 -o trusted-peer=$n.40 \
    -o trusted-peer=$n.20
} >icscf/icscf.conf
{ header pcscf P-CSCF; "$bin/pcscf" -p -c /dev/null -o listen=$n.40:5060 \
    -o icscf=sip:$n.30:4060 -o visited=$d -o trusted-peer=$n.30 \
    -o trusted-peer=$n.20
} >pcscf/pcscf.conf
{ header bsf BSF; "$bin/bsf" -p -c /dev/null -o listen=$n.50:8080 \
    -o name=bsf.$d -o db=/var/lib/imssec/bsf.db -o hss=hss.$d \
    -o diameter.identity=bsf.$d -o diameter.connect=hss.$d@$n.10
} >bsf/bsf.conf
{ header naf "NAF (the Ut authentication proxy)"; "$bin/naf" -p -c /dev/null \
    -o listen=$n.60:8443 -o fqdn=naf.$d -o tls-cert=/etc/imssec/naf.crt \
    -o tls-key=/etc/imssec/naf.key -o as=http://$n.70:8080 \
    -o diameter.identity=naf.$d -o diameter.accept=bsf.$d@$n.50
} >naf/naf.conf
{ header xcap "XCAP server (behind the naf)"; "$bin/xcap" -p -c /dev/null \
    -o listen=$n.70:8080 -o db=/var/lib/imssec/xcap.db -o trusted-peer=$n.60
} >naf/xcap.conf
{ cat <<HDR
# seg.conf - sample configuration of a SEG (TS 33.210 Za): domain A's
# gateway 10.46.0.1 facing domain B's 10.46.0.2 (docs/seg.md has B's side
# and the certificate variant), written by scripts/samples.sh.
# Installed: /etc/imssec/seg.conf.
#
HDR
"$bin/seg" -p -c /dev/null -o local=10.46.0.1 \
    -o identity=sega.example.net -o "peer=segb address=10.46.0.2 \
id=segb.example.net auth=psk psk=change-this-secret \
local-subnet=192.168.201.0/24 remote-subnet=192.168.202.0/24 initiate=yes"
} >seg/seg.conf
