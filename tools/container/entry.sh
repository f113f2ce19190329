#!/bin/sh
# imssec-entry - the image's entrypoint: runs one function of the IMS core
# in a container (docker-compose.yml).
#
#   imssec-entry hss|scscf|icscf|pcscf|bsf|naf|xcap [DAEMON-OPTIONS...]
#   imssec-entry provision      the demo subscribers (idempotent), then exit
#   imssec-entry ue             the ue service: stays up for `exec`
#   imssec-entry addr           this container's address
#
# A daemon reads /etc/imssec/NAME.conf (tools/container/conf/, mounted by
# docker-compose.yml) plus what only the container knows at start: its own
# address A and the names derived from it (D is A with dashes), so that the
# replicas of a scaled service share one configuration:
#   scscf  listen A:6060, name sip:A:6060, identity scscf-D.DOMAIN
#   icscf  listen A:4060, identity icscf-D.DOMAIN
#   pcscf  listen A:5060
#   hss    identity hss.DOMAIN, or hss-D.DOMAIN when HSS_REPLICAS=many
#   bsf    its Diameter links: the hss, and the naf at NAF_ADDR (10.79.0.60)
# and, for the hss's Diameter clients, the hss to connect to: the service
# name `hss` resolved (the CSCFs connect to every replica; the bsf, which
# names its HSS, to one picked by our address).
# Environment: DOMAIN (ims.example.org), HSS_DB (the hss's store: a path or
# postgresql://...), LOG_LEVEL (info), METRICS_PORT (9100),
# IMSSEC_OPTS (more KEY=VALUE settings, blank-separated).
set -eu

DOMAIN=${DOMAIN:-ims.example.org}
LOG_LEVEL=${LOG_LEVEL:-info}
METRICS_PORT=${METRICS_PORT:-9100}
CONF=${IMSSEC_CONF_DIR:-/etc/imssec}

die() { echo "imssec-entry: $*" >&2; exit 1; }

# Our IPv4 address on the compose network (docker writes it to /etc/hosts).
my_addr() {
	a=$(getent ahostsv4 "$(hostname)" | awk 'NR == 1 { print $1 }')
	[ -n "$a" ] || die "no IPv4 address for $(hostname)"
	echo "$a"
}

# resolve NAME: every IPv4 address of NAME, one a line, sorted; waits up
# to 60 s for the name to exist (its containers may still be starting).
resolve() {
	i=0
	while [ $i -lt 120 ]; do
		r=$(getent ahostsv4 "$1" | awk '{ print $1 }' | sort -u -t. \
		    -k1,1n -k2,2n -k3,3n -k4,4n)
		[ -n "$r" ] && { echo "$r"; return 0; }
		i=$((i + 1))
		sleep 0.5
	done
	die "cannot resolve $1"
}

dashes() { echo "$1" | tr . -; }

# hss_id ADDRESS: the Diameter identity of the hss replica at ADDRESS.
hss_id() {
	if [ "${HSS_REPLICAS:-one}" = many ]; then
		echo "hss-$(dashes "$1").$DOMAIN"
	else
		echo "hss.$DOMAIN"
	fi
}

# hss_peer: "IDENTITY ADDRESS" of one hss, for a client that names its
# HSS (the bsf's Zh Destination-Host): the only replica, or one picked
# by our own address among several.
hss_peer() {
	list=$(resolve hss)
	n=$(echo "$list" | wc -l)
	pick=$(echo "$list" | sed -n "$((${A##*.} % n + 1))p")
	echo "$(hss_id "$pick") $pick"
}

# hss_connects: "-o diameter.connect=ID@ADDRESS" lines for every hss
# replica: a CSCF routes Cx by realm, so it goes on through another
# replica when one dies.
hss_connects() {
	for h in $(resolve hss); do
		printf -- '-o\ndiameter.connect=%s@%s\n' "$(hss_id "$h")" "$h"
	done
}

# The options every daemon gets: log level, metrics, IMSSEC_OPTS.
common_opts() {
	set -- -c "$CONF/$FN.conf" -o "log-level=$LOG_LEVEL"
	[ -n "$METRICS_PORT" ] &&
		set -- "$@" -o "metrics-listen=0.0.0.0:$METRICS_PORT"
	for kv in ${IMSSEC_OPTS:-}; do
		set -- "$@" -o "$kv"
	done
	printf '%s\n' "$@"
}

FN=${1:-help}
[ $# -gt 0 ] && shift
case $FN in
hss|scscf|icscf|pcscf|bsf|naf|xcap) ;;
provision) exec /usr/local/bin/imssec-provision "$@" ;;
ue)	exec sleep infinity ;;
addr)	my_addr; exit 0 ;;
*)	sed -n '2,22s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac

A=$(my_addr)
D=$(dashes "$A")
# Options as lines (values hold no newline), then into "$@".
opts=$(common_opts)
case $FN in
hss)
	# A PostgreSQL store may still be starting: the hss exits without it.
	case ${HSS_DB:-} in postgres://*|postgresql://*)
		i=0
		until hss-ctl list >/dev/null 2>&1; do
			i=$((i + 1))
			[ $i -lt 120 ] || die "no store at the HSS_DB given"
			sleep 0.5
		done ;;
	esac
	if [ "${HSS_REPLICAS:-one}" = many ]; then
		id=hss-$D.$DOMAIN
	else
		id=hss.$DOMAIN
	fi
	opts="$opts
-o
diameter.identity=$id
-o
db=${HSS_DB:-/var/lib/imssec/hss.db}"
	;;
scscf|icscf)
	port=6060
	[ "$FN" = icscf ] && port=4060
	opts="$opts
-o
listen=$A:$port
-o
diameter.identity=$FN-$D.$DOMAIN
$(hss_connects)"
	[ "$FN" = scscf ] && opts="$opts
-o
name=sip:$A:$port"
	;;
pcscf)
	opts="$opts
-o
listen=$A:5060"
	;;
bsf)
	# shellcheck disable=SC2046  # two words: identity, address
	set -- $(hss_peer) "$@"
	# A list given here replaces the file's: both Diameter links.
	opts="$opts
-o
hss=$1
-o
diameter.connect=$1@$2
-o
diameter.connect=naf.$DOMAIN@${NAF_ADDR:-10.79.0.60}"
	shift 2
	;;
naf)
	/usr/local/bin/imssec-pki naf "naf.$DOMAIN" "$A"
	;;
esac

# Lines to arguments, ahead of the caller's own.
old_ifs=$IFS
IFS='
'
# shellcheck disable=SC2086  # split on newlines only
set -- $opts "$@"
IFS=$old_ifs
exec "/usr/local/bin/$FN" "$@"
