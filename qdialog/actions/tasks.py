"""Reminder e-mails for overdue and due-soon actions (django-tasks, and `qdialog
send-action-reminders` for cron). Each action is reminded at most once a week."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_noop
from django_tasks import task

from qdialog.core.scoping import unscoped
from qdialog.notifications.models import Channel, Kind
from qdialog.notifications.services import channels, notify

from .models import OPEN_STATUSES, Action

DUE_SOON_DAYS = 7
EVERY_DAYS = 7


def due_for_reminder(today=None):
    today = today or timezone.localdate()
    return Action.objects.filter(
        status__in=OPEN_STATUSES, due_on__isnull=False,
        due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
        responsible_person__isnull=False, responsible_person__is_active=True,
    ).exclude(reminded_on__gt=today - dt.timedelta(days=EVERY_DAYS)).select_related(
        "responsible_person", "municipality")


def send_reminders(today=None) -> int:
    """One e-mail per person listing their overdue and due-soon actions – or, as the person
    chose, a notice per measure for their digest, or nothing. Returns the e-mails sent."""
    today = today or timezone.localdate()
    by_person: dict = {}
    actions = list(due_for_reminder(today))
    for action in actions:
        by_person.setdefault(action.responsible_person, []).append(action)
    # what each person chose for due measures: this e-mail, a notice in a digest, or nothing
    for person in list(by_person):
        channel = channels(person)[Kind.ACTION_DUE]
        if channel != Channel.IMMEDIATE:
            items = by_person.pop(person)
            if channel != Channel.OFF:
                for action in items:
                    notify(users=[person], kind=Kind.ACTION_DUE,
                           programme=action.municipality.programme,
                           url=reverse("actions:detail", args=[action.pk]),
                           template=gettext_noop("The measure „%(action)s“ is due on %(date)s"),
                           action=action.title,
                           date=formats.date_format(action.due_on, "SHORT_DATE_FORMAT"))
    base = settings.QDIALOG_BASE_URL.rstrip("/")
    with get_connection() as connection:
        for person, items in by_person.items():
            with translation.override(getattr(person, "preferred_language", "") or "de"):
                body = render_to_string("actions/email/reminder.txt", {
                    "person": person, "today": today, "base": base,
                    "overdue": [(a, base + reverse("actions:detail", args=[a.pk]))
                                for a in items if a.due_on < today],
                    "soon": [(a, base + reverse("actions:detail", args=[a.pk]))
                             for a in items if a.due_on >= today]})
                subject = str(translation.gettext("Actions due in the action plan"))
            EmailMessage(subject, body, to=[person.email], connection=connection).send()
    Action.objects.filter(pk__in=[a.pk for a in actions]).update(reminded_on=today)
    return len(by_person)


@task()
@unscoped("a background task acts on what an authorised service queued")
def send_reminders_task():
    return send_reminders()
