"""Faults: survey answers and anonymous reports submitted under load while a server worker is
killed. Every submission the client saw acknowledged must be stored exactly once; the others are
retried with the same form (same submission token, same follow-up code) and then must be stored
exactly once too.

    .venv/bin/python bench/faults.py                 # SQLite (a fresh file)
    DATABASE_URL=postgres://… .venv/bin/python bench/faults.py
    options: --respondents 60  --reports 40  --concurrency 6

Starts `qdialog serve` (gunicorn, 2 workers, production mode), plays respondents and reporters
concurrently, and sends SIGKILL to a worker – while submissions are in flight – once a third and
again once two thirds of them are through (gunicorn starts new ones). The last line is one JSON
object; "lost" and "doubled" must both be 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import (  # noqa: E402
    COOKIE_RE,
    CSRF_RE,
    TOKEN_RE,
    answers_body,
    free_port,
    setup_database,
)

CODE_RE = re.compile(rb'name="code" value="([^"]+)"')
SHOWN_CODE_RE = re.compile(rb'class="qd-code"[^>]*>([A-Z0-9-]+)<')


async def http(port: int, request: bytes) -> tuple[int, bytes, bytes]:
    """One request; (0, b"", b"") when the connection breaks (the worker died)."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        data = await asyncio.wait_for(reader.read(-1), timeout=30)
        writer.close()
    except (OSError, asyncio.TimeoutError):
        return 0, b"", b""
    head, _, body = data.partition(b"\r\n\r\n")
    try:
        return int(head[9:12]), head, body
    except ValueError:
        return 0, b"", b""


def _get(path):
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()


def _post(port, path, cookie, payload):
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(payload)}\r\nCookie: csrftoken={cookie}\r\n"
            f"Referer: http://127.0.0.1:{port}{path}\r\n\r\n").encode() + payload


async def prepare_answer(port, code, n):
    """The page of a code, once: what a browser would post (and re-post on a retry)."""
    path = f"/s/{code}/"
    for _ in range(20):
        status, head, body = await http(port, _get(path))
        if status == 200:
            payload = answers_body(CSRF_RE.search(body).group(1).decode(),
                                   TOKEN_RE.search(body).group(1).decode(), n)
            return path, COOKIE_RE.search(head).group(1).decode(), payload
        await asyncio.sleep(0.2)
    raise RuntimeError(f"page of {code} not reachable")


async def prepare_report(port, key, n):
    path = f"/melden/{key}/"
    for _ in range(20):
        status, head, body = await http(port, _get(path))
        if status == 200:
            fields = {"csrfmiddlewaretoken": CSRF_RE.search(body).group(1).decode(),
                      "code": CODE_RE.search(body).group(1).decode(),
                      "professional_group": "school", "phase": "referral",
                      "child_age_band": "6-9", "harm": "potential", "frequency": "sometimes",
                      "what_happened": f"Eine Mitteilung blieb liegen ({n}).",
                      "outcome": "Verspätete Einschätzung.", "what_helped": ""}
            return path, COOKIE_RE.search(head).group(1).decode(), \
                urllib.parse.urlencode(fields).encode()
        await asyncio.sleep(0.2)
    raise RuntimeError("report form not reachable")


def acknowledged(kind: str, status: int, body: bytes) -> bool:
    """What a browser would show as "stored": the thank-you redirect (303) – or, for a retry of
    a submission that was stored while its answer got lost, "answers already received" (409);
    for a report the thank-you page with the follow-up code."""
    if kind == "answer":
        return status in (303, 409)
    return status == 200 and b"qd-code" in body


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return pids


async def play(port, master, jobs, concurrency, kill_after):
    """jobs: [(kind, path, cookie, payload)]. Returns (first outcomes, kills)."""
    queue = list(enumerate(jobs))
    outcomes = [None] * len(jobs)
    done = {"n": 0, "killed": []}

    async def one():
        while queue:
            index, (kind, path, cookie, payload) = queue.pop(0)
            status, _, body = await http(port, _post(port, path, cookie, payload))
            ok = acknowledged(kind, status, body)
            outcomes[index] = ok
            done["n"] += 1
            if done["n"] in (kill_after, 2 * kill_after):
                # a moment later, while other submissions are in flight
                asyncio.get_running_loop().call_later(0.005, kill)

    def kill():
        victims = [pid for pid in worker_pids(master) if pid not in done["killed"]]
        if victims:
            os.kill(victims[0], signal.SIGKILL)
            done["killed"].append(victims[0])

    await asyncio.gather(*(one() for _ in range(concurrency)))
    return outcomes, done["killed"]


async def retry(port, jobs, outcomes):
    """Post again, with the same form, what was not acknowledged, until it is."""
    attempts = 0
    for index, ok in enumerate(outcomes):
        kind, path, cookie, payload = jobs[index]
        while not ok and attempts < 500:
            attempts += 1
            status, _, body = await http(port, _post(port, path, cookie, payload))
            ok = acknowledged(kind, status, body)
            if not ok:
                await asyncio.sleep(0.2)
        outcomes[index] = ok
    return attempts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=60)
    parser.add_argument("--reports", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=6)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="qdialog-faults-"))
    env = {**os.environ, "QDIALOG_MODE": "production", "DJANGO_DEBUG": "false",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
           "STATIC_ROOT": str(tmp / "static"), "LOG_LEVEL": "CRITICAL",
           "DJANGO_SETTINGS_MODULE": "qdialog.settings", "QDIALOG_REPORT_RATE": "100000",
           "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(tmp / "faults.sqlite3")
    os.environ.update(env)
    programme, wave, codes = setup_database(args.respondents)
    from qdialog.incidents import services as incidents
    from qdialog.incidents.models import IncidentReport
    from qdialog.surveys.models import Response

    system = incidents.system_create(actor=None, programme=programme,
                                     municipality=wave.municipality)
    database = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "qdialog", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)

        async def run():
            jobs = [("answer", *await prepare_answer(port, code, n))
                    for n, code in enumerate(codes[:args.respondents])]
            jobs += [("report", *await prepare_report(port, system.key, n))
                     for n in range(args.reports)]
            jobs = [jobs[i] for i in sorted(range(len(jobs)), key=lambda i: (i * 7919) % 10007)]
            outcomes, killed = await play(port, server.pid, jobs, args.concurrency,
                                          kill_after=len(jobs) // 3)
            first = list(outcomes)
            attempts = await retry(port, jobs, outcomes)
            return jobs, first, outcomes, killed, attempts

        jobs, first, final, killed, attempts = asyncio.run(run())
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    from django.db import connection

    connection.close()
    answers = sum(1 for kind, *_ in jobs if kind == "answer")
    reports = len(jobs) - answers
    stored_answers = Response.objects.filter(wave=wave).count()
    stored_reports = IncidentReport.objects.filter(system=system).count()
    acknowledged_answers = sum(1 for (kind, *_), ok in zip(jobs, final) if kind == "answer" and ok)
    acknowledged_reports = sum(1 for (kind, *_), ok in zip(jobs, final) if kind == "report" and ok)
    result = {
        "faults": "worker killed", "database": database, "killed_workers": len(killed),
        "submissions": len(jobs), "answers": answers, "reports": reports,
        "acknowledged_first_try": sum(1 for ok in first if ok),
        "failed_first_try": sum(1 for ok in first if not ok), "retries": attempts,
        "acknowledged_after_retries": sum(1 for ok in final if ok),
        "stored_answers": stored_answers, "stored_reports": stored_reports,
        "lost": max(0, acknowledged_answers - stored_answers)
        + max(0, acknowledged_reports - stored_reports),
        "doubled": max(0, stored_answers - answers) + max(0, stored_reports - reports),
    }
    if database == "postgresql":
        programme.delete()
    print(f"database: {database}; killed {len(killed)} worker(s) during {len(jobs)} "
          f"submissions; {result['failed_first_try']} needed a retry")
    print(f"answers: {stored_answers} stored of {answers}; reports: {stored_reports} stored of "
          f"{reports}; lost {result['lost']}, doubled {result['doubled']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
