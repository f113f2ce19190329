# shellcheck shell=bash
# swanlib.sh - strongSwan's charon as a peer of the seg, one instance per
# network namespace (the interop tests and bench/ike-vs-strongswan.sh).
# Sourced after klib.sh (bg, die, work).  Each instance lives in a
# directory of its own: strongswan.conf (plugins, log, vici socket),
# swanctl.conf (written by the caller), run/ bind-mounted over /run inside
# the namespace (charon's pid file path is fixed), charon.log.
#
#   swan_init DIR                      strongswan.conf in DIR
#   swan_start NS DIR NAME             charon in NS (bg NAME), vici up
#   swan_load DIR                      swanctl --load-all DIR/swanctl.conf
#   swanctl_in DIR ARGS...             swanctl against DIR's charon
#
# The openssl plugin brings AES-GCM and the ECP groups; kernel-netlink
# installs the CHILD_SAs as kernel ESP (so the tests run where the kernel
# has ESP: tests/kernel/kernel_test.sh).

swan_charon=/usr/lib/ipsec/charon

# swan_init DIR: DIR/strongswan.conf, DIR/run.
swan_init() {
	local d=$1
	[ -x "$swan_charon" ] || die "strongSwan's charon is missing ($swan_charon): scripts/install-deps.sh test"
	command -v swanctl >/dev/null || die "swanctl is missing (strongswan-swanctl)"
	mkdir -p "$d/run" || die "mkdir $d/run"
	cat >"$d/strongswan.conf" <<CONF
charon {
  load_modular = no
  load = random nonce openssl aes sha1 sha2 hmac gmp kdf pem pkcs1 pkcs8 x509 pubkey revocation constraints kernel-netlink socket-default vici
  install_routes = no
  install_virtual_ip = no
  retransmit_tries = 3
  retransmit_timeout = 1.0
  filelog {
    log { path = $d/charon.log
          time_format = %T
          default = 1
          ike = 2
          knl = 1
          cfg = 1
          flush_line = yes }
  }
  plugins {
    vici { socket = unix://$d/charon.vici }
    # the guest has little entropy: /dev/random would block for seconds
    random { strong_equals_true = yes }
  }
}
swanctl {
  load = random nonce openssl aes sha1 sha2 hmac gmp pem pkcs1 pkcs8 x509 pubkey
  socket = unix://$d/charon.vici
}
CONF
}

# swanctl_in DIR ARGS...: swanctl talking to DIR's charon.
swanctl_in() {
	local d=$1
	shift
	STRONGSWAN_CONF=$d/strongswan.conf swanctl "$@" --uri "unix://$d/charon.vici"
}

# swan_start NS DIR NAME: charon in NS, started with bg as NAME; waits
# (10 s) until its vici socket answers.
swan_start() {
	local ns=$1 d=$2
	bg "$ns" "$3" /bin/sh -c "mount --bind '$d/run' /run && \
	    STRONGSWAN_CONF='$d/strongswan.conf' exec $swan_charon"
	for _ in $(seq 100); do
		swanctl_in "$d" --stats >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "charon in $ns did not answer on vici (see $d/charon.log)"
}

# swan_load DIR: loads DIR/swanctl.conf (connections, secrets,
# certificates named by absolute paths).
swan_load() {
	swanctl_in "$1" --load-all --file "$1/swanctl.conf" >"$1/load.out" 2>&1 ||
		die "swanctl --load-all in $1: $(cat "$1/load.out")"
}

# xfrm_warm NS: loads the kernel modules of the ESP transforms the tests
# use (esp4, AES-GCM, AES-CBC, HMAC-SHA2-256) by adding and removing one
# throw-away SA of each in NS.  Under QEMU the first on-demand load costs
# seconds, longer than an IKE peer's first retransmission.
xfrm_warm() {
	local ns=$1
	ip -n "$ns" xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1001 \
	    mode tunnel aead "rfc4106(gcm(aes))" 0x00112233445566778899aabbccddeeff01020304 128 ||
		die "xfrm_warm: no AES-GCM ESP in $ns"
	ip -n "$ns" xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1002 \
	    mode tunnel auth-trunc "hmac(sha256)" 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 128 \
	    enc "cbc(aes)" 0x00112233445566778899aabbccddeeff ||
		die "xfrm_warm: no AES-CBC/HMAC-SHA2-256 ESP in $ns"
	ip -n "$ns" xfrm state flush
}
