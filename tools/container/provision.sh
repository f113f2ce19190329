#!/bin/sh
# imssec-provision - the compose provisioning step: adds the demo
# subscribers of ./lab (alice, bob @DOMAIN, the same keys) to the HSS's
# store (HSS_DB: the SQLite file on the hss volume, or postgresql://...).
# Idempotent: a subscriber already there is left as it is.
set -eu
DOMAIN=${DOMAIN:-ims.example.org}
DEMO_K=${DEMO_K:-f1e2d3c4b5a69788796a4a4c3d2e1f01}
DEMO_OP=${DEMO_OP:-494d53414b41746573744f5030303136}
DEMO_AMF=${DEMO_AMF:-8001}
# Wait for the store: the hss creates its schema at start.
i=0
until hss-ctl list >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 120 ] || { echo "imssec-provision: no HSS store at $HSS_DB" >&2; exit 1; }
	sleep 0.5
done
for ut in alice:+15550001 bob:+15550002; do
	u=${ut%%:*}
	if hss-ctl show --impi "$u@$DOMAIN" >/dev/null 2>&1; then
		echo "imssec-provision: $u@$DOMAIN is there"
		continue
	fi
	printf '%s\n%s\n' "$DEMO_K" "$DEMO_OP" | hss-ctl add --impi "$u@$DOMAIN" \
	    --impu "sip:$u@$DOMAIN" --impu "tel:${ut#*:}" --k-file - --op-file - \
	    --amf "$DEMO_AMF" >/dev/null
	echo "imssec-provision: added $u@$DOMAIN"
done
