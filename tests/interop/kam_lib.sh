# shellcheck shell=bash
# kam_lib.sh - helpers of the Kamailio interop tests (tests/interop): the
# namespaces, bridge and our daemons' configurations (rendered from the
# samples) come from scripts/lablib.sh
# (sourced with the test's own LAB_PREFIX, LAB_NET and LAB_DIR); this file
# adds Kamailio nodes (configs rendered from tests/interop/kamailio/,
# started by scripts/kamlib.sh: in the node's network namespace and a
# private mount namespace whose /etc/hosts maps the IMS names),
# SIPp UEs, captures, pass/fail bookkeeping (tests/lib/testlib.sh) and the
# cleanup trap.
# The caller sets LAB_PREFIX, LAB_NET, LAB_DIR and LABLIB, KAMDIR, HSS,
# HSS_CTL before sourcing.

# shellcheck source=../../scripts/lablib.sh
. "$LABLIB" || { echo "FATAL: cannot source $LABLIB" >&2; exit 1; }
# shellcheck source=../../scripts/kamlib.sh
. "${LABLIB%/*}/kamlib.sh" || { echo "FATAL: cannot source kamlib.sh" >&2; exit 1; }
. "${BASH_SOURCE[0]%/*}/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
# shellcheck source=../lib/sipp_aka.sh
. "${BASH_SOURCE[0]%/*}/../lib/sipp_aka.sh" || die "cannot source sipp_aka.sh"

T0=$SECONDS
DOMAIN=$LAB_DOMAIN
# Keys without 0x00 and 0x5b bytes (SIPp limits, see the shared notes).
K=f1e2d3c4b5a69788796a4a4c3d2e1f01
OP=494d53414b41746573744f5030303136
AMF=8001
KAM_MODULES="tm sl pv xlog textops siputils db_text rr presence ims_dialog
	cdp cdp_avp ims_icscf ims_auth ims_usrloc_scscf ims_registrar_scscf"

summary() {
	echo "elapsed: $((SECONDS - T0)) s"
	testlib_summary
}
# fatal MSG: counted as a failure, summary, exit 1 (the trap cleans up).
fatal() { fail "$*"; summary; exit 1; }
# lablib's own error exit: same treatment (it is only called from the
# test's shell, never from a command substitution that must survive).
lab_die() { fatal "lab: $*"; }

# kam_require [PROGRAM...]: everything the test needs (and PROGRAM...), or
# a FAILURE (never a skip).
kam_require() {
	[ "$(id -u)" -eq 0 ] || fatal "the interop tests need root (namespaces)"
	for b in ip ss sipp tshark unshare mount "$HSS" "$HSS_CTL" "$@"; do
		command -v "$b" >/dev/null 2>&1 ||
		    fatal "missing program: $b (scripts/install-deps.sh test)"
	done
	command -v kamailio >/dev/null 2>&1 || fatal "kamailio is not" \
	    "installed (apt-get install kamailio kamailio-ims-modules" \
	    "kamailio-presence-modules, or scripts/install-deps.sh test)"
	kam_mpath || fatal "no Kamailio module directory (tm.so)"
	for m in $KAM_MODULES; do
		[ -f "$KAM_MPATH$m.so" ] || fatal "Kamailio module $m.so" \
		    "missing in $KAM_MPATH (packages kamailio-ims-modules," \
		    "kamailio-presence-modules)"
	done
	[ -f "$KAM_XSD" ] || fatal "missing $KAM_XSD (package kamailio)"
}

# kam_topo NODE...: a fresh LAB_DIR and the namespaces (with the bridge).
kam_topo() {
	trap lab_cleanup EXIT	# Kamailio's children too
	trap 'exit 1' INT TERM
	lab_cleanup
	rm -rf "$LAB_DIR"
	lab_conf_dir "$LAB_DIR"
	lab_private_dir "$LAB_DIR/db"
	lab_net_up "$@"
}

# hss_up: our hss in its namespace, accepting Kamailio's S-CSCF and I-CSCF
# (cdp identities NODE.DOMAIN) from their addresses; the S-CSCF's
# Server-Name (SCSCF_URI, its scscf_name) from the S-CSCF's identity.
hss_up() {
	local dia
	lab_dia_args dia hss
	lab_conf "$HSS" hss "$LAB_DIR/hss.conf" "${dia[@]}" \
	    -o db="$LAB_DIR/db/hss.db" \
	    -o diameter.accept="scscf.$DOMAIN@$(lab_ip scscf)" \
	    -o diameter.accept="icscf.$DOMAIN@$(lab_ip icscf)" \
	    -o scscf="$(SCSCF_URI)@scscf.$DOMAIN"
	lab_start hss hss "$HSS" -c "$LAB_DIR/hss.conf"
	lab_wait_listen hss t 3868 hss
}

# provision USER: K/OP/AMF as above.
provision() {
	"$HSS_CTL" --db "$LAB_DIR/db/hss.db" add --impi "$1@$DOMAIN" \
	    --impu "sip:$1@$DOMAIN" --k "$K" --op "$OP" --amf "$AMF" \
	    >/dev/null || fatal "hss-ctl add $1"
}

SCSCF_URI() { echo "sip:$(lab_ip scscf):$(lab_port scscf)"; }

# kam_render TEMPLATE OUT NODE: fill the placeholders.
kam_render() {
	local su; su=$(SCSCF_URI)
	sed -e "s|@IP@|$(lab_ip "$3")|g" -e "s|@PORT@|$(lab_port "$3")|g" \
	    -e "s|@NODE@|$3|g" -e "s|@DOMAIN@|$DOMAIN|g" \
	    -e "s|@MPATH@|$KAM_MPATH|g" -e "s|@DIR@|$LAB_DIR/$3|g" \
	    -e "s|@XSD@|$KAM_XSD|g" -e "s|@SCSCF_URI@|$su|g" \
	    -e "s|@SCSCF_URI_ESC@|${su//:/\\\\:}|g" \
	    "$1" >"$2" || fatal "render $1"
}

# kam_up NODE (scscf|icscf): config, hosts file, db; started in NODE's
# network namespace and a private mount namespace; waits for the SIP port.
kam_up() {
	local n=$1 d=$LAB_DIR/$1 f
	mkdir -p "$d/run" || fatal "mkdir $d"
	kam_render "$KAMDIR/$n.cfg" "$d/kamailio.cfg" "$n"
	kam_render "$KAMDIR/cdp.xml" "$d/${n}_cdp.xml" "$n"
	if [ "$n" = icscf ]; then
		mkdir -p "$d/icscf_db"
		for f in "$KAMDIR"/icscf_db/*; do
			kam_render "$f" "$d/icscf_db/${f##*/}" "$n"
		done
	fi
	kam_start "$n" "kam-$n" "$d" "$(lab_port "$n")"
}

# capture NODE NAME: tshark on NODE's eth0 (br: the bridge), into
# LAB_DIR/NAME.pcapng; waits the ~3 s tshark needs before it captures.
capture() {
	local ifc=eth0
	[ "$1" = br ] && ifc=br0
	lab_start "$1" "tshark-$2" tshark -i "$ifc" -w "$LAB_DIR/$2.pcapng" -q
	sleep 3
}
# capture_stop NAME: flushes the file.
capture_stop() {
	local p; p=$(cat "$LAB_DIR/tshark-$1.pid" 2>/dev/null) || return
	kill "$p" 2>/dev/null
	for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	rm -f "$LAB_DIR/tshark-$1.pid"
}
# tsk FILE FILTER [tshark args]: the matching frames (one line each).
tsk() {
	local f=$1 y=$2; shift 2
	tshark -r "$LAB_DIR/$f.pcapng" "$@" -Y "$y" 2>/dev/null
}

# sipp_ue USER PORT TEMPLATE DEST PVNI [KEY]: one SIPp UE run from the ue
# namespace; PVNI 1 adds P-Visited-Network-ID.  0 if the scenario passed.
# Message trace: LAB_DIR/USER-TEMPLATE.msgs.
sipp_ue() {
	local u=$1 p=$2 t=$3 dst=$4 pv=$5 k=${6:-$K}
	local s=$LAB_DIR/$u-$t pvni="/@PVNI@/d"
	[ "$pv" = 1 ] && pvni="s|@PVNI@|P-Visited-Network-ID: \"$DOMAIN\"|"
	sed -e "$pvni" -e "s/@USER@/$u/g" -e "s/@DOMAIN@/$DOMAIN/g" \
	    -e "s/@K@/$k/g" -e "s/@OP@/$OP/g" -e "s/@AMF@/$AMF/g" \
	    -e "s/@EXPIRES@/600/g" "$KAMDIR/../$t" >"$s" || fatal "scenario"
	# SIPp 3.6.1 cuts a RES holding a 0x00 byte (tests/lib/sipp_aka.sh):
	# when that is why it failed, again (a new AKA run), at most thrice.
	local try rc
	for try in 1 2 3; do
		rm -f "$s.msgs"
		lab_in ue timeout 40 sipp -sf "$s" "$dst" -i "$(lab_ip ue)" \
		    -p "$p" -s "$u" -m 1 -nostdin -auth_uri "$DOMAIN" \
		    -timeout 30s -trace_msg -message_file "$s.msgs" \
		    -trace_err -error_file "$s.err" >"$s.out" 2>&1
		rc=$?
		if [ $rc -eq 0 ] || ! sipp_res_nul "$s.msgs" "$k" "$OP"; then
			return $rc
		fi
		echo "note: $u: SIPp cut its RES at a 0x00 byte, try $try" >&2
	done
	return $rc
}

# final_status MSGS: the status codes SIPp received (one per line).
statuses() { grep -Eo '^SIP/2.0 [0-9]{3}' "$1" 2>/dev/null | awk '{print $2}'; }

# kam_logs_ok NODE: no crash or core dump in Kamailio's log.
kam_alive() {
	kill -0 "$(cat "$LAB_DIR/kam-$1.pid" 2>/dev/null)" 2>/dev/null &&
	    ! grep -Eq 'signal 11|SIGSEGV|core dumped|terminated by signal' \
	    "$LAB_DIR/kam-$1.log"
}
