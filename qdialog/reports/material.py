"""What the qualitative analysis takes from the reports: the free texts a coordinator released
(registered in `core.registry.released_texts` from ReportsConfig.ready(), so that the
qualitative analysis, below reports in the layers, reads them without importing reports)."""

from __future__ import annotations

from collections import defaultdict

from qdialog.surveys.models import Response

from .models import ReleasedText
from .services import fingerprint


def released_texts(*, waves, municipality_ids=None, groups: bool = False) -> list[dict]:
    """The released free texts of the waves – of the given municipalities only, unless
    `municipality_ids` is None – as plain records. With `groups`, each record carries the
    (perspective, professional system) pairs of the answer sets whose answer to the question is
    the text; the caller decides which of them may be shown."""
    released = ReleasedText.objects.filter(wave__in=waves, released=True)
    if municipality_ids is not None:
        released = released.filter(municipality_id__in=list(municipality_ids))
    rows = [{"wave_id": r.wave_id, "municipality_id": r.municipality_id,
             "variable": r.variable, "text": r.text, "fingerprint": r.fingerprint,
             "groups": []}
            for r in released.only("wave_id", "municipality_id", "variable", "text",
                                   "fingerprint")]
    if not groups or not rows:
        return rows
    wanted: dict[tuple, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        wanted[(row["wave_id"], row["municipality_id"])][row["variable"]].add(row["fingerprint"])
    found: dict[tuple, set] = defaultdict(set)
    for (wave_id, municipality_id), variables in wanted.items():
        answer_sets = Response.objects.filter(wave_id=wave_id, municipality_id=municipality_id)
        for perspective, system, answers in answer_sets.values_list(
                "perspective", "professional_system", "answers").iterator():
            for variable, prints in variables.items():
                text = answers.get(variable)
                if isinstance(text, str) and text.strip() and fingerprint(text) in prints:
                    found[(wave_id, municipality_id, variable, fingerprint(text))].add(
                        (perspective, system))
    for row in rows:
        key = (row["wave_id"], row["municipality_id"], row["variable"], row["fingerprint"])
        row["groups"] = sorted(found.get(key, ()))
    return rows
