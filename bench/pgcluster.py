"""A throw-away PostgreSQL cluster for fault runs: its own data directory, port and socket, so
that restarting it never touches the database the test suite (or anyone else) is using.

    with ThrowawayCluster() as cluster:
        os.environ["DATABASE_URL"] = cluster.url
        cluster.restart()          # pg_ctl restart -m fast: drops every open connection

Needs PostgreSQL's server binaries (Debian: /usr/lib/postgresql/<version>/bin). initdb refuses
to run as root, so as root the cluster belongs to the `postgres` system user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path


def server_bindir() -> Path | None:
    """The newest installed PostgreSQL server's bin directory, or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def available() -> bool:
    bindir = server_bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        return False
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayCluster:
    user = "qdialog"
    database = "postgres"

    def __init__(self):
        self.bindir = server_bindir()
        if self.bindir is None:
            raise RuntimeError("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
        self.port = _free_port()
        self.base = Path(tempfile.mkdtemp(prefix="qdialog-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self.restarts = 0
        self._lock = threading.Lock()  # one restart at a time

    @property
    def url(self) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if check and done.returncode:
            log = self.log.read_text()[-1500:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}): "
                               f"{done.stdout[-800:]}{done.stderr[-800:]}\n{log}")
        return done

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 "
                   f"-c unix_socket_directories={self.base} -c fsync=on")
        self._run("pg_ctl", action, "-D", str(self.data), "-l", str(self.log), "-w",
                  "-t", "60", "-o", options, *extra)

    def start(self) -> ThrowawayCluster:
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", self.user, "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions")
        self._pg_ctl("start")
        return self

    def restart(self) -> None:
        """Restart with `-m fast`: open transactions are rolled back, connections dropped."""
        with self._lock:
            self._pg_ctl("restart", "-m", "fast")
            self.restarts += 1

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", check=False)
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> ThrowawayCluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


def run_checked(prefix: str, run, *args, result: dict | None = None):
    """Run `run(*args, tmp, cluster)` against a throw-away cluster in a temporary directory,
    print its checks and its JSON line, and exit 1 if a check failed (the smoke runs in
    .ci/run read the exit status)."""
    import json
    import sys

    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    result = dict(result or {})
    try:
        with ThrowawayCluster() as cluster:
            result.update(run(*args, tmp, cluster))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    failed = sorted(name for name, ok in result["checks"].items() if not ok)
    result["failed_checks"] = failed
    print("checks: " + ("all passed" if not failed else "FAILED: " + ", ".join(failed)))
    print(json.dumps(result))
    sys.exit(1 if failed else 0)
