"""The network as a graph: indicators and a map drawn as SVG (layout by networkx)."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from qdialog.core import charting
from qdialog.core.registry import network_participation
from qdialog.tenancy.models import ProfessionalSystem
from qdialog.tenancy.selectors import NETWORK_SYSTEMS

from .models import Relation

#: each professional system in the colour it has in every chart of the product: the group
#: colours of core/charting.py by the system's code in the survey ("In welchem Bereich arbeiten
#: Sie?": 1 youth office … 9 early help, 10 other), the job centre after them
SURVEY_CODES = {s.value: n for n, s in enumerate(NETWORK_SYSTEMS[:9], start=1)} | {
    ProfessionalSystem.OTHER.value: 10, ProfessionalSystem.JOB_CENTRE.value: 11}
COLOURS = {value: charting.group_style(code)[0] for value, code in SURVEY_CODES.items()}
WIDTH = {"written": 2.5, "p8a": 3.5, "informal": 1.2, "case": 1.0}
STYLE = {"written": "solid", "p8a": "solid", "informal": "dashed", "case": "dotted"}


@dataclass
class Indicators:
    organisations: int
    relations: int
    density: float
    central: list  # (organisation, degree centrality, betweenness)
    absent_systems: list
    isolated: list
    never_at_events: list


def build(municipality):
    organisations = list(municipality.organisations.all())
    relations = list(Relation.objects.filter(municipality=municipality)
                     .select_related("source", "target"))
    graph = nx.Graph()
    for org in organisations:
        graph.add_node(org.pk, org=org)
    for r in relations:
        graph.add_edge(r.source_id, r.target_id, kind=r.kind, strength=r.strength)
    return graph, organisations, relations


def indicators(municipality) -> Indicators:
    graph, organisations, relations = build(municipality)
    degree = nx.degree_centrality(graph) if len(graph) > 1 else {}
    between = nx.betweenness_centrality(graph) if len(graph) > 2 else {}
    by_pk = {o.pk: o for o in organisations}
    central = sorted(((by_pk[n], degree.get(n, 0), between.get(n, 0)) for n in graph.nodes
                      if graph.degree(n) > 0), key=lambda r: (-r[2], -r[1]))[:5]
    present = {o.professional_system for o in organisations}
    # e.g. invitations to the municipality's own events and to its cluster's common events
    invited = set().union(*(source(municipality) for source in network_participation))
    return Indicators(
        organisations=len(organisations), relations=len(relations),
        density=nx.density(graph) if len(graph) > 1 else 0.0, central=central,
        absent_systems=[s for s in NETWORK_SYSTEMS
                        if s.value not in present and s != ProfessionalSystem.OTHER],
        isolated=[by_pk[n] for n in graph.nodes if graph.degree(n) == 0],
        never_at_events=[o for o in organisations if o.pk not in invited])


def map_svg(municipality) -> str:
    graph, organisations, relations = build(municipality)
    if not organisations:
        return ""
    plt = charting.plt
    layout = nx.spring_layout(graph, seed=79, k=1.6 / max(1, len(graph)) ** 0.5)
    fig, ax = plt.subplots(figsize=(9, 6.5))
    for kind in WIDTH:
        edges = [(u, v) for u, v, d in graph.edges(data=True) if d["kind"] == kind]
        if edges:
            nx.draw_networkx_edges(graph, layout, edgelist=edges, ax=ax, width=WIDTH[kind],
                                   style=STYLE[kind], edge_color="#8a90ab")
    sizes = [220 + 120 * graph.degree(n) for n in graph.nodes]
    colours = [COLOURS.get(graph.nodes[n]["org"].professional_system, "#999999")
               for n in graph.nodes]
    nx.draw_networkx_nodes(graph, layout, ax=ax, node_size=sizes, node_color=colours,
                           edgecolors="white", linewidths=1.5)
    labels = {n: charting.wrap(str(graph.nodes[n]["org"]), 22, lines=2) for n in graph.nodes}
    below = {n: (x, y - 0.07) for n, (x, y) in layout.items()}  # labels under the dots
    nx.draw_networkx_labels(graph, below, labels=labels, ax=ax, font_size=7,
                            font_family="DejaVu Sans", verticalalignment="top")
    present = sorted({graph.nodes[n]["org"].professional_system for n in graph.nodes})
    handles = [plt.Line2D([], [], marker="o", linestyle="", color=COLOURS.get(s, "#999"),
                          markersize=8) for s in present]
    ax.legend(handles, [charting.wrap(ProfessionalSystem(s).label, 32) for s in present],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=7.5)
    ax.axis("off")
    return charting.finish(fig)
