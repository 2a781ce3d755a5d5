"""Writes: a notice for the people an event concerns (called by the other apps' services),
a person's choices, what they have read.

A notice names what happened and links to the page; it never carries the content of a text
(a comment, a report) – the page shows that, to whom may see it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from qdialog.core.audit import unaudited
from qdialog.core.notes import note

from .models import DEFAULTS, Channel, Kind, Notification, Preference


def channels(user) -> dict[str, str]:
    """{kind: channel} for the person, their choice or the default."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind, DEFAULTS[kind]) for kind in Kind.values}


@unaudited("a notice to a person: what it tells of is audited by the service that calls it")
def notify(*, users, kind: str, programme, template: str, url: str = "", actor=None,
           **params) -> list[Notification]:
    """A notice of `kind` for each of `users` (never the actor themself, nobody inactive, nobody
    who turned the kind off); those who want it at once get it by e-mail after the commit."""
    made = []
    for user in {u for u in users if u is not None and u.is_active and u != actor}:
        channel = channels(user)[kind]
        if channel == Channel.OFF:
            continue
        made.append(Notification.objects.create(
            user=user, programme=programme, kind=kind, template=template,
            params=note(template, **params).params, url=url, channel=channel))
    immediate = [n.pk for n in made if n.channel == Channel.IMMEDIATE]
    if immediate:
        from . import tasks

        transaction.on_commit(lambda: tasks.send_now_task.enqueue(notification_ids=immediate))
    return made


@unaudited("a person's own notification settings: no tenant's data")
@transaction.atomic
def preferences_save(*, user, choices: dict[str, str]) -> list[str]:
    """Store the person's channel per kind; returns the kinds that changed."""
    before = channels(user)
    changed = [kind for kind, channel in choices.items() if before.get(kind) != channel]
    for kind in changed:
        Preference.objects.update_or_create(user=user, kind=kind,
                                            defaults={"channel": choices[kind]})
    return changed


@unaudited("a person marks their own notices read")
def mark_read(*, user, ids=None) -> int:
    """Mark the person's notices read (all of them, or those with `ids`)."""
    notices = Notification.objects.filter(user=user, read=False)
    if ids is not None:
        notices = notices.filter(pk__in=ids)
    return notices.update(read=True)


def notify_mentions(*, text: str, candidates, programme, url: str, where: str,
                    actor=None) -> list[Notification]:
    """Tell the people of `candidates` (those who may read the text) whom `text` mentions."""
    from .mentions import mentioned

    people = mentioned(text, candidates)
    if not people:
        return []
    return notify(users=people, kind=Kind.MENTION, programme=programme, url=url, actor=actor,
                  template=gettext_noop("%(person)s mentioned you in %(where)s"),
                  person=(getattr(actor, "display_name", "") or getattr(actor, "email", "")
                          or "qdialog"), where=where)
