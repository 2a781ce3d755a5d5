"""Small registries through which higher apps plug into lower ones, so that a lower app never
imports a higher one: the demo programme, and whatever else grows across apps.

An app registers in its AppConfig.ready() by dotted path, e.g.

    demo_steps.register("qdialog.incidents.demo.step", order=40)

and the lower app (here tenancy's seed-demo) runs `for step in demo_steps: step(context)`
without knowing who registered. Dotted paths keep start-up light: nothing is imported until
the registry is used.
"""

from __future__ import annotations

from django.utils.module_loading import import_string


class Registry:
    def __init__(self, name: str):
        self.name = name
        self._entries: dict[str, int] = {}

    def register(self, path: str, *, order: int = 100) -> None:
        self._entries[path] = order

    def __iter__(self):
        for path, _ in sorted(self._entries.items(), key=lambda e: (e[1], e[0])):
            yield import_string(path)

    def paths(self) -> list[str]:
        return [p for p, _ in sorted(self._entries.items(), key=lambda e: (e[1], e[0]))]


#: steps that add an app's part to the demo programme: step(context) with the DemoContext of
#: qdialog/tenancy/demo.py (programme, institute, the first model municipality, its people)
demo_steps = Registry("demo")

#: what each app holds about a person: person_data(user) -> {section: [records]}, for the
#: person's data export (DSGVO Art. 15/20, accounts/personal_data.py)
person_data = Registry("personal data")

#: what a process's timeline shows besides its phases and events: source(process) -> entries
#: ({"date", "end", "kind", "object"}), e.g. the survey waves of its municipality
timeline_sources = Registry("timeline")

#: what an app holds that a retention period can end: dotted paths to Shredder subclasses
#: (qdialog/core/shredder.py), run by qdialog/retention in their order
shredders = Registry("retention")

#: which organisations of a municipality took part in the network's life: source(municipality)
#: -> set of organisation ids (processes: invited to an event of the municipality or its cluster);
#: the network map names the organisations that appear in none
network_participation = Registry("network participation")
#: notices an app makes once a day, before the digests go out: notices(today) -> None, calling
#: notifications.services.notify (e.g. incidents: "n reports wait for the anonymity check" –
#: counted once a day, so no notice ties a report to the moment it came in)
daily_notices = Registry("daily notices")
#: the free texts a coordinator released, for the qualitative analysis (reports/material.py):
#: source(*, waves, municipality_ids=None, groups=False) -> [{"wave_id", "municipality_id",
#: "variable", "text", "fingerprint", "groups"}], "groups" being the (perspective, professional
#: system) pairs of the answer sets that hold the text (only asked for with groups=True)
released_texts = Registry("released free texts")
