#!/bin/sh
# Build the qdialog container image without pulling any image from an image registry:
#
#   1. a Debian bookworm base from Debian's own packages (mmdebstrap, deb.debian.org) with
#      Python 3.11, venv, Pango (WeasyPrint) and fonts, imported into podman;
#   2. the Containerfile on top: the locked Python packages from PyPI (hash-checked), the
#      application, static files, a non-root user.
#   3. with --services also the images of deploy/compose.yaml's PostgreSQL, Redis and HAProxy
#      (deploy/services.Containerfile, from the same base and Debian's packages).
#
#   deploy/build-image.sh [--services] [tag]         (default tag localhost/qdialog:latest)
#
# Environment: QDIALOG_BASE_IMAGE (default localhost/qdialog-base:bookworm), REBUILD_BASE=1 to
# make the base again, DEBIAN_MIRROR (default http://deb.debian.org/debian), PODMAN (default
# podman), PODMAN_BUILD_ARGS (e.g. "--network host"), PIP_BUILD_CA (a CA bundle pip needs to
# reach PyPI behind a TLS-inspecting proxy; mounted read-only into the pip step only). Needs mmdebstrap and podman (Debian:
# apt-get install mmdebstrap podman) and root or a user namespace for mmdebstrap.
set -eu
cd "$(dirname "$0")/.."

services=""
if [ "${1:-}" = "--services" ]; then services=1; shift; fi
TAG=${1:-localhost/qdialog:latest}
BASE=${QDIALOG_BASE_IMAGE:-localhost/qdialog-base:bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PODMAN=${PODMAN:-podman}
PACKAGES=python3,python3-venv,libpango-1.0-0,libpangoft2-1.0-0,fonts-dejavu-core,ca-certificates,tzdata

if [ -n "${REBUILD_BASE:-}" ] || ! $PODMAN image exists "$BASE"; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "== base image $BASE from Debian's packages (mmdebstrap)"
  # shellcheck disable=SC2016 # "$1" is the hook's argument (the new root), for mmdebstrap
  mmdebstrap --quiet --variant=minbase --include="$PACKAGES" \
    --aptopt='APT::Install-Recommends "false"' \
    --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
    bookworm "$work/rootfs.tar" "$MIRROR"
  $PODMAN import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' \
    "$work/rootfs.tar" "$BASE" >/dev/null
fi

echo "== image $TAG (Containerfile)"
set -- --build-arg "BASE=$BASE"
if [ -n "${PIP_BUILD_CA:-}" ]; then
  set -- "$@" --volume "$PIP_BUILD_CA:/run/qdialog-build-ca.crt:ro" \
    --build-arg PIP_CERT=/run/qdialog-build-ca.crt
fi
# shellcheck disable=SC2086 # PODMAN_BUILD_ARGS is a list of options
# docker format: the OCI format has no HEALTHCHECK
$PODMAN build --format docker ${PODMAN_BUILD_ARGS:-} "$@" -f Containerfile -t "$TAG" .

if [ -n "$services" ]; then
  for target in postgres redis haproxy; do
    echo "== image localhost/qdialog-$target (deploy/services.Containerfile)"
    # shellcheck disable=SC2086
    $PODMAN build --format docker ${PODMAN_BUILD_ARGS:-} --build-arg "BASE=$BASE" --target "$target" \
      -f deploy/services.Containerfile -t "localhost/qdialog-$target:latest" deploy
  done
fi
