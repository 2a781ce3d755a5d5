"""Background work for surveys: sending invitations and reminders (django-tasks).

Every address is marked as sent right after its e-mail went out, so a run that stops halfway –
the mail server refuses, the worker dies – can simply be started again: it sends only what was
not sent yet. Each run is recorded (`MailingRun`) with how far it got and why it stopped, shown
on the wave page and logged with its context.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from qdialog.core.audit import log_action
from qdialog.core.notes import note
from qdialog.core.scoping import unscoped

from .models import AccessCode, CodeKind, MailingRun, RunStatus, Wave, WaveStatus

log = logging.getLogger(__name__)
#: the audit note of a run: (reminder?, stopped?) -> template
_SENT = {
    (False, False): gettext_noop("%(count)s invitations sent"),
    (True, False): gettext_noop("%(count)s reminders sent"),
    (False, True): gettext_noop("%(count)s invitations sent, then stopped: %(error)s"),
    (True, True): gettext_noop("%(count)s reminders sent, then stopped: %(error)s"),
}


def _due(wave, reminder: bool, sent_before=None):
    codes = AccessCode.objects.filter(wave=wave, kind=CodeKind.INVITATION, used=False) \
        .exclude(email="")
    if not reminder:
        return codes.filter(sent_count=0)
    codes = codes.filter(sent_count__gt=0).exclude(reminded_on=timezone.localdate())
    return codes.filter(last_sent_on__lte=sent_before) if sent_before else codes


def _send(wave_id: int, reminder: bool, actor_id: int | None = None, sent_before=None) -> int:
    wave = Wave.objects.select_related("instrument").get(pk=wave_id)
    if wave.status == WaveStatus.CLOSED:
        return 0
    pks = list(_due(wave, reminder, sent_before).values_list("pk", flat=True))  # read once
    run = MailingRun.objects.create(wave=wave, reminder=reminder, total=len(pks))
    base = settings.QDIALOG_BASE_URL.rstrip("/")
    try:
        with get_connection() as connection, translation.override("de"):
            for pk in pks:
                code = AccessCode.objects.filter(pk=pk, used=False).exclude(email="").first()
                if code is None:  # answered or closed in the meantime
                    continue
                link = base + reverse("surveys:respond", args=[code.code])
                body = render_to_string("surveys/email/invitation.txt", {
                    "wave": wave, "link": link, "code": code.code, "reminder": reminder})
                subject = (_("Reminder: %(title)s") if reminder else
                           _("Invitation: %(title)s")) % {"title": wave.instrument.title_de}
                EmailMessage(subject, body, to=[code.email], connection=connection).send()
                today = timezone.localdate()
                AccessCode.objects.filter(pk=pk).update(
                    sent_count=F("sent_count") + 1, last_sent_on=today,
                    **({"reminded_on": today} if reminder else {}))
                MailingRun.objects.filter(pk=run.pk).update(sent=F("sent") + 1)
    except Exception as error:  # noqa: BLE001 - recorded, shown and logged with its context
        run.refresh_from_db()
        log.exception("%s of wave %s stopped after %s of %s e-mails",
                      "reminders" if reminder else "invitations", wave.pk, run.sent, run.total)
        MailingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=f"{type(error).__name__}: {error}"[:300],
            finished_at=timezone.now())
    else:
        MailingRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE,
                                                    finished_at=timezone.now())
    run.refresh_from_db()
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    log_action(actor=actor, action="invite", obj=wave,
               summary=note(_SENT[reminder, run.status == RunStatus.FAILED], count=run.sent,
                            error=run.error))
    return run.sent


def send_invitations(*, wave_id: int, reminder: bool = False, actor_id: int | None = None,
                     sent_before=None):
    return _send(wave_id, reminder, actor_id, sent_before)


@task()
@unscoped("a background task acts on what an authorised service queued")
def send_invitations_task(wave_id: int, reminder: bool = False, actor_id: int | None = None):
    return _send(wave_id, reminder, actor_id)
