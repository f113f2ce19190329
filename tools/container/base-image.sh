#!/bin/sh
# base-image.sh [TAG] - a Debian 12 base image built here, for machines
# that reach Debian's package mirror but no container registry:
# debootstrap --variant=minbase, the host's apt sources, imported as TAG
# (default imssec-base:bookworm) into the engine DOCKER_HOST names.  Then
#   IMSSEC_BASE=imssec-base:bookworm docker compose build
# Skipped when TAG exists already.  Needs root, debootstrap, docker.
set -eu
tag=${1:-imssec-base:bookworm}
docker=${DOCKER:-docker}
if "$docker" image inspect "$tag" >/dev/null 2>&1; then
	echo "base-image: $tag is there"
	exit 0
fi
mirror=${DEBIAN_MIRROR:-$(sed -n 's/^URIs: *//p' \
    /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)}
mirror=${mirror:-http://deb.debian.org/debian}
root=$(mktemp -d /var/tmp/imssec-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "base-image: debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || {
	tail -n 20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
# The host's apt sources (its mirror, updates and security), if any.
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
	rm -f "$root/etc/apt/sources.list"
	cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
fi
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | "$docker" import - "$tag" >/dev/null
echo "base-image: $tag"
