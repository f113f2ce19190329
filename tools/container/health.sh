#!/bin/sh
# imssec-health - the compose healthcheck: the daemon's GET /healthz on
# its metrics port (METRICS_PORT, 9100).
set -eu
exec curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:${METRICS_PORT:-9100}/healthz"
