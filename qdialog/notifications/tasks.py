"""Sending notices: one at once (django-tasks, after the commit of what caused it), and the
daily and weekly digests (`qdialog send-digests` from cron, once a day or more often).

A digest goes out at most once per person and period – the Digest row is unique per person,
kind of digest and first day of the period, and it is written in the same transaction that
marks the notices sent, so a rerun, a second worker or a crash halfway sends nothing twice.
Notices that arrive after a period's digest went out wait for the next period."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from qdialog.core.registry import daily_notices
from qdialog.core.scoping import unscoped

from .models import Channel, Digest, Notification

log = logging.getLogger(__name__)


def _language(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


SUBJECTS = {Channel.IMMEDIATE: gettext_noop("qdialog: %(text)s"),
            Channel.DAILY: gettext_noop("qdialog: %(n)s news of today"),
            Channel.WEEKLY: gettext_noop("qdialog: %(n)s news of this week")}


def _send(user, channel, notices) -> None:
    base = settings.QDIALOG_BASE_URL.rstrip("/")
    with translation.override(_language(user)):
        subject = _(SUBJECTS[channel]) % {"n": len(notices), "text": notices[0].text[:120]}
        body = render_to_string("notifications/email/notices.txt", {
            "user": user, "base": base,
            "notices": [(n.text, base + n.url if n.url else "") for n in notices],
            "settings_url": base + "/notifications/"})
        EmailMessage(subject, body, to=[user.email]).send()


@unscoped("sends the notices a service made for one person")
def send_now(notification_ids: list[int]) -> int:
    """Send each notice chosen "at once" that has not gone out yet; returns how many."""
    sent = 0
    for notice in Notification.objects.filter(pk__in=notification_ids, emailed=False,
                                              channel=Channel.IMMEDIATE).select_related("user"):
        with transaction.atomic():
            if not Notification.objects.filter(pk=notice.pk, emailed=False).update(emailed=True):
                continue  # another worker took it
            _send(notice.user, Channel.IMMEDIATE, [notice])
        sent += 1
    return sent


@task()
def send_now_task(notification_ids: list[int]):
    return send_now(notification_ids)


def period_start(channel: str, today: dt.date) -> dt.date:
    return today if channel == Channel.DAILY else today - dt.timedelta(days=today.weekday())


@unscoped("the daily job gathers every person's notices")
def send_digests(now=None) -> dict[str, int]:
    """The daily notices, then one digest per person and period with what is waiting.
    `now` lets a test move the clock."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    for notices in daily_notices:
        notices(today)
    counts = {}
    for channel in (Channel.DAILY, Channel.WEEKLY):
        start = period_start(channel, today)
        users = (Notification.objects.filter(channel=channel, emailed=False)
                 .values_list("user_id", flat=True).distinct())
        sent = 0
        for user_id in list(users):
            try:
                with transaction.atomic():
                    digest = Digest.objects.create(user_id=user_id, channel=channel,
                                                   period_start=start)
                    notices = list(Notification.objects.select_for_update().filter(
                        user_id=user_id, channel=channel, emailed=False).select_related(
                        "user").order_by("created_at", "id"))
                    if not notices:
                        raise IntegrityError("nothing left")  # leave no empty digest behind
                    _send(notices[0].user, channel, notices)
                    Notification.objects.filter(pk__in=[n.pk for n in notices]).update(
                        emailed=True)
                    digest.count = len(notices)
                    digest.save(update_fields=["count"])
            except IntegrityError:
                continue  # this period's digest went out already (or nothing was left)
            sent += 1
        counts[channel] = sent
    return counts


@task()
def send_digests_task():
    return send_digests()
