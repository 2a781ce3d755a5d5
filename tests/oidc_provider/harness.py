"""Start the test identity provider (serve.py) as a subprocess on a free 127.0.0.1 port with its
own SQLite file, and stop it again. Used by tests/accounts/test_sso*.py and
tests/browser/test_sso.py; nothing here is mocked – qdialog talks to it over HTTP."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "provider password 1"
CLIENT_ID = "qdialog-test-client"
CLIENT_SECRET = "qdialog-test-secret-7f3a9c"  # noqa: S105 – the test provider's own
#: an upper bound for the provider to migrate and listen, not a pace the test relies on
START_LIMIT = 120


def person(email, name="", verified=True, **extra):
    entry = {"email": email, "name": name, "password": PASSWORD, **extra}
    if verified is not None:
        entry["email_verified"] = verified
    return entry


@dataclass
class Provider:
    url: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    people: dict = field(default_factory=dict)


@contextmanager
def running_provider(directory: Path, *, people: dict, redirect_uris: list[str]):
    directory.mkdir(parents=True, exist_ok=True)
    setup = directory / "setup.json"
    setup.write_text(json.dumps({
        "database": str(directory / "provider.sqlite3"), "people": people,
        "client": {"id": CLIENT_ID, "secret": CLIENT_SECRET, "redirect_uris": redirect_uris}}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "QDIALOG_"))}
    env["OIDC_PROVIDER_SETUP"] = str(setup)
    env["PYTHONPATH"] = str(ROOT)
    process = subprocess.Popen([sys.executable, "-m", "tests.oidc_provider.serve"], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        port = _wait_ready(process)
        yield Provider(url=f"http://127.0.0.1:{port}", people=people)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            stream.close()


def _wait_ready(process) -> int:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if selector.select(timeout=START_LIMIT):
            line = process.stdout.readline()
            if line.startswith("READY "):
                return int(line.split()[1])
    process.kill()
    raise RuntimeError("the test identity provider did not start: "
                       + (process.stderr.read() or "")[-3000:])
