"""The action plan through Excel and back: exports in the interface language with the codes
beside them, imports of what Excel and LibreOffice make of them (encodings, separators, dates,
labels in German or English), XLSX both ways, all rows or none with every problem listed."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from qdialog.actions import csvio, services
from qdialog.actions.models import Action
from qdialog.core.models import AuditEntry

FIELDS = ("title", "description", "origin", "origin_detail", "responsible_organisation_id",
          "responsible_person_id", "starts_on", "due_on", "review_on", "priority", "status")


def german(world, role="mia"):
    client = Client(headers={"Accept-Language": "de"})
    client.force_login(world.people[role])
    return client


@pytest.fixture
def plan(world):
    mia = world.people["mia"]
    org = world.orgs[world.m1.pk]
    return [
        services.action_create(actor=mia, municipality=world.m1, fields={
            "title": "Rückmeldung an Mitteilende regeln", "description": "Zeile 1\nZeile 2; mit ;",
            "origin": "survey", "origin_detail": "t0, Dimension Übergänge",
            "responsible_organisation": org, "responsible_person": world.people["paul"],
            "starts_on": dt.date(2026, 3, 1), "due_on": dt.date(2026, 12, 31),
            "review_on": dt.date(2027, 6, 30), "priority": "high", "status": "in_progress"}),
        services.action_create(actor=mia, municipality=world.m1, fields={
            "title": "=HYPERLINK(\"http://evil.example\")", "description": "@SUM(A1)",
            "priority": "low", "status": "dropped"}),
        services.action_create(actor=mia, municipality=world.m1, fields={
            "title": "Fachtag „Übergänge“ vorbereiten", "due_on": dt.date(2027, 1, 15)}),
    ]


def snapshot(municipality):
    return sorted(Action.objects.filter(municipality=municipality).values_list(*FIELDS))


def upload(client, world, content: bytes, name="plan.csv"):
    return client.post(reverse("actions:import", args=[world.m1.pk]),
                       {"file": SimpleUploadedFile(name, content)})


def test_csv_export_in_german_with_a_row_of_codes(world, plan):
    response = german(world).get(reverse("actions:export", args=[world.m1.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:3] == ["Titel", "Beschreibung", "Herkunft"]
    assert "Fällig" in rows[0] and "Priorität" in rows[0] and "Verantwortliche Person" in rows[0]
    assert rows[1] == [c.code for c in csvio.COLUMNS]
    by_title = {row[0]: dict(zip(rows[1], row, strict=True)) for row in rows[2:]}
    first = by_title["Rückmeldung an Mitteilende regeln"]
    assert first["description"] == "Zeile 1\nZeile 2; mit ;"
    assert (first["priority"], first["status"]) == ("hoch", "in Arbeit")
    assert first["origin"] == "Ein Befragungsergebnis"
    assert (first["starts_on"], first["due_on"], first["review_on"]) == (
        "01.03.2026", "31.12.2026", "30.06.2027")
    assert first["responsible_organisation"] == world.orgs[world.m1.pk].name
    assert first["responsible_person"] == world.people["paul"].email
    # formula-like text is exported as text
    second = by_title["'=HYPERLINK(\"http://evil.example\")"]
    assert second["description"] == "'@SUM(A1)"
    assert AuditEntry.objects.filter(action="export", message__contains="CSV").exists()


def test_csv_export_in_english_uses_iso_dates(client_for, world, plan):
    text = client_for("mia").get(reverse("actions:export", args=[world.m1.pk])).content.decode(
        "utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Title"
    first = next(dict(zip(rows[1], row, strict=True)) for row in rows[2:]
                 if row[0] == "Rückmeldung an Mitteilende regeln")
    assert (first["priority"], first["status"], first["due_on"]) == (
        "high", "in progress", "2026-12-31")


def test_xlsx_export_in_german_has_a_codebook_and_no_formula(world, plan):
    response = german(world).get(reverse("actions:export_xlsx", args=[world.m1.pk]))
    assert response["Content-Type"] == csvio.XLSX_TYPE
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Maßnahmen" and len(book.sheetnames) == 2
    sheet, codes = book.worksheets
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["Titel", "Beschreibung"] and "Fällig" in header
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    first = rows["Rückmeldung an Mitteilende regeln"]
    due = first[header.index("Fällig")]
    assert due.is_date and due.value.date() == dt.date(2026, 12, 31)
    assert due.number_format == "DD.MM.YYYY"
    assert first[header.index("Priorität")].value == "hoch"
    assert first[header.index("Status")].value == "in Arbeit"
    attack = rows['=HYPERLINK("http://evil.example")']
    assert attack[0].data_type == "s" and attack[0].quotePrefix
    for row in [*sheet.iter_rows(), *codes.iter_rows()]:
        assert all(cell.data_type != "f" for cell in row)
    codebook = [[c.value for c in row] for row in codes.iter_rows()]
    assert codebook[[r[1] for r in codebook].index("priority")][:2] == ["Priorität", "priority"]
    assert [v or "" for v in codebook[
        [r[3] for r in codebook].index("hoch")]] == ["", "", "", "hoch", "high"]
    assert [r[3:5] for r in codebook if r[4] == "in_progress"][0] == ["in Arbeit", "in_progress"]
    assert AuditEntry.objects.filter(action="export", message__contains="XLSX").exists()


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("url_name", ["actions:export", "actions:export_xlsx"])
def test_round_trip(world, plan, language, url_name):
    client = german(world)
    exported = client.get(reverse(url_name, args=[world.m1.pk]),
                          headers={"Accept-Language": language})
    before = snapshot(world.m1)
    Action.objects.all().delete()
    name = "plan.xlsx" if url_name.endswith("xlsx") else "plan.csv"
    response = upload(client, world, exported.content, name)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert snapshot(world.m1) == before
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_windows_1252_with_umlauts_and_german_labels(client_for, world):
    org = world.orgs[world.m1.pk]
    text = ("Titel;Priorität;Status;Fällig;Verantwortliche Organisation\r\n"
            f"Übergänge für Jugendliche regeln;hoch;in Arbeit;31.12.2026;{org.name.upper()}\r\n"
            "Fachtag „Schutzkonzepte“;NIEDRIG;Geplant;2027-02-01;\r\n")
    response = upload(client_for("mia"), world, text.encode("cp1252"))
    assert response.status_code == 302
    first, second = Action.objects.order_by("due_on")
    assert first.title == "Übergänge für Jugendliche regeln"
    assert (first.priority, first.status, first.due_on) == ("high", "in_progress",
                                                            dt.date(2026, 12, 31))
    assert first.responsible_organisation == org
    assert second.title == "Fachtag „Schutzkonzepte“"
    assert (second.priority, second.status, second.due_on) == ("low", "planned",
                                                               dt.date(2027, 2, 1))


def test_utf8_with_bom_comma_separated_english_labels_and_codes(client_for, world):
    text = ('\ufeffTitle,priority,STATUS,Due,Description\n'
            'Übergabe regeln,Medium,done,15.01.2027,"Erst klären, dann regeln"\n'
            'Zweites,low,in_progress,,\n')
    assert upload(client_for("mia"), world, text.encode("utf-8")).status_code == 302
    first, second = Action.objects.order_by("id")
    assert (first.title, first.priority, first.status, first.due_on) == (
        "Übergabe regeln", "medium", "done", dt.date(2027, 1, 15))
    assert first.description == "Erst klären, dann regeln"
    assert (second.priority, second.status, second.due_on) == ("low", "in_progress", None)


def test_semicolons_win_over_a_tab_inside_a_cell(client_for, world):
    text = ("Titel;Beschreibung;Status\n"
            "\tEingerückt;Mit\tTab;in Arbeit\n"
            "Zweite;x;geplant\n")
    assert csvio.parse(text.encode(), world.m1).problems == []
    assert upload(client_for("mia"), world, text.encode()).status_code == 302
    first = Action.objects.order_by("id").first()
    assert first.title == "Eingerückt" and first.description == "Mit\tTab"
    assert first.status == "in_progress"


def test_tab_separated_and_a_quoted_header(client_for, world):
    text = 'Titel\t"Fällig"\tPriorität\nA; B; C\t01.02.2027\thoch\n'
    assert upload(client_for("mia"), world, text.encode("utf-16")).status_code == 302
    action = Action.objects.get()
    assert (action.title, action.due_on, action.priority) == ("A; B; C", dt.date(2027, 2, 1),
                                                              "high")


def test_a_bad_row_among_good_ones_imports_nothing(client_for, world):
    text = ("Titel;Verantwortliche Organisation;Fällig;Beginn;Priorität;Status\n"
            "Gut;;31.12.2026;;hoch;geplant\n"
            ";;31.12.2026;;;\n"
            "\n"
            "Schlecht;Unbekannte Stelle;32.12.2026;;dringend;irgendwann\n"
            "Zu früh;;01.01.2027;01.02.2027;;\n"
            "Auch gut;;;;;\n")
    response = upload(client_for("mia"), world, text.encode())
    body = response.content.decode()
    assert response.status_code == 400 and not Action.objects.exists()
    problems = csvio.parse(text.encode(), world.m1).problems
    where = [(p.row, p.column) for p in problems]
    assert where == [(3, "Title"), (5, "Responsible organisation"), (5, "Due"),
                     (5, "Priority"), (5, "Status"), (6, "Due")]
    for text in ("Nothing was imported", "has 6 problems", "must not be empty",
                 "the municipality has no organisation „Unbekannte Stelle“",
                 "„32.12.2026“ is not a date", "„dringend“ is not one of the values",
                 "„irgendwann“ is not one of the values", "the due date lies before the start"):
        assert text in body, text
    assert '<td class="kern-table__cell">5</td>' in body


def test_problems_of_the_whole_file(client_for, world):
    client = client_for("mia")
    cases = [
        (b"", "The submitted file is empty"),
        (b"\r\n;;\r\n", "The file is empty"),
        ("Fällig;Status\n01.01.2027;geplant\n".encode(), "at least „Title“"),
        (b"Titel;Notizen;Titel\nA;x;B\n", "„Notizen“ is not a column"),
        (b"\x81\x8d\x8f\x90\x9d", "neither UTF-8 nor Windows-1252"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old Excel file"),
        (b"PK\x03\x04broken", "not a readable XLSX workbook"),
        (b"Titel;Status\n", "no actions"),
    ]
    for content, message in cases:
        response = upload(client, world, content)
        assert response.status_code == 400, message
        assert message in response.content.decode(), message
    assert "the column appears twice" in upload(client, world, cases[3][0]).content.decode()
    assert upload(client, world, b"Titel\n" + b"x" * (2 * 1024 * 1024)).status_code == 400
    missing = client.post(reverse("actions:import", args=[world.m1.pk]), {})
    assert missing.status_code == 400 and "This field is required" in missing.content.decode()
    assert not Action.objects.exists()


def test_xlsx_upload_with_dates_numbers_and_german_headers(client_for, world):
    book = Workbook()
    book.active.title = "Notizen"
    book.active.append(["nur ein Hinweis"])
    sheet = book.create_sheet("Plan")
    sheet.append(["Titel", "Fällig", "Überprüfen am", "Priorität", "Status",
                  "Verantwortliche Person"])
    sheet.append(["Aus Excel", dt.datetime(2027, 3, 31), "30.09.2027", "Hoch", "in arbeit",
                  world.people["paul"].email.upper()])
    sheet.append([2027, None, None, None, None, None])
    sheet.append([None] * 6)
    data = io.BytesIO()
    book.save(data)
    assert upload(client_for("mia"), world, data.getvalue(), "plan.xlsx").status_code == 302
    first, second = Action.objects.order_by("id")
    assert (first.due_on, first.review_on, first.priority, first.status) == (
        dt.date(2027, 3, 31), dt.date(2027, 9, 30), "high", "in_progress")
    assert first.responsible_person == world.people["paul"]
    assert second.title == "2027" and second.priority == "medium"
    assert AuditEntry.objects.filter(action="import", message__contains="XLSX").exists()


def test_people_outside_the_municipality_are_refused(client_for, world):
    text = f"Titel;Verantwortliche Person\nA;{world.people['oscar'].email}\n"
    response = upload(client_for("mia"), world, text.encode())
    assert response.status_code == 400 and "no member of the municipality" in \
        response.content.decode()


def test_the_import_page_lists_columns_and_values_in_the_interface_language(world):
    body = german(world).get(reverse("actions:import", args=[world.m1.pk])).content.decode()
    for text in ("Priorität", "hoch", "mittel", "niedrig", "in Arbeit", "abgeschlossen",
                 "<code>in_progress</code>", "Verantwortliche Organisation",
                 world.orgs[world.m1.pk].name, "TT.MM.JJJJ"):
        assert text in body, text


def test_formula_apostrophes_come_off_again(client_for, world):
    text = "Titel;Beschreibung\n'=1+1;'-x\n'Zitat;normal\n"
    assert upload(client_for("mia"), world, text.encode()).status_code == 302
    assert list(Action.objects.order_by("id").values_list("title", "description")) == [
        ("=1+1", "-x"), ("'Zitat", "normal")]


def test_labels_name_one_column_and_one_value_in_every_language():
    """A heading or a value read in German or English must not mean two things."""
    from django.conf import settings
    from django.utils import translation

    from qdialog.actions.models import Action as Model

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            headings = [csvio._norm(Model._meta.get_field(c.code).verbose_name)
                        for c in csvio.COLUMNS]
            assert len(set(headings)) == len(headings), language
    names = {}
    for column in csvio.COLUMNS:
        for name in {csvio._norm(column.code)} | csvio._in_every_language(
                Model._meta.get_field(column.code).verbose_name):
            assert names.setdefault(name, column.code) == column.code, name
        if column.choices:
            values = {}
            for code, label in column.choices.choices:
                for name in {code} | csvio._in_every_language(label):
                    assert values.setdefault(name, code) == code, (column.code, name)
