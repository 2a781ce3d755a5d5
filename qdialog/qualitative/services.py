"""Writes of the qualitative analysis: projects, documents, codings, memos, double coding and
the consensus round. Each function takes the acting person, runs in one transaction and leaves
an audit entry; reading a document is recorded too (`document_read`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import instance_update, log_action
from qdialog.core.identifiers import find_identifiers
from qdialog.core.models import AuditAction
from qdialog.core.notes import note
from qdialog.standards.services import comment_add

from .models import (
    Code,
    CoderProgress,
    Coding,
    CommentOrigin,
    Document,
    DocumentKind,
    Memo,
    Project,
    Round,
)

TEXT_LIMIT = 400_000
#: what may be quoted in reports: material a person has released or published already
QUOTABLE = (DocumentKind.FREE_TEXT, DocumentKind.INCIDENT)


# --- projects ----------------------------------------------------------------------------------
@transaction.atomic
def project_create(*, actor, programme, system, title, cluster=None, municipality=None,
                   question="", unit="sentence", min_overlap=50, coders=(),
                   in_reports=False) -> Project:
    if system.programme_id != programme.pk:
        raise ValidationError({"system": _("Choose a category system of this programme.")})
    project = Project(programme=programme, cluster=cluster, municipality=municipality,
                      title=title.strip(), question=question, system=system, unit=unit,
                      min_overlap=min_overlap, in_reports=in_reports)
    project.full_clean()
    project.save()
    project.coders.set(coders)
    log_action(actor=actor, action=AuditAction.CREATE, obj=project,
               summary=note(gettext_noop("coding project %(title)s set up"),
                            title=project.title))
    return project


@transaction.atomic
def project_update(*, actor, project: Project, coders=None, **fields) -> Project:
    fields = {k: v for k, v in fields.items()
              if k in ("title", "question", "unit", "min_overlap", "in_reports")}
    instance_update(actor=actor, instance=project, fields=fields,
                    summary=note(gettext_noop("coding project %(title)s changed"),
                                 title=fields.get("title", project.title)))
    if coders is not None:
        before = set(project.coders.values_list("pk", flat=True))
        after = {c.pk for c in coders}
        if before != after:
            project.coders.set(coders)
            project.__dict__.pop("_coder_ids", None)
            log_action(actor=actor, action=AuditAction.UPDATE, obj=project,
                       changes={"coders": [len(before), len(after)]},
                       summary=note(gettext_noop("coders of %(title)s changed"),
                                    title=project.title))
    return project


# --- documents ---------------------------------------------------------------------------------
def _findings(text: str) -> list[dict]:
    return [{"kind": f.kind, "text": f.text, "start": f.start} for f in find_identifiers(text)]


@transaction.atomic
def document_add(*, actor, project: Project, kind: str, title: str, text: str, source: str = "",
                 municipality=None, case_review=None, attributes=None,
                 check: bool = False) -> Document:
    """Add a document. `check` runs the identifier check (uploaded transcripts): a document with
    findings cannot be coded until each is replaced or confirmed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ValidationError({"text": _("The document has no text.")})
    if len(text) > TEXT_LIMIT:
        raise ValidationError({"text": _("The document is too long (at most %(limit)s "
                                         "characters).") % {"limit": f"{TEXT_LIMIT:,}"}})
    findings = _findings(text) if check else []
    document = Document(project=project, kind=kind, title=title.strip()[:200], text=text,
                        source=source, municipality=municipality, case_review=case_review,
                        attributes=attributes or {}, findings=findings, cleared=not findings,
                        added_by=actor)
    document.full_clean()
    document.save()
    log_action(actor=actor, action=AuditAction.CREATE, obj=document,
               summary=note(gettext_noop("document %(title)s added to %(project)s"),
                            title=document.title, project=project.title))
    return document


def _shift_codings(document: Document, start: int, end: int, length: int) -> None:
    """Keep codings on their words when [start, end) is replaced by `length` characters (an
    imported document may carry codings before its flagged passages are replaced)."""
    delta = length - (end - start)

    def moved(position, is_end):
        if position >= end:
            return position + delta
        if position <= start:
            return position
        return start + length if is_end else start

    for coding in document.codings.filter(end__gt=start):
        coding.start, coding.end = moved(coding.start, False), moved(coding.end, True)
        if coding.end <= coding.start:
            coding.end = coding.start + max(length, 1)
        coding.save(update_fields=["start", "end"])


@transaction.atomic
def finding_resolve(*, actor, document: Document, index: int, replacement: str | None) -> Document:
    """Replace the flagged passage `index` by `replacement` (e.g. "[Name]"), or confirm it when
    `replacement` is None. The text is checked again after a replacement."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    try:
        finding = document.findings[index]
    except (IndexError, TypeError):
        raise ValidationError(_("This finding has been dealt with already.")) from None
    if replacement is None:
        finding["confirmed"] = True
        summary = gettext_noop("flagged passage (%(kind)s) in %(title)s confirmed")
    else:
        replacement = replacement.strip()
        if not replacement:
            raise ValidationError({"replacement": _("Enter what stands in place of the "
                                                    "passage, e.g. [Name].")})
        start = finding["start"]
        end = start + len(finding["text"])
        if document.text[start:end] != finding["text"]:
            raise ValidationError(_("The text has changed; reload the page."))
        document.text = document.text[:start] + replacement + document.text[end:]
        _shift_codings(document, start, end, len(replacement))
        confirmed = {(f["kind"], f["text"]) for f in document.findings if f.get("confirmed")}
        findings = []
        for f in _findings(document.text):
            if (f["kind"], f["text"]) in confirmed:
                f["confirmed"] = True
            findings.append(f)
        document.findings = findings
        summary = gettext_noop("flagged passage (%(kind)s) in %(title)s replaced")
    document.cleared = all(f.get("confirmed") for f in document.findings)
    document.save(update_fields=["text", "findings", "cleared"])
    log_action(actor=actor, action=AuditAction.UPDATE, obj=document,
               summary=note(summary, kind=finding["kind"], title=document.title))
    return document


@transaction.atomic
def document_update(*, actor, document: Document, title=None, double_coding=None) -> Document:
    fields = {}
    if title is not None:
        fields["title"] = title.strip()
    if double_coding is not None:
        if not double_coding and document.double_coding and document.progress.filter(
                finished_at__isnull=False).exists():
            raise ValidationError(_("Coders have finished this document; double coding stays."))
        fields["double_coding"] = double_coding
    instance_update(actor=actor, instance=document, fields=fields,
                    summary=note(gettext_noop("document %(title)s changed"),
                                 title=document.title))
    return document


@transaction.atomic
def documents_double(*, actor, documents, double_coding: bool) -> tuple[int, int]:
    """Set double coding on several documents; (changed, kept as they were because coders
    have finished them)."""
    changed = kept = 0
    for document in documents:
        if document.double_coding == double_coding:
            continue
        try:
            document_update(actor=actor, document=document, double_coding=double_coding)
        except ValidationError:
            kept += 1
        else:
            changed += 1
    return changed, kept


@transaction.atomic
def document_delete(*, actor, document: Document) -> None:
    Coding.objects.filter(document=document).delete()
    log_action(actor=actor, action=AuditAction.DELETE, obj=document,
               summary=note(gettext_noop("document %(title)s removed"), title=document.title))
    document.delete()


def document_read(*, actor, document: Document) -> None:
    """Record that a person opened a document, as for other sensitive reads."""
    log_action(actor=actor, action=AuditAction.READ, obj=document,
               summary=note(gettext_noop("document %(title)s read"), title=document.title))


# --- codings -----------------------------------------------------------------------------------
def _check_range(document: Document, start: int, end: int) -> tuple[int, int]:
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        raise ValidationError(_("Select a passage first.")) from None
    text = document.text
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start:
        raise ValidationError(_("Select a passage first."))
    return start, end


def _check_code(document: Document, code: Code):
    if code.system_id != document.project.system_id or not code.active:
        raise ValidationError({"code": _("Choose a code of the project's category system.")})
    if code.municipality_id and document.municipality_id not in (None, code.municipality_id):
        raise ValidationError({"code": _("This local code belongs to another municipality.")})


def _check_open(document: Document, coder, round_: str):
    if not document.cleared:
        raise ValidationError(_("Replace or confirm the flagged passages before coding."))
    if round_ == Round.OWN and document.double_coding and CoderProgress.objects.filter(
            document=document, coder=coder, finished_at__isnull=False).exists():
        raise ValidationError(_("You have finished this document; reopen it to change your "
                                "codings."))
    if round_ == Round.CONSENSUS and not double_coding_finished(document):
        raise ValidationError(_("The consensus round begins when every coder has finished."))


@transaction.atomic
def codings_add(*, actor, document: Document, codes: list[Code], start, end,
                round: str = Round.OWN, memo: str = "") -> list[Coding]:
    """Assign one or more codes to the passage [start, end) of a document."""
    if not codes:
        raise ValidationError({"code": _("Choose at least one code.")})
    start, end = _check_range(document, start, end)
    _check_open(document, actor, round)
    made = []
    for code in codes:
        _check_code(document, code)
        coding, created = Coding.objects.get_or_create(
            document=document, code=code, coder=actor, round=round, start=start, end=end)
        if created:
            made.append(coding)
    if memo.strip() and made:
        Memo.objects.create(project=document.project, document=document, coding=made[0],
                            text=memo.strip(), author=actor)
    if made:
        log_action(actor=actor, action=AuditAction.CREATE, obj=document, summary=note(
            gettext_noop("%(count)s coding(s) added to %(title)s (%(codes)s)"),
            count=len(made), title=document.title, codes=", ".join(c.name for c in codes)))
    return made


@transaction.atomic
def coding_update(*, actor, coding: Coding, code: Code | None = None, start=None,
                  end=None, quote: bool | None = None) -> Coding:
    document = coding.document
    if quote is not None and quote != coding.quote:
        if quote and document.kind not in QUOTABLE:
            raise ValidationError({"quote": _("Only released free-text answers and published "
                                              "near-miss reports are quoted in reports.")})
        coding.quote = quote
        if code is None and start is None and end is None:  # choosing quotes stays open
            coding.save(update_fields=["quote"])
            log_action(actor=actor, action=AuditAction.UPDATE, obj=document, summary=note(
                gettext_noop("passage in %(title)s chosen as a quote") if quote
                else gettext_noop("passage in %(title)s no longer a quote"),
                title=document.title))
            return coding
    _check_open(document, actor, coding.round)
    if code is not None:
        _check_code(document, code)
        coding.code = code
    if start is not None or end is not None:
        coding.start, coding.end = _check_range(document, start if start is not None
                                                else coding.start,
                                                end if end is not None else coding.end)
    coding.save()
    log_action(actor=actor, action=AuditAction.UPDATE, obj=document, summary=note(
        gettext_noop("coding in %(title)s changed (%(code)s)"), title=document.title,
        code=coding.code.name))
    return coding


@transaction.atomic
def coding_remove(*, actor, coding: Coding) -> None:
    document = coding.document
    _check_open(document, actor, coding.round)
    log_action(actor=actor, action=AuditAction.DELETE, obj=document, summary=note(
        gettext_noop("coding in %(title)s removed (%(code)s)"), title=document.title,
        code=coding.code.name))
    coding.delete()


# --- memos -------------------------------------------------------------------------------------
@transaction.atomic
def memo_save(*, actor, project: Project, text: str, document=None, coding=None, code=None,
              memo: Memo | None = None) -> Memo:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the memo first.")})
    if memo is None:
        memo = Memo(project=project, document=document, coding=coding, code=code, author=actor)
        action = AuditAction.CREATE
    else:
        if memo.author_id != actor.pk:
            raise ValidationError(_("Only its author changes a memo."))
        action = AuditAction.UPDATE
    memo.text = text
    memo.save()
    log_action(actor=actor, action=action, obj=memo,
               summary=note(gettext_noop("memo in %(project)s saved"), project=project.title))
    return memo


@transaction.atomic
def memo_delete(*, actor, memo: Memo) -> None:
    if memo.author_id != actor.pk:
        raise ValidationError(_("Only its author removes a memo."))
    log_action(actor=actor, action=AuditAction.DELETE, obj=memo,
               summary=note(gettext_noop("memo in %(project)s removed"),
                            project=memo.project.title))
    memo.delete()


# --- double coding -----------------------------------------------------------------------------
def double_coders(document: Document) -> list:
    """The coders who code a double-coded document independently: the project's coders."""
    return list(document.project.coders.all())


def double_coding_finished(document: Document) -> bool:
    if not document.double_coding:
        return True
    coders = {u.pk for u in double_coders(document)}
    done = set(CoderProgress.objects.filter(document=document, finished_at__isnull=False)
               .values_list("coder_id", flat=True))
    return len(coders) >= 2 and coders <= done


@transaction.atomic
def coder_finish(*, actor, document: Document, finished: bool = True) -> CoderProgress:
    """A coder says they have finished (or reopens) a double-coded document. Reopening is no
    longer possible once the consensus round has begun."""
    if not document.double_coding:
        raise ValidationError(_("This document is not double-coded."))
    if not finished and Coding.objects.filter(document=document, round=Round.CONSENSUS).exists():
        raise ValidationError(_("The consensus round has begun; the coders' own codings stay "
                                "as they are."))
    progress, _created = CoderProgress.objects.get_or_create(document=document, coder=actor)
    progress.finished_at = timezone.now() if finished else None
    progress.save()
    log_action(actor=actor, action=AuditAction.UPDATE, obj=document, summary=note(
        gettext_noop("coding of %(title)s finished") if finished
        else gettext_noop("coding of %(title)s reopened"), title=document.title))
    return progress


@transaction.atomic
def consensus_decide(*, actor, document: Document, code: Code, start: int, end: int,
                     keep: bool) -> Coding | None:
    """Settle one disagreement: the unit [start, end) carries `code` in the consensus coding,
    or it does not."""
    _check_open(document, actor, Round.CONSENSUS)
    _check_code(document, code)
    start, end = _check_range(document, start, end)
    existing = Coding.objects.filter(document=document, code=code, round=Round.CONSENSUS,
                                     start__lt=end, end__gt=start)
    existing.delete()
    document.consensus[f"{start}:{end}:{code.pk}"] = bool(keep)
    Document.objects.filter(pk=document.pk).update(consensus=document.consensus)
    made = None
    if keep:
        made = Coding.objects.create(document=document, code=code, coder=actor,
                                     round=Round.CONSENSUS, start=start, end=end)
    log_action(actor=actor, action=AuditAction.UPDATE, obj=document, summary=note(
        gettext_noop("consensus on %(code)s in %(title)s: %(decision)s"), code=code.name,
        title=document.title, decision=gettext_noop("coded") if keep
        else gettext_noop("not coded")))
    return made


@transaction.atomic
def consensus_adopt_agreed(*, actor, document: Document, agreed) -> int:
    """Take every unit on which all coders agreed into the consensus coding at once:
    `agreed` is [(code, start, end)]."""
    _check_open(document, actor, Round.CONSENSUS)
    made = 0
    for code, start, end in agreed:
        _obj, created = Coding.objects.get_or_create(
            document=document, code=code, round=Round.CONSENSUS, start=start, end=end,
            defaults={"coder": actor})
        made += created
    log_action(actor=actor, action=AuditAction.UPDATE, obj=document, summary=note(
        gettext_noop("%(count)s agreed coding(s) taken into the consensus of %(title)s"),
        count=made, title=document.title))
    return made


# --- into the loop ------------------------------------------------------------------------------
@transaction.atomic
def comment_from(*, actor, coding: Coding, standard, field: str, paragraph: int,
                 text: str) -> CommentOrigin:
    """A comment on a paragraph of a standard that grows out of a coded passage; the comment
    shows its origin, the code lists what came of it."""
    if not text.strip():
        raise ValidationError({"text": _("Write the comment first.")})
    comment = comment_add(actor=actor, standard=standard, field=field, paragraph=paragraph,
                          text=text)
    origin = CommentOrigin.objects.create(comment=comment, code=coding.code, coding=coding)
    log_action(actor=actor, action=AuditAction.CREATE, obj=coding.document, summary=note(
        gettext_noop("passage coded %(code)s taken into a comment on %(standard)s"),
        code=coding.code.name, standard=standard.title))
    return origin
