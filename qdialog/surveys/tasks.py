"""Background work for surveys: sending invitations and reminders (django-tasks)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from qdialog.core.audit import log_action

from .models import AccessCode, CodeKind, Wave, WaveStatus


def _send(wave_id: int, reminder: bool, actor_id: int | None = None) -> int:
    wave = Wave.objects.select_related("instrument").get(pk=wave_id)
    if wave.status == WaveStatus.CLOSED:
        return 0
    codes = AccessCode.objects.filter(wave=wave, kind=CodeKind.INVITATION, used=False) \
        .exclude(email="")
    codes = codes.filter(sent_count__gt=0) if reminder else codes.filter(sent_count=0)
    base = settings.QDIALOG_BASE_URL.rstrip("/")
    sent = 0
    with get_connection() as connection, translation.override("de"):
        for code in codes.iterator():
            link = base + reverse("surveys:respond", args=[code.code])
            body = render_to_string("surveys/email/invitation.txt", {
                "wave": wave, "link": link, "code": code.code, "reminder": reminder})
            subject = (("Erinnerung: " if reminder else "Einladung: ")
                       + wave.instrument.title_de)
            EmailMessage(subject, body, to=[code.email], connection=connection).send()
            sent += 1
    AccessCode.objects.filter(pk__in=codes.values("pk")).update(
        sent_count=F("sent_count") + 1, last_sent_on=timezone.localdate())
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    log_action(actor=actor, action="invite", obj=wave,
               summary=f"{sent} {'reminders' if reminder else 'invitations'} sent")
    return sent


def send_invitations(*, wave_id: int, reminder: bool = False, actor_id: int | None = None):
    return _send(wave_id, reminder, actor_id)


@task()
def send_invitations_task(wave_id: int, reminder: bool = False, actor_id: int | None = None):
    return _send(wave_id, reminder, actor_id)


