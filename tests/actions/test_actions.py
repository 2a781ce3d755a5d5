"""The action plan: access per role, origins and their back links, progress history, filters and
views, CSV export and import, reminders, overviews."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from qdialog.actions import csvio, selectors, services, tasks
from qdialog.actions.models import Action, ProgressNote
from qdialog.core.models import AuditEntry
from tests.conftest import ROLES
from tests.processes.test_processes import expect

TODAY = timezone.localdate()


@pytest.fixture
def action(world):
    return services.action_create(actor=world.people["mia"], municipality=world.m1, fields={
        "title": "Rückmeldung an Mitteilende regeln", "due_on": TODAY - dt.timedelta(days=3),
        "responsible_organisation": world.orgs[world.m1.pk],
        "responsible_person": world.people["paul"]})


MEMBERS = {"alice", "carol", "mia", "paul"}
CASES = [
    ("list", lambda w, a: reverse("actions:list", args=[w.m1.pk]), expect(MEMBERS)),
    ("list_board", lambda w, a: reverse("actions:list", args=[w.m1.pk]) + "?view=board",
     expect(MEMBERS)),
    ("list_timeline", lambda w, a: reverse("actions:list", args=[w.m1.pk]) + "?view=timeline",
     expect(MEMBERS)),
    ("list_organisations", lambda w, a: reverse("actions:list", args=[w.m1.pk])
     + "?view=organisations", expect(MEMBERS)),
    ("create", lambda w, a: reverse("actions:create", args=[w.m1.pk]), expect({"alice", "mia"})),
    ("export", lambda w, a: reverse("actions:export", args=[w.m1.pk]), expect(MEMBERS)),
    ("export_xlsx", lambda w, a: reverse("actions:export_xlsx", args=[w.m1.pk]),
     expect(MEMBERS)),
    ("import", lambda w, a: reverse("actions:import", args=[w.m1.pk]), expect({"alice", "mia"})),
    ("programme", lambda w, a: reverse("actions:programme", args=["alpha"]), expect({"alice"})),
    ("detail", lambda w, a: reverse("actions:detail", args=[a.pk]), expect(MEMBERS)),
    ("edit", lambda w, a: reverse("actions:edit", args=[a.pk]), expect({"alice", "mia"})),
]
POST_ONLY = {"progress", "move"}  # tests/actions/test_board.py: the move for each role


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", CASES, ids=[c[0] for c in CASES])
def test_access(client_for, world, action, role, name, url, expected):
    response = client_for(role).get(url(world, action))
    want = expected[role]
    if want == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == want, role


def test_every_url_has_an_access_case():
    from qdialog.actions.urls import urlpatterns

    covered = {c[0] for c in CASES} | POST_ONLY
    assert {p.name for p in urlpatterns} - covered == set()


def test_create_and_bad_input(client_for, world):
    client = client_for("mia")
    url = reverse("actions:create", args=[world.m1.pk])
    bad = client.post(url, {"title": "", "priority": "urgent", "status": "planned",
                            "origin": "other", "starts_on": "2027-02-01",
                            "due_on": "2027-01-01"})
    body = bad.content.decode()
    assert bad.status_code == 400 and "This field is required" in body
    assert "Select a valid choice" in body and not Action.objects.exists()
    foreign = client.post(url, {"title": "X", "priority": "high", "status": "planned",
                                "origin": "other",
                                "responsible_organisation": world.orgs[world.m3.pk].pk})
    assert foreign.status_code == 400 and not Action.objects.exists()
    late = client.post(url, {"title": "X", "priority": "high", "status": "planned",
                             "origin": "other", "starts_on": "2027-02-01",
                             "due_on": "2027-01-01"})
    assert late.status_code == 400 and "must not lie before the start" in late.content.decode()
    ok = client.post(url, {"title": "Übergabegespräche einführen", "priority": "high",
                           "status": "planned", "origin": "survey",
                           "origin_detail": "t0, Dimension Übergänge", "due_on": "2027-03-31"})
    assert ok.status_code == 302
    assert AuditEntry.objects.filter(action="create", content_type__model="action").exists()


@pytest.mark.parametrize("role", ["anon", "carol", "paul", "oscar", "zoe"])
def test_only_coordinators_create(client_for, world, role):
    client_for(role).post(reverse("actions:create", args=[world.m1.pk]),
                          {"title": "X", "priority": "high", "status": "planned",
                           "origin": "other"})
    assert not Action.objects.exists()


def test_progress_history(client_for, world, action):
    url = reverse("actions:progress", args=[action.pk])
    # the responsible person (a participant) may note progress on their own action
    assert client_for("paul").post(url, {"text": "Entwurf liegt vor.",
                                         "status": "in_progress"}).status_code == 302
    empty = client_for("paul").post(url, {"text": "", "status": "in_progress"})
    assert empty.status_code == 400 and "Write a note or change the status" in \
        empty.content.decode()
    assert client_for("carol").post(url, {"text": "x", "status": "done"}).status_code == 404
    client_for("mia").post(url, {"text": "Beschlossen im Jugendhilfeausschuss.",
                                 "status": "done"})
    action.refresh_from_db()
    assert action.status == "done" and not action.is_overdue
    notes = list(action.notes.order_by("id").values_list("status_from", "status_to", "text"))
    assert notes == [("planned", "in_progress", "Entwurf liegt vor."),
                     ("in_progress", "done", "Beschlossen im Jugendhilfeausschuss.")]


def test_editing_the_status_keeps_history(client_for, world, action):
    response = client_for("mia").post(reverse("actions:edit", args=[action.pk]), {
        "title": action.title, "priority": "high", "status": "dropped", "origin": "other"})
    assert response.status_code == 302
    note = ProgressNote.objects.get(action=action)
    assert (note.status_from, note.status_to) == ("planned", "dropped")


def test_decision_becomes_an_action_and_shows_it(client_for, world):
    from qdialog.processes import services as process_services
    from tests.processes.test_events import Decision  # noqa: F401

    process = process_services.process_create(actor=None, municipality=world.m1,
                                              fields={"title": "QE"})
    start = timezone.now()
    event = process_services.event_save(actor=None, process=process, fields={
        "kind": "workshop", "title": "Werkstatt", "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2)})
    decision = process_services.decision_add(actor=None, event=event,
                                             text="AG Übergaben wird gegründet.")
    client = client_for("mia")
    page = client.get(reverse("actions:create", args=[world.m1.pk]) + f"?decision={decision.pk}")
    assert page.status_code == 200 and "AG Übergaben wird gegründet." in page.content.decode()
    response = client.post(reverse("actions:create", args=[world.m1.pk]), {
        "decision": decision.pk, "title": "AG Übergaben gründen", "priority": "medium",
        "status": "planned"})
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.decision == decision and action.origin == "decision"
    assert "AG Übergaben gründen" in client.get(
        reverse("processes:event", args=[event.pk])).content.decode()
    # a participant without the event sees the action, but no link into the event
    body = client_for("paul").get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert reverse("processes:event", args=[event.pk]) not in body


def test_a_long_decision_is_cut_at_a_word_and_the_origin_named_once(client_for, world):
    from qdialog.processes import services as process_services

    process = process_services.process_create(actor=None, municipality=world.m1,
                                              fields={"title": "QE"})
    start = timezone.now()
    event = process_services.event_save(actor=None, process=process, fields={
        "kind": "workshop", "title": "Werkstatt Übergaben", "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2)})
    text = ("Die Arbeitsgruppe Übergaben entwickelt bis zum Sommer einen gemeinsamen Ablauf "
            "für die Rückmeldung an mitteilende Fachkräfte aus Kita, Schule und Gesundheitswesen "
            "und stellt ihn der Steuerungsgruppe vor, die über die Einführung entscheidet und "
            "die Schulung der Fachkräfte aller beteiligten Träger im Herbst plant.")
    decision = process_services.decision_add(actor=None, event=event, text=text)
    client = client_for("mia")
    page = client.get(reverse("actions:create", args=[world.m1.pk]) + f"?decision={decision.pk}")
    form = page.context["form"]
    title = form.initial["title"]
    assert len(title) <= 200 and title.endswith("…") and text.startswith(title[:-1])
    assert text[len(title) - 1] == " "  # cut between two words
    subline = page.content.decode().split('class="kern-subline">')[1].split("</p>")[0]
    assert subline.rstrip().endswith("…") and "Arbeitsgruppe Übergaben entwickelt" in subline
    assert not form.initial.get("origin_detail")  # the link names the event; no copy of it
    client.post(reverse("actions:create", args=[world.m1.pk]), {
        "decision": decision.pk, "title": title, "priority": "medium", "status": "planned"})
    detail = client.get(reverse("actions:detail", args=[Action.objects.get().pk])) \
        .content.decode()
    assert detail.count("Werkstatt Übergaben") == 1


def test_foreign_origin_is_refused(client_for, world):
    from qdialog.processes import services as process_services

    process = process_services.process_create(actor=None, municipality=world.m3,
                                              fields={"title": "QE drei"})
    start = timezone.now()
    event = process_services.event_save(actor=None, process=process, fields={
        "kind": "workshop", "title": "W", "starts_at": start,
        "ends_at": start + dt.timedelta(hours=1)})
    decision = process_services.decision_add(actor=None, event=event, text="Fremd")
    response = client_for("mia").get(reverse("actions:create", args=[world.m1.pk])
                                     + f"?decision={decision.pk}")
    assert response.status_code == 404


def test_recommendation_and_report_origins(client_for, world):
    from qdialog.casereviews import services as review_services
    from qdialog.casereviews.models import Recommendation
    from qdialog.incidents import services as incident_services
    from tests.casereviews.test_casereviews import BASICS
    from tests.incidents.support import file_report

    review = review_services.review_create(actor=world.people["mia"], municipality=world.m1,
                                           fields=BASICS)
    rec = Recommendation.objects.create(review=review, text="Rückmeldung binnen einer Woche.",
                                        addressee="youth_office", priority="high")
    client = client_for("mia")
    client.post(reverse("actions:create", args=[world.m1.pk]), {
        "recommendation": rec.pk, "title": "Rückmeldefrist", "priority": "high",
        "status": "planned"})
    assert rec.actions.count() == 1 and rec.actions.get().origin == "case_review"
    # alice (no seat on the review) cannot make actions from its recommendations
    assert client_for("alice").get(reverse("actions:create", args=[world.m1.pk])
                                   + f"?recommendation={rec.pk}").status_code == 404
    system = incident_services.system_create(actor=world.people["mia"], programme=world.a,
                                             municipality=world.m1)
    report, _ = file_report(system)
    client.post(reverse("actions:create", args=[world.m1.pk]), {
        "report": report.pk, "title": "Postfachvertretung", "priority": "medium",
        "status": "planned"})
    assert report.actions.get().origin == "report"


def test_filters_and_views(client_for, world, action):
    services.action_create(actor=None, municipality=world.m1, fields={
        "title": "Leitbild überarbeiten", "status": "done", "priority": "low",
        "starts_on": TODAY - dt.timedelta(days=90), "due_on": TODAY - dt.timedelta(days=10)})
    services.action_create(actor=None, municipality=world.m1, fields={
        "title": "Fachtag vorbereiten", "due_on": TODAY + dt.timedelta(days=5)})
    base = selectors.plan(world.m1)
    assert [a.title for a in selectors.filtered(base, {"due": "overdue"})] == [action.title]
    assert [a.title for a in selectors.filtered(base, {"due": "soon"})] == ["Fachtag vorbereiten"]
    assert [a.title for a in selectors.filtered(base, {"q": "leitbild"})] == [
        "Leitbild überarbeiten"]
    client = client_for("mia")
    url = reverse("actions:list", args=[world.m1.pk])
    body = client.get(url + "?due=overdue").content.decode()
    assert action.title in body and "Fachtag vorbereiten" not in body
    assert client.get(url + "?status=nonsense").status_code == 400
    board = client.get(url + "?view=board").content.decode()
    assert "Leitbild überarbeiten" in board
    timeline = client.get(url + "?view=timeline").content.decode()
    assert "<svg" in timeline and "qd-gantt__bar--overdue" in timeline
    overview = selectors.overview(base)
    assert (overview["total"], overview["overdue"], overview["done"]) == (3, 1, 1)


def test_query_counts(client_for, world, action, django_assert_max_num_queries):
    for i in range(15):
        services.action_create(actor=None, municipality=world.m1, fields={
            "title": f"A{i}", "due_on": TODAY + dt.timedelta(days=i),
            "responsible_organisation": world.orgs[world.m1.pk]})
    client = client_for("mia")
    for view in ("list", "board", "organisations", "timeline"):
        with django_assert_max_num_queries(16):
            assert client.get(reverse("actions:list", args=[world.m1.pk])
                              + f"?view={view}").status_code == 200
    institute = client_for("alice")
    with django_assert_max_num_queries(10):
        assert institute.get(reverse("actions:programme", args=["alpha"])).status_code == 200


def test_csv_round_trip(client_for, world, action):
    exported = client_for("mia").get(reverse("actions:export", args=[world.m1.pk]))
    text = exported.content.decode("utf-8-sig")
    assert "Rückmeldung an Mitteilende regeln" in text and text.startswith("Title;")
    Action.objects.all().delete()
    upload = SimpleUploadedFile("plan.csv", text.encode("utf-8-sig"), content_type="text/csv")
    response = client_for("mia").post(reverse("actions:import", args=[world.m1.pk]),
                                      {"file": upload})
    assert response.status_code == 302
    again = Action.objects.get()
    assert again.title == action.title and again.responsible_organisation == \
        world.orgs[world.m1.pk] and again.due_on == action.due_on
    assert again.responsible_person == world.people["paul"]


def test_csv_import_errors_store_nothing(client_for, world):
    rows = ("title;responsible_organisation;due_on;priority;status\n"
            "Gut;;2027-01-01;high;planned\n"
            ";;2027-01-01;;\n"
            "Schlecht;Unbekannte Stelle;31.13.2026;urgent;planned\n")
    upload = SimpleUploadedFile("plan.csv", rows.encode(), content_type="text/csv")
    response = client_for("mia").post(reverse("actions:import", args=[world.m1.pk]),
                                      {"file": upload})
    body = response.content.decode()
    assert response.status_code == 400 and not Action.objects.exists()
    for message in ("must not be empty", "no organisation „Unbekannte Stelle“",
                    "is not a date", "„urgent“ is not one of the values"):
        assert message in body
    parsed = csvio.parse(b"\xff\xfe", world.m1)
    assert parsed.problems and not parsed.actions
    assert [str(p) for p in csvio.parse(rows.encode(), world.m1).problems][0] == \
        "Row 3, Title: this column must not be empty."


def test_reminders(world, action, settings):
    soon = services.action_create(actor=None, municipality=world.m1, fields={
        "title": "Fachtag vorbereiten", "due_on": TODAY + dt.timedelta(days=3),
        "responsible_person": world.people["paul"]})
    services.action_create(actor=None, municipality=world.m1, fields={
        "title": "Später", "due_on": TODAY + dt.timedelta(days=60),
        "responsible_person": world.people["paul"]})
    assert tasks.send_reminders() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.people["paul"].email]
    assert action.title in message.body and soon.title in message.body
    assert "Später" not in message.body
    assert tasks.send_reminders() == 0  # not again within a week
    later = TODAY + dt.timedelta(days=8)
    assert tasks.send_reminders(today=later) == 1


def test_reminder_command(world, action):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_action_reminders", stdout=out)
    assert "1 reminder e-mails sent." in out.getvalue()


def test_programme_overview_counts(client_for, world, action):
    services.action_create(actor=None, municipality=world.m2, fields={
        "title": "M2", "status": "done"})
    rows = {r["municipality"].pk: r for r in selectors.programme_overview(world.a)}
    assert (rows[world.m1.pk]["total"], rows[world.m1.pk]["overdue"]) == (1, 1)
    assert (rows[world.m2.pk]["done"], rows[world.m2.pk]["done_percent"]) == (1, 100)
    assert world.mb.pk not in rows  # another programme
