"""Faults: survey answers and anonymous reports submitted under load while a server worker is
killed, or while the database is restarted. Every submission the client saw acknowledged must be
stored exactly once; the others are retried with the same form (same submission token, same
follow-up code) and then must be stored exactly once too.

    .venv/bin/python bench/faults.py                 # worker killed, SQLite (a fresh file)
    DATABASE_URL=postgres://… .venv/bin/python bench/faults.py      # worker killed, PostgreSQL
    .venv/bin/python bench/faults.py --fault database   # PostgreSQL restarted (throw-away cluster)
    options: --respondents 60  --reports 40  --concurrency 6

Starts `qdialog serve` (gunicorn, 2 workers, production mode), plays respondents and reporters
concurrently and, once a third and again once two thirds of the submissions are through – while
others are in flight – either sends SIGKILL to a worker (gunicorn starts a new one) or restarts
PostgreSQL with `pg_ctl restart -m fast` (open transactions rolled back, every connection
dropped). The database fault runs on its own throw-away cluster (bench/pgcluster.py), never on
the database in DATABASE_URL. The last line is one JSON object; "lost" and "doubled" must both
be 0.
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
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ingest import (  # noqa: E402
    CODE_COOKIE_RE,
    COOKIE_RE,
    CSRF_RE,
    TOKEN_RE,
    answers_body,
    free_port,
    setup_database,
)

MARKER_RE = re.compile(r"\((\d+)\)")
CODE_RE = re.compile(rb'name="code" value="([^"]+)"')


async def http(port: int, request: bytes) -> tuple[int, bytes, bytes]:
    """One request; (0, b"", b"") when the connection breaks (the worker died)."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        data = await asyncio.wait_for(reader.read(-1), timeout=30)
        writer.close()
    except (TimeoutError, OSError):
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
            f"Content-Length: {len(payload)}\r\nCookie: {cookie}\r\n\r\n").encode() + payload


async def prepare_answer(port, code, n):
    """The page of a code, once: what a browser would post (and re-post on a retry)."""
    path = f"/s/{code}/"
    for _ in range(20):
        status, head, body = await http(port, _get(path))
        if status == 200:
            payload = answers_body(CSRF_RE.search(body).group(1).decode(),
                                   TOKEN_RE.search(body).group(1).decode(), n,
                                   marker=f" ({n})")
            # posted to the code-free address, the code in its signed cookie
            cookie = (f"csrftoken={COOKIE_RE.search(head).group(1).decode()}; "
                      f"qdialog_code={CODE_COOKIE_RE.search(head).group(1).decode()}")
            return "/s/answer/", cookie, payload
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
            return path, f"csrftoken={COOKIE_RE.search(head).group(1).decode()}", \
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


async def play(port, master, jobs, concurrency, kill_after, cluster=None):
    """jobs: [(kind, path, cookie, payload)]. Returns (first outcomes, faults injected).
    Without a cluster a worker is killed; with one, the database is restarted."""
    queue = list(enumerate(jobs))
    outcomes = [None] * len(jobs)
    done = {"n": 0, "killed": [], "refusals": Counter()}
    restarts = []

    async def one():
        while queue:
            index, (kind, path, cookie, payload) = queue.pop(0)
            status, _, body = await http(port, _post(port, path, cookie, payload))
            ok = acknowledged(kind, status, body)
            outcomes[index] = ok
            if not ok:
                done["refusals"][str(status or "connection lost")] += 1
            done["n"] += 1
            if done["n"] in (kill_after, 2 * kill_after):
                # a moment later, while other submissions are in flight
                asyncio.get_running_loop().call_later(
                    0.005, restart if cluster is not None else kill)

    def restart():
        restarts.append(asyncio.get_running_loop().run_in_executor(None, cluster.restart))

    def kill():
        victims = [pid for pid in worker_pids(master) if pid not in done["killed"]]
        if victims:
            os.kill(victims[0], signal.SIGKILL)
            done["killed"].append(victims[0])

    await asyncio.gather(*(one() for _ in range(concurrency)))
    await asyncio.gather(*restarts)
    return outcomes, (done["killed"] if cluster is None else restarts), done["refusals"]


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
    parser.add_argument("--fault", choices=["worker", "database"], default="worker")
    args = parser.parse_args()
    if args.fault == "database":
        from bench.pgcluster import ThrowawayCluster

        with ThrowawayCluster() as cluster:
            os.environ["DATABASE_URL"] = cluster.url
            run_faults(args, cluster)
    else:
        run_faults(args, None)


def run_faults(args, cluster):
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
            outcomes, killed, refusals = await play(port, server.pid, jobs, args.concurrency,
                                          kill_after=len(jobs) // 3, cluster=cluster)
            first = list(outcomes)
            attempts = await retry(port, jobs, outcomes)
            return jobs, first, outcomes, killed, attempts, refusals

        jobs, first, final, killed, attempts, refusals = asyncio.run(run())
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    from django.db import connection

    connection.close()
    answers = sum(1 for kind, *_ in jobs if kind == "answer")
    reports = len(jobs) - answers
    # Each submission carries its number in a free text, so that every one can be checked for
    # "stored exactly once" – not only the totals.
    stored = Counter()
    for (answer_set,) in Response.objects.filter(wave=wave).values_list("answers"):
        stored[("answer", MARKER_RE.search(answer_set.get("t1", "")).group(1))] += 1
    for text in IncidentReport.objects.filter(system=system).values_list("what_happened",
                                                                          flat=True):
        stored[("report", MARKER_RE.search(text).group(1))] += 1
    stored_answers = sum(n for (kind, _), n in stored.items() if kind == "answer")
    stored_reports = sum(n for (kind, _), n in stored.items() if kind == "report")
    lost = doubled = 0
    for (kind, _path, _cookie, payload), ok in zip(jobs, final):
        n = MARKER_RE.search(urllib.parse.unquote_plus(payload.decode())).group(1)
        count = stored.pop((kind, n), 0)
        lost += bool(ok and count == 0)
        doubled += max(0, count - 1)
    doubled += sum(stored.values())  # stored, but never submitted
    result = {
        "faults": "worker killed" if cluster is None else "database restarted",
        "database": database,
        ("killed_workers" if cluster is None else "database_restarts"): len(killed),
        "submissions": len(jobs), "answers": answers, "reports": reports,
        "acknowledged_first_try": sum(1 for ok in first if ok),
        "failed_first_try": sum(1 for ok in first if not ok),
        "first_try_failures": dict(refusals), "retries": attempts,
        "acknowledged_after_retries": sum(1 for ok in final if ok),
        "stored_answers": stored_answers, "stored_reports": stored_reports,
        "lost": lost, "doubled": doubled,
    }
    if database == "postgresql" and cluster is None:
        programme.delete()
    connection.close()
    fault = "killed {} worker(s)" if cluster is None else "restarted the database {} time(s)"
    print(f"database: {database}; {fault.format(len(killed))} during {len(jobs)} "
          f"submissions; {result['failed_first_try']} needed a retry")
    print(f"answers: {stored_answers} stored of {answers}; reports: {stored_reports} stored of "
          f"{reports}; lost {result['lost']}, doubled {result['doubled']}")
    print(json.dumps(result))


if __name__ == "__main__":
    from qdialog.core.scoping import unscoped

    with unscoped("a script that arranges and measures data of its own"):
        main()
