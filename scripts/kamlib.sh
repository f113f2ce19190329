# shellcheck shell=bash
# kamlib.sh - Kamailio 5.6 nodes in the lab's namespaces, shared by the
# interop tests (tests/interop/kam_lib.sh) and bench/reg-vs-kamailio.sh.
# Sourced after scripts/lablib.sh (lab_ip, lab_in, lab_start, LAB_DIR,
# LAB_DOMAIN).  Kamailio's cdp resolves its Diameter peers by name, so each
# node runs in a private mount namespace whose /etc/hosts maps the IMS
# names to the lab's addresses (the host's /etc/hosts is never touched).
#
#   kam_mpath             KAM_MPATH: Kamailio's module directory (with a
#                         trailing /); 1 when there is none
#   kam_start NODE NAME DIR PORT
#                         kamailio -f DIR/kamailio.cfg in NODE's network
#                         namespace, log LAB_DIR/NAME.log, pid file
#                         LAB_DIR/NAME.pid; waits for UDP PORT.  Shared
#                         memory KAM_SHM MB (default 64), private KAM_PKG
#                         MB (default 8)
#   kam_wait_cx NODE...   until each NODE's Cx link to the hss is up

# shellcheck disable=SC2034  # for the callers (ims_registrar_scscf's XSD)
KAM_XSD=/usr/share/doc/kamailio/examples/ims/scscf/CxDataType_Rel7.xsd

# shellcheck disable=SC2034  # KAM_MPATH is for the caller
kam_mpath() {
	local d
	KAM_MPATH=
	for d in /usr/lib/x86_64-linux-gnu/kamailio/modules \
	    "/usr/lib/$(uname -m)-linux-gnu/kamailio/modules" \
	    /usr/lib/kamailio/modules /usr/local/lib64/kamailio/modules \
	    /usr/local/lib/kamailio/modules; do
		[ -f "$d/tm.so" ] && { KAM_MPATH=$d/; return 0; }
	done
	return 1
}

kam_start() {
	local n=$1 name=$2 d=$3 port=$4 h
	mkdir -p "$d/run" || lab_die "mkdir $d/run"
	{
		echo "127.0.0.1 localhost"
		for h in hss scscf icscf pcscf; do
			echo "$(lab_ip $h) $h.$LAB_DOMAIN"
		done
	} >"$d/hosts" || lab_die "cannot write $d/hosts"
	lab_start "$n" "$name" unshare -m --propagation private sh -c \
	    "mount --bind '$d/hosts' /etc/hosts && exec kamailio -DD -E \
	    -f '$d/kamailio.cfg' -Y '$d/run' -P '$d/run/kamailio.pid' \
	    -m ${KAM_SHM:-64} -M ${KAM_PKG:-8}"
	lab_wait_listen "$n" u "$port" "$name"
}

# cdp sometimes sends a CER that freeDiameter rejects and succeeds only on
# a later try (shared notes): up to ~45 s, and a link counts once it is
# still established a second later (the CEA accepted).
kam_wait_cx() {
	local t0=$SECONDS n ok
	while [ $((SECONDS - t0)) -lt 45 ]; do
		ok=1
		for n in "$@"; do
			lab_in hss ss -tnH state established "( sport = :3868 )" \
			    2>/dev/null | grep -q " $(lab_ip "$n"):" || ok=0
		done
		if [ $ok = 1 ]; then
			sleep 1
			for n in "$@"; do
				lab_in hss ss -tnH state established \
				    "( sport = :3868 )" 2>/dev/null |
				    grep -q " $(lab_ip "$n"):" || ok=0
			done
			[ $ok = 1 ] && { echo "Cx links up after" \
			    "$((SECONDS - t0)) s"; return 0; }
		fi
		sleep 0.5
	done
	return 1
}
