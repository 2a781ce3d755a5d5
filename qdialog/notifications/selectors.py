"""Reads: a person's notices and settings."""

from __future__ import annotations

from .models import Notification


def notices(user, limit: int = 100):
    return Notification.objects.filter(user=user)[:limit]


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read=False).count()


def person_data(user) -> dict:
    """What this app holds about a person, for their data export (accounts/personal_data)."""
    from .services import channels

    return {"notification_settings": [{"kind": k, "channel": c}
                                      for k, c in channels(user).items()],
            "notifications": [{"text": n.text, "url": n.url, "at": n.created_at.isoformat(),
                               "read": n.read} for n in Notification.objects.filter(user=user)]}
