"""The compiled form of an instrument: what the respondent pages, validation and exports read.

An instrument is compiled once from the database into plain, immutable objects. Frozen instruments
(every instrument a wave has opened with) are cached per process, so showing or checking a
questionnaire costs no queries for its structure.

Values in an answer set (Response.answers), one key per variable:
    a number (scale point, option number, 0/1 for a ticked option, a count), a text,
    "_dk" don't know / no answer, "_na" shown but not answered, "_ns" not shown (condition unmet).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

DONT_KNOW, NOT_ANSWERED, NOT_SHOWN = "_dk", "_na", "_ns"
SPECIAL = (DONT_KNOW, NOT_ANSWERED, NOT_SHOWN)
#: numeric codes of the special values in exports (SPSS user-missing values)
MISSING_CODES = {DONT_KNOW: -2, NOT_ANSWERED: -1, NOT_SHOWN: -3}
MISSING_LABELS = {DONT_KNOW: gettext_lazy("don't know / no answer"),
                  NOT_ANSWERED: gettext_lazy("not answered"),
                  NOT_SHOWN: gettext_lazy("not shown")}
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
DEFAULT_MAX_LENGTH = {"short_text": 200, "long_text": 4000}

ANCHORS = {
    4: {"de": ["trifft nicht zu", "trifft eher nicht zu", "trifft eher zu", "trifft voll zu"],
        "en": ["does not apply", "rather does not apply", "rather applies", "fully applies"],
        "plain": ["stimmt nicht", "stimmt eher nicht", "stimmt eher", "stimmt genau"]},
    5: {"de": ["trifft nicht zu", "trifft eher nicht zu", "teils, teils", "trifft eher zu",
               "trifft voll zu"],
        "en": ["does not apply", "rather does not apply", "partly", "rather applies",
               "fully applies"],
        "plain": ["stimmt nicht", "stimmt eher nicht", "halb und halb", "stimmt eher",
                  "stimmt genau"]},
    7: {"de": ["1 – trifft gar nicht zu", "2", "3", "4", "5", "6", "7 – trifft voll zu"],
        "en": ["1 – does not apply at all", "2", "3", "4", "5", "6", "7 – fully applies"],
        "plain": ["1 – stimmt gar nicht", "2", "3", "4", "5", "6", "7 – stimmt genau"]},
}
DONT_KNOW_LABEL = {"de": "weiß nicht / keine Angabe", "en": "don't know / no answer",
                   "plain": "weiß ich nicht"}


def pick(texts: dict, language: str) -> str:
    """The text in the language, falling back from plain language and English to German."""
    return texts.get(language) or texts.get("de") or ""


@dataclass(frozen=True)
class Choice:
    value: int
    labels: dict

    def label(self, language):
        return pick(self.labels, language)


@dataclass(frozen=True)
class Variable:
    """One column of the data: an item, a matrix row, a ticked option or an 'other' text."""

    name: str
    item: str
    labels: dict
    measure: str  # "scale", "nominal", "binary", "number", "text"
    choices: tuple = ()
    reverse: bool = False
    dimension: str = ""

    def label(self, language="de"):
        return pick(self.labels, language)

    @property
    def numeric(self):
        return self.measure != "text"


@dataclass(frozen=True)
class Row:
    code: str
    labels: dict
    reverse: bool = False


@dataclass(frozen=True)
class CItem:
    code: str
    kind: str
    texts: dict
    helps: dict
    required: bool
    reverse: bool
    points: int | None
    dont_know: bool
    choices: tuple
    allow_other: bool
    rows: tuple
    min_value: int | None
    max_value: int | None
    max_length: int | None
    condition: dict
    dimension: str
    role: str
    section: str

    def text(self, language):
        return pick(self.texts, language)

    def help(self, language):
        return pick(self.helps, language)

    @cached_property
    def field(self):
        return f"q_{self.code}"

    def field_for(self, row_code):
        return f"q_{self.code}__{row_code}"

    @cached_property
    def allowed_values(self) -> frozenset[str]:
        return frozenset(str(c.value) for c in (self.scale if self.kind in ("likert", "matrix")
                                                else self.choices))

    @property
    def text_limit(self):
        return self.max_length or DEFAULT_MAX_LENGTH.get(self.kind, 200)

    @cached_property
    def scale(self):
        """Choices of a rating scale: the anchors unless options were given."""
        if self.choices:
            return self.choices
        anchors = ANCHORS[self.points or 5]
        return tuple(Choice(i + 1, {lang: anchors[lang][i] for lang in anchors})
                     for i in range(self.points or 5))

    @cached_property
    def variables(self) -> list[Variable]:
        if self.kind == "likert":
            return [Variable(self.code, self.code, self.texts, "scale", self.scale,
                             self.reverse, self.dimension)]
        if self.kind == "matrix":
            return [Variable(f"{self.code}__{r.code}", self.code,
                             {lang: f"{pick(self.texts, lang)} – {pick(r.labels, lang)}"
                              for lang in ("de", "en", "plain")},
                             "scale", self.scale, r.reverse, self.dimension) for r in self.rows]
        if self.kind == "single":
            out = [Variable(self.code, self.code, self.texts, "nominal", self.choices)]
        elif self.kind == "multi":
            out = [Variable(f"{self.code}__{c.value}", self.code,
                            {lang: f"{pick(self.texts, lang)} – {pick(c.labels, lang)}"
                             for lang in ("de", "en", "plain")}, "binary")
                   for c in self.choices]
        elif self.kind == "number":
            return [Variable(self.code, self.code, self.texts, "number")]
        else:
            return [Variable(self.code, self.code, self.texts, "text")]
        if self.allow_other:
            out.append(Variable(f"{self.code}__other", self.code,
                                {lang: f"{pick(self.texts, lang)} – other"
                                 for lang in ("de", "en", "plain")}, "text"))
        return out


@dataclass(frozen=True)
class CSection:
    code: str
    titles: dict
    intros: dict
    condition: dict
    items: tuple

    def title(self, language):
        return pick(self.titles, language)

    def intro(self, language):
        return pick(self.intros, language)


@dataclass(frozen=True)
class CInstrument:
    id: int
    version: int
    family: str
    titles: dict
    intros: dict
    paged: bool
    sections: tuple
    frozen: bool = field(default=False)
    dimension_labels: dict = field(default_factory=dict)

    def dimension_label(self, name, language=None):
        """The dimension's name in `language` (by default the active one), else German."""
        language = language or (get_language() or "de")[:2]
        labels = self.dimension_labels.get(name) or {}
        return labels.get(language) or labels.get("de") or name

    def title(self, language):
        return pick(self.titles, language)

    def intro(self, language):
        return pick(self.intros, language)

    @cached_property
    def items(self) -> list[CItem]:
        return [item for section in self.sections for item in section.items]

    @cached_property
    def item_by_code(self) -> dict[str, CItem]:
        return {item.code: item for item in self.items}

    @cached_property
    def variables(self) -> list[Variable]:
        return [v for item in self.items for v in item.variables]

    @cached_property
    def numeric_variables(self) -> list[Variable]:
        return [v for v in self.variables if v.numeric]

    @cached_property
    def variable_by_name(self) -> dict[str, Variable]:
        return {v.name: v for v in self.variables}

    @cached_property
    def field_names(self) -> frozenset[str]:
        names = set()
        for item in self.items:
            if item.kind == "matrix":
                names.update(item.field_for(r.code) for r in item.rows)
            else:
                names.add(item.field)
            if item.allow_other:
                names.add(item.field + "__other")
        return frozenset(names)

    def role_item(self, role):
        return next((i for i in self.items if i.role == role), None)


def _texts(obj, prefix):
    return {lang: getattr(obj, f"{prefix}_{lang}", "") or "" for lang in ("de", "en", "plain")}


def _choices(options) -> tuple:
    out = []
    for number, option in enumerate(options or [], start=1):
        if isinstance(option, str):
            option = {"de": option}
        value = int(option.get("value", number))
        out.append(Choice(value, {lang: option.get(lang, "") for lang in ("de", "en", "plain")}))
    return tuple(out)


def compile_instrument(instrument) -> CInstrument:
    """Build the compiled instrument from the database (two queries)."""
    sections = list(instrument.sections.prefetch_related("items"))
    compiled = []
    for section in sections:
        items = []
        for item in section.items.all():
            items.append(CItem(
                code=item.code, kind=item.kind, texts=_texts(item, "text"),
                helps=_texts(item, "help"), required=item.required,
                reverse=item.reverse_coded, points=item.scale_points,
                dont_know=item.dont_know, choices=_choices(item.options),
                allow_other=item.allow_other,
                rows=tuple(Row(r["code"], {lang: r.get(lang, "") for lang in ("de", "en",
                                                                                 "plain")},
                               bool(r.get("reverse"))) for r in item.rows or []),
                min_value=item.min_value, max_value=item.max_value,
                max_length=item.max_length, condition=item.condition or {},
                dimension=item.dimension, role=item.role, section=section.code))
        compiled.append(CSection(section.code, _texts(section, "title"),
                                 _texts(section, "intro"), section.condition or {},
                                 tuple(items)))
    return CInstrument(instrument.pk, instrument.version, instrument.family,
                       _texts(instrument, "title"), _texts(instrument, "intro"),
                       instrument.paged, tuple(compiled), instrument.is_frozen,
                       dict(instrument.dimension_labels or {}))


_CACHE: dict[tuple[int, str], CInstrument] = {}


def compiled(instrument) -> CInstrument:
    """The compiled instrument; cached per process once the instrument is frozen."""
    if not instrument.is_frozen:
        return compile_instrument(instrument)
    key = (instrument.pk, instrument.frozen_at.isoformat())
    if key not in _CACHE:
        _CACHE[key] = compile_instrument(instrument)
    return _CACHE[key]


# --- conditions --------------------------------------------------------------------------------
def condition_met(condition: dict, answers: dict) -> bool:
    """{"item": variable, "in": [values]}: shown when the earlier answer is one of the values."""
    if not condition:
        return True
    value = answers.get(condition.get("item"))
    if value is None or value in SPECIAL:
        return False
    wanted = {str(v) for v in condition.get("in", [])}
    return str(value) in wanted if wanted else True


def condition_possible(condition: dict, answers: dict) -> bool:
    """Met, or not decided yet because the earlier question is still unanswered."""
    if not condition:
        return True
    if answers.get(condition.get("item")) in (None, NOT_ANSWERED):
        return True
    return condition_met(condition, answers)


def visible(instrument: CInstrument, answers: dict):
    """(section, item) pairs shown for these answers, in order."""
    for section in instrument.sections:
        if not condition_met(section.condition, answers):
            continue
        for item in section.items:
            if condition_met(item.condition, answers):
                yield section, item


# --- parsing and validation ----------------------------------------------------------------------
class Problems(dict):
    """Field name → message; plus `foreign` for posted fields that are not in the instrument."""

    foreign: list
    missing: set


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def parse(instrument: CInstrument, data, *, sections=None, require=True,
          base: dict | None = None):
    """Read the posted fields of `sections` (all when None) into answers, and check them.

    `data` is a QueryDict (or dict of lists). Returns (answers, problems). Answers of items that
    are not shown for the resulting answers become "_ns"; required items missing give a problem
    only when `require` is true.
    """
    answers = dict(base or {})
    problems = Problems()
    problems.missing = set()
    problems.foreign = sorted(
        key for key in getattr(data, "keys", list)()
        if key.startswith("q_") and key not in instrument.field_names)
    wanted = set(sections) if sections is not None else None

    def values(name):
        if hasattr(data, "getlist"):
            return [v for v in data.getlist(name) if v != ""]
        raw = data.get(name, [])
        return [v for v in (raw if isinstance(raw, list) else [raw]) if v != ""]

    for section in instrument.sections:
        if wanted is not None and section.code not in wanted:
            continue
        for item in section.items:
            _parse_item(item, values, answers, problems)
    # conditions: what is not shown is recorded as not shown, and need not be answered
    shown = {item.code for _, item in visible(instrument, answers)}
    for section in instrument.sections:
        if wanted is not None and section.code not in wanted:
            continue
        for item in section.items:
            if item.code not in shown:
                for variable in item.variables:
                    answers[variable.name] = NOT_SHOWN
                for key in [k for k in problems if k.startswith(item.field)]:
                    del problems[key]
            elif (require and item.required and _unanswered(item, answers)
                  and item.field not in problems):
                problems[item.field] = _("Please answer this question.")
                problems.missing.add(item.field)
    return answers, problems


def _unanswered(item: CItem, answers: dict) -> bool:
    names = [v.name for v in item.variables if not v.name.endswith("__other")]
    if item.kind == "multi":
        ticked = any(answers.get(n) == 1 for n in names)
        return not ticked and answers.get(f"{item.code}__other") in (None, NOT_ANSWERED)
    if item.kind == "matrix":
        return any(answers.get(n) in (None, NOT_ANSWERED) for n in names)
    return answers.get(item.code) in (None, NOT_ANSWERED)


def _parse_item(item: CItem, values, answers: dict, problems: Problems) -> None:
    allowed = item.allowed_values
    if item.kind in ("likert", "single"):
        raw = values(item.field)
        answers[item.code] = NOT_ANSWERED
        if len(raw) > 1:
            problems[item.field] = _("Please choose only one answer.")
        elif raw:
            if raw[0] == DONT_KNOW and item.dont_know:
                answers[item.code] = DONT_KNOW
            elif raw[0] in allowed:
                answers[item.code] = int(raw[0])
            else:
                problems[item.field] = _("Please choose one of the offered answers.")
    elif item.kind == "matrix":
        for row in item.rows:
            name, raw = f"{item.code}__{row.code}", values(item.field_for(row.code))
            answers[name] = NOT_ANSWERED
            if len(raw) > 1 or (raw and raw[0] not in allowed
                                and not (raw[0] == DONT_KNOW and item.dont_know)):
                problems[item.field] = _("Please choose one of the offered answers in "
                                         "every row.")
            elif raw:
                answers[name] = DONT_KNOW if raw[0] == DONT_KNOW else int(raw[0])
    elif item.kind == "multi":
        raw = values(item.field)
        if any(v not in allowed for v in raw) or len(set(raw)) != len(raw):
            problems[item.field] = _("Please choose among the offered answers.")
        for choice in item.choices:
            answers[f"{item.code}__{choice.value}"] = 1 if str(choice.value) in raw else 0
    elif item.kind == "number":
        raw = values(item.field)
        answers[item.code] = NOT_ANSWERED
        if raw:
            number = _int(raw[0].strip())
            if number is None or len(raw) > 1:
                problems[item.field] = _("Please enter a whole number.")
            elif ((item.min_value is not None and number < item.min_value)
                  or (item.max_value is not None and number > item.max_value)):
                problems[item.field] = _("Please enter a number between %(min)s and %(max)s.") % {
                    "min": item.min_value if item.min_value is not None else "…",
                    "max": item.max_value if item.max_value is not None else "…"}
            else:
                answers[item.code] = number
    else:  # short and long text
        raw = values(item.field)
        answers[item.code] = NOT_ANSWERED
        if len(raw) > 1:
            problems[item.field] = _("Please enter one text only.")
        elif raw and raw[0].strip():
            text = raw[0].strip().replace("\r\n", "\n")
            if len(text) > item.text_limit:
                problems[item.field] = _("Please use at most %(n)s characters (you used "
                                         "%(used)s).") % {"n": item.text_limit,
                                                          "used": len(text)}
            else:
                answers[item.code] = text
    if item.allow_other and item.kind in ("single", "multi"):
        raw = values(item.field + "__other")
        other = raw[0].strip() if raw else ""
        if len(other) > 200:
            problems[item.field] = _("Please describe “other” in at most 200 characters.")
        answers[f"{item.code}__other"] = other or NOT_ANSWERED


def answered_share(instrument: CInstrument, answers: dict) -> tuple[int, int]:
    """(answered, shown) items, for the progress shown to respondents."""
    shown = [item for _, item in visible(instrument, answers)]
    done = sum(1 for item in shown if not _unanswered(item, answers))
    return done, len(shown)


#: float64 codes of the special values in Response.vector
SENTINELS = {DONT_KNOW: -1_000_000_001.0, NOT_ANSWERED: -1_000_000_002.0,
             NOT_SHOWN: -1_000_000_003.0}


def vectorize(instrument: CInstrument, answers: dict) -> bytes:
    """The numeric answers as float64 bytes, in the order of the numeric variables."""
    out = []
    for variable in instrument.numeric_variables:
        value = answers.get(variable.name)
        if isinstance(value, str):
            out.append(SENTINELS.get(value, float("nan")))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append(float(value))
        else:
            out.append(float("nan"))
    return struct.pack(f"<{len(out)}d", *out)
