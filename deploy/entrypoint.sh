#!/bin/sh
# The entry of the qdialog container image (Containerfile), usable outside a container too:
#
#   entrypoint.sh web          qdialog serve on QDIALOG_BIND (default 0.0.0.0:8000), static files
#                              collected at build time (--no-collectstatic)
#   entrypoint.sh worker       the background task worker (reports, e-mails, …)
#   entrypoint.sh migrate      create or update the tables (a one-off, before web and workers)
#   entrypoint.sh health       the container's health check: /livez of a web node; a worker is
#                              alive while its process runs
#   entrypoint.sh <command> …  any other qdialog command: backup, restore, apply-retention,
#                              check-deploy, createsuperuser, …
#
# Everything is configured by environment variables (deploy/qdialog.env.example). QDIALOG_BIN
# names the qdialog command (default: `qdialog` on the PATH).
set -eu

QDIALOG_BIN=${QDIALOG_BIN:-qdialog}
ROLE_FILE=${QDIALOG_ROLE_FILE:-/tmp/qdialog-role}
command=${1:-web}
[ "$#" -gt 0 ] && shift

case "$command" in
  web|serve)
    echo web >"$ROLE_FILE"
    exec $QDIALOG_BIN serve --no-collectstatic --bind "${QDIALOG_BIND:-0.0.0.0:8000}" "$@"
    ;;
  worker)
    echo worker >"$ROLE_FILE"
    exec $QDIALOG_BIN worker "$@"
    ;;
  migrate)
    exec $QDIALOG_BIN migrate --noinput "$@"
    ;;
  health)
    role=$(cat "$ROLE_FILE" 2>/dev/null || echo none)
    if [ "$role" != web ]; then
      # a worker (or a one-off) is alive as long as its process is: the runtime sees that itself
      [ "$role" = worker ]
      exit
    fi
    port=${QDIALOG_BIND:-0.0.0.0:8000}
    port=${port##*:}
    # the first allowed host name, so that Django does not refuse the request ("." and "*"
    # patterns become a plain name); X-Forwarded-Proto as the TLS proxy would send it
    host=$(printf '%s' "${ALLOWED_HOSTS:-localhost}" | cut -d, -f1 | sed 's/^\*\?\.\?//')
    [ -n "$host" ] || host=localhost
    exec python3 - "$port" "$host" <<'PY'
import http.client
import sys

port, host = int(sys.argv[1]), sys.argv[2]
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=4)
try:
    connection.request("GET", "/livez", headers={"Host": host, "X-Forwarded-Proto": "https"})
    status = connection.getresponse().status
except OSError as error:
    print(f"livez: {error}")
    sys.exit(1)
print(f"livez: {status}")
sys.exit(0 if status == 200 else 1)
PY
    ;;
  -h|--help|help)
    sed -n '2,15p' "$0"
    exec $QDIALOG_BIN --help
    ;;
  *)
    exec $QDIALOG_BIN "$command" "$@"
    ;;
esac
