#!/bin/sh
# PostgreSQL of deploy/compose.yaml (deploy/services.Containerfile): on the first start an empty
# data directory is initialised with the role and database of POSTGRES_USER / POSTGRES_DB and
# the password POSTGRES_PASSWORD (scram-sha-256 over the network); then the server runs.
set -eu
BIN=/usr/lib/postgresql/15/bin
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
USER_NAME=${POSTGRES_USER:-qdialog}
DB_NAME=${POSTGRES_DB:-qdialog}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  "$BIN/initdb" -D "$PGDATA" -U "$USER_NAME" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  "$BIN/pg_ctl" -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
  "$BIN/createdb" -h /run/postgresql -U "$USER_NAME" "$DB_NAME" 2>/dev/null || true
  "$BIN/pg_ctl" -D "$PGDATA" -w -m fast stop >/dev/null
fi
exec "$BIN/postgres" -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/run/postgresql
