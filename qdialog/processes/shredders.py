"""What the retention settings delete from events (registered in apps.py)."""

from __future__ import annotations

from qdialog.core.shredder import Shredder

from .models import Registration


class EventRegistrations(Shredder):
    """The names and addresses of people who registered on an event's registration page,
    once the event is over by the period. The organisation and the number of people stay, so
    the attendance of the event is still told."""

    category = "event_registrations"
    municipality_fields = ("event__process__municipality",)

    def due(self, programme, before, *, policy, today):
        return Registration.objects.filter(
            event__process__programme=programme, event__ends_at__date__lt=before).exclude(
            name="", email="")

    def shred(self, items):
        items.update(name="", email="")
