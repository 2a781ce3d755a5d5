"""Writes for agreed documents: drafting, versions, comments, amendments, consent, status,
transfer between municipalities, and the quality concept. Each audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import instance_create, log_action
from qdialog.core.notes import field_labels
from qdialog.core.notes import note as audit_note
from qdialog.notifications.models import Kind
from qdialog.notifications.services import notify, notify_mentions
from qdialog.tenancy.selectors import members_of

from . import documents
from .models import (
    DRAFTING_CLOSED,
    STATUS_FLOW,
    TEXT_FIELDS,
    Amendment,
    AmendmentStatus,
    Comment,
    Concept,
    Indicator,
    Rating,
    Standard,
    StandardStatus,
    Version,
)
from .selectors import indicator_codes

SNAPSHOT = ("title", "kind", "area", "level", *TEXT_FIELDS)


def _snapshot(standard, actor, note="", event=None) -> Version:
    return Version.objects.create(
        standard=standard, number=standard.version, author=actor, note=note, event=event,
        content={name: getattr(standard, name) for name in SNAPSHOT})


@transaction.atomic
def standard_create(*, actor, municipality, fields: dict) -> Standard:
    standard = instance_create(actor=actor, instance=Standard(municipality=municipality,
                                                              **fields))
    _snapshot(standard, actor, note=_("first draft"))
    return standard


@transaction.atomic
def standard_update(*, actor, standard: Standard, fields: dict, note: str = "") -> list[str]:
    """Change a document; a change of its wording makes a new version."""
    changed = [n for n, v in fields.items() if getattr(standard, n) != v]
    if not changed:
        return []
    for name in changed:
        setattr(standard, name, fields[name])
    wording = any(name in SNAPSHOT for name in changed)
    if wording:
        standard.version += 1
    standard.full_clean()
    standard.save()
    if wording:
        _snapshot(standard, actor, note=note)
    log_action(actor=actor, action="update", obj=standard,
               summary=audit_note(gettext_noop("version %(version)s: %(fields)s"),
                                  version=standard.version, fields=field_labels(standard, changed)))
    return changed


@transaction.atomic
def set_status(*, actor, standard: Standard, status: str, adopted_by: str = "",
               adopted_on=None, event=None) -> None:
    if status not in STATUS_FLOW.get(StandardStatus(standard.status), []):
        raise ValidationError(_("This step is not possible from the current status."))
    if status == StandardStatus.ADOPTED and not (adopted_by and adopted_on):
        raise ValidationError(_("Name the body that adopted it and the date."))
    if status in (StandardStatus.AGREED, StandardStatus.ADOPTED) and event is not None:
        Version.objects.filter(standard=standard, number=standard.version).update(event=event)
    before = standard.status
    standard.status = status
    if status == StandardStatus.ADOPTED:
        standard.adopted_by, standard.adopted_on = adopted_by, adopted_on
    standard.save()
    log_action(actor=actor, action="update", obj=standard,
               summary=audit_note(gettext_noop("status %(before)s → %(after)s"),
                                  before=StandardStatus(before).label,
                                  after=StandardStatus(status).label))


def _open(standard):
    if not standard.is_open_for_comments:
        raise ValidationError(DRAFTING_CLOSED)


def _paragraph(standard, field, paragraph) -> str:
    if field not in TEXT_FIELDS:
        raise ValidationError(_("Unknown part of the document."))
    paragraphs = standard.paragraphs(field)
    if not 0 <= paragraph < len(paragraphs):
        raise ValidationError(_("This paragraph does not exist (any more)."))
    return paragraphs[paragraph]


@transaction.atomic
def comment_add(*, actor, standard: Standard, field: str, paragraph: int, text: str) -> Comment:
    _open(standard)
    _paragraph(standard, field, paragraph)
    comment = Comment.objects.create(standard=standard, version=standard.version, field=field,
                                     paragraph=paragraph, author=actor, text=text.strip())
    log_action(actor=actor, action="create", obj=standard, summary=audit_note(
        gettext_noop("comment on %(field)s ¶%(paragraph)s"),
        field=field_labels(standard, [field])[0], paragraph=paragraph + 1))
    notify(users=_authors(standard), kind=Kind.COMMENT, actor=actor,
           programme=standard.municipality.programme, url=_url(standard, "#text"),
           template=gettext_noop("%(person)s commented on your draft „%(standard)s“"),
           person=_name(actor), standard=standard.title)
    _mentions(standard, text, actor)
    return comment


def _mentions(standard, text, actor) -> None:
    notify_mentions(text=text, actor=actor, programme=standard.municipality.programme,
                    url=_url(standard, "#text"), where=standard.title,
                    candidates=[m.user for m in members_of(municipality=standard.municipality)])


def _authors(standard):
    """Who wrote the standard's versions."""
    return {v.author for v in standard.versions.select_related("author") if v.author_id}


def followers(standard):
    """Who follows a standard: who wrote, commented on, proposed changes to or rated it."""
    people = _authors(standard)
    for related in (standard.comments, standard.amendments, standard.ratings):
        model = related.model
        person = "user" if "user" in {f.name for f in model._meta.fields} else "author"
        people |= {getattr(o, person) for o in related.select_related(person)
                   if getattr(o, f"{person}_id")}
    return people


def _url(standard, anchor=""):
    return reverse("standards:detail", args=[standard.pk]) + anchor


def _name(actor) -> str:
    return (getattr(actor, "display_name", "") or getattr(actor, "email", "")
            or _("someone"))


@transaction.atomic
def amendment_propose(*, actor, standard: Standard, field: str, paragraph: int,
                      proposal: str, reason: str = "") -> Amendment:
    _open(standard)
    original = _paragraph(standard, field, paragraph)
    if proposal.strip() == original:
        raise ValidationError(_("The proposal is the same as the current wording."))
    amendment = Amendment.objects.create(
        standard=standard, version=standard.version, field=field, paragraph=paragraph,
        original=original, proposal=proposal.strip(), reason=reason.strip(), author=actor)
    log_action(actor=actor, action="create", obj=standard,
               summary=audit_note(gettext_noop("amendment to %(field)s ¶%(paragraph)s"),
                                  field=field_labels(standard, [field])[0],
                                  paragraph=paragraph + 1))
    notify(users=followers(standard), kind=Kind.AMENDMENT, actor=actor,
           programme=standard.municipality.programme, url=_url(standard, "#text"),
           template=gettext_noop("%(person)s proposed an amendment to „%(standard)s“"),
           person=_name(actor), standard=standard.title)
    _mentions(standard, reason, actor)
    return amendment


@transaction.atomic
def amendment_decide(*, actor, amendment: Amendment, accept: bool, reason: str = "") -> None:
    standard = amendment.standard
    if amendment.status != AmendmentStatus.OPEN:
        raise ValidationError(_("This amendment has already been decided."))
    if not accept and not reason.strip():
        raise ValidationError(_("Give a reason when you decline an amendment."))
    if accept:
        paragraphs = standard.paragraphs(amendment.field)
        try:
            index = paragraphs.index(amendment.original)
        except ValueError:
            raise ValidationError(_("The paragraph has changed since the proposal; it cannot "
                                    "be applied any more.")) from None
        paragraphs[index] = amendment.proposal
        standard_update(actor=actor, standard=standard,
                        fields={amendment.field: "\n\n".join(paragraphs)},
                        note=_("amendment accepted"))
    amendment.status = AmendmentStatus.ACCEPTED if accept else AmendmentStatus.DECLINED
    amendment.decision_reason, amendment.decided_by = reason.strip(), actor
    amendment.save()
    log_action(actor=actor, action="update", obj=standard,
               summary=audit_note(gettext_noop("amendment %(status)s"),
                                  status=amendment.get_status_display()))


@transaction.atomic
def consent_rate(*, actor, standard: Standard, value: int, statement: str = "") -> Rating:
    if standard.status not in (StandardStatus.CONSULTATION, StandardStatus.REVIEW,
                               StandardStatus.DRAFT):
        raise ValidationError(_("Consent is asked while the document is in consultation."))
    rating, _created = Rating.objects.update_or_create(
        standard=standard, version=standard.version, user=actor,
        defaults={"value": value, "statement": statement.strip()})
    log_action(actor=actor, action="update", obj=standard,
               summary=audit_note(gettext_noop("consent rated")))
    return rating


@transaction.atomic
def copy_template(*, actor, template: Standard, municipality) -> Standard:
    """Transfer: a municipality takes over a document shared in its cluster or programme, as its
    own draft, keeping where it came from."""
    if not template.shared or template.municipality.programme_id != municipality.programme_id:
        raise ValidationError(_("This document is not offered as a template here."))
    fields = {name: getattr(template, name) for name in SNAPSHOT}
    copy = Standard(municipality=municipality, origin=template,
                    origin_label=f"{template.municipality}, {template.title}, "
                                 f"{_('version')} {template.version}", **fields)
    copy.full_clean()
    copy.save()
    _snapshot(copy, actor, note=_("copied from %(origin)s") % {"origin": copy.origin_label})
    for indicator in template.indicators.all():
        Indicator.objects.create(standard=copy, text=indicator.text,
                                 item_codes=indicator.item_codes)
    log_action(actor=actor, action="create", obj=copy,
               summary=audit_note(gettext_noop("copied from %(template)s"),
                                  template=template.title))
    return copy


@transaction.atomic
def indicator_add(*, actor, standard: Standard, fields: dict) -> Indicator:
    """Add an indicator; the survey items it names must be questions of the municipality's
    instruments (an unknown code would only ever show as "not shown")."""
    indicator = Indicator(standard=standard, **fields)
    unknown = [c for c in indicator.codes if c not in indicator_codes(standard.municipality)]
    if unknown:
        raise ValidationError(_("Not a question of this municipality's surveys: %(codes)s")
                              % {"codes": ", ".join(unknown)})
    indicator.full_clean()
    indicator.save()
    log_action(actor=actor, action="update", obj=standard,
               summary=audit_note(gettext_noop("indicator added")))
    return indicator


@transaction.atomic
def concept_save(*, actor, municipality, fields: dict) -> Concept:
    concept, _created = Concept.objects.get_or_create(municipality=municipality)
    for name, value in fields.items():
        setattr(concept, name, value)
    concept.save()
    log_action(actor=actor, action="update", obj=concept.municipality,
               summary=audit_note(gettext_noop("quality concept edited")))
    return concept


def concept_export(*, actor, municipality, fmt: str) -> bytes:
    """The municipality's quality concept as PDF or DOCX, recorded in the audit log."""
    body = documents.pdf(municipality) if fmt == "pdf" else documents.docx(municipality)
    log_action(actor=actor, action="export", obj=municipality,
               summary=audit_note(gettext_noop("quality concept as %(format)s"),
                                  format=fmt.upper()))
    return body
