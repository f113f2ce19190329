#!/bin/sh
# Installs the Debian 12 packages the build, the tools and the tests need,
# and creates the system user the daemons run as (imssec).
# Idempotent: installs only what is missing. Run as root.
#   scripts/install-deps.sh [image|build|test|all]   (default: all)
# image: what the container image's build stage needs (no clang, no tests).
set -eu
what=${1:-all}

IMAGE="build-essential cmake pkg-config libssl-dev libmnl-dev libcjson-dev
       libsofia-sip-ua-dev python3
       libfreediameter-dev freediameter-extensions libgnutls28-dev libsqlite3-dev libpq-dev
       libevent-dev libxml2-dev"
BUILD="$IMAGE clang"
TEST="libosmocore-utils iproute2 tshark tcpdump sip-tester qemu-system-x86 linux-image-amd64
      busybox-static kmod xz-utils shellcheck
      kamailio kamailio-ims-modules kamailio-presence-modules postgresql
      docker.io docker-compose debootstrap
      strongswan-charon strongswan-swanctl libstrongswan-standard-plugins"

case $what in
	image) pkgs=$IMAGE ;;
	build) pkgs=$BUILD ;;
	test|all) pkgs="$BUILD $TEST" ;;
	*) echo "usage: $0 [image|build|test|all]" >&2; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root (apt-get install)" >&2
	exit 2
fi

# The account the daemons switch to after start-up (key "user", default
# imssec; common/base/daemon.h): a system user with its own group, no
# home, no shell.
if ! getent passwd imssec >/dev/null; then
	echo "install-deps: creating the system user imssec"
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
	    --shell /usr/sbin/nologin imssec
fi

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
