#!/bin/sh
# imssec-postgres - the compose profile pg's PostgreSQL: a cluster in
# PGDATA made on first start, with the role and database imssec
# (password PG_PASSWORD), reachable with SCRAM from the compose network's
# core range (the hss replicas) only.
set -eu
PGDATA=${PGDATA:-/var/lib/postgresql/data}
BIN=/usr/lib/postgresql/15/bin
if [ ! -f "$PGDATA/PG_VERSION" ]; then
	"$BIN/initdb" -D "$PGDATA" -U postgres --auth-local=peer \
	    --auth-host=scram-sha-256 >/dev/null
	echo "host imssec imssec ${PG_CLIENTS:-10.79.0.128/25} scram-sha-256" \
	    >>"$PGDATA/pg_hba.conf"
	"$BIN/pg_ctl" -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
	psql -q -v ON_ERROR_STOP=1 -v pw="${PG_PASSWORD:-imssec-lab}" postgres <<'SQL'
CREATE ROLE imssec LOGIN PASSWORD :'pw';
CREATE DATABASE imssec OWNER imssec;
SQL
	"$BIN/pg_ctl" -D "$PGDATA" -w stop >/dev/null
fi
exec "$BIN/postgres" -D "$PGDATA" -c listen_addresses='*'
