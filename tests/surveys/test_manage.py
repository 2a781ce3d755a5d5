"""Coordinator and institute pages: access per role, wave life cycle, codes, exports, imports."""

import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qdialog.core.models import AuditEntry
from qdialog.surveys import services
from qdialog.surveys.models import AccessCode, Instrument, Item, Response, SubmissionToken, Wave
from tests.conftest import ROLES
from tests.surveys.conftest import fresh_token, post_data
from tests.surveys.test_respond import post as submit

OK, NOT_FOUND, LOGIN = 200, 404, "login"


def expect(allowed):
    return {r: (LOGIN if r == "anon" else OK if r in allowed else NOT_FOUND) for r in ROLES}


CASES = [
    ("programme_waves", lambda w, s: reverse("surveys:programme_waves", args=["alpha"]),
     expect({"alice"})),
    ("wave_create_programme", lambda w, s: reverse("surveys:wave_create_programme",
                                                   args=["alpha"]), expect({"alice"})),
    ("municipality_waves", lambda w, s: reverse("surveys:municipality_waves", args=[w.m1.pk]),
     expect({"alice", "mia"})),
    ("wave_create_municipality", lambda w, s: reverse("surveys:wave_create_municipality",
                                                      args=[w.m1.pk]), expect({"alice", "mia"})),
    ("wave", lambda w, s: reverse("surveys:wave", args=[s.wave.pk]),
     expect({"alice", "carol", "mia"})),
    ("wave_edit", lambda w, s: reverse("surveys:wave_edit", args=[s.wave.pk]),
     expect({"alice", "mia"})),
    ("paper_entry", lambda w, s: reverse("surveys:paper_entry", args=[s.wave.pk]),
     expect({"alice", "mia"})),
    ("codes_download", lambda w, s: reverse("surveys:codes_download", args=[s.wave.pk, "csv"]),
     expect({"alice", "mia"})),
    ("answers_export", lambda w, s: reverse("surveys:answers_export", args=[s.wave.pk, "csv"]),
     expect({"alice", "mia"})),
    ("instruments", lambda w, s: reverse("surveys:instruments", args=["alpha"]),
     expect({"alice"})),
    ("instrument", lambda w, s: reverse("surveys:instrument", args=[s.instrument.pk]),
     expect({"alice", "carol", "mia", "oscar"})),
    ("instrument_preview", lambda w, s: reverse("surveys:instrument_preview",
                                                args=[s.instrument.pk]),
     expect({"alice", "carol", "mia", "oscar"})),
    ("instrument_edit", lambda w, s: reverse("surveys:instrument_edit", args=[s.instrument.pk]),
     expect({"alice"})),
    ("section_create", lambda w, s: reverse("surveys:section_create", args=[s.instrument.pk]),
     expect({"alice"})),
    ("section_edit", lambda w, s: reverse("surveys:section_edit", args=[
        s.instrument.pk, s.instrument.sections.first().pk]), expect({"alice"})),
    ("item_create", lambda w, s: reverse("surveys:item_create", args=[
        s.instrument.pk, s.instrument.sections.first().pk]), expect({"alice"})),
    ("item_edit", lambda w, s: reverse("surveys:item_edit", args=[
        s.instrument.pk, s.instrument.sections.first().pk,
        s.instrument.sections.first().items.first().pk]), expect({"alice"})),
]
POST_ONLY = {"wave_action", "codes_create", "group_code", "invitations_create",
             "answers_import", "instrument_copy", "element_action",
             "instrument_create_default", "instrument_import"}
PUBLIC = {"entry", "respond", "answer", "done"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", CASES, ids=[c[0] for c in CASES])
def test_survey_view_access(client_for, world, survey, role, name, url, expected):
    response = client_for(role).get(url(world, survey))
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == want, role


def test_every_survey_url_has_an_access_case():
    from qdialog.surveys.urls import urlpatterns

    covered = {c[0] for c in CASES} | POST_ONLY | PUBLIC
    missing = {p.name for p in urlpatterns} - covered
    assert not missing, missing


@pytest.mark.parametrize("role", ["anon", "carol", "paul", "oscar", "zoe"])
def test_outsiders_cannot_post_to_a_wave(client_for, world, survey, role):
    client = client_for(role)
    for url in [reverse("surveys:wave_action", args=[survey.wave.pk, "close"]),
                reverse("surveys:codes_create", args=[survey.wave.pk])]:
        response = client.post(url, {"count": "3"})
        assert response.status_code in (302, 404)
    assert Wave.objects.get(pk=survey.wave.pk).status == "open"
    assert AccessCode.objects.filter(wave=survey.wave).count() == 6


def test_live_counts_show_no_groups_while_the_wave_runs(client_for, world, survey,
                                                        respondent):
    """Per perspective, two states of the counts would tell who answered in between: while
    the wave runs only the totals are shown; the group sizes come with the results."""
    for n in range(7):
        code = survey.codes[n % 5].code if n < 5 else survey.group.code
        submit(respondent, code,
                        post_data(fresh_token(), q_perspective="2" if n < 6 else "1"))
    assert Response.objects.count() == 7
    body = client_for("mia").get(reverse("surveys:wave", args=[survey.wave.pk])).content.decode()
    assert "Leitung" not in body and "Fachkraft" not in body
    assert "shown with the results, once the survey has ended" in body


def test_wave_life_cycle_and_anonymity_settings_fixed(client_for, world, survey):
    client = client_for("mia")
    wave = survey.wave
    response = client.post(reverse("surveys:wave_edit", args=[wave.pk]), {
        "title": "Neu", "instrument": str(wave.instrument_id), "timepoint": "0",
        "opens_on": wave.opens_on.isoformat(), "closes_on": wave.closes_on.isoformat(),
        "min_group_size": "3", "scope": f"m{world.m1.pk}"})
    wave.refresh_from_db()
    assert wave.min_group_size == 5 and wave.title == "Neu"  # disabled field ignored
    AccessCode.objects.filter(pk=survey.codes[1].pk).update(email="x@example.org",
                                                            draft={"answers": {}})
    SubmissionToken.objects.create(wave=wave, token=fresh_token())
    client.post(reverse("surveys:wave_action", args=[wave.pk, "close"]))
    wave.refresh_from_db()
    assert wave.status == "closed"
    assert not AccessCode.objects.filter(wave=wave).exclude(email="").exists()
    assert not AccessCode.objects.filter(wave=wave, draft__isnull=False).exists()
    assert not SubmissionToken.objects.filter(wave=wave).exists()
    response = client.post(reverse("surveys:wave_action", args=[wave.pk, "reopen"]),
                           {"closes_on": (wave.closes_on.replace(year=wave.closes_on.year + 1))
                            .isoformat()})
    wave.refresh_from_db()
    assert response.status_code == 302 and wave.status == "open"
    bad = client.post(reverse("surveys:wave_action", args=[wave.pk, "extend"]),
                      {"closes_on": "gestern"}, follow=True)
    assert "valid closing date" in bad.content.decode()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.wave_update(actor=None, wave=wave, fields={"min_group_size": 3})


def test_frozen_instrument_refuses_changes_and_copies(client_for, world, survey):
    client = client_for("alice")
    section = survey.instrument.sections.first()
    response = client.post(reverse("surveys:item_create", args=[survey.instrument.pk,
                                                                section.pk]),
                           {"kind": "short_text", "code": "neu", "text_de": "Neu?"})
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    response = client.post(reverse("surveys:instrument_copy", args=[survey.instrument.pk]))
    copy = Instrument.objects.get(family="test-instrument", version=2)
    assert response.status_code == 302 and not copy.is_frozen and copy.previous_id
    assert sorted(Item.objects.filter(section__instrument=copy).values_list("code", flat=True)) \
        == sorted(Item.objects.filter(section__instrument=survey.instrument)
                  .values_list("code", flat=True))
    section = copy.sections.first()
    ok = client.post(reverse("surveys:item_create", args=[copy.pk, section.pk]), {
        "kind": "single", "code": "neu", "text_de": "Neu?", "options_text": "Ja | Yes\nNein | No",
        "condition_text": "perspective=1,2"})
    assert ok.status_code == 302
    item = Item.objects.get(section__instrument=copy, code="neu")
    assert item.options[1]["en"] == "No" and item.condition == {"item": "perspective",
                                                                 "in": [1, 2]}
    before = list(section.items.values_list("code", flat=True))
    client.post(reverse("surveys:element_action", args=[copy.pk, "item", item.pk, "up"]))
    after = list(section.items.values_list("code", flat=True))
    assert after.index("neu") == before.index("neu") - 1
    client.post(reverse("surveys:element_action", args=[copy.pk, "item", item.pk, "delete"]))
    assert not Item.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("data,message", [
    ({"kind": "single", "code": "x1", "text_de": "?"}, "at least one option"),
    ({"kind": "likert", "code": "x2", "text_de": "?"}, "4, 5 or 7 points"),
    ({"kind": "matrix", "code": "x3", "text_de": "?", "scale_points": "5"}, "at least one row"),
    ({"kind": "short_text", "code": "1abc", "text_de": "?"}, "letters, digits"),
    ({"kind": "short_text", "code": "q1", "text_de": "?"}, "has this code"),
    ({"kind": "number", "code": "x4", "text_de": "?", "min_value": "5", "max_value": "1"},
     "maximum must not"),
    ({"kind": "short_text", "code": "x5", "text_de": "?", "condition_text": "so nicht"},
     "code=value"),
])
def test_item_form_bad_input(client_for, world, survey, data, message):
    client = client_for("alice")
    copy = services.instrument_copy(actor=None, instrument=survey.instrument)
    section = copy.sections.get(code="main")
    count = Item.objects.count()
    response = client.post(reverse("surveys:item_create", args=[copy.pk, section.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Item.objects.count() == count


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


def test_create_wave_through_the_form(client_for, world, survey):
    client = client_for("alice")
    url = reverse("surveys:wave_create_programme", args=["alpha"])
    data = {"title": "Cluster-Welle", "instrument": str(survey.instrument.pk), "timepoint": "1",
            "opens_on": "2026-12-01", "closes_on": "2026-11-01", "min_group_size": "2",
            "scope": f"c{world.a1.pk}"}
    bad = client.post(url, data)
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "must not close before it opens" in body and "greater than or equal to 3" in body
    assert Wave.objects.count() == 1
    ok = client.post(url, {**data, "closes_on": "2027-01-31", "min_group_size": "5"})
    assert ok.status_code == 302
    wave = Wave.objects.get(title="Cluster-Welle")
    assert wave.cluster == world.a1 and wave.municipality is None and wave.status == "draft"
    foreign = client.post(url, {**data, "closes_on": "2027-01-31", "min_group_size": "5",
                                "scope": f"m{world.mb.pk}"})
    assert foreign.status_code == 400  # another programme's municipality is not offered


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


def test_coordinator_adapts_the_programme_instrument(client_for, world, survey):
    client = client_for("mia")
    page = client.get(reverse("surveys:municipality_waves", args=[world.m1.pk])).content.decode()
    assert reverse("surveys:instrument", args=[survey.instrument.pk]) in page
    client.post(reverse("surveys:instrument_copy", args=[survey.instrument.pk]))
    copy = Instrument.objects.get(family="test-instrument", version=2)
    assert copy.municipality == world.m1 and not copy.is_frozen
    section = copy.sections.first()
    response = client.post(reverse("surveys:item_create", args=[copy.pk, section.pk]),
                           {"kind": "short_text", "code": "lokal", "text_de": "Lokal?"})
    assert response.status_code == 302
    # another municipality's coordinator cannot see or change the copy
    assert client_for("oscar").get(reverse("surveys:instrument", args=[copy.pk])) \
        .status_code == 404
