# shellcheck shell=bash
# compose_lib.sh - the compose tests' container engine and project.
#
# engine_up: uses the engine DOCKER_HOST (or /var/run/docker.sock) names
# when one answers; else starts Debian's dockerd with its own data root
# (ENGINE_DIR, default /var/lib/imssec-engine: images stay cached between
# runs), no iptables and no default bridge (../shared/notes/containers.md),
# and stops it at the end.  The image's base comes from debootstrap
# (tools/container/base-image.sh) unless IMSSEC_BASE names one.
# compose ARGS...: docker-compose on the repository's docker-compose.yml
# with the project name PROJECT; project_gone: nothing of it is left.

. "${BASH_SOURCE[0]%/*}/../lib/testlib.sh" ||
	{ echo "FATAL: cannot source testlib.sh" >&2; exit 1; }
SRC=${SRC:-$(cd "${BASH_SOURCE[0]%/*}/../.." && pwd)}
PROJECT=${PROJECT:-imssec-ct$$}
ENGINE_DIR=${ENGINE_DIR:-/var/lib/imssec-engine}
ENGINE_RUN=/run/imssec-engine
ENGINE_PID=
# Debian's engine CLI (a newer client elsewhere on PATH may not speak to it).
DOCKER=${DOCKER:-/usr/bin/docker}
[ -x "$DOCKER" ] || DOCKER=docker
export DOCKER

engine_answers() { "$DOCKER" version >/dev/null 2>&1; }

engine_up() {
	need dockerd docker-compose debootstrap
	if [ -z "${DOCKER_HOST:-}" ] && [ -S /var/run/docker.sock ]; then
		export DOCKER_HOST=unix:///var/run/docker.sock
	fi
	if [ -n "${DOCKER_HOST:-}" ] && engine_answers; then
		echo "engine: using $DOCKER_HOST"
	else
		mkdir -p "$ENGINE_DIR" "$ENGINE_RUN"
		export DOCKER_HOST=unix://$ENGINE_RUN/docker.sock
		if ! engine_answers; then
			dockerd --data-root "$ENGINE_DIR/data" \
			    --exec-root "$ENGINE_RUN/exec" -H "$DOCKER_HOST" \
			    --pidfile "$ENGINE_RUN/dockerd.pid" --iptables=false \
			    --ip-masq=false --bridge=none \
			    >"$ENGINE_DIR/dockerd.log" 2>&1 &
			ENGINE_PID=$!
			for _ in $(seq 100); do
				engine_answers && break
				kill -0 "$ENGINE_PID" 2>/dev/null || break
				sleep 0.2
			done
			engine_answers || { tail -n 20 "$ENGINE_DIR/dockerd.log" >&2
			    die "dockerd did not start"; }
			echo "engine: started dockerd (pid $ENGINE_PID) at $DOCKER_HOST"
		fi
	fi
	if [ -z "${IMSSEC_BASE:-}" ]; then
		"$SRC/tools/container/base-image.sh" imssec-base:bookworm ||
		    die "no base image"
		export IMSSEC_BASE=imssec-base:bookworm
	fi
}

engine_down() {
	[ -n "$ENGINE_PID" ] || return 0
	kill "$ENGINE_PID" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$ENGINE_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$ENGINE_PID" 2>/dev/null
	wait "$ENGINE_PID" 2>/dev/null
	ENGINE_PID=
}

compose() {
	(cd "$SRC" && docker-compose -p "$PROJECT" "$@")
}

# cid NAME: the container id of the first replica of service NAME.
cid() { compose ps -q "$1" | head -n1; }

# cexec SERVICE CMD...: runs CMD in the first replica of SERVICE (no tty).
cexec() { local s=$1; shift; compose exec -T "$s" "$@"; }

# wait_healthy SERVICE [N]: until N replicas (default 1) report healthy.
wait_healthy() {
	local s=$1 n=${2:-1} h c
	for _ in $(seq 120); do
		h=0
		for c in $(compose ps -q "$s"); do
			[ "$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$c" \
			    2>/dev/null)" = healthy ] && h=$((h + 1))
		done
		[ "$h" -ge "$n" ] && return 0
		sleep 1
	done
	return 1
}

# project_gone: no container, network or volume of PROJECT is left.
project_gone() {
	local l=com.docker.compose.project=$PROJECT
	[ -z "$("$DOCKER" ps -aq --filter "label=$l")" ] &&
	    [ -z "$("$DOCKER" network ls -q --filter "label=$l")" ] &&
	    [ -z "$("$DOCKER" volume ls -q --filter "label=$l")" ]
}

compose_cleanup() {
	compose down -v --remove-orphans -t 5 >/dev/null 2>&1
	engine_down
}

# kv NAME [N]: the N-th (1-based) value of NAME=... on stdin
kv() {
	sed -n "s/^$1=//p" | sed -n "${2:-1}p"
}
