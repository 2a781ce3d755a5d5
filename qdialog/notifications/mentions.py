"""Mentions: „@Mia Koordination“ or „@mia@example.org“ in a comment or a note tells that person
(if they are among the people who may read it)."""

from __future__ import annotations

import re


def _keys(user) -> list[str]:
    keys = [user.email.casefold()]
    if user.display_name:
        keys.append(" ".join(user.display_name.split()).casefold())
    return keys


def mentioned(text: str, candidates) -> set:
    """The people of `candidates` that `text` mentions with an @ before their name or address."""
    flat = " ".join((text or "").split()).casefold()
    if "@" not in flat:
        return set()
    found = set()
    for user in candidates:
        for key in _keys(user):
            # the name or address right after an @, and not running on into a longer word
            if re.search(r"(?:^|[\s(„\"'])@" + re.escape(key) + r"(?![\w@.-]*\w)", flat):
                found.add(user)
                break
    return found
