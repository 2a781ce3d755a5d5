"""Writes for case reviews; each audited. Texts stay out of the audit log (field names only)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import log_action
from qdialog.core.identifiers import find_identifiers
from qdialog.core.notes import field_labels, note

from . import documents
from .models import CaseReview, Confirmation, ReviewMember, Stage, Team


@transaction.atomic
def review_create(*, actor, municipality, fields: dict, role: str = "",
                  organisation_type: str = "youth_office") -> CaseReview:
    """A new review in preparation; the person who starts it takes the first lead seat."""
    review = CaseReview(municipality=municipality, **fields)
    review.full_clean()
    review.save()
    ReviewMember.objects.create(review=review, team=Team.LEAD, user=actor,
                                role=role or _("Lead reviewer"),
                                organisation_type=organisation_type)
    log_action(actor=actor, action="create", obj=review,
               summary=note(gettext_noop("%(kind)s"), kind=review.get_kind_display()))
    return review


@transaction.atomic
def review_update(*, actor, review: CaseReview, fields: dict) -> list[str]:
    changed = [name for name, value in fields.items() if getattr(review, name) != value]
    for name in changed:
        setattr(review, name, fields[name])
    if changed:
        review.full_clean()
        review.save()
        log_action(actor=actor, action="update", obj=review,
                   summary=note(gettext_noop("changed: %(fields)s"),
                                fields=field_labels(review, changed)))
    return changed


@transaction.atomic
def part_save(*, actor, review: CaseReview, instance, fields: dict):
    """Add or change a part of the review (seat, source, chronology entry, episode, factor,
    hypothesis, pattern, recommendation)."""
    if not review.is_open and not isinstance(instance, ReviewMember):
        raise ValidationError(_("The findings are agreed; the review can no longer be "
                                "changed."))
    created = instance.pk is None
    changed = [n for n, v in fields.items() if created or getattr(instance, n) != v]
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    if changed:
        log_action(actor=actor, action="create" if created else "update", obj=instance,
                   summary=note(gettext_noop("%(part)s: %(fields)s"),
                                part=instance._meta.verbose_name,
                                fields=field_labels(instance, changed)))
    return instance


@transaction.atomic
def part_delete(*, actor, review: CaseReview, instance) -> None:
    if not review.is_open and not isinstance(instance, ReviewMember):
        raise ValidationError(_("The findings are agreed; the review can no longer be "
                                "changed."))
    if isinstance(instance, ReviewMember) and instance.team == Team.LEAD and \
            review.members.filter(team=Team.LEAD).count() == 1:
        raise ValidationError(_("A review keeps at least one lead reviewer."))
    log_action(actor=actor, action="delete", obj=instance,
               summary=note(gettext_noop("%(part)s"), part=instance._meta.verbose_name))
    instance.delete()


def text_fields(review: CaseReview) -> list[tuple[str, object, str]]:
    """(where, instance, field name) for every free text of the review."""
    found = [(_("Title"), review, "title"), (_("Context"), review, "context"),
             (_("Published summary"), review, "summary")]
    found += [(_("Seat"), m, "role") for m in review.members.all()]
    found += [(_("Source"), s, "note") for s in review.sources.all()]
    found += [(_("Chronology"), c, "action") for c in review.chronology.all()]
    for episode in review.episodes.prefetch_related("factors"):
        found += [(episode.title, episode, n)
                  for n in ("title", "what_happened", "appraisal", "explanation")]
        found += [(episode.title, f, n) for f in episode.factors.all()
                  for n in ("description", "evidence")]
    found += [(_("Error hypothesis"), h, n) for h in review.hypotheses.all()
              for n in ("statement", "statements")]
    found += [(_("Pattern"), p, "description") for p in review.patterns.all()]
    found += [(_("Recommendation"), r, "text") for r in review.recommendations.all()]
    return found


def texts(review: CaseReview) -> list[tuple[str, str]]:
    """(where, text) for every free text of the review."""
    found = ((where, getattr(instance, name)) for where, instance, name in text_fields(review))
    return [(where, text) for where, text in found if text]


def findings(review: CaseReview) -> list[dict]:
    """Every possible identifier in the review, with whether a reviewer confirmed it."""
    confirmed = set(review.confirmations.values_list("text", flat=True))
    result, seen = [], set()
    for where, text in texts(review):
        for finding in find_identifiers(text):
            key = finding.text[:200]
            if key in seen:
                continue
            seen.add(key)
            result.append({"where": where, "text": key, "label": finding.label,
                           "confirmed": key in confirmed})
    return result


@transaction.atomic
def identifiers_confirm(*, actor, review: CaseReview, texts_confirmed: list[str]) -> int:
    open_texts = {f["text"] for f in findings(review) if not f["confirmed"]}
    new = [t for t in texts_confirmed if t in open_texts]
    Confirmation.objects.bulk_create(Confirmation(review=review, text=t, by=actor) for t in new)
    if new:
        log_action(actor=actor, action="update", obj=review, summary=note(
            gettext_noop("%(count)s possible identifiers confirmed as harmless"),
            count=len(new)))
    return len(new)


#: the longest replacement a redaction may put in place of a passage
REPLACEMENT_MAX = 60


@transaction.atomic
def identifier_redact(*, actor, review: CaseReview, text: str, replacement: str = "") -> int:
    """Replace a possible identifier wherever it stands in the review, at any stage before
    publication (the locked stages included: redaction is the one change they allow).

    The original wording is not kept anywhere: the texts are overwritten, a confirmation of the
    same wording is removed, and the audit entry names only how many places changed."""
    if review.stage == Stage.PUBLISHED:
        raise ValidationError(_("The review is published; its summary can no longer be "
                                "changed here."))
    replacement = replacement.strip()
    if len(replacement) > REPLACEMENT_MAX:
        raise ValidationError(_("The replacement may be at most %(n)s characters long.")
                              % {"n": REPLACEMENT_MAX})
    if not text:
        raise ValidationError(_("Choose the passage to remove."))
    if find_identifiers(replacement):
        raise ValidationError(_("The replacement itself looks like an identifier. Choose a "
                                "neutral word such as „[Name]“."))
    places = 0
    for _where, instance, name in text_fields(review):
        value = getattr(instance, name) or ""
        if text not in value:
            continue
        places += value.count(text)
        value = (value.replace(text, replacement) if replacement
                 else _strip_gap(value.replace(text, "")))
        if not value and not instance._meta.get_field(name).blank:
            value = "[…]"  # a required text keeps a mark of what was struck out
        setattr(instance, name, value)
        instance.full_clean()
        instance.save(update_fields=[name])
    if not places:
        raise ValidationError(_("This passage no longer appears in the review."))
    review.confirmations.filter(text=text[:200]).delete()
    log_action(actor=actor, action="update", obj=review, summary=note(
        gettext_noop("a possible identifier removed or replaced in %(count)s places"),
        count=places))
    return places


def _strip_gap(value: str) -> str:
    """Tidy the double spaces a removed passage leaves behind, keeping line breaks."""
    return "\n".join(" ".join(line.split()) if line.strip() else "" for line in
                      value.split("\n")).strip()


def advance_refusal(review: CaseReview) -> str | None:
    """Why the review cannot go on to its next stage yet, or None."""
    target = review.next_stage
    if target is None:
        return _("The review is already published.")
    if target == Stage.FINDINGS_AGREED and not (review.patterns.exists()
                                               or review.recommendations.exists()):
        return _("Record at least one pattern, good practice or recommendation before the "
                 "findings are agreed.")
    if target == Stage.PUBLISHED:
        if not review.summary.strip():
            return _("Write the summary before you publish it.")
        if any(not f["confirmed"] for f in findings(review)):
            return _("Possible identifiers are not yet confirmed. Remove them, or confirm each "
                     "one as harmless.")
    return None


@transaction.atomic
def review_advance(*, actor, review: CaseReview) -> Stage:
    """Move the review to its next stage, with the checks each step needs."""
    refusal = advance_refusal(review)
    if refusal:
        raise ValidationError(refusal)
    target = review.next_stage
    if target == Stage.PUBLISHED:
        review.published_on = timezone.localdate()
    review.stage = target
    review.save(update_fields=["stage", "published_on"])
    log_action(actor=actor, action="publish" if target == Stage.PUBLISHED else "update",
               obj=review, summary=note(gettext_noop("stage: %(stage)s"), stage=target.label))
    return target


def review_open(*, actor, review: CaseReview) -> None:
    """Opening a review's working material is an audited read."""
    log_action(actor=actor, action="read", obj=review, summary=note(gettext_noop("review opened")))


def review_export(*, actor, review: CaseReview, fmt: str) -> bytes:
    """The review's summary as PDF or DOCX, recorded in the audit log."""
    content = documents.pdf(review) if fmt == "pdf" else documents.docx(review)
    log_action(actor=actor, action="export", obj=review,
               summary=note(gettext_noop("summary as %(format)s"), format=fmt.upper()))
    return content
