"""Demo retention periods: what a programme with a data protection concept might agree on. The
demo runs no retention job by itself; the programme page shows what would be due."""

from __future__ import annotations

from .models import RetentionPolicy

PERIODS = {"answers": 60, "free_texts": 24, "case_reviews": 120, "incident_reports": 60,
           "audit_entries": 36, "invitation_addresses": 6,
           "event_registrations": 3}


def load(programme) -> RetentionPolicy:
    return RetentionPolicy.objects.create(programme=programme, **PERIODS)


def step(ctx) -> None:
    """This app's part of the demo programme (registered in apps.py, run by seed-demo)."""
    load(ctx.programme)
