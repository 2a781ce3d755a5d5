"""Writes for instruments, waves, codes and answer sets.

Every function takes the acting person (None for anonymous respondents), runs in one transaction
and, where a person acts, leaves an audit entry. Answer sets are never audited individually: the
audit log must not become a link between a time and an answer set.
"""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from qdialog.core.audit import (
    instance_create,
    instance_delete,
    instance_update,
    log_action,
    unaudited,
)
from qdialog.core.fields import random_id
from qdialog.core.notes import note

from . import mixing, schema, signals, submission
from .models import (
    AccessCode,
    CodeKind,
    Instrument,
    Item,
    Section,
    SubmissionToken,
    Wave,
    WaveStatus,
    new_code,
)

FROZEN_MESSAGE = gettext_lazy("This instrument is in use by a wave and can no longer change. "
                              "Copy it to a new version to make changes.")


def _refuse_if_frozen(instrument: Instrument) -> None:
    if instrument.is_frozen:
        raise ValidationError(FROZEN_MESSAGE)


# --- instruments ---------------------------------------------------------------------------------
ITEM_FIELDS = ["code", "kind", "text_de", "text_en", "text_plain", "help_de", "help_en",
               "help_plain", "required", "reverse_coded", "scale_points", "dont_know", "options",
               "allow_other", "rows", "min_value", "max_value", "max_length", "condition",
               "dimension", "role"]
SECTION_FIELDS = ["code", "title_de", "title_en", "title_plain", "intro_de", "intro_en",
                  "intro_plain", "condition"]


def check_item_code(instrument: Instrument, code: str, *, exclude_pk=None) -> None:
    if not schema.CODE_RE.match(code or ""):
        raise ValidationError({"code": _("Use letters, digits and underscores, starting with "
                                         "a letter (at most 40).")})
    clash = Item.objects.filter(section__instrument=instrument, code=code)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"code": _("Another question of this instrument has this "
                                         "code.")})


@transaction.atomic
def instrument_create_from_spec(*, actor, programme, spec: dict, municipality=None,
                                version: int | None = None) -> Instrument:
    """Create an instrument with its sections and items from a plain dictionary."""
    if version is None:
        version = (Instrument.objects.filter(programme=programme, family=spec["family"])
                   .aggregate(v=Max("version"))["v"] or 0) + 1
    instrument = Instrument(
        programme=programme, municipality=municipality, family=spec["family"], version=version,
        **{k: spec.get(k, "") for k in ["title_de", "title_en", "title_plain", "intro_de",
                                          "intro_en", "intro_plain"]},
        paged=spec.get("paged", True), dimension_labels=spec.get("dimension_labels", {}))
    instrument.full_clean()
    instrument.save()
    seen = set()
    for s_pos, s_spec in enumerate(spec.get("sections", [])):
        section = Section(instrument=instrument, position=s_pos,
                          **{k: s_spec.get(k, {} if k == "condition" else "")
                             for k in SECTION_FIELDS})
        section.full_clean(exclude=["instrument"])
        section.save()
        items = []
        for i_pos, i_spec in enumerate(s_spec.get("items", [])):
            if i_spec["code"] in seen or not schema.CODE_RE.match(i_spec["code"]):
                raise ValidationError(_("Question code %(code)s is invalid or used twice.")
                                      % {"code": i_spec["code"]})
            seen.add(i_spec["code"])
            item = Item(section=section, position=i_pos,
                        **{k: v for k, v in i_spec.items() if k in ITEM_FIELDS})
            item.full_clean(exclude=["section"])
            items.append(item)
        Item.objects.bulk_create(items)
    log_action(actor=actor, action="create", obj=instrument,
               summary=note(gettext_noop("%(family)s version %(version)s"),
                            family=spec["family"], version=version))
    return instrument


def instrument_spec(instrument: Instrument) -> dict:
    """The instrument as a plain dictionary (for copies and exports of the structure)."""
    return {
        "family": instrument.family, "paged": instrument.paged,
        "dimension_labels": instrument.dimension_labels,
        **{k: getattr(instrument, k) for k in ["title_de", "title_en", "title_plain",
                                               "intro_de", "intro_en", "intro_plain"]},
        "sections": [
            {**{k: getattr(section, k) for k in SECTION_FIELDS},
             "items": [{k: getattr(item, k) for k in ITEM_FIELDS}
                       for item in section.items.all()]}
            for section in instrument.sections.prefetch_related("items")
        ],
    }


@transaction.atomic
def instrument_copy(*, actor, instrument: Instrument, municipality=None) -> Instrument:
    """A new, editable version with the same identifier and item codes."""
    copy = instrument_create_from_spec(
        actor=actor, programme=instrument.programme, spec=instrument_spec(instrument),
        municipality=municipality if municipality is not None else instrument.municipality)
    copy.previous = instrument
    copy.save(update_fields=["previous"])
    return copy


@transaction.atomic
def instrument_update(*, actor, instrument: Instrument, fields: dict) -> dict:
    _refuse_if_frozen(instrument)
    return instance_update(actor=actor, instance=instrument, fields=fields)


@transaction.atomic
def section_save(*, actor, instrument: Instrument, fields: dict,
                 section: Section | None = None) -> Section:
    _refuse_if_frozen(instrument)
    if section is None:
        position = (instrument.sections.aggregate(p=Max("position"))["p"] or 0) + 1
        return instance_create(actor=actor, instance=Section(instrument=instrument,
                                                             position=position, **fields))
    instance_update(actor=actor, instance=section, fields=fields)
    return section


@transaction.atomic
def _refuse_incomparable(instrument, fields: dict, item: Item | None) -> None:
    """A question already answered in a wave (same code, an earlier version of the same
    instrument that is in use) keeps what makes its answers comparable: its type, its scale,
    its coding direction, its dimension and its rows. A change there would compare unlike
    answers across the waves without anyone noticing; a new question needs a new code."""
    code = fields.get("code", item.code if item else "")
    used = (Item.objects.filter(section__instrument__programme_id=instrument.programme_id,
                                section__instrument__family=instrument.family,
                                section__instrument__frozen_at__isnull=False, code=code)
            .exclude(section__instrument=instrument)
            .select_related("section__instrument").order_by("-section__instrument__version")
            .first())
    if used is None:
        return
    version = used.section.instrument.version

    def rows(value):
        return [(r.get("code"), bool(r.get("reverse"))) for r in value or []]

    checks = {
        "kind": (used.kind, fields.get("kind", used.kind)),
        "scale_points": (used.scale_points, fields.get("scale_points", used.scale_points)),
        "reverse_coded": (used.reverse_coded,
                          fields.get("reverse_coded", used.reverse_coded)),
        "dimension": (used.dimension, fields.get("dimension", used.dimension)),
        "rows_text": (rows(used.rows), rows(fields.get("rows", used.rows))),
    }
    errors = {}
    for name, (before, after) in checks.items():
        if before != after:
            errors[name] = ValidationError(
                _("Question %(code)s was answered with version %(version)s of this instrument. "
                  "Changing this would compare different answers across the waves. Keep it "
                  "as it was, or give the question a new code: it is then a new question, "
                  "which the waves do not compare."),
                params={"code": code, "version": version})
    if errors:
        raise ValidationError(errors)


def item_save(*, actor, section: Section, fields: dict, item: Item | None = None) -> Item:
    _refuse_if_frozen(section.instrument)
    check_item_code(section.instrument, fields.get("code", item.code if item else ""),
                    exclude_pk=item.pk if item else None)
    _refuse_incomparable(section.instrument, fields, item)
    if item is None:
        position = (section.items.aggregate(p=Max("position"))["p"] or 0) + 1
        return instance_create(actor=actor, instance=Item(section=section, position=position,
                                                          **fields))
    instance_update(actor=actor, instance=item, fields=fields)
    return item


@transaction.atomic
def element_delete(*, actor, element) -> None:
    instrument = element.instrument if isinstance(element, Section) else \
        element.section.instrument
    _refuse_if_frozen(instrument)
    instance_delete(actor=actor, instance=element)


@transaction.atomic
def element_move(*, actor, element, direction: int) -> None:
    """Move a section or an item one place up (-1) or down (+1) among its siblings."""
    if isinstance(element, Section):
        siblings = list(element.instrument.sections.all())
        _refuse_if_frozen(element.instrument)
    else:
        siblings = list(element.section.items.all())
        _refuse_if_frozen(element.section.instrument)
    index = next(i for i, s in enumerate(siblings) if s.pk == element.pk)
    target = index + direction
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, sibling in enumerate(siblings):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
        log_action(actor=actor, action="update", obj=element,
                   summary=note(gettext_noop("moved up") if direction < 0
                                else gettext_noop("moved down")))


# --- waves ---------------------------------------------------------------------------------------
@transaction.atomic
def wave_create(*, actor, instrument: Instrument, fields: dict) -> Wave:
    wave = Wave(instrument=instrument, programme=instrument.programme, **fields)
    return instance_create(actor=actor, instance=wave)


@transaction.atomic
def wave_update(*, actor, wave: Wave, fields: dict) -> dict:
    if wave.has_opened:
        fixed = [f for f in Wave.ANONYMITY_FIELDS if f in fields
                 and fields[f] != getattr(wave, f)]
        if fixed:
            raise ValidationError(_("The anonymity settings of a wave are fixed once it has "
                                    "opened."))
    return instance_update(actor=actor, instance=wave, fields=fields)


@transaction.atomic
def wave_open(*, actor, wave: Wave) -> None:
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status == WaveStatus.OPEN:
        return
    instrument = wave.instrument
    if not instrument.items_exist():
        raise ValidationError(_("The instrument has no questions yet."))
    if not instrument.is_frozen:
        instrument.frozen_at = timezone.now()
        instrument.save(update_fields=["frozen_at"])
    now = timezone.now()
    wave.status = WaveStatus.OPEN
    wave.opened_at = wave.opened_at or now
    wave.save(update_fields=["status", "opened_at"])
    log_action(actor=actor, action="update", obj=wave, summary=note(gettext_noop("opened")),
               changes={"status": ["draft", "open"]})


@transaction.atomic
def wave_close(*, actor, wave: Wave) -> None:
    """Close: no more answers; invitation addresses, drafts and submission tokens are deleted."""
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    wave.status = WaveStatus.CLOSED
    wave.closed_at = timezone.now()
    wave.save(update_fields=["status", "closed_at"])
    AccessCode.objects.filter(wave=wave).exclude(email="").update(email="")
    AccessCode.objects.filter(wave=wave, draft__isnull=False).update(draft=None)
    SubmissionToken.objects.filter(wave=wave).delete()
    mixing.responses_mix(wave=wave)
    log_action(actor=actor, action="update", obj=wave,
               summary=note(gettext_noop("closed; invitation addresses and drafts deleted")),
               changes={"status": ["open", "closed"]})
    transaction.on_commit(mixing.reclaim_space)
    transaction.on_commit(lambda: signals.wave_closed.send(sender=Wave, wave=wave))


@transaction.atomic
def wave_reopen(*, actor, wave: Wave, closes_on=None) -> None:
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    refuse_if_published(wave)
    changes = {"status": [wave.status, "open"]}
    wave.status = WaveStatus.OPEN
    if closes_on is not None:
        changes["closes_on"] = [wave.closes_on.isoformat(), closes_on.isoformat()]
        wave.closes_on = closes_on
    wave.full_clean()
    wave.save(update_fields=["status", "closes_on"])
    log_action(actor=actor, action="update", obj=wave, summary=note(gettext_noop("reopened")),
               changes=changes)


@transaction.atomic
def wave_extend(*, actor, wave: Wave, closes_on) -> dict:
    return instance_update(actor=actor, instance=wave, fields={"closes_on": closes_on},
                           summary=note(gettext_noop("extended")))


PUBLISHED_MESSAGE = gettext_lazy(
    "The results of this wave have been published, so no answers can be added any more: the "
    "difference between two states of the results would give the late answers away. Start a "
    "new wave instead.")


def refuse_if_published(wave: Wave) -> None:
    if wave.results_published_on is not None:
        raise ValidationError(PUBLISHED_MESSAGE)


# --- codes ---------------------------------------------------------------------------------------
def _unique_codes(n: int) -> list[str]:
    codes = set()
    while len(codes) < n:
        codes.add(new_code())
    existing = set(AccessCode.objects.filter(code__in=codes).values_list("code", flat=True))
    return [c for c in codes if c not in existing]


@transaction.atomic
def codes_generate(*, actor, wave: Wave, count: int, municipality=None) -> list[AccessCode]:
    if not 1 <= count <= 5000:
        raise ValidationError(_("Make between 1 and 5,000 codes at a time."))
    municipality = wave.municipality or municipality
    codes = [AccessCode(wave=wave, code=c, kind=CodeKind.PERSONAL, municipality=municipality)
             for c in _unique_codes(count)]
    AccessCode.objects.bulk_create(codes)
    log_action(actor=actor, action="create", obj=wave,
               summary=note(gettext_noop("%(count)s personal codes for %(municipality)s"),
                            count=len(codes), municipality=municipality) if municipality
               else note(gettext_noop("%(count)s personal codes"), count=len(codes)),
               municipality_id=municipality.pk if municipality is not None else None)
    return codes


@transaction.atomic
def group_code_get(*, actor, wave: Wave, municipality=None) -> AccessCode:
    if not wave.allow_group_code:
        raise ValidationError(_("This wave has no open group code."))
    municipality = wave.municipality or municipality
    code = AccessCode.objects.filter(wave=wave, kind=CodeKind.GROUP,
                                     municipality=municipality).first()
    if code is None:
        code = AccessCode.objects.create(wave=wave, kind=CodeKind.GROUP,
                                         municipality=municipality, code=_unique_codes(1)[0])
        log_action(actor=actor, action="create", obj=wave, summary=note(gettext_noop("group code")))
    return code


# --- answers -------------------------------------------------------------------------------------
class AlreadyUsed(Exception):
    """The code was used by an earlier, different submission."""


class NotOpen(Exception):
    """The wave does not take answers (not open, or outside its dates)."""


def wave_accepts_answers(wave: Wave, today=None) -> bool:
    today = today or timezone.localdate()
    return wave.status == WaveStatus.OPEN and wave.opens_on <= today <= wave.closes_on


TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_submission_token() -> str:
    return secrets.token_urlsafe(32)


def _grouping(instrument: schema.CInstrument, answers: dict) -> tuple[str, str]:
    out = []
    for role in ("perspective", "professional_system"):
        item = instrument.role_item(role)
        value = answers.get(item.code) if item else None
        out.append("" if value is None or value in schema.SPECIAL else str(value))
    return out[0], out[1]


@unaudited("anonymous answers: an audit entry would tie the answer set to a moment")
def response_submit(*, wave: Wave, answers: dict, language: str, token: str,
                    code: AccessCode | None = None, municipality=None) -> str:
    """Store one answer set exactly once. Returns "stored" or "duplicate".

    A repeated post with the same submission token (a double click, a retry after a lost
    connection) is recognised and answered as received; a used personal code with a new token
    (a second tab, a second person) raises AlreadyUsed; a wave that does not take answers
    today raises NotOpen; nothing is ever stored twice. How, in as few statements as the
    database allows: submission.py.
    """
    instrument = schema.compiled(wave.instrument)
    perspective, system = _grouping(instrument, answers)
    personal = code is not None and code.kind != CodeKind.GROUP
    today = timezone.localdate()
    row = {"id": random_id(), "wave": wave.pk,
           "municipality": (code.municipality_id if code is not None else None)
           or (municipality.pk if municipality is not None else None) or wave.municipality_id,
           "submitted_on": today, "language": language, "perspective": perspective,
           "professional_system": system, "answers": answers,
           "vector": schema.vectorize(instrument, answers), "mixed": False}
    outcome, unmixed = submission.store(
        wave=wave, code_pk=code.pk if personal else None, token=token, row=row, today=today)
    if outcome == "used":
        raise AlreadyUsed
    if outcome == "closed":
        raise NotOpen
    if outcome == "stored":
        mixing.after_submission(wave, unmixed=unmixed)
    return outcome


@unaudited("a respondent's unfinished answers: no person, nothing to record")
def draft_save(*, code: AccessCode, answers: dict, page: int, language: str) -> None:
    """Save unfinished answers under a personal code ("save and continue later")."""
    if code.kind == CodeKind.GROUP:
        raise ValidationError(_("Answers cannot be saved under a group code."))
    AccessCode.objects.filter(pk=code.pk, used=False).update(
        draft={"answers": answers, "page": page, "language": language})


@transaction.atomic
def invitations_add(*, actor, wave: Wave, emails: list[str], municipality=None) -> int:
    """One invitation code per new address. The address list lives on the codes only until the
    wave closes; answer sets never point to it."""
    if wave.status == WaveStatus.CLOSED:
        raise ValidationError(_("The wave is closed."))
    municipality = wave.municipality or municipality
    known = set(AccessCode.objects.filter(wave=wave, kind=CodeKind.INVITATION,
                                          email__in=emails).values_list("email", flat=True))
    new = [e for e in emails if e not in known]
    codes = _unique_codes(len(new))
    AccessCode.objects.bulk_create(
        AccessCode(wave=wave, code=c, kind=CodeKind.INVITATION, email=e,
                   municipality=municipality) for c, e in zip(codes, new))
    log_action(actor=actor, action="invite", obj=wave,
               summary=note(gettext_noop("%(count)s e-mail invitations"),
                            count=len(new)))
    return len(new)


def codes_export(*, actor, wave: Wave, fmt: str, municipality=None) -> list[AccessCode]:
    """The unused personal codes of a wave (or of one municipality's part of it) for a code
    sheet; handing them out is audited."""
    codes = wave.codes.filter(kind=CodeKind.PERSONAL, used=False)
    if municipality is not None:
        codes = codes.filter(municipality=municipality)
    codes = list(codes.select_related("municipality").order_by("municipality__name", "code"))
    if municipality is not None:
        summary = note(gettext_noop("%(count)s unused codes of %(municipality)s as %(format)s"),
                       count=len(codes), municipality=municipality, format=fmt.upper())
    else:
        summary = note(gettext_noop("%(count)s unused codes as %(format)s"),
                       count=len(codes), format=fmt.upper())
    log_action(actor=actor, action="export", obj=wave, summary=summary,
               municipality_id=municipality.pk if municipality is not None else None)
    return codes


def answers_export(*, actor, wave: Wave, fmt: str) -> None:
    """Records that the wave's answer sets left qdialog as a file (the file itself is built by
    surveys/exports.py from the released, mixed answer sets)."""
    log_action(actor=actor, action="export", obj=wave,
               summary=note(gettext_noop("answers as %(format)s"), format=fmt.upper()))
