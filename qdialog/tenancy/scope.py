"""Tenant scope: what a person may see, resolved in exactly one place.

Every view that loads a tenant object goes through a Scope: `scope.municipalities()` and friends
return querysets already filtered to the person's memberships, and `get_in_scope()` turns anything
outside the scope into a 404, never a 403, so the existence of a foreign object does not leak.

Roles and their reach (docs/roles.md has the full matrix):
- institute staff: their programme with all its clusters and municipalities;
- cluster coordinator: their cluster and its municipalities;
- municipal coordinator and participant: their municipality.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from qdialog.core.scoping import fence_extend, unscoped

from .models import Cluster, Membership, Municipality, Organisation, Programme, Role


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    institute_programmes: frozenset[int] = field(default_factory=frozenset)
    coordinated_clusters: frozenset[int] = field(default_factory=frozenset)
    coordinated_municipalities: frozenset[int] = field(default_factory=frozenset)
    participant_municipalities: frozenset[int] = field(default_factory=frozenset)
    programmes_with_any_role: frozenset[int] = field(default_factory=frozenset)
    _coordinated_programmes: frozenset[int] = field(default_factory=frozenset)

    # --- what kind of person -------------------------------------------------------------
    @property
    def is_empty(self) -> bool:
        return not self.programmes_with_any_role

    @property
    def requires_mfa(self) -> bool:
        """Institute staff and coordinators hold the wider views; they need TOTP if required."""
        return bool(self.institute_programmes or self.coordinated_clusters
                    or self.coordinated_municipalities)

    # --- querysets ------------------------------------------------------------------------
    def programmes(self) -> QuerySet[Programme]:
        """Programmes whose dashboard the person may open (institute staff only)."""
        return Programme.objects.filter(pk__in=self.institute_programmes)

    def clusters(self) -> QuerySet[Cluster]:
        return Cluster.objects.filter(
            Q(programme_id__in=self.institute_programmes) | Q(pk__in=self.coordinated_clusters)
        )

    def municipality_q(self, prefix: str = "") -> Q:
        return (
            Q(**{f"{prefix}programme_id__in": self.institute_programmes})
            | Q(**{f"{prefix}cluster_id__in": self.coordinated_clusters})
            | Q(**{f"{prefix}pk__in": self.coordinated_municipalities
                   | self.participant_municipalities})
        )

    def municipalities(self) -> QuerySet[Municipality]:
        return Municipality.objects.filter(self.municipality_q())

    def managed_municipalities(self) -> QuerySet[Municipality]:
        """Municipalities whose details, organisations and members the person may change."""
        return Municipality.objects.filter(
            Q(programme_id__in=self.institute_programmes)
            | Q(pk__in=self.coordinated_municipalities)
        )

    def organisations(self) -> QuerySet[Organisation]:
        return Organisation.objects.filter(
            Q(programme_id__in=self.institute_programmes)
            | Q(municipality__cluster_id__in=self.coordinated_clusters)
            | Q(municipality_id__in=self.coordinated_municipalities
                | self.participant_municipalities)
        )

    @property
    def coordinated_programmes(self) -> frozenset[int]:
        """Programmes in which the person coordinates a cluster or a municipality."""
        return self._coordinated_programmes

    def coordinating_programmes(self) -> frozenset[int]:
        """Programmes in which the person is institute staff or a coordinator."""
        return self.institute_programmes | self._coordinated_programmes

    def member_clusters(self) -> QuerySet:
        """Clusters of the municipalities in which the person coordinates or takes part."""
        own = self.coordinated_municipalities | self.participant_municipalities
        return Municipality.objects.filter(pk__in=own, cluster__isnull=False).values("cluster_id")

    def process_clusters(self) -> QuerySet[Cluster]:
        """Clusters whose common processes the person may follow: those they see as a whole,
        and those their municipality belongs to."""
        return Cluster.objects.filter(
            Q(programme_id__in=self.institute_programmes) | Q(pk__in=self.coordinated_clusters)
            | Q(pk__in=self.member_clusters()))

    # --- predicates (used by qdialog/tenancy/rules.py) ---------------------------------------
    def is_institute_staff(self, programme_id: int | None) -> bool:
        return programme_id in self.institute_programmes

    def sees_municipality(self, municipality: Municipality) -> bool:
        return (
            municipality.programme_id in self.institute_programmes
            or municipality.cluster_id in self.coordinated_clusters
            or municipality.pk in self.coordinated_municipalities
            or municipality.pk in self.participant_municipalities
        )

    def manages_municipality(self, municipality: Municipality) -> bool:
        return (municipality.programme_id in self.institute_programmes
                or municipality.pk in self.coordinated_municipalities)

    def reads_municipality_log(self, municipality: Municipality) -> bool:
        return (self.manages_municipality(municipality)
                or municipality.cluster_id in self.coordinated_clusters)

    def sees_cluster(self, cluster: Cluster) -> bool:
        return (cluster.programme_id in self.institute_programmes
                or cluster.pk in self.coordinated_clusters)

    def manages_cluster(self, cluster: Cluster) -> bool:
        """Runs the cluster's common work: its coordinators and the programme's institute."""
        return self.sees_cluster(cluster)

    def member_of_cluster(self, cluster: Cluster, coordinators_only: bool = False) -> bool:
        """Has a municipal role in one of the cluster's municipalities."""
        own = self.coordinated_municipalities
        if not coordinators_only:
            own = own | self.participant_municipalities
        return bool(own) and cluster.municipalities.filter(pk__in=own).exists()


ANONYMOUS = Scope()


def scope_for(user) -> Scope:
    """The scope of a user, computed with one query and cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_qdialog_scope", None)
    if cached is not None:
        return cached
    with unscoped("a person's memberships are what the fence is made of"):
        rows = list(Membership.objects.filter(user_id=user.pk).values_list(
            "role", "programme_id", "cluster_id", "municipality_id"))
    sets: dict[str, set[int]] = {r: set() for r in Role.values}
    programmes: set[int] = set()
    coordinated_programmes: set[int] = set()
    for role, programme_id, cluster_id, municipality_id in rows:
        programmes.add(programme_id)
        if role in (Role.CLUSTER_COORDINATOR, Role.MUNICIPAL_COORDINATOR):
            coordinated_programmes.add(programme_id)
        sets[role].add({Role.INSTITUTE_STAFF: programme_id,
                        Role.CLUSTER_COORDINATOR: cluster_id}.get(role, municipality_id))
    scope = Scope(
        user_id=user.pk,
        institute_programmes=frozenset(sets[Role.INSTITUTE_STAFF]),
        coordinated_clusters=frozenset(sets[Role.CLUSTER_COORDINATOR]),
        coordinated_municipalities=frozenset(sets[Role.MUNICIPAL_COORDINATOR]),
        participant_municipalities=frozenset(sets[Role.PARTICIPANT]),
        programmes_with_any_role=frozenset(programmes),
        _coordinated_programmes=frozenset(coordinated_programmes),
    )
    user._qdialog_scope = scope
    return scope


def fence_for(user) -> Scope:
    """For requests whose person is known only inside the view (an API token, a signed calendar
    link): widen the request's tenant fence to that person's programmes and return their scope."""
    scope = scope_for(user)
    fence_extend(scope.programmes_with_any_role)
    return scope


def get_in_scope(queryset: QuerySet, **lookup) -> Model:
    """Like get_object_or_404 on a scoped queryset: outside the scope is simply not found."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.object_name} in scope") from None


def municipality_in_scope(request, pk, manage: bool = False) -> Municipality:
    """The municipality if the person sees it (with `manage`: if they coordinate it), else
    404 – the one loader the municipality's pages share."""
    qs = request.scope.managed_municipalities() if manage else request.scope.municipalities()
    return get_in_scope(qs.select_related("programme", "cluster"), pk=pk)
