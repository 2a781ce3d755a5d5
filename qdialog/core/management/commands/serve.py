"""`qdialog serve`: gunicorn with sensible defaults; whitenoise serves the static files."""

import os
import shutil
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def metrics_directory(bind: str) -> str:
    """A fresh directory for the workers' metric files: PROMETHEUS_MULTIPROC_DIR if set (emptied,
    as prometheus_client requires at each start), else one per address below the data
    directory, so that two servers on one machine keep theirs apart."""
    name = "".join(c if c.isalnum() else "-" for c in bind)
    directory = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR")
                     or Path(settings.DATA_DIR) / "metrics" / name)
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    return str(directory)


class Command(BaseCommand):
    help = "Run the production web server (gunicorn). Static files are served by whitenoise."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("QDIALOG_BIND", "127.0.0.1:8000"),
                            help="Address and port (default 127.0.0.1:8000, env QDIALOG_BIND).")
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("QDIALOG_WORKERS", "2")),
                            help="Worker processes (default 2, env QDIALOG_WORKERS).")
        parser.add_argument("--threads", type=int,
                            default=int(os.environ.get("QDIALOG_THREADS", "1")))
        parser.add_argument("--timeout", type=int, default=60)
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="Skip collecting static files before starting.")
        parser.add_argument("--migrate", action="store_true",
                            help="Apply database migrations before starting.")

    def handle(self, *args, **options):
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which(
            "gunicorn")
        if gunicorn is None:
            raise CommandError("gunicorn is not installed in this environment.")
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=1)
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        if not settings.PRODUCTION:
            self.stderr.write(self.style.WARNING(
                "Note: QDIALOG_MODE is not 'production'; security settings are relaxed."))
        self.stdout.write(f"qdialog serving on http://{options['bind']}/ "
                          f"({options['workers']} workers)")
        self.stdout.flush()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_directory(options["bind"])
        # with the request log (JSON logs) qdialog writes one line per request itself, with the
        # route and tenant; gunicorn's access log would only repeat it without them
        access_log = [] if settings.QDIALOG_REQUEST_LOG else ["--access-logfile", "-"]
        os.execv(gunicorn, [
            gunicorn, "qdialog.wsgi:application",
            "--config", "python:qdialog.core.gunicorn_conf",
            "--bind", options["bind"],
            "--workers", str(options["workers"]),
            "--threads", str(options["threads"]),
            "--timeout", str(options["timeout"]),
            *access_log,
            # respondents' and reporters' requests without address, IP, agent or referrer
            "--logger-class", "qdialog.core.logs.AccessLogger",
            "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            # gunicorn's control socket lies at one path per user: several qdialog servers on a
            # machine would share it, and qdialog does not use it
            "--no-control-socket",
        ])
