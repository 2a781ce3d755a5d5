#!/usr/bin/env bash
# The compose file (deploy/compose.yaml) started for real with podman-compose: PostgreSQL, Redis,
# the migrate one-off, two web nodes, two workers and HAProxy, all from the local images
# (deploy/build-image.sh --services). Then, through HAProxy: /readyz, the log-in page, the
# respondent's entry page; a backup one-off from the same image; and everything removed again.
# Run by .ci/run after the image was built; prints "compose: all passed" or what failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/qdialog-compose-XXXXXX)
project=$(basename "$work")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
cp "$root/deploy/compose.yaml" "$root/deploy/haproxy.cfg" "$work/"
sed -e "s/^SECRET_KEY=.*/SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')/" \
    -e "s/^ALLOWED_HOSTS=.*/ALLOWED_HOSTS=qdialog.example.org,127.0.0.1/" \
    -e "s#^CSRF_TRUSTED_ORIGINS=.*#CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$port#" \
    -e "s#^QDIALOG_BASE_URL=.*#QDIALOG_BASE_URL=http://127.0.0.1:$port#" \
    -e "s/change-me-db-password/$password/" -e "s/^BEHIND_TLS_PROXY=.*/BEHIND_TLS_PROXY=false/" \
    -e "s#^EMAIL_URL=.*#EMAIL_URL=consolemail://#" -e "s/^QDIALOG_WORKERS=.*/QDIALOG_WORKERS=1/" \
    "$root/deploy/qdialog.env.example" >"$work/qdialog.env"
export POSTGRES_PASSWORD=$password QDIALOG_HTTP_PORT=$port
compose() { (cd "$work" && podman-compose -p "$project" -f compose.yaml "$@"); }
cleanup() { compose down -v >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

failed=()
check() { if "${@:2}"; then echo "ok: $1"; else echo "FAILED: $1"; failed+=("$1"); fi; }
status() { curl -s -o /dev/null -w "%{http_code}" --max-time 10 "http://127.0.0.1:$port$1"; }

compose up -d >"$work/up.log" 2>&1 || { tail -n 20 "$work/up.log"; exit 1; }
ready=""
for _ in $(seq 1 90); do   # at most about three minutes: migrations first, then both nodes
  if [ "$(status /readyz)" = 200 ]; then ready=yes; break; fi
  sleep 2
done
check "ready through HAProxy" test -n "$ready"
check "log-in page through HAProxy" test "$(status /accounts/login/)" = 200
check "respondent's entry page through HAProxy" test "$(status /s/)" = 200
check "both web nodes up" test "$(podman ps --filter "label=io.podman.compose.project=$project" \
  --filter status=running --format '{{.Names}}' | grep -c web)" = 2
check "both workers up" test "$(podman ps --filter "label=io.podman.compose.project=$project" \
  --filter status=running --format '{{.Names}}' | grep -c worker)" = 2
backup() { compose run --rm migrate backup /var/lib/qdialog/backups/smoke.tar.gz \
  >"$work/backup.log" 2>&1 && grep -q "Backup written" "$work/backup.log"; }
check "backup one-off from the same image" backup
if [ ${#failed[@]} -gt 0 ]; then
  for name in $(podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}'); do
    echo "--- $name"; podman logs --tail 5 "$name" 2>&1 | cut -c1-300
  done
  echo "compose: FAILED: ${failed[*]}"; exit 1
fi
echo "compose: all passed"
