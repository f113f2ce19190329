# shellcheck shell=bash
# labroam.sh - the roaming shape of the lab (./lab up --roaming; TS 33.210
# 5.6 Za, TS 23.228 P-CSCF in the visited network).  Sourced by lablib.sh.
#
#   visited domain (bridge brv, $LAB_VNET.0/24):  ue, pcscf, segv (.1)
#   home domain    (bridge br,  $LAB_NET.0/24):   hss, scscf, icscf, bsf,
#                                                  naf, xcap, segh (.1)
#   Za (bridge br0 in namespace za, $LAB_ZANET.0/24):  segv's za0 (.1),
#       segh's za0 (.2); a capture on za's br0 sees every frame between
#       the domains (ZA_NS, ZA_IF in ./lab env).  Not on a SEG's own za0:
#       the kernel passes decapsulated tunnel packets up through the
#       device the ESP came in on, so a capture there shows them too.
#
# Each domain routes the other's subnet through its SEG; the SEGs forward
# and negotiate an IKEv2 + ESP tunnel between the two subnets, and their
# policies drop what crosses Za unprotected.  So the only packets on za0
# are IKE (UDP 500/4500) and ESP.
#
# Settings: LAB_VNET (first three octets of the visited /24, default
# 10.78.0), LAB_ZANET (the Za link's, default 10.76.0), LAB_VISITED (the
# visited network's name, P-Visited-Network-ID, default
# visited.example.net), LAB_ZA_AUTH psk | cert (default cert: the lab CA
# issues each SEG a certificate naming its FQDN).

# LAB_NET, LAB_DIR, LAB_DOMAIN, BIN: lablib.sh's and ./lab's.
LAB_VNET=${LAB_VNET:-10.78.0}
LAB_ZANET=${LAB_ZANET:-10.76.0}
LAB_VISITED=${LAB_VISITED:-visited.example.net}
LAB_ZA_AUTH=${LAB_ZA_AUTH:-cert}

# lab_roaming: true in a lab brought up with --roaming (remembered in
# $LAB_DIR/roaming for env, status and down) or while up sets it.
lab_roaming() { [ "${LAB_ROAMING:-0}" = 1 ] || [ -f "${LAB_DIR:-/nonexistent}/roaming" ]; }

# lab_visited_node NODE: true for the nodes in the visited domain.
lab_visited_node() { case $1 in ue|ue2|pcscf|segv) return 0 ;; esac; return 1; }

# lab_roam_ip NODE: NODE's address in a roaming lab, empty when lab_ip's
# single-bridge plan holds.
lab_roam_ip() {
	# shellcheck disable=SC2153 # LAB_NET: lablib.sh's
	case $1 in
	segv) echo "$LAB_VNET.1" ;; segh) echo "$LAB_NET.1" ;;
	segv-za) echo "$LAB_ZANET.1" ;; segh-za) echo "$LAB_ZANET.2" ;;
	pcscf) echo "$LAB_VNET.40" ;; ue) echo "$LAB_VNET.100" ;;
	ue2) echo "$LAB_VNET.101" ;;
	esac
}

# lab_roam_net_up NODE...: the two bridges, the nodes on theirs, the SEGs
# and the Za link, the routes through the SEGs.
lab_roam_net_up() {
	local n net gw
	netns_bridge "$(lab_ns br)" || lab_die "no bridge (already up? ./lab down)"
	netns_bridge "$(lab_ns brv)" || lab_die "no visited bridge"
	for n in "$@" segv segh; do
		if lab_visited_node "$n"; then
			netns_join "$(lab_ns brv)" "$(lab_ns "$n")" "v$n" \
			    "$(lab_ip "$n")/24" || lab_die "cannot add node $n"
		else
			netns_join "$(lab_ns br)" "$(lab_ns "$n")" "v$n" \
			    "$(lab_ip "$n")/24" || lab_die "cannot add node $n"
		fi
	done
	netns_bridge "$(lab_ns za)" || lab_die "no Za bridge"
	for n in segv segh; do
		ip -n "$(lab_ns za)" link add "z$n" type veth peer name za0 \
		    netns "$(lab_ns "$n")" || lab_die "no Za link to $n"
		ip -n "$(lab_ns za)" link set "z$n" master br0 up ||
			lab_die "z$n on the Za bridge"
	done
	netns_addr "$(lab_ns segv)" za0 "$(lab_ip segv-za)/24" || lab_die "Za address"
	netns_addr "$(lab_ns segh)" za0 "$(lab_ip segh-za)/24" || lab_die "Za address"
	for n in segv segh; do
		lab_in "$n" sysctl -qw net.ipv4.ip_forward=1 ||
			lab_die "forwarding in $n"
	done
	lab_in segv ip route add "$LAB_NET.0/24" via "$(lab_ip segh-za)" ||
		lab_die "route to the home domain in segv"
	lab_in segh ip route add "$LAB_VNET.0/24" via "$(lab_ip segv-za)" ||
		lab_die "route to the visited domain in segh"
	for n in "$@"; do
		if lab_visited_node "$n"; then
			net=$LAB_NET gw=$(lab_ip segv)
		else
			net=$LAB_VNET gw=$(lab_ip segh)
		fi
		lab_in "$n" ip route add "$net.0/24" via "$gw" ||
			lab_die "route from $n to $net.0/24"
	done
}

# lab_seg_conf SIDE: SIDE (segv|segh)'s seg.conf: its outer (Za) address,
# its FQDN, the other SEG as its one peer with the two domains' subnets;
# segv initiates, segh answers.
lab_seg_conf() {
	local me=$1 peer lnet rnet init id pid auth
	if [ "$me" = segv ]; then
		peer=segh lnet=$LAB_VNET.0/24 rnet=$LAB_NET.0/24 init=yes
		id=seg.$LAB_VISITED pid=seg.$LAB_DOMAIN
	else
		peer=segv lnet=$LAB_NET.0/24 rnet=$LAB_VNET.0/24 init=no
		id=seg.$LAB_DOMAIN pid=seg.$LAB_VISITED
	fi
	case $LAB_ZA_AUTH in
	psk) auth="auth=psk psk=0x$(cat "$LAB_DIR/za.psk")" ;;
	cert) auth="auth=cert"
	      lab_cert "$LAB_DIR" "$me" "$id" "$(lab_ip "$me-za")" ;;
	*) lab_die "LAB_ZA_AUTH must be psk or cert" ;;
	esac
	local o=(-o local="$(lab_ip "$me-za")" -o identity="$id"
	    -o peer="$peer address=$(lab_ip "$peer-za") id=$pid $auth local-subnet=$lnet remote-subnet=$rnet initiate=$init"
	    -o ctl-socket="$LAB_DIR/$me.ctl" -o pid-file="$LAB_DIR/$me.pid")
	[ "$LAB_ZA_AUTH" = cert ] && o+=(-o cert="$LAB_DIR/$me.pem"
	    -o key="$LAB_DIR/$me.key" -o ca="$LAB_DIR/ca.pem")
	lab_conf "$BIN/seg" seg "$LAB_DIR/$me.conf" "${o[@]}"
}

# lab_seg_wait NAME: until the seg NAME (its control socket and log in
# LAB_DIR) lists an installed CHILD_SA (30 s); 1 with its log's tail
# on stderr when none came.
lab_seg_wait() {
	for _ in $(seq 300); do
		"$BIN/seg-ctl" -s "$LAB_DIR/$1.ctl" list 2>/dev/null |
		    grep -q "^  child " && return 0
		sleep 0.1
	done
	tail -n 20 "$LAB_DIR/$1.log" >&2
	return 1
}

# lab_roam_segs_up: both SEGs started, waits (30 s) until each lists an
# installed CHILD_SA to the other.
lab_roam_segs_up() {
	local n
	[ "$LAB_ZA_AUTH" = psk ] && { openssl rand -hex 32 >"$LAB_DIR/za.psk" ||
	    lab_die "no Za PSK"; }
	lab_seg_conf segh
	lab_seg_conf segv
	lab_start segh segh "$BIN/seg" -c "$LAB_DIR/segh.conf"
	lab_wait_running segh
	lab_start segv segv "$BIN/seg" -c "$LAB_DIR/segv.conf"
	lab_wait_running segv
	for n in segv segh; do
		lab_seg_wait "$n" || lab_die "no Za tunnel on $n within 30 s"
	done
}

# lab_visited_net: the pcscf's P-Visited-Network-ID (TS 24.229 5.2.2):
# the visited network's name when roaming, else the home domain.
lab_visited_net() {
	if lab_roaming; then echo "$LAB_VISITED"; else echo "$LAB_DOMAIN"; fi
}

# lab_kernel_esp: 0 when this kernel can hold an ESP SA (probed in a
# throw-away namespace, before anything is made).
lab_kernel_esp() {
	unshare -n ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp \
	    spi 0x101 mode tunnel \
	    auth "hmac(sha256)" 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff \
	    enc "cbc(aes)" 0x00112233445566778899aabbccddeeff 2>/dev/null
}

# Zb (TS 33.210 5.6, optional inside a domain): with lab_zb 1, a seg of
# its own on the hss, the icscf and the scscf, so that Cx between them
# runs in ESP tunnels (host to host) set up by IKEv2 with certificates of
# the lab CA naming each element's FQDN (its Diameter identity).  The
# hss's seg answers, the CSCFs' initiate.  Cx keeps its TLS inside
# (LAB_CX_TLS).  LAB_ZB: 1 | 0, default 1 in a roaming lab, else 0.
lab_zb() {
	case ${LAB_ZB:-} in
	1|0) echo "$LAB_ZB" ;;
	"") if lab_roaming; then echo 1; else echo 0; fi ;;
	*) lab_die "LAB_ZB must be 1 or 0" ;;
	esac
}
LAB_ZB_NODES=(hss icscf scscf)

# lab_zb_conf NODE PEER...: NODE's seg.conf, one peer line per PEER.
lab_zb_conf() {
	local me=$1 p ip o=()
	shift
	ip=$(lab_ip "$me")
	lab_cert "$LAB_DIR" "zb-$me" "$me.$LAB_DOMAIN" "$ip"
	for p in "$@"; do
		o+=(-o "peer=$p address=$(lab_ip "$p") id=$p.$LAB_DOMAIN auth=cert local-subnet=$ip/32 remote-subnet=$(lab_ip "$p")/32 initiate=$([ "$me" = hss ] && echo no || echo yes)")
	done
	lab_conf "$BIN/seg" seg "$LAB_DIR/zb-$me.conf" -o local="$ip" \
	    -o identity="$me.$LAB_DOMAIN" "${o[@]}" \
	    -o cert="$LAB_DIR/zb-$me.pem" -o key="$LAB_DIR/zb-$me.key" \
	    -o ca="$LAB_DIR/ca.pem" -o ctl-socket="$LAB_DIR/zb-$me.ctl" \
	    -o pid-file="$LAB_DIR/zb-$me.pid"
}

# lab_zb_up: the three segs started, waits (30 s) until each CSCF's lists
# its tunnel to the hss.
lab_zb_up() {
	local n
	lab_zb_conf hss icscf scscf
	lab_zb_conf icscf hss
	lab_zb_conf scscf hss
	for n in "${LAB_ZB_NODES[@]}"; do
		lab_start "$n" "zb-$n" "$BIN/seg" -c "$LAB_DIR/zb-$n.conf"
		lab_wait_running "zb-$n"
	done
	for n in icscf scscf; do
		lab_seg_wait "zb-$n" ||
			lab_die "no Zb tunnel from $n to the hss within 30 s"
	done
}
