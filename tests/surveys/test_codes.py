"""Access codes: code sheets, e-mail invitations and reminders, group codes."""

import csv
import io
import shutil
import subprocess
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.surveys import services
from qdialog.surveys.models import AccessCode, Response
from tests.surveys.conftest import fresh_token, post_data
from tests.surveys.test_respond import post as submit


def test_codes_sheets(client_for, world, survey):
    client = client_for("mia")
    response = client.post(reverse("surveys:codes_create", args=[survey.wave.pk]),
                           {"count": "10"})
    assert response.status_code == 302
    assert AccessCode.objects.filter(wave=survey.wave, kind="personal").count() == 15
    bad = client.post(reverse("surveys:codes_create", args=[survey.wave.pk]), {"count": "0"})
    assert bad.status_code == 400
    rows = list(csv.reader(io.StringIO(client.get(reverse(
        "surveys:codes_download", args=[survey.wave.pk, "csv"])).content.decode("utf-8-sig")),
        delimiter=";"))
    assert rows[0] == ["code", "municipality", "link"] and len(rows) == 16
    assert rows[1][2].endswith(f"/s/{rows[1][0]}/")
    svg = client.get(reverse("surveys:codes_download", args=[survey.wave.pk, "svg"])).content
    assert svg.startswith(b"<svg") and svg.count(b"<svg") == 16
    pdf = client.get(reverse("surveys:codes_download", args=[survey.wave.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(action="export", object_id=str(survey.wave.pk)).count() == 3


def test_invitations_and_reminders(client_for, world, survey, respondent):
    client = client_for("mia")
    bad = client.post(reverse("surveys:invitations_create", args=[survey.wave.pk]),
                      {"emails": "a@example.org\nkaputt"})
    assert bad.status_code == 400 and "kaputt" in bad.content.decode()
    client.post(reverse("surveys:invitations_create", args=[survey.wave.pk]),
                {"emails": "a@example.org, b@example.org"})
    assert len(mail.outbox) == 2
    code = AccessCode.objects.get(wave=survey.wave, email="a@example.org")
    assert f"/s/{code.code}/" in mail.outbox[0].body + mail.outbox[1].body
    submit(respondent, code.code, post_data(fresh_token()))
    mail.outbox.clear()
    client.post(reverse("surveys:wave_action", args=[survey.wave.pk, "reminders"]))
    assert [m.to for m in mail.outbox] == [["b@example.org"]]
    assert "Erinnerung" in mail.outbox[0].subject
    response = Response.objects.get()
    assert "a@example.org" not in str(response.answers)


def test_group_code_and_reminder_command(client_for, world, survey):
    from django.core.management import call_command

    client = client_for("mia")
    client.post(reverse("surveys:group_code", args=[survey.wave.pk]))
    assert AccessCode.objects.filter(wave=survey.wave, kind="group").count() == 1
    services.invitations_add(actor=None, wave=survey.wave, emails=["r@example.org"])
    from qdialog.surveys.tasks import send_invitations

    assert send_invitations(wave_id=survey.wave.pk) == 1
    AccessCode.objects.filter(email="r@example.org").update(
        last_sent_on=survey.wave.opens_on.replace(year=2020))
    mail.outbox.clear()
    call_command("send_reminders", "--days", "7")
    assert [m.to for m in mail.outbox] == [["r@example.org"]]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_code_slips_never_break_across_pages_and_the_code_fits(client_for, world, survey):
    client = client_for("mia")
    client.post(reverse("surveys:codes_create", args=[survey.wave.pk]), {"count": "18"})
    codes = list(AccessCode.objects.filter(wave=survey.wave, kind="personal", used=False)
                 .values_list("code", flat=True))
    assert len(codes) == 23
    pdf = client.get(reverse("surveys:codes_download", args=[survey.wave.pk, "pdf"])).content
    pages = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                           check=True).stdout.decode().split("\f")[:-1]
    assert len(pages) == 3  # ten slips to a page
    for code in codes:
        holding = [n for n, page in enumerate(pages) if code in page]
        assert len(holding) == 1, code
    # each slip whole on its page: as many "works once" as codes, page by page
    for page in pages:
        assert " ".join(page.split()).count("Each code works once") == sum(
            code in page for code in codes) or " ".join(page.split()).count(
            "Jeder Code gilt einmal") == sum(code in page for code in codes)
    svg = client.get(reverse("surveys:codes_download", args=[survey.wave.pk, "svg"])).content
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    for group in root.iter(f"{ns}g"):
        width = float(group.find(f"{ns}rect").get("width"))
        for text in group.iter(f"{ns}text"):
            x, size = float(text.get("x")), float(text.get("font-size"))
            if text.get("textLength"):
                assert x + float(text.get("textLength")) <= width
            else:  # DejaVu Sans Mono advances 0.602 em; the others less than 0.62 em
                advance = 0.602 if "Mono" in (text.get("font-family") or "") else 0.62
                assert x + len(text.text) * size * advance <= width, text.text
