# shellcheck shell=bash
# pg_lib.sh - a private PostgreSQL cluster for a test (the HSS's
# PostgreSQL store, hss/hss_db_pg.c).  Sourced after testlib.sh.
#
#   pg_start DIR   initdb (as the postgres user) in DIR/data, server
#                  listening only on a Unix socket in DIR/sock (no TCP: it
#                  works from every network namespace, and never collides
#                  with another test), trust authentication, database
#                  "hss"; sets PG_URL (the hss's db value), PG_DIR.
#                  Dies, never skips, when PostgreSQL is missing.
#   pg_sql SQL     runs SQL in the database (psql), prints the rows
#                  unaligned
#   pg_stop        stops the server (immediate) and removes DIR/data (the
#                  logs stay); safe to
#                  call twice, and from the test's cleanup
#
# PG_URL = postgresql://postgres@/hss?host=DIR/sock&port=5432

PG_DIR=
PG_URL=
PG_BIN=

# pg_bindir: the newest installed server's bin directory.
pg_bindir() {
	local d
	d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
	[ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] &&
		[ -x "$d/psql" ] || return 1
	echo "$d"
}

pg_start() {
	local d=$1
	PG_BIN=$(pg_bindir) ||
		die "PostgreSQL server missing (scripts/install-deps.sh: postgresql)"
	getent passwd postgres >/dev/null || die "no postgres user"
	[ "$(id -u)" -eq 0 ] || die "pg_start needs root (runs as postgres)"
	need runuser
	rm -rf "$d"
	mkdir -p "$d/data" "$d/sock" || die "mkdir $d"
	chown -R postgres: "$d" || die "chown $d"
	chmod 0755 "$d" "$d/sock"
	chmod 0700 "$d/data"
	PG_DIR=$d
	runuser -u postgres -- "$PG_BIN/initdb" -D "$d/data" -U postgres \
		-A trust -E UTF8 --no-sync >"$d/initdb.log" 2>&1 ||
		{ cat "$d/initdb.log" >&2; die "initdb failed"; }
	# No TCP; the socket in DIR/sock, any user of this host may use it
	# (the hss after its switch to the run user).
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$d/data" -l "$d/pg.log" \
		-w -t 60 -o "-c listen_addresses= -k $d/sock -p 5432" \
		start >"$d/pg_ctl.log" 2>&1 ||
		{ cat "$d/pg_ctl.log" "$d/pg.log" >&2; die "postgres did not start"; }
	"$PG_BIN/psql" -X -q -h "$d/sock" -p 5432 -U postgres -d postgres \
		-c "CREATE DATABASE hss" >/dev/null ||
		die "CREATE DATABASE hss failed"
	PG_URL="postgresql://postgres@/hss?host=$d/sock&port=5432"
	echo "postgres: $PG_URL"
}

pg_sql() {
	"$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$PG_DIR/sock" \
		-p 5432 -U postgres -d hss -c "$1"
}

pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" \
		-m immediate -w stop >/dev/null 2>&1
	rm -rf "$PG_DIR/data"	# the logs stay
	PG_DIR=
}
