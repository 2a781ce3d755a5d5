"""Reads of the network app: the network page's data in a fixed number of queries, a relation
and its history, the relation (if any) of a pair of organisations."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from qdialog.core.models import AuditEntry

from . import graph
from .models import ContactPerson, Relation


def relations_of(*, municipality) -> QuerySet[Relation]:
    return (Relation.objects.filter(municipality=municipality)
            .select_related("source", "target").order_by("source__name", "target__name"))


def contacts_of(*, municipality) -> QuerySet[ContactPerson]:
    return (ContactPerson.objects.filter(organisation__municipality=municipality)
            .select_related("organisation").order_by("name"))


def pair_relation(*, municipality, first, second, exclude=None) -> Relation | None:
    """The relation between two organisations in either direction (A–B is B–A), if any."""
    if first is None or second is None:
        return None
    qs = Relation.objects.filter(
        Q(source=first, target=second) | Q(source=second, target=first),
        municipality=municipality).select_related("source", "target")
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("pk").first()


def relation_history(*, relation: Relation) -> QuerySet[AuditEntry]:
    """The audit entries of one relation, newest first: who changed what, when."""
    return (AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Relation), object_id=str(relation.pk),
        municipality_id=relation.municipality_id)
        .select_related("content_type").order_by("-at", "-id"))


@dataclass
class NetworkPage:
    network: graph.Network
    indicators: graph.Indicators
    map: graph.Map | None
    relations: list  # those shown (by the filter)
    contacts: list
    systems: list  # the labels of the professional systems the filter chose
    filtered: bool
    shown_organisations: int


def network_of(*, municipality) -> graph.Network:
    """A municipality's organisations and relations as a graph (two queries)."""
    return graph.build(municipality)


def systems_of(network: graph.Network) -> list:
    """The professional systems present in a network, for the filter."""
    return graph.systems_of(network)


def network_page(*, municipality, network: graph.Network | None = None,
                 systems=()) -> NetworkPage:
    """Everything the network page shows; `systems` filters the map and the relations table
    (organisations of those professional systems, their relations and partners). A fixed
    number of queries: organisations, relations, contacts and the event invitations."""
    network = network or network_of(municipality=municipality)
    organisations, relations = graph.shown(network, systems)
    return NetworkPage(
        network=network, indicators=graph.indicators(municipality, network),
        map=graph.network_map(network, systems), relations=relations,
        contacts=list(contacts_of(municipality=municipality)),
        systems=[s.label for s in graph.systems_of(network) if s.value in systems],
        filtered=bool(systems), shown_organisations=len(organisations))
