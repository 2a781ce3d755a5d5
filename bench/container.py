"""The container image run for real: migrate, web, worker and a one-off backup from the image
built by deploy/build-image.sh, against a throw-away PostgreSQL cluster (bench/pgcluster.py)
and a Redis server of its own, all on 127.0.0.1 (the containers use the host's network).

    deploy/build-image.sh && .venv/bin/python bench/container.py
    options: --image localhost/qdialog:latest  --podman podman

Checks: the one-off migrate succeeds; the web container becomes ready (/readyz) and healthy
(its HEALTHCHECK, /livez); it runs as a non-root user; the worker container builds a PDF
report (WeasyPrint and Pango inside the image) that was requested in the database; a one-off
`backup` writes its archive into the data volume. The last line is one JSON object; the exit
status is 1 when a check failed. Containers and the volume are removed at the end.

On a machine whose podman needs other settings (an OCI runtime, ulimits), pass them with
CONTAINERS_CONF (see .ci/run).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cluster import get, wait_port  # noqa: E402
from bench.ingest import free_port  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--image", default="localhost/qdialog:latest")
    parser.add_argument("--podman", default="podman")
    args = parser.parse_args()
    from bench.pgcluster import run_checked

    run_checked("qdialog-container-", run, args)


def run(args, tmp: Path, cluster) -> dict:
    podman = args.podman
    tag = secrets.token_hex(4)
    volume, web, worker = (f"qdialog-smoke-{tag}", f"qdialog-smoke-web-{tag}",
                           f"qdialog-smoke-worker-{tag}")
    redis_port, web_port = free_port(), free_port()
    env = {"QDIALOG_MODE": "production", "DJANGO_DEBUG": "false",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
           "DATABASE_URL": cluster.url, "CACHE_URL": f"redis://127.0.0.1:{redis_port}/0",
           "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false",
           "QDIALOG_BIND": f"127.0.0.1:{web_port}", "QDIALOG_WORKERS": "2",
           "LOG_LEVEL": "ERROR", "QDIALOG_RESULTS_WARM": "false"}
    env_file = tmp / "qdialog.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    base = [podman, "run", "--network", "host", "--env-file", str(env_file),
            "-v", f"{volume}:/var/lib/qdialog"]

    def sh(*command, timeout=300):
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)

    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", str(tmp)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    checks, figures = {}, {}
    try:
        checks["redis_started"] = wait_port(redis_port, 30)
        # one-offs without the image's HEALTHCHECK (podman would ask systemd for a timer)
        migrate = sh(*base, "--rm", "--no-healthcheck", args.image, "migrate", "-v0", timeout=600)
        checks["migrate_one_off"] = migrate.returncode == 0
        figures["migrate_stderr"] = migrate.stderr[-500:]
        for name, role in ((web, "web"), (worker, "worker")):
            started = sh(*base, "-d", "--name", name, args.image, role)
            checks[f"{role}_container_started"] = started.returncode == 0
        deadline, ready = time.monotonic() + 120, False
        while not ready and time.monotonic() < deadline:
            ready = get(web_port, "/readyz")[0] == 200
            time.sleep(0.3 if not ready else 0)
        checks["web_ready"] = ready
        figures["livez"] = get(web_port, "/livez")[0]
        checks["web_healthcheck"] = sh(podman, "healthcheck", "run", web).returncode == 0
        checks["worker_healthcheck"] = sh(podman, "healthcheck", "run", worker).returncode == 0
        uid = sh(podman, "exec", web, "id", "-u").stdout.strip()
        figures["uid"] = uid
        checks["runs_as_non_root"] = uid not in ("", "0")
        checks["report_built_by_worker_container"] = report_built(cluster, env)
        backup = sh(*base, "--rm", "--no-healthcheck", args.image, "backup",
                    "/var/lib/qdialog/backups/smoke.tar.gz", timeout=600)
        listing = sh(*base, "--rm", "--no-healthcheck", "--entrypoint", "ls", args.image, "-l",
                     "/var/lib/qdialog/backups")
        checks["backup_one_off"] = backup.returncode == 0 and "smoke.tar.gz" in listing.stdout
        figures["backup_stderr"] = backup.stderr[-500:]
    finally:
        for name in (web, worker):
            sh(podman, "rm", "-f", "-t", "5", name)
        sh(podman, "volume", "rm", "-f", volume)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(redis.pid, 15)
        redis.wait(timeout=30)
    return {"benchmark": "container", "image": args.image, **figures, "checks": checks}


def report_built(cluster, env) -> bool:
    """A municipality report requested in the database; the worker container must build it."""
    os.environ.update({**env, "DJANGO_SETTINGS_MODULE": "qdialog.settings"})
    os.environ.pop("SQLITE_PATH", None)
    from bench import ingest

    programme, wave, _ = ingest.setup_database(1)
    from django.db import connection

    from qdialog.reports import services
    from qdialog.reports.models import ReportKind, ReportStatus

    report = services.report_request(actor=None, wave=wave, kind=ReportKind.MUNICIPALITY,
                                     file_format="pdf", municipality=wave.municipality)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        connection.close()
        report.refresh_from_db()
        if report.status in (ReportStatus.DONE, ReportStatus.FAILED):
            break
        time.sleep(0.3)
    connection.close()
    return report.status == ReportStatus.DONE


if __name__ == "__main__":
    from qdialog.core.scoping import unscoped

    with unscoped("a script that arranges and measures data of its own"):
        main()
