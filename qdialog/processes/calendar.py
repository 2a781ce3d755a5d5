"""Events as iCalendar (RFC 5545): the download of one event, the subscription feed, and the
attachment of an invitation e-mail (METHOD:REQUEST, or METHOD:CANCEL when it is called off).

The UID names the event and the host of qdialog without a port, so a calendar recognises the
same event whether it came by e-mail, by download or by subscription, on every installation
address (development port included); SEQUENCE counts the changes sent out."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone


def uid(event) -> str:
    host = urlsplit(settings.QDIALOG_BASE_URL).hostname or "qdialog.invalid"
    return f"event-{event.pk}@{host}"


def calendar_event(event, *, cancelled: bool | None = None):
    from icalendar import Event as CalendarEvent

    item = CalendarEvent()
    item.add("uid", uid(event))
    item.add("dtstamp", timezone.now())
    item.add("sequence", event.sequence)
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    cancelled = event.cancelled if cancelled is None else cancelled
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if event.place:
        item.add("location", event.place)
    description = event.description
    if event.online_link:
        description = f"{description}\n{event.online_link}".strip()
        item.add("url", event.online_link)
    if description:
        item.add("description", description)
    return item


def calendar(events, name: str, *, method: str = ""):
    from icalendar import Calendar

    result = Calendar()
    result.add("prodid", "-//qdialog//Qualitätsdialog//DE")
    result.add("version", "2.0")
    if method:
        result.add("method", method)
    result.add("x-wr-calname", name)
    for event in events:
        result.add_component(calendar_event(event))
    return result
