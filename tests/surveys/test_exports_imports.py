"""Answers out and in: exports, paper entry, CSV import and its command."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.surveys.models import Response
from tests.surveys.conftest import fresh_token, post_data
from tests.surveys.test_respond import post as submit


def _rows(content, delimiter=";"):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_exports_keep_special_codes_apart(client_for, world, survey, respondent):
    submit(respondent, survey.code,
                    post_data(fresh_token(), q_q1="_dk", q_q2=None))
    client = client_for("mia")
    rows = _rows(client.get(reverse("surveys:answers_export", args=[survey.wave.pk, "csv"]))
                 .content)
    row = dict(zip(rows[0], rows[1]))
    assert row["q1"] == "-2" and row["q2"] == "-1" and row["long"] == "-3"
    assert row["grid__a"] == "7" and row["topics__1"] == "1" and row["topics__2"] == "0"
    assert row["submitted_on"] and "T" not in row["submitted_on"]  # a date, no time

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(reverse(
        "surveys:answers_export", args=[survey.wave.pk, "xlsx"])).content))
    assert book.sheetnames == ["Hinweis", "Antworten", "Codebuch"]
    assert "Rohdaten" in book["Hinweis"]["A1"].value  # says so on its first sheet
    codebook = {r[0]: r for r in book["Codebuch"].iter_rows(values_only=True)}
    assert "-3 = nicht gezeigt" in codebook["q1"][3] and "5 = trifft voll zu" in codebook["q1"][3]
    assert codebook["q2"][4] == "yes"

    import tempfile

    import pyreadstat

    with tempfile.NamedTemporaryFile(suffix=".sav") as handle:
        handle.write(client.get(reverse("surveys:answers_export",
                                        args=[survey.wave.pk, "sav"])).content)
        handle.flush()
        frame, meta = pyreadstat.read_sav(handle.name, user_missing=True)
    assert meta.column_names_to_labels["q1"] == "Frage eins"
    assert meta.variable_value_labels["q1"][-2.0] == "weiß nicht / keine Angabe"
    assert frame["q1"][0] == -2 and frame["long"][0] == "-3"
    assert AuditEntry.objects.filter(action="export").count() == 3


def test_paper_entry_stores_through_the_same_checks(client_for, world, survey):
    client = client_for("mia")
    url = reverse("surveys:paper_entry", args=[survey.wave.pk])
    bad = client.post(url, post_data(fresh_token(), q_q1="8"))
    assert bad.status_code == 400 and not Response.objects.exists()
    token = fresh_token()
    assert client.post(url, post_data(token)).status_code == 302
    assert client.post(url, post_data(token)).status_code == 302  # same form twice: once
    assert Response.objects.count() == 1


def _csv_upload(text):
    return SimpleUploadedFile("paper.csv", text.encode("utf-8"), content_type="text/csv")


def test_csv_import_reports_rows_and_stores_nothing_on_error(client_for, world, survey):
    client = client_for("mia")
    url = reverse("surveys:answers_import", args=[survey.wave.pk])
    text = "perspective;system;q1;q2;count\n2;1;4;2;5\n2;1;9;2;5\n1;;;3;x\n"
    response = client.post(url, {"file": _csv_upload(text)})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Row 3, q1" in body and "Row 4, q1" in body and "Row 4, count" in body
    assert not Response.objects.exists()
    ok = client.post(url, {"file": _csv_upload("perspective;system;q1;q2\n2;1;4;2\n1;2;-2;1\n")})
    assert ok.status_code == 302 and Response.objects.count() == 2
    assert Response.objects.filter(answers__q1="_dk").count() == 1
    unknown = client.post(url, {"file": _csv_upload("perspective;frage_x\n1;2\n")})
    assert unknown.status_code == 400 and "frage_x" in unknown.content.decode()


def test_import_answers_command(world, survey, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "paper.csv"
    path.write_text("perspective,system,q1\n2,1,3\n", encoding="utf-8")
    call_command("import_answers", str(survey.wave.pk), str(path))
    assert Response.objects.count() == 1
    path.write_text("perspective,system,q1\n2,1,30\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_answers", str(survey.wave.pk), str(path))
    with pytest.raises(CommandError, match="no wave"):
        call_command("import_answers", "99999", str(path))
