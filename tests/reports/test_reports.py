"""Reports: requested per role, built in the background, readable as PDF and DOCX, suppressed."""

import io
import re
import zipfile

import pytest
from django.urls import reverse

from qdialog.reports.models import ReleasedText, Report
from tests.analysis.test_results import close, store, wave  # noqa: F401 - fixture


@pytest.fixture(autouse=True)
def _serial_and_immediate(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def answered(world, wave):  # noqa: F811
    for i in range(14):
        store(wave, world.m1, 1 if i < 10 else 2, 1 + i % 5)  # perspective 2 has 4: hidden
    for _ in range(6):
        store(wave, world.m2, 1, 3)
    close(wave)
    return wave


def _docx_text(data):
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _request(client, wave, **data):  # noqa: F811
    return client.post(reverse("reports:create", args=[wave.pk]),
                       {"kind": "municipality", "format": "pdf", **data},
                       HTTP_ACCEPT_LANGUAGE="en")


def test_coordinator_builds_her_municipality_report(client_for, world, answered,
                                                    django_capture_on_commit_callbacks):
    client = client_for("mia")
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(client, answered, municipality=str(world.m1.pk))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == "done" and report.municipality == world.m1
    download = client.get(reverse("reports:download", args=[report.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    status = client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert "Download" in status or "Herunterladen" in status


def test_docx_report_hides_small_groups_and_shows_released_texts(
        client_for, world, answered, django_capture_on_commit_callbacks):
    from qdialog.reports.services import text_decide

    text_decide(actor=None, wave=answered, municipality=world.m1, variable="long",
                text="Kurze Wege im Netzwerk.", release=True)
    text_decide(actor=None, wave=answered, municipality=world.m1, variable="long",
                text="Frau Beispiel vom ASD war toll.", release=False)
    client = client_for("mia")
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, answered, municipality=str(world.m1.pk), format="docx")
    report = Report.objects.get()
    data = b"".join(client.get(reverse("reports:download", args=[report.pk])).streaming_content)
    text = _docx_text(data)
    assert "Methode" in text and "Landkreis Eins" in text
    assert "×" in text  # the group of four
    assert "Kurze Wege im Netzwerk." in text and "Frau Beispiel" not in text
    assert "Vorschläge für die Schwerpunkte" in text


@pytest.mark.parametrize("role,kind,status", [
    ("mia", "cluster", 404), ("mia", "programme", 404), ("mia", "all", 404),
    ("carol", "programme", 404), ("paul", "municipality", 404), ("zoe", "municipality", 404),
    ("alice", "programme", 302), ("alice", "all", 302)])
def test_who_may_request_which_report(client_for, world, answered, role, kind, status,
                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(client_for(role), answered, kind=kind,
                            municipality=str(world.m1.pk), cluster=str(world.a1.pk))
    assert response.status_code == status
    assert Report.objects.count() == (1 if status == 302 else 0)


def test_mia_cannot_request_another_municipality(client_for, world, answered):
    response = _request(client_for("mia"), answered, municipality=str(world.m2.pk))
    assert response.status_code == 400 and not Report.objects.exists()


def test_bad_report_requests(client_for, world, answered):
    client = client_for("alice")
    assert _request(client, answered, kind="everything").status_code == 400
    assert _request(client, answered, format="exe").status_code == 400
    refused = _request(client, answered, language="fr", municipality=str(world.m1.pk))
    assert refused.status_code == 400
    assert "language" in refused.content.decode()
    assert _request(client, answered, kind="cluster", cluster="999").status_code == 400
    assert not Report.objects.exists()


def test_a_report_in_english(client_for, world, answered, django_capture_on_commit_callbacks):
    client = client_for("mia")
    page = client.get(reverse("reports:list", args=[answered.pk])).content.decode()
    assert re.search(r'name="language"\s+value="en" checked', page)  # the interface's language
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, answered, municipality=str(world.m1.pk), format="docx", language="en")
    report = Report.objects.get()
    assert report.language == "en" and str(report).endswith("(DOCX, English)")
    data = b"".join(client.get(reverse("reports:download", args=[report.pk])).streaming_content)
    text = _docx_text(data)
    assert "Method and participation" in text and "Methode" not in text


def test_all_municipalities_as_zip(client_for, world, answered,
                                   django_capture_on_commit_callbacks):
    client = client_for("alice")
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, answered, kind="all")
    report = Report.objects.get()
    assert report.status == "done" and report.progress == 100
    data = b"".join(client.get(reverse("reports:download", args=[report.pk])).streaming_content)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert sorted(names) == ["landkreis-drei.pdf", "landkreis-eins.pdf", "stadt-zwei.pdf"]


def test_others_cannot_see_or_download_a_report(client_for, world, answered,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _request(client_for("mia"), answered, municipality=str(world.m1.pk))
    report = Report.objects.get()
    for role in ("paul", "oscar", "zoe"):
        assert client_for(role).get(reverse("reports:download", args=[report.pk])) \
            .status_code == 404
    assert client_for("anon").get(reverse("reports:status", args=[report.pk])).status_code == 302


def test_free_text_release_page(client_for, world, answered):
    from qdialog.surveys.models import Response

    r = Response.objects.filter(wave=answered, municipality=world.m1).first()
    r.answers["long"] = "Mehr Zeit für Hausbesuche."
    r.save()
    answered.refresh_from_db()
    client = client_for("mia")
    url = reverse("reports:texts", args=[answered.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Mehr Zeit für Hausbesuche." in page.content.decode()
    from qdialog.reports.services import fingerprint

    key = fingerprint("Mehr Zeit für Hausbesuche.")
    assert f'value="{key}:release"' in page.content.decode()
    # one answer's own button, in place (htmx): the row comes back, not the page
    row = client.post(url + f"?municipality={world.m1.pk}", {"single": f"{key}:release"},
                      HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and row.content.decode().startswith("<tr")
    assert ReleasedText.objects.get().released
    # several ticked at once, without script: back to the question with a message
    done = client.post(url + f"?municipality={world.m1.pk}", {"key": [key],
                                                                "decision": "withhold"})
    assert done.status_code == 302 and done["Location"].endswith("#q-long")
    assert not ReleasedText.objects.get().released
    nothing = client.post(url, {"decision": "release"}, follow=True)
    assert "Please tick at least one answer" in nothing.content.decode()
    forged = client.post(url, {"key": ["0" * 64], "decision": "release"})
    assert forged.status_code == 404 and ReleasedText.objects.count() == 1
    assert client_for("paul").get(url).status_code == 404
