"""Reads for the tenancy pages. Each returns what one page needs in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from qdialog.core.models import AuditEntry
from qdialog.tenancy.scope import Scope

from .models import (
    Cluster,
    ClusterRole,
    Membership,
    Municipality,
    Organisation,
    ProfessionalSystem,
    Programme,
    Role,
)

NETWORK_SYSTEMS = [s for s in ProfessionalSystem if s != ProfessionalSystem.INSTITUTE]


@dataclass
class SystemCoverage:
    system: ProfessionalSystem
    count: int

    @property
    def label(self):
        return self.system.label


def home_overview(*, scope: Scope) -> dict:
    """What the start page lists: each scope the person holds a role in."""
    return {
        "programmes": list(scope.programmes().annotate(
            n_municipalities=Count("municipalities", distinct=True))),
        "clusters": list(
            Cluster.objects.filter(pk__in=scope.coordinated_clusters)
            .select_related("programme")
            .annotate(n_municipalities=Count("municipalities"))
        ),
        "municipalities": list(
            Municipality.objects.filter(
                pk__in=scope.coordinated_municipalities | scope.participant_municipalities
            ).select_related("programme", "cluster")
        ),
        "coordinated_municipalities": scope.coordinated_municipalities,
    }


def municipalities_with_counts(queryset: QuerySet[Municipality]) -> QuerySet[Municipality]:
    return (
        queryset.select_related("cluster")
        .annotate(
            n_organisations=Count("organisations", distinct=True),
            n_members=Count("memberships", distinct=True),
        )
        .order_by("cluster__number", "-cluster_role", "name")
    )


def programme_dashboard(*, programme: Programme) -> dict:
    municipalities = list(municipalities_with_counts(programme.municipalities.all()))
    clusters = list(programme.clusters.all())
    by_cluster: dict[int | None, list[Municipality]] = {}
    for m in municipalities:
        by_cluster.setdefault(m.cluster_id, []).append(m)
    for c in clusters:
        c.municipality_list = by_cluster.get(c.pk, [])
        c.n_organisations = sum(m.n_organisations for m in c.municipality_list)
    coverage_rows = (
        Organisation.objects.filter(programme=programme, municipality__isnull=False)
        .values("professional_system")
        .annotate(n=Count("municipality", distinct=True))
    )
    covered = {row["professional_system"]: row["n"] for row in coverage_rows}
    return {
        "clusters": clusters,
        "unclustered": by_cluster.get(None, []),
        "n_municipalities": len(municipalities),
        "n_model": sum(1 for m in municipalities if m.cluster_role == ClusterRole.MODEL),
        "n_partner": sum(1 for m in municipalities if m.cluster_role == ClusterRole.PARTNER),
        "n_external": sum(1 for m in municipalities if m.evaluation_mode == "external"),
        "n_self": sum(1 for m in municipalities if m.evaluation_mode == "self"),
        "n_organisations": sum(m.n_organisations for m in municipalities),
        "coverage": [SystemCoverage(s, covered.get(s.value, 0)) for s in NETWORK_SYSTEMS],
        "institutes": list(programme.organisations.filter(municipality__isnull=True)),
        "programme_members": list(
            programme.memberships.filter(role__in=[Role.INSTITUTE_STAFF,
                                                   Role.CLUSTER_COORDINATOR])
            .select_related("user", "cluster", "organisation").order_by("role", "user__email")
        ),
    }


def cluster_dashboard(*, cluster: Cluster) -> dict:
    municipalities = list(municipalities_with_counts(cluster.municipalities.all()))
    return {
        "municipalities": municipalities,
        "coordinators": list(cluster.memberships.select_related("user", "organisation")),
        "n_organisations": sum(m.n_organisations for m in municipalities),
    }


def municipality_dashboard(*, municipality: Municipality) -> dict:
    counts = dict(
        municipality.organisations.values_list("professional_system")
        .annotate(n=Count("id")).values_list("professional_system", "n")
    )
    role_counts = dict(
        municipality.memberships.values_list("role").annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return {
        "coverage": [SystemCoverage(s, counts.get(s.value, 0)) for s in NETWORK_SYSTEMS],
        "missing_systems": [s for s in NETWORK_SYSTEMS
                            if not counts.get(s.value) and s != ProfessionalSystem.OTHER],
        "n_organisations": sum(counts.values()),
        "n_coordinators": role_counts.get(Role.MUNICIPAL_COORDINATOR, 0),
        "n_participants": role_counts.get(Role.PARTICIPANT, 0),
        "recent_log": list(
            AuditEntry.objects.filter(municipality=municipality)
            .select_related("content_type")[:5]
        ),
    }


def organisations_of(*, municipality: Municipality, system: str = "", q: str = "") -> QuerySet:
    qs = municipality.organisations.annotate(n_members=Count("memberships"))
    if system:
        qs = qs.filter(professional_system=system)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("professional_system", "name")


def members_of(*, municipality: Municipality) -> QuerySet[Membership]:
    return (municipality.memberships.select_related("user", "organisation")
            .order_by("role", "user__display_name", "user__email"))


def audit_entries(*, programme: Programme | None = None,
                  municipality: Municipality | None = None, action: str = "") -> QuerySet:
    qs = AuditEntry.objects.select_related("content_type", "municipality")
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    elif programme is not None:
        qs = qs.filter(programme=programme)
    else:
        return qs.none()
    if action:
        qs = qs.filter(action=action)
    return qs

