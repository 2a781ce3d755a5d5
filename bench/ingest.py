"""Benchmark: respondents answering a questionnaire against qdialog served as in production.

    .venv/bin/python bench/ingest.py                      # SQLite (a fresh file)
    DATABASE_URL=postgres://… .venv/bin/python bench/ingest.py
    options: --levels 1,10,50  --seconds 8  --workers 2

Starts `qdialog serve` (gunicorn, 2 workers, production mode) on a free local port, then plays
respondents with a lean asyncio HTTP client of its own: each one loads the questionnaire page
(40 Likert items and 2 free texts on one page) with a personal code, submits it complete and
follows the redirect to the thank-you page, as a browser does. It also measures, in the same
run, GET /livez through qdialog's whole middleware chain and a bare Django view
(bench/bare_django.py) under gunicorn with as many workers, and states each completion's cost
as a number of bare Django requests: a figure that does not depend on the machine's speed.
For each concurrency level it reports completions per second, the p50/p95/p99 time of a whole
respondent (its three requests) and the server's CPU time per completion (user + system of the
gunicorn master and its workers, read from /proc: the load client does not count), and checks
that the stored answer sets equal the completions.
The last line is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_RE = re.compile(rb'name="token" value="([^"]+)"')
COOKIE_RE = re.compile(rb"csrftoken=([^;]+)")
CODE_COOKIE_RE = re.compile(rb"qdialog_code=([^;\r\n]+)")

ITEMS = 40


def spec():
    return {"family": "bench", "title_de": "Benchmark-Fragebogen", "paged": False, "sections": [
        {"code": "s1", "title_de": "Einschätzungen", "items": [
            {"code": f"i{n:02d}", "kind": "likert", "scale_points": 5, "dont_know": True,
             "text_de": f"Aussage Nummer {n} zur Qualität im Kinderschutz.",
             "dimension": f"d{n % 5}"} for n in range(1, ITEMS + 1)]
         + [{"code": "t1", "kind": "long_text", "text_de": "Was gelingt gut?"},
            {"code": "t2", "kind": "long_text", "text_de": "Was soll besser werden?"}]}]}


def setup_database(codes_needed: int):
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from qdialog.surveys import services
    from qdialog.tenancy.models import Municipality, Programme

    programme = Programme.objects.create(name="Benchmark", slug=f"bench-{secrets.token_hex(4)}")
    municipality = Municipality.objects.create(programme=programme, name="Benchstadt",
                                               kind="landkreis", state="NI")
    instrument = services.instrument_create_from_spec(actor=None, programme=programme,
                                                      spec=spec())
    today = dt.date.today()
    wave = services.wave_create(actor=None, instrument=instrument, fields={
        "title": "Bench", "municipality": municipality, "opens_on": today - dt.timedelta(1),
        "closes_on": today + dt.timedelta(1)})
    services.wave_open(actor=None, wave=wave)
    codes = []
    while len(codes) < codes_needed:
        codes += [c.code for c in services.codes_generate(
            actor=None, wave=wave, count=min(5000, codes_needed - len(codes)))]
    return programme, wave, codes


def stored_count(wave) -> int:
    from django.db import connection

    from qdialog.surveys.models import Response

    connection.close()
    return Response.objects.filter(wave=wave).count()


TICK = os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) the server has used so far, from the kernel's own accounting:
    the gunicorn master, its live workers, and workers that have ended (the master's children
    totals). Independent of the load client, which runs on the same machine."""

    def own(pid):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return [int(x) for x in fields[11:15]]  # utime, stime, cutime, cstime

    utime, stime, cutime, cstime = own(master_pid)
    total = utime + stime + cutime + cstime
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    for child in children:
        try:
            u, s_, _, _ = own(int(child))
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended in between: now counted in the master's children totals
        total += u + s_
    return total / TICK


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def http(port: int, request: bytes) -> tuple[int, bytes, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    data = await reader.read(-1)  # gunicorn's sync workers close the connection
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head[9:12])
    return status, head, body


def answers_body(csrf: str, token: str, rng_seed: int, marker: str = "") -> bytes:
    fields = [("csrfmiddlewaretoken", csrf), ("token", token), ("page", "0"),
              ("action", "submit"), ("lang", "de")]
    fields += [(f"q_i{n:02d}", str((n + rng_seed) % 5 + 1)) for n in range(1, ITEMS + 1)]
    fields += [("q_t1", f"Die Zusammenarbeit mit den Schulen hat sich verbessert.{marker}"),
               ("q_t2", "Rückmeldungen nach Mitteilungen an das Jugendamt.")]
    return urllib.parse.urlencode(fields).encode()


async def respondent(port: int, code: str, n: int) -> tuple[float, str]:
    start = time.perf_counter()
    path = f"/s/{code}/"
    status, head, body = await http(port, (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                           f"Connection: close\r\n\r\n").encode())
    if status != 200:
        return time.perf_counter() - start, f"GET {status}"
    csrf_cookie = COOKIE_RE.search(head).group(1).decode()
    code_cookie = CODE_COOKIE_RE.search(head).group(1).decode()
    csrf = CSRF_RE.search(body).group(1).decode()
    token = TOKEN_RE.search(body).group(1).decode()
    payload = answers_body(csrf, token, n)
    # the form goes to the address without the code; the code travels in its signed cookie
    status, head, _ = await http(port, (
        f"POST /s/answer/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(payload)}\r\n"
        f"Cookie: csrftoken={csrf_cookie}; qdialog_code={code_cookie}\r\n\r\n"
    ).encode() + payload)
    if status != 303:
        return time.perf_counter() - start, f"POST {status}"
    # the browser follows the redirect to the thank-you page: a respondent's third request
    # (header names in any case: HAProxy passes them on in lower case)
    location = re.search(rb"\r\nlocation: *([^\r\n]+)", head, re.I)
    if location is None:
        return time.perf_counter() - start, "POST 303 without a Location"
    location = location.group(1).decode()
    status, _, _ = await http(port, (f"GET {location} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                     f"Connection: close\r\n\r\n").encode())
    return time.perf_counter() - start, "ok" if status == 200 else f"DONE {status}"


async def run_level(port: int, codes: list[str], concurrency: int, seconds: float,
                    server_pid: int | None = None) -> dict:
    cpu_before = server_cpu_seconds(server_pid) if server_pid else None
    queue = iter(codes)
    timings, errors = [], {}
    deadline = time.perf_counter() + seconds

    async def worker():
        n = 0
        while time.perf_counter() < deadline:
            code = next(queue, None)
            if code is None:
                return
            elapsed, outcome = await respondent(port, code, n)
            n += 1
            if outcome == "ok":
                timings.append(elapsed)
            else:
                errors[outcome] = errors.get(outcome, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    ms = sorted(t * 1000 for t in timings)

    def pct(p):
        return round(ms[min(len(ms) - 1, int(p / 100 * len(ms)))], 1) if ms else None

    cpu = server_cpu_seconds(server_pid) - cpu_before if server_pid else None
    per = round(cpu * 1000 / len(ms), 2) if cpu is not None and ms else None
    return {"concurrency": concurrency, "completions": len(ms), "errors": errors,
            "server_cpu_ms_per_completion": per,
            "seconds": round(wall, 2), "completions_per_s": round(len(ms) / wall, 1),
            "p50_ms": round(statistics.median(ms), 1) if ms else None, "p95_ms": pct(95),
            "p99_ms": pct(99)}


async def run_floor(port: int, server_pid: int, requests: int = 2000,
                    concurrency: int = 10) -> float:
    """Server CPU per request of a view that does nothing (GET /livez) under the same server:
    the framework's floor, against which a respondent's three requests compare."""
    request = b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    left = iter(range(requests))

    async def worker():
        for _ in left:
            await http(port, request)

    await asyncio.gather(*(worker() for _ in range(concurrency)))  # warm
    left = iter(range(requests))
    before = server_cpu_seconds(server_pid)
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return round((server_cpu_seconds(server_pid) - before) * 1000 / requests, 3)


def bare_django_floor(workers: int) -> float:
    """Server CPU per request of a bare Django view (bench/bare_django.py) under gunicorn with
    as many sync workers: the reference that does not depend on the machine's speed."""
    port = free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [gunicorn, "bench.bare_django:application", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "error"], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        return asyncio.run(run_floor(port, server.pid))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", default="1,10,50")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="qdialog-bench-"))
    env = {**os.environ, "QDIALOG_MODE": "production", "DJANGO_DEBUG": "false",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
           "STATIC_ROOT": str(tmp / "static"), "LOG_LEVEL": "ERROR",
           "DJANGO_SETTINGS_MODULE": "qdialog.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    os.environ.update(env)
    programme, wave, codes = setup_database(int(sum(levels) * args.seconds * 60) + 2000)
    database = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "qdialog", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers)], env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, start_new_session=True)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        warm = asyncio.run(run_level(port, codes[:50], 5, 2))  # warm up the workers' caches
        used = 50
        results = []
        for level in levels:
            result = asyncio.run(run_level(port, codes[used:], level, args.seconds,
                                           server_pid=server.pid))
            used += result["completions"] + sum(result["errors"].values())
            results.append(result)
        stored = stored_count(wave)
        floor = asyncio.run(run_floor(port, server.pid))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    bare = bare_django_floor(args.workers)
    for r in results:
        per = r["server_cpu_ms_per_completion"]
        r["bare_django_requests_per_completion"] = round(per / bare, 1) if per and bare else None
    completions = sum(r["completions"] for r in results) + warm["completions"]
    print(f"database: {database}; app server: qdialog serve, {args.workers} workers; "
          f"questionnaire: {ITEMS} Likert items + 2 free texts")
    print(f"{'concurrent':>10} {'done':>7} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'cpu ms':>7}  errors")
    for r in results:
        print(f"{r['concurrency']:>10} {r['completions']:>7} {r['completions_per_s']:>8} "
              f"{r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8} "
              f"{r['server_cpu_ms_per_completion']:>7}  {r['errors'] or '-'}")
    print("cpu ms: server CPU (user + system, gunicorn master and workers) per completion")
    print(f"stored answer sets: {stored}; acknowledged completions (warm-up included): "
          f"{completions}; {'equal' if stored == completions else 'NOT EQUAL'}")
    print(f"floor: {floor} ms server CPU per request for GET /livez (a view that does "
          f"nothing, through the whole middleware chain): {round(3 * floor, 2)} ms for a "
          f"respondent's three requests")
    print(f"bare Django: {bare} ms server CPU per request (bench/bare_django.py: one view, no "
          f"middleware, same gunicorn workers); a completion costs "
          f"{[r['bare_django_requests_per_completion'] for r in results]} of them")
    if database == "postgresql":
        programme.delete()
    print(json.dumps({"benchmark": "ingest", "database": database, "workers": args.workers,
                      "items": ITEMS, "levels": results, "stored": stored,
                      "completions_including_warmup": completions,
                      "floor_cpu_ms_per_request": floor,
                      "bare_django_cpu_ms_per_request": bare,
                      "stored_equals_completions": stored == completions}))


if __name__ == "__main__":
    from qdialog.core.scoping import unscoped

    with unscoped("a script that arranges and measures data of its own"):
        main()
