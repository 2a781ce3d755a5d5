"""Reports built in the background: a bundle is one task per municipality with progress, a
failing build is logged and shown and can be tried again, a report whose worker died is marked
failed instead of "being built" for ever – with a real worker process, killed with SIGKILL."""

import datetime as dt
import io
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from qdialog.reports import builder, services, tasks
from qdialog.reports.models import Report, ReportPart
from tests.analysis.test_results import close, store, wave  # noqa: F401 - fixture
from tests.reports.test_reports import _request


@pytest.fixture(autouse=True)
def _immediate(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def answered(world, wave):  # noqa: F811
    for i in range(12):
        store(wave, world.m1, 1, 1 + i % 5)
    for _ in range(6):
        store(wave, world.m2, 1, 3)
    close(wave)
    return wave


def _bundle(client, survey, capture):
    with capture(execute=True):
        _request(client, survey, kind="all")
    return Report.objects.get(kind="all")


def test_a_bundle_is_one_task_per_municipality(client_for, answered,
                                               django_capture_on_commit_callbacks):
    report = _bundle(client_for("alice"), answered, django_capture_on_commit_callbacks)
    parts = list(report.parts.order_by("municipality__name"))
    assert [p.municipality.name for p in parts] == ["Landkreis Drei", "Landkreis Eins",
                                                    "Stadt Zwei"]
    assert {p.status for p in parts} == {"done"} and not any(p.file for p in parts)
    report.refresh_from_db()
    assert (report.status, report.progress) == ("done", 100)
    with report.file.open("rb") as handle:
        assert sorted(zipfile.ZipFile(io.BytesIO(handle.read())).namelist()) == [
            "landkreis-drei.pdf", "landkreis-eins.pdf", "stadt-zwei.pdf"]


def test_a_failing_part_is_logged_shown_and_built_again_alone(
        client_for, world, answered, monkeypatch, caplog, django_capture_on_commit_callbacks):
    real = builder.build_content
    built = []

    def flaky(survey, municipality=None, cluster=None, language="de"):
        built.append(municipality.name)
        if municipality == world.m2 and built.count(municipality.name) == 1:
            raise RuntimeError("font missing")
        return real(survey, municipality=municipality, cluster=cluster, language=language)

    monkeypatch.setattr(builder, "build_content", flaky)
    client = client_for("alice")
    with caplog.at_level(logging.ERROR, logger="qdialog.reports.jobs"):
        report = _bundle(client, answered, django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.status == "failed" and "Stadt Zwei" in report.error
    assert "font missing" in report.error
    record = next(r for r in caplog.records if r.name == "qdialog.reports.jobs")
    assert f"of report {report.pk}" in record.getMessage() and record.exc_info
    page = client.get(reverse("reports:list", args=[answered.pk])).content.decode()
    assert "The report could not be built." in page and "font missing" in page
    assert reverse("reports:retry", args=[report.pk]) in page
    assert ReportPart.objects.filter(report=report, status="done").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "done" and report.error == ""
    assert built.count("Stadt Zwei") == 2 and built.count("Landkreis Eins") == 1  # only the rest


def test_a_failing_report_is_logged_and_shown(client_for, world, answered, monkeypatch, caplog,
                                               django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise ValueError("no charts today")

    monkeypatch.setattr(builder, "render_pdf", broken)
    client = client_for("mia")
    with caplog.at_level(logging.ERROR, logger="qdialog.reports.jobs"), \
            django_capture_on_commit_callbacks(execute=True):
        _request(client, answered, municipality=str(world.m1.pk))
    report = Report.objects.get()
    assert report.status == "failed" and report.error == "ValueError: no charts today"
    assert any(f"report {report.pk}" in r.getMessage() for r in caplog.records)
    status = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert "no charts today" in status and "hx-get" not in status  # the polling stops


def test_only_who_sees_a_report_may_try_it_again(client_for, world, answered, monkeypatch,
                                                 django_capture_on_commit_callbacks):
    monkeypatch.setattr(builder, "render_pdf", lambda content: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        _request(client_for("mia"), answered, municipality=str(world.m1.pk))
    report = Report.objects.get()
    url = reverse("reports:retry", args=[report.pk])
    for role in ("paul", "oscar", "zoe"):
        assert client_for(role).post(url).status_code == 404
    assert client_for("anon").post(url).status_code == 302
    assert client_for("mia").get(url).status_code == 405
    Report.objects.filter(pk=report.pk).update(status="done")
    assert client_for("mia").post(url).status_code == 404  # nothing to try again
    assert Report.objects.get().status == "done"


def _task_row(part, status):
    """The part's task as the database backend keeps it (this module's tasks run at once)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.create(
        status=status, args_kwargs={"args": [], "kwargs": {"part_id": part.pk}},
        task_path=f"{tasks.__name__}.build_report_part_task", backend_name="default",
        queue_name="default", run_after=timezone.now(), exception_class_path="", traceback="")


def test_a_report_without_heartbeat_is_marked_failed(world, answered, settings):
    settings.QDIALOG_REPORT_LEASE_SECONDS = 600
    now = timezone.now()
    alive = Report.objects.create(wave=answered, kind="municipality", file_format="pdf",
                                  municipality=world.m1, status="running", heartbeat_at=now)
    dead = Report.objects.create(wave=answered, kind="municipality", file_format="pdf",
                                 municipality=world.m1, status="running",
                                 heartbeat_at=now - dt.timedelta(seconds=601))
    waiting = Report.objects.create(wave=answered, kind="all", file_format="zip",
                                    status="running", heartbeat_at=now - dt.timedelta(hours=1))
    ReportPart.objects.create(report=waiting, municipality=world.m1, status="done")
    queued = ReportPart.objects.create(report=waiting, municipality=world.m2, status="queued")
    _task_row(queued, "READY")  # not taken by any worker yet
    assert services.reports_recover(now=now) == 1
    assert Report.objects.get(pk=dead.pk).status == "failed"
    assert Report.objects.get(pk=dead.pk).error == services.INTERRUPTED
    assert Report.objects.get(pk=alive.pk).status == "running"
    assert Report.objects.get(pk=waiting.pk).status == "running"  # waits for a free worker
    ReportPart.objects.filter(report=waiting, municipality=world.m2).update(status="running")
    assert services.reports_recover(now=now) == 1  # a part started an hour ago: dead
    assert ReportPart.objects.get(report=waiting, municipality=world.m2).status == "failed"


def test_a_bundle_whose_worker_died_before_starting_its_part_is_not_waiting(world, answered,
                                                                            settings):
    """A worker took the part's task and was killed before it marked the part as started: the
    part is still "queued", but nobody will build it – the bundle must not wait for ever."""
    settings.QDIALOG_REPORT_LEASE_SECONDS = 600
    now = timezone.now()
    bundle = Report.objects.create(wave=answered, kind="all", file_format="zip",
                                   status="running", heartbeat_at=now - dt.timedelta(hours=1))
    part = ReportPart.objects.create(report=bundle, municipality=world.m1, status="queued")
    _task_row(part, "RUNNING")  # claimed by a worker, which was then killed
    assert services.reports_recover(now=now) == 1
    assert Report.objects.get(pk=bundle.pk).status == "failed"


SETUP = """
import django, os
django.setup()
from qdialog.core.scoping import unscoped
_hatch = unscoped("a test script arranges its own data")
_hatch.__enter__()
from django.db import transaction
from qdialog.reports import services
from qdialog.surveys import services as surveys
from tests.conftest import build_world
from tests.surveys.conftest import SMALL
from tests.analysis.test_results import store, close
from django.utils import timezone
import datetime as dt
world = build_world()
instrument = surveys.instrument_create_from_spec(actor=None, programme=world.a, spec=SMALL)
today = timezone.localdate()
wave = surveys.wave_create(actor=None, instrument=instrument, fields={
    "title": "t0", "opens_on": today - dt.timedelta(days=1),
    "closes_on": today + dt.timedelta(days=3)})
surveys.wave_open(actor=None, wave=wave)
for i in range(10):
    store(wave, world.m1, 1, 1 + i % 5)
close(wave)
with transaction.atomic():
    services.report_request(actor=world.people["mia"], wave=wave, kind="municipality",
                            file_format="pdf", municipality=world.m1)
"""

HANGING_WORKER = """
import django, threading
django.setup()
from qdialog.core.scoping import unscoped
_hatch = unscoped("a test script arranges its own data")
_hatch.__enter__()
from qdialog.reports import builder
builder.build_content = lambda *args, **kwargs: threading.Event().wait()  # never ends
from django.core.management import call_command
call_command("db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.1")
"""

RECOVER_AND_RETRY = """
import django, datetime as dt
django.setup()
from qdialog.core.scoping import unscoped
_hatch = unscoped("a test script arranges its own data")
_hatch.__enter__()
from django.db import transaction
from django.utils import timezone
from qdialog.reports import services
from qdialog.reports.models import Report
later = timezone.now() + dt.timedelta(seconds=601)  # as if the lease had run out
print("recovered", services.reports_recover(now=later))
report = Report.objects.get()
print("after kill", report.status, report.error)
with transaction.atomic():
    services.report_retry(actor=None, report=report)
"""


def _status(path):
    with sqlite3.connect(path) as db:
        return db.execute("SELECT status FROM reports_report").fetchone()[0]


def test_a_killed_worker_leaves_a_failed_report_that_can_be_built_again(tmp_path):
    """No timing: the worker hangs inside the build until it is killed; the lease running out
    is given to the recovery as a later moment, not waited for."""
    db = tmp_path / "db.sqlite3"
    env = {**{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",
                                                                 "DJANGO_ALLOW_ASYNC_UNSAFE")},
           "DJANGO_SETTINGS_MODULE": "qdialog.settings", "SQLITE_PATH": str(db),
           "MEDIA_ROOT": str(tmp_path / "media"), "QDIALOG_REPORT_LEASE_SECONDS": "600",
           "PYTHONPATH": os.getcwd()}

    def run(script):
        return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], env=env,
                              check=True, capture_output=True, text=True, timeout=600).stdout

    subprocess.run([sys.executable, "-m", "qdialog", "migrate", "-v0"], env=env, check=True,
                   timeout=600)
    run(SETUP)
    assert _status(db) == "queued"
    worker = subprocess.Popen([sys.executable, "-c", HANGING_WORKER], env=env,
                              start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600  # a bound, not a wait: the loop ends on "running"
        while _status(db) != "running":
            assert worker.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    assert _status(db) == "running"  # what the page would poll for ever
    out = run(RECOVER_AND_RETRY)
    assert "recovered 1" in out and "after kill failed interrupted" in out
    assert _status(db) == "queued"
    subprocess.run([sys.executable, "-m", "qdialog", "db_worker", "--batch", "--no-reload",
                    "--no-startup-delay"], env=env, check=True, timeout=600,
                   capture_output=True)
    assert _status(db) == "done"


def test_a_bundle_is_built_into_object_storage(client_for, answered, bucket, settings,
                                               django_capture_on_commit_callbacks):
    """With S3_BUCKET set, the parts and the ZIP are objects in the bucket; the parts are
    removed once the bundle is there, the node's disk stays empty, and the bundle downloads
    through the report view."""
    report = _bundle(client_for("alice"), answered, django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.status == "done"
    objects = bucket.objects()
    assert list(objects) == [f"qdialog/{report.file.name}"]
    assert sorted(zipfile.ZipFile(io.BytesIO(objects[f"qdialog/{report.file.name}"]))
                  .namelist()) == ["landkreis-drei.pdf", "landkreis-eins.pdf", "stadt-zwei.pdf"]
    assert not settings.MEDIA_ROOT.exists()
    response = client_for("alice").get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == objects[f"qdialog/{report.file.name}"]
