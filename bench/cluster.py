"""Several qdialog nodes on one machine, with real components: a throw-away PostgreSQL cluster
(bench/pgcluster.py), a Redis server of its own (Debian's redis-server) as the shared cache, two
`qdialog serve` nodes behind HAProxy (round robin, /readyz checks), two task workers and one
shared media directory. Every process is started with deploy/entrypoint.sh, as in the
container image (web, worker, migrate).

    .venv/bin/python bench/cluster.py            # the full run
    .venv/bin/python bench/cluster.py --smoke    # a short run for CI
    options: --respondents 120 --reports 60 --concurrency 6 --municipalities 8
             --seconds 8 --levels 8 --lease 6

Scenarios, in this order:
  1. answers and near-miss reports submitted through the load balancer while one web node is
     killed (SIGKILL to the whole gunicorn: master and workers) and later started again; what
     was not acknowledged is posted again with the same form: every submission stored once;
  2. a ZIP bundle of municipality reports built while the worker running a part is killed;
     the lease (QDIALOG_REPORT_LEASE_SECONDS) runs out, the report is recovered and tried
     again as the report page does, the other worker builds the missing part: every part
     built once, the bundle done, nothing left "being built";
  3. across nodes: a log-in form from node A posted to node B (CSRF), the session used on the
     other node, a file uploaded through one node and downloaded through the other, the
     personal calendar address on both nodes; then the same upload and download through two
     more nodes that keep files in an S3 bucket (S3_BUCKET; moto's standalone S3 server) and
     have no shared directory;
  4. ingest throughput (completions/s) through HAProxy with 1 and with 2 web nodes;
  5. rate limits counted across nodes (unknown survey codes from one address, alternating
     nodes), and HAProxy overwriting a client's own X-Real-IP.

All traffic goes to 127.0.0.1; every wait is bounded. The last line is one JSON object with
all figures and checks; the exit status is 1 when a check failed. Everything started is
killed at the end, also on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import io
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import ingest  # noqa: E402
from bench.faults import (  # noqa: E402
    MARKER_RE,
    acknowledged,
    http,
    prepare_answer,
    prepare_report,
    retry,
)
from bench.ingest import COOKIE_RE, CSRF_RE, free_port  # noqa: E402

ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"
SESSION_RE = re.compile(rb"sessionid=([^;]+)")
PASSWORD = "cluster-bench-password-1"


# --- processes -----------------------------------------------------------------------------

class Stack:
    """The processes of the run; stop() kills every one of them (whole process groups)."""

    def __init__(self, tmp: Path, env: dict):
        self.tmp, self.env, self.procs = tmp, env, {}

    def start(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(command, env=env or self.env, stdout=log, stderr=log,
                                start_new_session=True, cwd=self.tmp)
        log.close()
        self.procs[name] = proc
        return proc

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)

    def stop(self) -> None:
        for name in list(self.procs):
            proc = self.procs[name]
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for name in list(self.procs):
            try:
                self.procs[name].wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(name)
        self.procs.clear()


def wait_port(port: int, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def get(port: int, path: str, headers: dict | None = None):
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return asyncio.run(http(port, ("\r\n".join(lines) + "\r\n\r\n").encode()))


def post(port: int, path: str, body: bytes, headers: dict,
         content_type="application/x-www-form-urlencoded"):
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
             f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return asyncio.run(http(port, ("\r\n".join(lines) + "\r\n\r\n").encode() + body))


def wait_ready(port: int, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if get(port, "/readyz")[0] == 200:
            return True
        time.sleep(0.2)
    return False


class HAProxy:
    def __init__(self, stack: Stack, nodes: dict[str, int]):
        self.stack, self.port = stack, free_port()
        self.socket = stack.tmp / "haproxy.sock"
        servers = "\n".join(f"  server {name} 127.0.0.1:{port} check"
                            for name, port in nodes.items())
        self.config = stack.tmp / "haproxy.cfg"
        self.config.write_text(f"""global
  maxconn 1024
  stats socket {self.socket} mode 600 level admin
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  # a node busy with submissions answers its check late, but answers: not down for that
  timeout check 3s
  retries 3
  option redispatch
frontend qdialog
  bind 127.0.0.1:{self.port}
  # the client's address for qdialog's rate limits (QDIALOG_CLIENT_IP_HEADER=HTTP_X_REAL_IP):
  # always overwritten, never taken from the client
  http-request set-header X-Real-IP %[src]
  default_backend web
backend web
  balance roundrobin
  option httpchk
  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host 127.0.0.1
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2
{servers}
""")

    def start(self):
        self.stack.start("haproxy", ["haproxy", "-db", "-f", str(self.config)])
        return wait_port(self.port, 30)

    def command(self, line: str) -> str:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(str(self.socket))
            s.sendall(line.encode() + b"\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        return data.decode()

    def servers(self) -> dict[str, dict]:
        """name → {'status': 'UP'/'DOWN'/'MAINT', 'sessions': total}."""
        rows = self.command("show stat").splitlines()
        head = rows[0].lstrip("# ").split(",")
        found = {}
        for row in rows[1:]:
            cells = dict(zip(head, row.split(","), strict=False))
            if cells.get("pxname") == "web" and cells.get("svname") not in ("FRONTEND",
                                                                            "BACKEND"):
                found[cells["svname"]] = {"status": cells["status"].split()[0],
                                          "sessions": int(cells["stot"] or 0)}
        return found

    def wait_status(self, name: str, status: str, seconds: float = 60) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.servers().get(name, {}).get("status") == status:
                return True
            time.sleep(0.1)
        return False


# --- data ----------------------------------------------------------------------------------

def arrange(codes_needed: int, municipalities: int):
    """Codes for the respondents, a reporting system, a programme-wide wave over several
    municipalities (for the bundle), a coordinator with a process and an event."""
    programme, wave, codes = ingest.setup_database(codes_needed)
    from django.utils import timezone

    from qdialog.accounts.models import User
    from qdialog.incidents import services as incidents
    from qdialog.processes import services as processes
    from qdialog.processes.models import EventKind
    from qdialog.surveys import services as surveys
    from qdialog.tenancy.models import Membership, Municipality, Organisation, Role

    home = wave.municipality
    for n in range(1, municipalities):
        Municipality.objects.create(programme=programme, name=f"Benchdorf {n:02d}",
                                    kind="landkreis", state="NI")
    today = dt.date.today()
    programme_wave = surveys.wave_create(actor=None, instrument=wave.instrument, fields={
        "title": "Bundle", "opens_on": today - dt.timedelta(2), "closes_on": today})
    surveys.wave_open(actor=None, wave=programme_wave)
    surveys.wave_close(actor=None, wave=programme_wave)
    system = incidents.system_create(actor=None, programme=programme, municipality=home)
    organisation = Organisation.objects.create(programme=programme, municipality=home,
                                               name="Jugendamt Benchstadt",
                                               professional_system="youth_office")
    user = User.objects.create_user(email=f"koordination-{secrets.token_hex(3)}@bench.invalid",
                                    password=PASSWORD, display_name="Kora Cluster")
    Membership.objects.create(user=user, role=Role.MUNICIPAL_COORDINATOR, programme=programme,
                              municipality=home, organisation=organisation)
    process = processes.process_create(actor=None, fields={"title": "Qualitätsdialog"},
                                       municipality=home)
    start = timezone.now() + dt.timedelta(days=7)
    event = processes.event_save(actor=None, process=process, fields={
        "kind": EventKind.WORKSHOP, "title": "QE-Werkstatt Mehrknoten", "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2)})
    return {"programme": programme, "wave": wave, "codes": codes, "system": system,
            "bundle_wave": programme_wave, "user": user, "event": event, "home": home}


# --- scenario 1: a web node killed during submissions ---------------------------------------

async def submissions(lb: int, data, args, on_third, on_two_thirds):
    codes = data["codes"]
    jobs = [("answer", *await prepare_answer(lb, code, n))
            for n, code in enumerate(codes[:args.respondents])]
    jobs += [("report", *await prepare_report(lb, data["system"].key, n))
             for n in range(args.reports)]
    jobs = [jobs[i] for i in sorted(range(len(jobs)), key=lambda i: (i * 7919) % 10007)]
    queue = list(enumerate(jobs))
    outcomes = [None] * len(jobs)
    done = {"n": 0}
    refusals = Counter()
    third = len(jobs) // 3
    loop = asyncio.get_running_loop()

    async def one():
        while queue:
            index, (kind, path, cookie, payload) = queue.pop(0)
            status, _, body = await http(lb, _form_post(path, cookie, payload))
            ok = acknowledged(kind, status, body)
            outcomes[index] = ok
            if not ok:
                source = " haproxy" if b"No server is available" in body else ""
                refusals[f"{status or 'connection lost'}{source}"] += 1
            done["n"] += 1
            if done["n"] == third:
                loop.call_later(0.005, on_third)
            elif done["n"] == 2 * third:
                await loop.run_in_executor(None, on_two_thirds)

    await asyncio.gather(*(one() for _ in range(args.concurrency)))
    first = list(outcomes)
    attempts = await retry(lb, jobs, outcomes)
    return jobs, first, outcomes, refusals, attempts


def _form_post(path, cookie, payload):
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(payload)}\r\nCookie: {cookie}\r\n\r\n").encode() + payload


def count_stored(data, jobs, final):
    from django.db import connection

    from qdialog.incidents.models import IncidentReport
    from qdialog.surveys.models import Response

    connection.close()
    stored = Counter()
    for (answer_set,) in Response.objects.filter(wave=data["wave"]).values_list("answers"):
        stored[("answer", MARKER_RE.search(answer_set.get("t1", "")).group(1))] += 1
    for text in IncidentReport.objects.filter(system=data["system"]).values_list(
            "what_happened", flat=True):
        stored[("report", MARKER_RE.search(text).group(1))] += 1
    lost = doubled = 0
    for (kind, _path, _cookie, payload), ok in zip(jobs, final, strict=True):
        n = MARKER_RE.search(urllib.parse.unquote_plus(payload.decode())).group(1)
        count = stored.pop((kind, n), 0)
        lost += bool(ok and count == 0)
        doubled += max(0, count - 1)
    doubled += sum(stored.values())
    return lost, doubled


# --- scenario 2: a worker killed while a bundle builds -------------------------------------

def bundle_with_worker_killed(stack, start_worker, data, lease: int, seconds: float = 300):
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from qdialog.reports import services as reports
    from qdialog.reports.models import Report, ReportKind, ReportPart, ReportStatus

    report = reports.report_request(actor=None, wave=data["bundle_wave"],
                                    kind=ReportKind.ALL_MUNICIPALITIES, file_format="pdf")
    deadline = time.monotonic() + seconds
    victim = None
    while victim is None and time.monotonic() < deadline:
        connection.close()
        running = DBTaskResult.objects.filter(status="RUNNING",
                                              task_path__endswith="build_report_part_task")
        for task in running:
            # the part itself being built, not only its task claimed: a worker killed between
            # claiming the task and starting the part leaves the part "queued" for ever (see
            # the report of this run's author: recovery takes such a bundle for waiting)
            part_running = ReportPart.objects.filter(
                pk=task.args_kwargs["kwargs"]["part_id"], status=ReportStatus.RUNNING).exists()
            if part_running and task.worker_ids and task.worker_ids[-1] in stack.procs:
                victim = task.worker_ids[-1]
                break
        else:
            time.sleep(0.05)
    if victim is None:
        return {"error": "no part was seen being built"}
    stack.kill(victim)
    killed_at = time.monotonic()
    recovered = retried = 0
    while time.monotonic() < deadline:
        connection.close()
        report.refresh_from_db()
        if report.status == ReportStatus.DONE:
            break
        # what the report page does on every view: a report whose worker shows no heartbeat
        # for the lease is marked failed; the person then tries it again (only missing parts)
        if report.status == ReportStatus.RUNNING:
            recovered += reports.reports_recover(wave=data["bundle_wave"])
        elif report.status == ReportStatus.FAILED:
            reports.report_retry(actor=None, report=report)
            retried += 1
        time.sleep(0.25)
    connection.close()
    report.refresh_from_db()
    names = []
    if report.status == ReportStatus.DONE:
        with report.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as z:
            names = z.namelist()
    part_tasks = DBTaskResult.objects.filter(task_path__endswith="build_report_part_task")
    built = Counter(t.args_kwargs["kwargs"]["part_id"] for t in part_tasks
                    if t.status == "SUCCESSFUL")
    parts = list(report.parts.values_list("pk", "status"))
    stuck = (Report.objects.filter(status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING])
             .count() + report.parts.exclude(status=ReportStatus.DONE).count())
    start_worker(victim)  # the operator's restart; the remaining tasks stay done
    return {"municipalities": len(parts), "killed_worker": victim,
            "seconds_to_done_after_kill": round(time.monotonic() - killed_at, 1),
            "lease_seconds": lease, "recovered": recovered, "retried": retried,
            "status": report.status, "files_in_zip": len(names),
            "distinct_files_in_zip": len(set(names)),
            "parts_built_once": sum(1 for pk, _ in parts if built.get(pk) == 1),
            "parts_built_twice_or_more": sum(1 for pk, _ in parts if built.get(pk, 0) > 1),
            "task_rows_left_running_by_the_killed_worker": part_tasks.filter(
                status="RUNNING", worker_ids__contains=[victim]).count(),
            "stuck": stuck}


# --- scenario 3: sessions, CSRF, uploads and the calendar across nodes ----------------------

def cookie_of(head: bytes, pattern=COOKIE_RE) -> str:
    found = pattern.search(head)
    return found.group(1).decode() if found else ""


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = "qdialog" + secrets.token_hex(8)
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                  f"{value}\r\n".encode())
    for name, (filename, content, kind) in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                  f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode())
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def across_nodes(a: int, b: int, data) -> dict:
    from django.urls import reverse

    from qdialog.processes import services as processes

    checks = {}
    login = reverse("account_login")
    status, head, body = get(a, login)
    csrf_cookie = cookie_of(head)
    form = CSRF_RE.search(body).group(1).decode()
    fields = {"login": data["user"].email, "password": PASSWORD, "csrfmiddlewaretoken": form}
    bad = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": "x" * 64}).encode()
    checks["csrf_wrong_token_refused"] = post(
        b, login, bad, {"Cookie": f"csrftoken={csrf_cookie}"})[0] == 403
    status, head, _ = post(b, login, urllib.parse.urlencode(fields).encode(),
                           {"Cookie": f"csrftoken={csrf_cookie}"})
    session = cookie_of(head, SESSION_RE)
    checks["login_form_of_a_posted_to_b"] = status == 302 and bool(session)
    cookie = f"csrftoken={cookie_of(head) or csrf_cookie}; sessionid={session}"
    status, _, body = get(a, "/", {"Cookie": cookie})
    checks["session_from_b_valid_on_a"] = status == 200 and b"Kora Cluster" in body
    checks.update(file_across(a, b, cookie, data["event"])[0])
    feed = reverse("processes:feed", args=[processes.feed_token(data["user"], data["home"])])
    answers = [get(port, feed) for port in (a, b)]
    checks["calendar_address_on_both_nodes"] = all(
        status == 200 and b"BEGIN:VCALENDAR" in body and b"QE-Werkstatt Mehrknoten" in body
        for status, _, body in answers)
    return checks, cookie


def file_across(a: int, b: int, cookie: str, event, prefix: str = "") -> dict:
    """A file uploaded through node a, downloaded through node b: the same bytes."""
    from django.urls import reverse

    from qdialog.processes.models import EventFile

    checks = {}
    page = reverse("processes:event", args=[event.pk])
    status, head, body = get(b, page, {"Cookie": cookie})
    token = CSRF_RE.search(body).group(1).decode() if status == 200 else ""
    content = b"%PDF-1.4\n% qdialog cluster bench " + secrets.token_hex(16).encode() + b"\n"
    payload, kind = multipart({"csrfmiddlewaretoken": token, "title": "Handout"},
                              {"file": ("handout.pdf", content, "application/pdf")})
    status, _, _ = post(a, reverse("processes:file_add", args=[event.pk]), payload,
                        {"Cookie": cookie}, content_type=kind)
    attached = EventFile.objects.filter(event=event).order_by("-pk").first()
    checks[f"{prefix}upload_through_a"] = status == 302 and attached is not None
    if attached is not None:
        status, _, body = get(b, reverse("processes:file_download",
                                         args=[event.pk, attached.pk]), {"Cookie": cookie})
        checks[f"{prefix}download_through_b_same_bytes"] = status == 200 and body == content
    else:
        checks[f"{prefix}download_through_b_same_bytes"] = False
    return checks, attached


def object_storage(stack: Stack, tmp: Path, env: dict, cookie: str, data) -> dict:
    """Two more nodes with S3_BUCKET set, each with a media directory of its own that must stay
    empty: a file uploaded through one is an object in the bucket and downloads through the
    other. The S3 server is moto's standalone server (PyPI), on 127.0.0.1."""
    import boto3

    port = free_port()
    stack.start("s3", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)])
    checks = {"s3_server_started": wait_port(port, 60)}
    if not checks["s3_server_started"]:
        return checks
    endpoint, bucket = f"http://127.0.0.1:{port}", "qdialog-cluster"
    keys = {"S3_ACCESS_KEY_ID": "qdialog-bench", "S3_SECRET_ACCESS_KEY": secrets.token_hex(16)}
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id=keys["S3_ACCESS_KEY_ID"],
                          aws_secret_access_key=keys["S3_SECRET_ACCESS_KEY"])
    client.create_bucket(Bucket=bucket)
    ports = {"c": free_port(), "d": free_port()}
    for name, node in ports.items():
        stack.start(f"web-{name}", ["sh", str(ENTRYPOINT), "web"], env={
            **env, **keys, "S3_BUCKET": bucket, "S3_ENDPOINT_URL": endpoint,
            "S3_REGION": "us-east-1", "S3_PREFIX": "qdialog",
            "MEDIA_ROOT": str(tmp / f"media-{name}"), "QDIALOG_BIND": f"127.0.0.1:{node}",
            "QDIALOG_ROLE_FILE": str(tmp / f"role-{name}")})
    checks["s3_nodes_ready"] = all(wait_ready(node) for node in ports.values())
    found, attached = file_across(ports["c"], ports["d"], cookie, data["event"], prefix="s3_")
    checks.update(found)
    stored = [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    checks["s3_file_is_an_object_in_the_bucket"] = (
        attached is not None and stored == [f"qdialog/{attached.file.name}"])
    checks["s3_nodes_wrote_nothing_to_disk"] = not any(
        any((tmp / f"media-{name}").rglob("*")) for name in ports
        if (tmp / f"media-{name}").exists())
    for name in ("web-c", "web-d", "s3"):
        stack.kill(name)
    return checks


# --- scenario 5: rate limits across nodes --------------------------------------------------

def rate_limits(a: int, b: int, lb: int, limit: int) -> dict:
    address = f"198.51.100.{secrets.randbelow(200) + 20}"
    statuses = [get((a, b)[n % 2], f"/s/UNKNOWN{n:04d}X/", {"X-Real-IP": address})[0]
                for n in range(limit + 2)]
    # through HAProxy every request counts for its real address (127.0.0.1), whatever
    # X-Real-IP the client sends
    spoofed = [get(lb, f"/s/UNKNOWN{n:04d}Y/", {"X-Real-IP": f"203.0.113.{n + 1}"})[0]
               for n in range(limit + 1)]
    return {"unknown_codes_alternating_nodes": statuses,
            "rate_limit_holds_across_nodes": (429 not in statuses[:limit]
                                              and statuses[limit:] == [429, 429]),
            "through_haproxy_with_spoofed_header": spoofed,
            "haproxy_overwrites_client_address": spoofed[-1] == 429}


# --- the run ---------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="a short run for CI")
    parser.add_argument("--respondents", type=int)
    parser.add_argument("--reports", type=int)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--municipalities", type=int)
    parser.add_argument("--seconds", type=float, help="seconds per throughput measurement")
    parser.add_argument("--levels", default="8", help="concurrency of the throughput runs")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers a node")
    parser.add_argument("--lease", type=int, default=6, help="QDIALOG_REPORT_LEASE_SECONDS")
    args = parser.parse_args()
    small = args.smoke
    args.respondents = args.respondents or (30 if small else 120)
    args.reports = args.reports or (15 if small else 60)
    args.municipalities = args.municipalities or (3 if small else 8)
    args.seconds = args.seconds or (2.0 if small else 8.0)
    for tool in ("haproxy", "redis-server"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (Debian: apt-get install haproxy redis-server)")
    from bench.pgcluster import available, run_checked

    if not available():
        sys.exit("PostgreSQL's server binaries are not installed (apt-get install postgresql)")
    run_checked("qdialog-cluster-", run, args, result={"benchmark": "cluster", "smoke": small})


def run(args, tmp: Path, cluster) -> dict:
    redis_port = free_port()
    limit = 6
    env = {**os.environ, "QDIALOG_MODE": "production", "DJANGO_DEBUG": "false",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
           "DATABASE_URL": cluster.url, "CACHE_URL": f"redis://127.0.0.1:{redis_port}/0",
           "MEDIA_ROOT": str(tmp / "media"), "QDIALOG_DATA_DIR": str(tmp / "data"),
           "STATIC_ROOT": str(tmp / "static"), "LOG_LEVEL": "ERROR", "LOG_FORMAT": "text",
           "QDIALOG_REQUEST_LOG": "false", "DJANGO_SETTINGS_MODULE": "qdialog.settings",
           "QDIALOG_REPORT_RATE": "100000", "SECURE_SSL_REDIRECT": "false",
           "SECURE_COOKIES": "false", "QDIALOG_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
           "FORWARDED_ALLOW_IPS": "127.0.0.1", "QDIALOG_CODE_FAILURES": str(limit),
           "QDIALOG_REPORT_LEASE_SECONDS": str(args.lease), "QDIALOG_RESULTS_WARM": "false",
           "QDIALOG_WORKERS": str(args.web_workers),
           "QDIALOG_BIN": f"{sys.executable} -m qdialog"}
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SQLITE_PATH", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    os.environ.update(env)
    stack = Stack(tmp, env)
    checks, figures = {}, {}
    try:
        stack.start("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", str(tmp)])
        checks["redis_started"] = wait_port(redis_port, 30)
        migrate = subprocess.run(["sh", str(ENTRYPOINT), "migrate", "-v0"], env=env,
                                 capture_output=True, text=True, timeout=600)
        checks["migrate_through_entrypoint"] = migrate.returncode == 0
        subprocess.run([sys.executable, "-m", "qdialog", "collectstatic", "--noinput", "-v0"],
                       env=env, check=True, timeout=600)
        levels = [int(x) for x in args.levels.split(",")]
        per_measure = sum(int(level * args.seconds * 40) + 50 for level in levels)
        data = arrange(args.respondents + 2 * per_measure + 100, args.municipalities)
        nodes = {"a": free_port(), "b": free_port()}

        def start_node(name):
            stack.start(f"web-{name}", ["sh", str(ENTRYPOINT), "web"], env={
                **env, "QDIALOG_BIND": f"127.0.0.1:{nodes[name]}",
                "QDIALOG_ROLE_FILE": str(tmp / f"role-{name}")})

        def start_worker(name):
            stack.start(name, ["sh", str(ENTRYPOINT), "worker", "--worker-id", name,
                               "--no-startup-delay", "--interval", "0.2"],
                        env={**env, "QDIALOG_ROLE_FILE": str(tmp / f"role-{name}")})

        for name in nodes:
            start_node(name)
        for name in ("worker-1", "worker-2"):
            start_worker(name)
        haproxy = HAProxy(stack, nodes)
        checks["haproxy_started"] = haproxy.start()
        checks["nodes_ready"] = all(wait_ready(port) for port in nodes.values())
        checks["haproxy_sees_both_up"] = all(haproxy.wait_status(n, "UP") for n in nodes)
        lb = haproxy.port

        # 1. a web node killed and started again during submissions
        events = {}

        def kill_b():
            stack.kill("web-b")
            events["killed"] = time.monotonic()

        def restart_b():
            # HAProxy has seen b down (bounded wait), then b comes back
            events["seen_down"] = haproxy.wait_status("b", "DOWN", 30)
            start_node("b")

        jobs, first, final, refusals, attempts = asyncio.run(
            submissions(lb, data, args, kill_b, restart_b))
        lost, doubled = count_stored(data, jobs, final)
        checks["b_back_up_after_restart"] = wait_ready(nodes["b"]) and haproxy.wait_status(
            "b", "UP")
        answers = sum(1 for kind, *_ in jobs if kind == "answer")
        figures["node_killed"] = {
            "submissions": len(jobs), "answers": answers, "reports": len(jobs) - answers,
            "acknowledged_first_try": sum(map(bool, first)),
            "failed_first_try": sum(1 for ok in first if not ok),
            "first_try_failures": dict(refusals), "retries": attempts,
            "acknowledged_after_retries": sum(map(bool, final)),
            "haproxy_marked_b_down": events.get("seen_down", False),
            "lost": lost, "doubled": doubled}
        checks["node_killed_all_acknowledged"] = all(final)
        checks["node_killed_nothing_lost_or_doubled"] = lost == 0 and doubled == 0
        checks["node_killed_was_down"] = bool(events.get("seen_down"))

        # 2. a worker killed while a bundle builds
        bundle = bundle_with_worker_killed(stack, start_worker, data, args.lease)
        figures["worker_killed"] = bundle
        checks["bundle_done"] = bundle.get("status") == "done"
        checks["bundle_every_part_built_once"] = (
            bundle.get("parts_built_once") == bundle.get("municipalities")
            and bundle.get("files_in_zip") == bundle.get("distinct_files_in_zip")
            == bundle.get("municipalities"))
        checks["bundle_none_stuck"] = bundle.get("stuck") == 0

        # 3. across nodes
        across, cookie = across_nodes(nodes["a"], nodes["b"], data)
        checks.update(across)
        checks.update(object_storage(stack, tmp, env, cookie, data))

        # 4. throughput with 1 and 2 web nodes
        codes = iter(data["codes"][args.respondents:])

        def measure():
            rows = []
            for level in levels:
                batch = [next(codes) for _ in range(int(level * args.seconds * 40) + 50)]
                asyncio.run(ingest.run_level(lb, batch[:20], 4, 1))  # warm
                rows.append(asyncio.run(ingest.run_level(lb, batch[20:], level, args.seconds)))
            return rows

        haproxy.command("set server web/b state maint")
        checks["b_in_maintenance"] = haproxy.wait_status("b", "MAINT")
        before_one = haproxy.servers()
        one = measure()
        after_one = haproxy.servers()
        haproxy.command("set server web/b state ready")
        checks["b_ready_again"] = haproxy.wait_status("b", "UP")
        before = haproxy.servers()
        two = measure()
        after = haproxy.servers()
        figures["throughput"] = {
            "web_workers_per_node": args.web_workers,
            "one_node": one, "two_nodes": two,
            "completions_per_s_1_node": [r["completions_per_s"] for r in one],
            "completions_per_s_2_nodes": [r["completions_per_s"] for r in two],
            "requests_per_node_with_1": {n: after_one[n]["sessions"] - before_one[n]["sessions"]
                                         for n in nodes},
            "requests_per_node_with_2": {n: after[n]["sessions"] - before[n]["sessions"]
                                         for n in nodes}}
        checks["throughput_without_errors"] = all(not r["errors"] for r in one + two)
        checks["both_nodes_served"] = all(v > 0 for v in
                                          figures["throughput"]["requests_per_node_with_2"]
                                          .values())

        # 5. rate limits (last: it blocks code lookups from 127.0.0.1 for ten minutes)
        limits = rate_limits(nodes["a"], nodes["b"], lb, limit)
        figures["rate_limits"] = limits
        checks["rate_limit_holds_across_nodes"] = limits["rate_limit_holds_across_nodes"]
        checks["haproxy_overwrites_client_address"] = limits["haproxy_overwrites_client_address"]
        from django.db import connection

        connection.close()
    finally:
        stack.stop()
    return {"nodes": 2, "workers": 2, "database": "postgresql (throw-away cluster)",
            "cache": "redis", "load_balancer": "haproxy", **figures, "checks": checks}


if __name__ == "__main__":
    from qdialog.core.scoping import unscoped

    with unscoped("a script that arranges and measures data of its own"):
        main()
