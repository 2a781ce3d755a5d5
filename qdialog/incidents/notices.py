"""Telling reviewers about new reports – once a day, by count and by the day before, never at
the moment a report comes in: a notice written then would carry the report's time of day,
which the reporter was promised is not stored."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from qdialog.core.audit import unaudited
from qdialog.notifications.models import Kind
from qdialog.notifications.services import notify

from .models import IncidentStatus, ReportingSystem


@unaudited("a count of new reports told to the reviewers; nothing a person did")
def new_reports(today) -> int:
    """For each system: the reports received before today and not yet told; returns how many
    systems told their reviewers."""
    told = 0
    systems = ReportingSystem.objects.annotate(new=Count("reports", filter=Q(
        reports__received_on__lt=today, reports__status=IncidentStatus.RECEIVED) & (
        Q(reports__received_on__gte=F("noticed_until")) | Q(noticed_until__isnull=True))))
    for system in systems.select_related("programme", "municipality"):
        if system.new:
            notify(users=list(system.reviewers.all()), kind=Kind.INCIDENT,
                   programme=system.programme,
                   url=reverse("incidents:queue", args=[system.pk]),
                   template=gettext_noop("%(n)s new reports wait for the anonymity check "
                                         "(%(system)s)"), n=system.new, system=str(system))
            told += 1
        ReportingSystem.objects.filter(pk=system.pk).update(noticed_until=today)
    return told
