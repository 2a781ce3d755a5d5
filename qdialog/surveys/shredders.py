"""What surveys hold that retention periods end: answer sets, their free texts, and the e-mail
addresses of invitations (qdialog/core/shredder.py)."""

from __future__ import annotations

import json

from qdialog.core.shredder import Shredder, months_before

from . import schema
from .models import AccessCode, Response

# An answer or invitation of a programme- or cluster-wide wave carries the municipality its
# code was made for; otherwise the wave's municipality counts.
WHERE = ("municipality", "wave__municipality")


class Answers(Shredder):
    category = "answers"
    municipality_fields = WHERE

    def due(self, programme, before, *, policy, today):
        return Response.objects.filter(wave__programme=programme, submitted_on__lt=before)


class FreeTexts(Shredder):
    """The free-text answers of older answer sets; the rest of the answer set stays."""

    category = "free_texts"

    def due(self, programme, before, *, policy, today):
        older = Response.objects.filter(wave__programme=programme, submitted_on__lt=before) \
            .select_related("wave__instrument")
        if policy.answers is not None:  # those go whole, by the answers' period
            older = older.exclude(submitted_on__lt=months_before(today, policy.answers))
        keys_by_wave, with_texts = {}, []
        for response in older.iterator():
            keys = keys_by_wave.get(response.wave_id)
            if keys is None:
                keys = keys_by_wave[response.wave_id] = {
                    v.name for v in schema.compiled(response.wave.instrument).variables
                    if v.measure == "text"}
            if any(response.answers.get(k) not in (None, "") for k in keys):
                with_texts.append((response, keys))
        return with_texts

    def split(self, items):
        parts: dict = {}
        for response, keys in items:
            key = response.municipality_id or response.wave.municipality_id
            parts.setdefault(key, []).append((response, keys))
        return parts

    def export(self, items):
        data = [{"response": r.pk, "wave": r.wave_id,
                 "texts": {k: r.answers.get(k) for k in keys if r.answers.get(k)}}
                for r, keys in items]
        return {"free_texts.json": json.dumps(data, ensure_ascii=False)}

    def shred(self, items):
        for response, keys in items:
            response.answers = {k: v for k, v in response.answers.items() if k not in keys}
            response.save(update_fields=["answers"])


class InvitationAddresses(Shredder):
    """The e-mail addresses of invitations (the code stays, so an open wave keeps working)."""

    category = "invitation_addresses"
    municipality_fields = WHERE

    def due(self, programme, before, *, policy, today):
        return AccessCode.objects.filter(wave__programme=programme,
                                         wave__opens_on__lt=before).exclude(email="")

    def shred(self, items):
        items.update(email="")
