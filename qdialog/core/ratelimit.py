"""Simple fixed-window rate limits in the cache, which production requires to be shared between
processes and servers (the database cache or Redis; settings.py). The client's address is only
hashed into a short-lived cache key, never stored."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind a reverse proxy the header it sets
    (QDIALOG_CLIENT_IP_HEADER, e.g. HTTP_X_REAL_IP – the proxy must overwrite it)."""
    header = settings.QDIALOG_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def address(request) -> str:
    """A keyed hash of the client's address: enough to count, useless to identify."""
    raw = client_address(request) + settings.SECRET_KEY
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def _key(bucket: str, request) -> str:
    return f"qd:rl:{bucket}:{address(request)}"


def count(bucket: str, request) -> int:
    return cache.get(_key(bucket, request), 0)


def record(bucket: str, request, window: int) -> int:
    """Count one event in the bucket; returns the count in the current window."""
    key = _key(bucket, request)
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def hit(bucket: str, request, limit: int, window: int) -> bool:
    """Count one event unless the limit is reached; True when it is (the event is refused)."""
    if count(bucket, request) >= limit:
        return True
    record(bucket, request, window)
    return False
