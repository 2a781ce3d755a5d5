"""Writes for reporting systems and reports. The reporter's texts never go into the audit log:
entries name the fields that changed, not their content."""

from __future__ import annotations

import hashlib
import secrets

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import instance_create, log_action, unaudited
from qdialog.core.notes import field_labels, note

from .models import TEXT_FIELDS, IncidentReport, IncidentStatus, ReportingSystem

CODE_SALT = "qdialog.incident-followup"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
FORM_MAX_AGE = 14 * 24 * 3600  # a form left open for two weeks can still be sent


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def normalise_code(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def form_code() -> str:
    """The follow-up code of a report not yet sent, signed for the form's hidden field. The same
    code sent twice (a retried post) finds the report stored the first time."""
    return signing.dumps(_new_code(), salt=CODE_SALT, compress=False)


def read_form_code(signed: str) -> str:
    try:
        return signing.loads(signed, salt=CODE_SALT, max_age=FORM_MAX_AGE)
    except signing.BadSignature:
        raise ValidationError(_("This form has expired. Please copy your texts, reload the "
                                "page and send the report again.")) from None


def find_by_code(system: ReportingSystem, code: str) -> IncidentReport | None:
    return IncidentReport.objects.filter(system=system, code_hash=code_hash(code)).first()


@unaudited("an anonymous report: an audit entry would tie it to a moment and an order")
def report_submit(*, system: ReportingSystem, fields: dict,
                  code: str) -> tuple[IncidentReport, bool]:
    """Store a report exactly once per follow-up code: (report, created)."""
    existing = find_by_code(system, code)
    if existing is not None:
        return existing, False
    report = IncidentReport(system=system, received_on=timezone.localdate(),
                            code_hash=code_hash(code), **fields)
    report.original = report.texts()
    report.full_clean(exclude=["code_hash"])
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # the same post, a moment earlier, in another worker
        return IncidentReport.objects.get(code_hash=code_hash(code)), False
    # No audit entry here on purpose: its timestamp would add the time of day to the report,
    # which the reporter was promised is not stored. The report's own date is the record.
    reports_mix(system=system)
    return report, True


@unaudited("only the order of anonymous reports changes: nothing a person did")
def reports_mix(*, system: ReportingSystem) -> int:
    """Rewrite the system's unchecked reports in a random order, in one transaction.

    Their keys are random already; but PostgreSQL keeps the rows in the order they were
    written and marks each with the number of its transaction, which follows the order – and,
    with a log of the moments, gives each report its time. Rewritten together in a random
    order, the reports share one transaction and lie in random order once VACUUM has removed
    the old row versions (done right after; on SQLite the random keys already decide the
    storage order, and deleted content is overwritten)."""
    with transaction.atomic():
        ids = list(IncidentReport.objects.filter(system=system, status=IncidentStatus.RECEIVED)
                   .values_list("pk", flat=True))
        secrets.SystemRandom().shuffle(ids)
        for pk in ids:
            IncidentReport.objects.filter(pk=pk).update(received_on=F("received_on"))
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {IncidentReport._meta.db_table}")
    return len(ids)


@transaction.atomic
def system_create(*, actor, programme, municipality=None) -> ReportingSystem:
    system = instance_create(actor=actor, instance=ReportingSystem(
        programme=programme, municipality=municipality))
    if actor is not None and actor.is_authenticated:
        system.reviewers.add(actor)
    return system


@transaction.atomic
def system_update(*, actor, system: ReportingSystem, fields: dict, reviewers=None) -> None:
    changed = [name for name, value in fields.items() if getattr(system, name) != value]
    for name, value in fields.items():
        setattr(system, name, value)
    system.save()
    if reviewers is not None:
        before = set(system.reviewers.values_list("pk", flat=True))
        after = {u.pk for u in reviewers}
        if before != after:
            system.reviewers.set(reviewers)
            changed.append("reviewers")
    if changed:
        log_action(actor=actor, action="update", obj=system,
                   summary=note(gettext_noop("changed: %(fields)s"),
                                fields=field_labels(system, changed)))


@transaction.atomic
def triage_save(*, actor, report: IncidentReport, fields: dict) -> list[str]:
    """Edit out identifying details (only before the check ends), categorise, comment."""
    if report.is_checked:
        fields = {k: v for k, v in fields.items() if k not in TEXT_FIELDS}
    changed = [name for name, value in fields.items() if getattr(report, name) != value]
    for name in changed:
        setattr(report, name, fields[name])
    if "expert_comment" in changed and report.expert_comment and not report.answered_on:
        report.answered_on = timezone.localdate()
    if changed:
        report.full_clean(exclude=["code_hash"])
        report.save()
        log_action(actor=actor, action="update", obj=report,
                   summary=note(gettext_noop("edited: %(fields)s"),  # names only, never the texts
                                fields=field_labels(report, changed)))
    return changed


@transaction.atomic
def finish_check(*, actor, report: IncidentReport) -> None:
    """The anonymity check is done: the reporter's original wording is deleted."""
    if report.status != IncidentStatus.RECEIVED:
        raise ValidationError(_("This report has already been checked."))
    if not report.category:
        raise ValidationError(_("Choose a category before you finish the check."))
    ReportingSystem.objects.select_for_update().filter(pk=report.system_id).first()
    last = (IncidentReport.objects.filter(system_id=report.system_id)
            .aggregate(n=Max("number"))["n"] or 0)
    report.status, report.original, report.number = IncidentStatus.CHECKED, {}, last + 1
    report.save(update_fields=["status", "original", "number"])
    log_action(actor=actor, action="update", obj=report,
               summary=note(gettext_noop("anonymity checked; original wording deleted")))


@transaction.atomic
def report_close(*, actor, report: IncidentReport) -> None:
    report.status, report.original, report.featured = IncidentStatus.CLOSED, {}, False
    report.save(update_fields=["status", "original", "featured"])
    log_action(actor=actor, action="update", obj=report,
               summary=note(gettext_noop("closed without publication")))


@transaction.atomic
def report_publish(*, actor, report: IncidentReport, title: str, text: str, featured: bool) -> None:
    if report.status not in (IncidentStatus.CHECKED, IncidentStatus.PUBLISHED):
        raise ValidationError(_("Check the report for anonymity before you publish it."))
    if not report.consent_to_publish:
        raise ValidationError(_("The reporter did not agree to publication."))
    if not report.expert_comment:
        raise ValidationError(_("Write the expert comment before you publish the report."))
    if featured:
        IncidentReport.objects.filter(system=report.system, featured=True).exclude(
            pk=report.pk).update(featured=False)
    report.publication_title, report.publication_text = title.strip(), text.strip()
    report.featured = featured
    report.status = IncidentStatus.PUBLISHED
    report.published_on = report.published_on or timezone.localdate()
    report.save()
    log_action(actor=actor, action="publish", obj=report,
               summary=note(gettext_noop("published as case of the month") if featured
                            else gettext_noop("published")))


def report_open(*, actor, report: IncidentReport) -> None:
    """A reviewer opening the whole report is an audited read."""
    log_action(actor=actor, action="read", obj=report, summary=note(gettext_noop("report opened")))
