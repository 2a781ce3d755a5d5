"""Reads for reporting systems: what a person may see, and the statistics."""

from __future__ import annotations

from django.db.models import Count, Q

from .models import Category, IncidentReport, IncidentStatus, ReportingSystem, ReportPhase


def visible_systems(scope):
    """Systems of the municipalities a person sees, and of programmes they hold a role in."""
    return ReportingSystem.objects.filter(
        Q(municipality__in=scope.municipalities())
        | Q(municipality__isnull=True, programme_id__in=scope.programmes_with_any_role))


def published(system):
    return system.reports.filter(status=IncidentStatus.PUBLISHED).order_by(
        "-featured", "-published_on", "-id")


def statistics(system) -> dict:
    """Counts of the checked reports (the ones already categorised) by category and by phase."""
    checked = system.reports.exclude(status=IncidentStatus.RECEIVED)
    by_category = dict(checked.values_list("category").annotate(n=Count("id")))
    by_phase = dict(checked.values_list("phase").annotate(n=Count("id")))
    total = sum(by_phase.values())
    return {
        "total": total,
        "categories": [(label, by_category.get(value, 0)) for value, label in Category.choices],
        "phases": [(label, by_phase.get(value, 0)) for value, label in ReportPhase.choices],
        "max": max([*by_category.values(), *by_phase.values(), 1]),
    }


def queue(system) -> list[tuple[str, str, list]]:
    """(status, label, reports) for every status, new reports first."""
    reports = list(system.reports.annotate(
        unread_answers=Count("messages", filter=Q(messages__unread=True))))
    return [(value, label, [r for r in reports if r.status == value])
            for value, label in IncidentStatus.choices]


def open_count(system) -> int:
    return IncidentReport.objects.filter(system=system, status=IncidentStatus.RECEIVED).count()
