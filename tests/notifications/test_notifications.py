"""Notifications: a person chooses what they hear about and how; notices link to the page and
carry no text; digests go out exactly once per period (the tests move the clock); the in-app
list of what is new."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from qdialog.notifications import services as notices
from qdialog.notifications.models import Digest, Notification, Preference
from qdialog.notifications.tasks import send_digests, send_now
from qdialog.standards import services as standards
from tests.standards.test_standards import FIELDS


@pytest.fixture
def standard(world):
    return standards.standard_create(actor=world.people["mia"], municipality=world.m1,
                                     fields=FIELDS)


def _comment(standard, actor, text="Bitte konkreter."):
    return standards.comment_add(actor=actor, standard=standard, field="text", paragraph=0,
                                 text=text)


def _at(day, hour=7):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_a_comment_on_my_draft_reaches_me_without_its_text(client_for, world, standard):
    _comment(standard, world.people["paul"], text="Geheimer Kommentartext")
    notice = Notification.objects.get()
    assert notice.user == world.people["mia"] and notice.kind == "comment"
    assert notice.channel == "daily"  # the default for comments
    assert "Paul Fachkraft" in notice.text and FIELDS["title"] in notice.text
    assert "Geheimer Kommentartext" not in notice.text
    assert notice.url == reverse("standards:detail", args=[standard.pk]) + "#text"
    # the author's own comment tells nobody
    _comment(standard, world.people["mia"])
    assert Notification.objects.count() == 1
    page = client_for("mia").get(reverse("notifications:list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Paul Fachkraft commented on your draft" in body and "1 unread notice" in body
    # the header counts it on every page
    home = client_for("mia").get("/").content.decode()
    assert reverse("notifications:list") in home and ">1<" in home.replace("\n", "")


def test_amendments_reach_who_follows_the_standard(world, standard):
    _comment(standard, world.people["carol"])  # carol now follows it
    Notification.objects.all().delete()
    standards.amendment_propose(actor=world.people["paul"], standard=standard, field="text",
                                paragraph=0, proposal="Ein neuer Wortlaut.", reason="")
    assert set(Notification.objects.values_list("user__email", flat=True)) == {
        "mia@example.org", "carol@example.org"}
    assert set(Notification.objects.values_list("kind", flat=True)) == {"amendment"}


def test_at_once_means_one_email_after_the_commit(world, standard,
                                                  django_capture_on_commit_callbacks):
    Preference.objects.create(user=world.people["mia"], kind="comment", channel="immediate")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        _comment(standard, world.people["paul"])
    assert len(queued) == 1 and not mail.outbox  # nothing sent inside the transaction
    notice = Notification.objects.get()
    assert send_now([notice.pk]) == 1 and send_now([notice.pk]) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mia@example.org"]
    assert reverse("standards:detail", args=[standard.pk]) in message.body
    assert "Bitte konkreter." not in message.body


def test_off_means_nothing_at_all(world, standard):
    Preference.objects.create(user=world.people["mia"], kind="comment", channel="off")
    _comment(standard, world.people["paul"])
    assert not Notification.objects.exists()


def test_daily_digest_exactly_once_per_day(world, standard):
    monday = dt.date(2031, 3, 3)
    _comment(standard, world.people["paul"])
    _comment(standard, world.people["carol"])
    assert send_digests(now=_at(monday)) == {"daily": 1, "weekly": 0}
    assert len(mail.outbox) == 1 and "2" in mail.outbox[0].subject
    assert send_digests(now=_at(monday, 18)) == {"daily": 0, "weekly": 0}  # same day: nothing
    _comment(standard, world.people["paul"], text="Noch etwas.")
    assert send_digests(now=_at(monday, 20))["daily"] == 0  # waits for tomorrow
    assert send_digests(now=_at(monday + dt.timedelta(days=1)))["daily"] == 1
    assert len(mail.outbox) == 2
    assert Digest.objects.filter(user=world.people["mia"]).count() == 2
    assert not Notification.objects.filter(emailed=False).exists()


def test_weekly_digest_exactly_once_per_week(world, standard):
    Preference.objects.create(user=world.people["mia"], kind="comment", channel="weekly")
    wednesday = dt.date(2031, 3, 5)
    _comment(standard, world.people["paul"])
    assert send_digests(now=_at(wednesday))["weekly"] == 1  # the week's first run
    _comment(standard, world.people["carol"])
    for day in range(1, 5):  # Thursday to Sunday: the week's digest went out already
        assert send_digests(now=_at(wednesday + dt.timedelta(days=day)))["weekly"] == 0
    assert send_digests(now=_at(wednesday + dt.timedelta(days=5)))["weekly"] == 1  # Monday
    assert len(mail.outbox) == 2
    starts = sorted(Digest.objects.values_list("period_start", flat=True))
    assert starts == [dt.date(2031, 3, 3), dt.date(2031, 3, 10)]


def test_nothing_new_sends_no_digest(world):
    assert send_digests(now=_at(dt.date(2031, 3, 3))) == {"daily": 0, "weekly": 0}
    assert not mail.outbox and not Digest.objects.exists()


def test_reviewers_hear_of_new_reports_the_day_after_by_count(world):
    from qdialog.incidents import services as incidents
    from tests.incidents.support import file_report

    system = incidents.system_create(actor=world.people["mia"], programme=world.a,
                                     municipality=world.m1)
    report, _code = file_report(system)
    assert not Notification.objects.exists()  # nothing at the moment it came in
    today = report.received_on
    send_digests(now=_at(today, 23))
    assert not Notification.objects.exists()  # today's reports are told tomorrow
    send_digests(now=_at(today + dt.timedelta(days=1)))
    notice = Notification.objects.get()
    assert notice.user == world.people["mia"] and notice.kind == "incident"
    assert "1 new reports wait for the anonymity check" in notice.text
    assert notice.url == reverse("incidents:queue", args=[system.pk])
    send_digests(now=_at(today + dt.timedelta(days=2)))
    assert Notification.objects.count() == 1  # told once


def test_members_of_an_invited_organisation_hear_of_the_invitation(world):
    from qdialog.processes import services as processes
    from qdialog.processes.models import MailKind
    from qdialog.processes.tasks import send_event_mail

    process = processes.process_create(actor=None, municipality=world.m1,
                                       fields={"title": "QE"})
    start = timezone.make_aware(dt.datetime(2031, 1, 14, 9))
    event = processes.event_save(actor=None, process=process, fields={
        "kind": "workshop", "title": "Werkstatt", "starts_at": start,
        "ends_at": start + dt.timedelta(hours=3)})
    processes.event_invite(actor=None, event=event, organisations=[world.orgs[world.m1.pk]])
    send_event_mail(event.pk, MailKind.INVITATION)
    notice = Notification.objects.get(user=world.people["mia"])  # mia's organisation
    assert notice.kind == "invitation" and "Werkstatt" in notice.text
    assert notice.channel == "immediate"


def test_preferences(client_for, world):
    client = client_for("paul")
    url = reverse("notifications:list")
    data = {"mention": "immediate", "comment": "weekly", "amendment": "off",
            "action_assigned": "immediate", "action_due": "daily", "incident": "app",
            "invitation": "immediate"}
    saved = client.post(url, data)
    assert saved.status_code == 302
    assert notices.channels(world.people["paul"])["comment"] == "weekly"
    refused = client.post(url, {**data, "comment": "hourly", "amendment": "daily"})
    assert refused.status_code == 400
    assert "Please choose one of the offered ways" in refused.content.decode()
    assert notices.channels(world.people["paul"])["amendment"] == "off"  # nothing half-stored
    assert 'value="daily" selected' in refused.content.decode()  # what was chosen is kept
    assert client_for("anon").get(url).status_code == 302


def test_read_marks_only_my_own(client_for, world, standard):
    _comment(standard, world.people["paul"])
    notice = Notification.objects.get()
    response = client_for("paul").post(reverse("notifications:read"), {"notice": notice.pk})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert not notice.read  # paul cannot read mia's notice
    opened = client_for("mia").post(reverse("notifications:read"), {"notice": notice.pk})
    assert opened["Location"] == notice.url
    notice.refresh_from_db()
    assert notice.read
    assert client_for("anon").post(reverse("notifications:read")).status_code == 302


def test_list_query_count(client_for, world, standard, django_assert_max_num_queries):
    for _ in range(5):
        _comment(standard, world.people["paul"])
    client = client_for("mia")
    with django_assert_max_num_queries(10):  # the same for 5 notices as for 50
        client.get(reverse("notifications:list"))


def test_a_measure_assigned_to_me(world):
    from qdialog.actions import services as actions

    action = actions.action_create(actor=world.people["mia"], municipality=world.m1, fields={
        "title": "Rückmeldefrist einführen", "responsible_person": world.people["paul"]})
    notice = Notification.objects.get()
    assert notice.user == world.people["paul"] and notice.kind == "action_assigned"
    assert "Rückmeldefrist einführen" in notice.text
    actions.action_update(actor=world.people["mia"], action=action,
                          fields={"responsible_person": world.people["carol"]})
    assert Notification.objects.filter(user=world.people["carol"]).count() == 1
    # assigning it to oneself tells nobody
    actions.action_update(actor=world.people["carol"], action=action,
                          fields={"title": "Frist einführen"})
    assert Notification.objects.count() == 2


def test_due_measures_as_each_person_chose(world):
    from qdialog.actions import services as actions
    from qdialog.actions.tasks import send_reminders

    today = dt.date(2031, 3, 3)
    for person in ("paul", "carol"):
        actions.action_create(actor=None, municipality=world.m1, fields={
            "title": f"Maßnahme für {person}", "due_on": today,
            "responsible_person": world.people[person]})
    Notification.objects.all().delete()
    Preference.objects.create(user=world.people["carol"], kind="action_due", channel="daily")
    assert send_reminders(today) == 1  # paul: the reminder e-mail (the default)
    assert mail.outbox[0].to == ["paul@example.org"]
    notice = Notification.objects.get()  # carol: a notice for her daily digest
    assert notice.user == world.people["carol"] and notice.channel == "daily"
    assert send_digests(now=_at(today + dt.timedelta(days=1)))["daily"] == 1
    assert mail.outbox[-1].to == ["carol@example.org"]


def test_a_mention_tells_the_person_named(world, standard):
    from qdialog.notifications.mentions import mentioned

    _comment(standard, world.people["carol"], text="Das sollte @Paul Fachkraft prüfen.")
    notice = Notification.objects.get(user=world.people["paul"])
    assert notice.kind == "mention" and notice.channel == "immediate"
    assert "mentioned you in" in notice.text and FIELDS["title"] in notice.text
    people = [world.people["paul"], world.people["mia"]]
    assert mentioned("@paul@example.org, bitte", people) == {world.people["paul"]}
    assert mentioned("@Paul Fachkraftwerk", people) == set()  # not a longer word
    assert mentioned("paul@example.org ohne @", people) == set()
    # someone who may not read it is not told: zoe is in another programme
    _comment(standard, world.people["carol"], text="@Zoe Beta sieh mal")
    assert not Notification.objects.filter(user=world.people["zoe"]).exists()


def test_a_mention_in_a_progress_note(world):
    from qdialog.actions import services as actions

    action = actions.action_create(actor=None, municipality=world.m1,
                                   fields={"title": "Frist einführen"})
    actions.progress_record(actor=world.people["mia"], action=action,
                            text="Rückfrage an @paul@example.org gestellt.")
    assert Notification.objects.get(user=world.people["paul"]).kind == "mention"
