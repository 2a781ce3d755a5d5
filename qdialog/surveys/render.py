"""Rendering questionnaire sections. A section without answers or errors is rendered once per
language and instrument version and then served from memory: every respondent of a wave gets the
same markup, so no request pays for rendering 40 questions again."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from . import schema

_SECTION_CACHE: dict[tuple, str] = {}


@dataclass
class ChoiceView:
    value: str
    label: str
    checked: bool
    id: str


@dataclass
class ItemView:
    item: schema.CItem
    language: str
    answers: dict
    error: str = ""

    @property
    def text(self):
        return self.item.text(self.language)

    @property
    def help(self):
        return self.item.help(self.language)

    @property
    def id(self):
        return f"f-{self.item.code}"

    @property
    def described_by(self):
        ids = []
        if self.error:
            ids.append(f"{self.id}-error")
        if self.help:
            ids.append(f"{self.id}-hint")
        return " ".join(ids)

    @property
    def condition_attrs(self):
        cond = self.item.condition
        if not cond:
            return ""
        values = ",".join(str(v) for v in cond.get("in", []))
        return f'data-condition-item="{cond["item"]}" data-condition-in="{values}"'

    def _choices(self, choices, name, current, dont_know):
        out = [ChoiceView(str(c.value), c.label(self.language), str(current) == str(c.value),
                          f"{name}-{c.value}") for c in choices]
        if dont_know:
            out.append(ChoiceView(schema.DONT_KNOW, schema.DONT_KNOW_LABEL[self.language],
                                  current == schema.DONT_KNOW, f"{name}-dk"))
        return out

    @property
    def choices(self):
        item = self.item
        if item.kind in ("likert",):
            return self._choices(item.scale, item.field, self.answers.get(item.code),
                                 item.dont_know)
        if item.kind == "single":
            return self._choices(item.choices, item.field, self.answers.get(item.code),
                                 item.dont_know)
        if item.kind == "multi":
            return [ChoiceView(str(c.value), c.label(self.language),
                               self.answers.get(f"{item.code}__{c.value}") == 1,
                               f"{item.field}-{c.value}") for c in item.choices]
        return []

    @property
    def rows(self):
        item = self.item
        return [{"label": schema.pick(r.labels, self.language), "field": item.field_for(r.code),
                 "id": f"{self.id}-{r.code}",
                 "choices": self._choices(item.scale, item.field_for(r.code),
                                          self.answers.get(f"{item.code}__{r.code}"),
                                          item.dont_know)}
                for r in item.rows]

    @property
    def value(self):
        value = self.answers.get(self.item.code)
        return "" if value is None or value in schema.SPECIAL else value

    @property
    def other_value(self):
        value = self.answers.get(f"{self.item.code}__other")
        return "" if value is None or value in schema.SPECIAL else value

    @property
    def other_label(self):
        return {"de": "Sonstiges, und zwar:", "en": "Other, namely:",
                "plain": "Etwas anderes:"}[self.language]


def ui_language(language: str) -> str:
    return "en" if language == "en" else "de"


def section_html(instrument: schema.CInstrument, section: schema.CSection, language: str,
                 answers: dict | None = None, problems: dict | None = None) -> str:
    """The markup of one section; cached when nothing is filled in and the instrument is frozen."""
    key = (instrument.id, instrument.version, section.code, language)
    blank = not answers and not problems
    if blank and instrument.frozen and key in _SECTION_CACHE:
        return _SECTION_CACHE[key]
    answers, problems = answers or {}, problems or {}
    views = [ItemView(item, language, answers, problems.get(item.field, ""))
             for item in section.items]
    with translation.override(ui_language(language)):
        html = render_to_string("surveys/_section.html", {
            "section": section, "title": section.title(language),
            "intro": section.intro(language), "items": views})
    if blank and instrument.frozen:
        _SECTION_CACHE[key] = html
    return html


def hidden_fields(instrument: schema.CInstrument, answers: dict, sections) -> list[tuple]:
    """(name, value) pairs carrying the answers of sections not on this page."""
    out = []
    skip = {s.code for s in sections}
    for section in instrument.sections:
        if section.code in skip:
            continue
        for item in section.items:
            if item.kind == "matrix":
                for row in item.rows:
                    value = answers.get(f"{item.code}__{row.code}")
                    if value is not None and value not in (schema.NOT_ANSWERED,
                                                           schema.NOT_SHOWN):
                        out.append((item.field_for(row.code), value))
            elif item.kind == "multi":
                out.extend((item.field, c.value) for c in item.choices
                           if answers.get(f"{item.code}__{c.value}") == 1)
            else:
                value = answers.get(item.code)
                if value is not None and value not in (schema.NOT_ANSWERED, schema.NOT_SHOWN):
                    out.append((item.field, value))
            if item.allow_other:
                other = answers.get(f"{item.code}__other")
                if other not in (None, schema.NOT_ANSWERED, schema.NOT_SHOWN):
                    out.append((item.field + "__other", other))
    return out
