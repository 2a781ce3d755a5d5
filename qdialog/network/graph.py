"""The network as a graph: indicators and a map drawn as SVG (layout by networkx).

A relation joins a *pair* of organisations: A–B and B–A are one pair (the database allows one
relation per pair, models.Relation), and every count here counts pairs, never rows. The map
numbers its organisations (the numbers are explained by the legend beside it, grouped by
professional system) and moves the dots apart until no two touch, so no label covers another.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from matplotlib.patches import Circle

from qdialog.core import charting
from qdialog.core.registry import network_participation
from qdialog.tenancy.models import ProfessionalSystem
from qdialog.tenancy.selectors import NETWORK_SYSTEMS

from .models import Relation, RelationKind

#: each professional system in the colour it has in every chart of the product: the group
#: colours of core/charting.py by the system's code in the survey ("In welchem Bereich arbeiten
#: Sie?": 1 youth office … 9 early help, 10 other), the job centre after them
SURVEY_CODES = {s.value: n for n, s in enumerate(NETWORK_SYSTEMS[:9], start=1)} | {
    ProfessionalSystem.OTHER.value: 10, ProfessionalSystem.JOB_CENTRE.value: 11}
COLOURS = {value: charting.group_style(code)[0] for value, code in SURVEY_CODES.items()}
UNKNOWN_COLOUR = "#999999"
WIDTH = {"written": 2.5, "p8a": 3.5, "informal": 1.2, "case": 1.0}
STYLE = {"written": "solid", "p8a": "solid", "informal": "dashed", "case": "dotted"}
#: the same line in the HTML legend (stroke-dasharray of an inline SVG)
DASHES = {"written": "", "p8a": "", "informal": "6 3", "case": "1.5 2.5"}
EDGE_COLOUR = "#8a90ab"
SYSTEM_ORDER = {s.value: n for n, s in enumerate(NETWORK_SYSTEMS)}

#: the map's canvas in points (1 point = 1 SVG unit), the gap kept between two dots, the font
#: size of the numbers in the dots
CANVAS = (560.0, 400.0)
GAP = 4.0
FONT_SIZE = 11.0


@dataclass
class Network:
    """A municipality's organisations and relations, read once (two queries)."""

    organisations: list
    relations: list
    graph: nx.Graph = field(repr=False)
    numbers: dict = field(default_factory=dict)  # organisation pk -> its number on the map


@dataclass
class Indicators:
    organisations: int
    relations: int
    density: float
    central: list  # (organisation, degree centrality, betweenness)
    absent_systems: list
    isolated: list
    never_at_events: list


def pairs(edges) -> set[frozenset]:
    """The distinct pairs among (a, b) edges: (a, b) and (b, a) are one, (a, a) is none."""
    return {frozenset((a, b)) for a, b in edges if a != b}


def density(nodes: int, pair_count: int) -> float:
    """The share of possible pairs that are related (0 for fewer than two organisations)."""
    possible = nodes * (nodes - 1) / 2
    return pair_count / possible if possible else 0.0


def _ordered(organisations) -> list:
    return sorted(organisations, key=lambda o: (SYSTEM_ORDER.get(o.professional_system, 99),
                                                o.name.casefold(), o.pk))


def _graph(organisations, relations) -> nx.Graph:
    graph = nx.Graph()
    for org in organisations:
        graph.add_node(org.pk, org=org)
    for r in relations:
        if r.source_id != r.target_id and r.source_id in graph and r.target_id in graph:
            graph.add_edge(r.source_id, r.target_id, kind=r.kind, strength=r.strength)
    return graph


def build(municipality) -> Network:
    organisations = _ordered(municipality.organisations.all())
    relations = list(Relation.objects.filter(municipality=municipality)
                     .select_related("source", "target").order_by("source__name", "target__name"))
    return Network(organisations=organisations, relations=relations,
                   graph=_graph(organisations, relations),
                   numbers={o.pk: n for n, o in enumerate(organisations, start=1)})


def indicators(municipality, network: Network | None = None) -> Indicators:
    network = network or build(municipality)
    graph, organisations = network.graph, network.organisations
    degree = nx.degree_centrality(graph) if len(graph) > 1 else {}
    between = nx.betweenness_centrality(graph) if len(graph) > 2 else {}
    by_pk = {o.pk: o for o in organisations}
    central = sorted(((by_pk[n], degree.get(n, 0), between.get(n, 0)) for n in graph.nodes
                      if graph.degree(n) > 0), key=lambda r: (-r[2], -r[1]))[:5]
    present = {o.professional_system for o in organisations}
    # e.g. invitations to the municipality's own events and to its cluster's common events
    invited = set().union(*(source(municipality) for source in network_participation))
    pair_count = len(pairs((r.source_id, r.target_id) for r in network.relations))
    return Indicators(
        organisations=len(organisations), relations=pair_count,
        density=density(len(organisations), pair_count), central=central,
        absent_systems=[s for s in NETWORK_SYSTEMS
                        if s.value not in present and s != ProfessionalSystem.OTHER],
        isolated=[by_pk[n] for n in graph.nodes if graph.degree(n) == 0],
        never_at_events=[o for o in organisations if o.pk not in invited])


def systems_of(network: Network) -> list[ProfessionalSystem]:
    """The professional systems present in the network, in their usual order."""
    present = {o.professional_system for o in network.organisations}
    return [s for s in ProfessionalSystem if s.value in present]


def shown(network: Network, systems=()) -> tuple[list, list]:
    """What the map and the table show for a filter by professional system: the organisations
    of those systems, their relations and their partners (everything without a filter)."""
    if not systems:
        return network.organisations, network.relations
    chosen = {o.pk for o in network.organisations if o.professional_system in systems}
    relations = [r for r in network.relations if r.source_id in chosen or r.target_id in chosen]
    keep = chosen | {r.source_id for r in relations} | {r.target_id for r in relations}
    return [o for o in network.organisations if o.pk in keep], relations


# --- the map ------------------------------------------------------------------------------


@dataclass
class MapNode:
    number: int
    organisation: object
    colour: str
    x: float
    y: float
    radius: float


@dataclass
class LegendEntry:
    system: str
    label: str
    colour: str
    nodes: list  # MapNode


@dataclass
class Map:
    svg: str
    nodes: list
    legend: list
    kinds: list  # (value, label, width, dasharray) of the kinds drawn


def radius(degree: int) -> float:
    """A dot grows with its relations; the smallest still holds a three-digit number."""
    return 13.0 + 2.0 * min(degree, 8)


def separate(xy: np.ndarray, radii: np.ndarray, size=CANVAS, gap=GAP,
             rounds: int = 400) -> tuple[np.ndarray, tuple[float, float]]:
    """Move dots apart until no two are closer than their radii plus `gap`, inside the canvas.

    Pushes every overlapping pair apart along the line between them; if that does not settle
    (a crowded canvas), the dots go onto a grid in their layout order, which always fits
    because the canvas grows with it. Returns the positions and the canvas size."""
    xy = xy.astype(float).copy()
    n = len(xy)
    width, height = size
    if n < 2:
        return xy, size
    need = radii[:, None] + radii[None, :] + gap
    low, high = radii + 1, np.stack([width - radii - 1, height - radii - 1], axis=1)
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    rng = np.random.default_rng(79)
    for _round in range(rounds):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.hypot(delta[..., 0], delta[..., 1])
        overlap = (dist < need) & upper
        if not overlap.any():
            return xy, size
        same = (dist < 1e-6) & upper
        if same.any():  # two dots on one spot: nudge them apart in a random direction
            i, j = np.nonzero(same)
            xy[j] += rng.normal(scale=1.0, size=(len(j), 2))
            continue
        push = np.where(overlap, (need - dist) / 2 / np.where(dist > 0, dist, 1), 0)
        push = push + push.T
        moves = (delta * push[..., None]).sum(axis=1)
        xy = np.clip(xy + moves * 1.01, low[:, None], high)
    # a grid whose cells hold the largest dot: fits whatever the layout did
    cell = float(radii.max()) * 2 + gap
    columns = max(1, math.ceil(math.sqrt(n * width / height)))
    rows = math.ceil(n / columns)
    width, height = max(width, columns * cell), max(height, rows * cell)
    order = np.lexsort((xy[:, 0], np.round(xy[:, 1] / cell)))
    grid = np.empty_like(xy)
    for place, index in enumerate(order):
        grid[index] = ((place % columns + 0.5) * cell, (place // columns + 0.5) * cell)
    return grid, (width, height)


def _text_colour(colour: str) -> str:
    """Black or white, whichever reads better on the dot (relative luminance, WCAG)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if luminance > 0.179 else "#ffffff"


def _layout(graph: nx.Graph, nodes: list, radii: np.ndarray) -> tuple[np.ndarray, tuple]:
    width, height = CANVAS
    if len(nodes) == 1:
        return np.array([[width / 2, height / 2]]), CANVAS
    spring = nx.spring_layout(graph, seed=79, k=1.6 / max(1, len(graph)) ** 0.5)
    xy = np.array([spring[n] for n in nodes], dtype=float)
    margin = float(radii.max()) + GAP
    span = xy.max(axis=0) - xy.min(axis=0)
    span[span == 0] = 1
    xy = (xy - xy.min(axis=0)) / span
    xy = np.stack([margin + xy[:, 0] * (width - 2 * margin),
                   margin + xy[:, 1] * (height - 2 * margin)], axis=1)
    return separate(xy, radii)


def network_map(network: Network, systems=()) -> Map | None:
    """The map of the organisations and relations `shown()` for the filter, or None if there
    is no organisation to draw."""
    organisations, relations = shown(network, systems)
    if not organisations:
        return None
    graph = _graph(organisations, relations)
    nodes = [o.pk for o in organisations]
    radii = np.array([radius(graph.degree(n)) for n in nodes])
    xy, (width, height) = _layout(graph, nodes, radii)
    at = {n: xy[i] for i, n in enumerate(nodes)}
    plt = charting.plt
    fig = plt.figure(figsize=(width / 72, height / 72))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)  # y grows downwards, as in the SVG
    ax.set_aspect("equal")
    ax.axis("off")
    drawn = []
    for kind in WIDTH:
        segments = [(at[u], at[v]) for u, v, d in graph.edges(data=True) if d["kind"] == kind]
        for (x1, y1), (x2, y2) in segments:
            ax.plot([x1, x2], [y1, y2], color=EDGE_COLOUR, linewidth=WIDTH[kind],
                    linestyle=STYLE[kind], zorder=1, solid_capstyle="round")
        if segments:
            drawn.append(kind)
    map_nodes = []
    for i, org in enumerate(organisations):
        colour = COLOURS.get(org.professional_system, UNKNOWN_COLOUR)
        number = network.numbers.get(org.pk, i + 1)
        x, y = (float(v) for v in xy[i])
        circle = Circle(
            (x, y), float(radii[i]), facecolor=colour, edgecolor="white", linewidth=1.5,
            zorder=2)
        circle.set_gid(f"node-{number}")
        ax.add_patch(circle)
        ax.text(x, y, str(number), ha="center", va="center", fontsize=FONT_SIZE,
                color=_text_colour(colour), zorder=3, fontfamily="DejaVu Sans")
        map_nodes.append(MapNode(number=number, organisation=org, colour=colour, x=x, y=y,
                                 radius=float(radii[i])))
    svg = _titled(charting.finish(fig), {n.number: str(n.organisation) for n in map_nodes})
    legend = []
    for system in ProfessionalSystem:
        members = [n for n in map_nodes if n.organisation.professional_system == system.value]
        if members:
            legend.append(LegendEntry(system=system.value, label=system.label,
                                      colour=COLOURS.get(system.value, UNKNOWN_COLOUR),
                                      nodes=sorted(members, key=lambda n: n.number)))
    kinds = [(k, RelationKind(k).label, WIDTH[k], DASHES[k]) for k in drawn]
    return Map(svg=svg, nodes=map_nodes, legend=legend, kinds=kinds)


def _titled(svg: str, names: dict[int, str]) -> str:
    """A tooltip (SVG <title>) with the organisation's name on each dot."""
    def add(match):
        name = names.get(int(match.group(2)))
        return match.group(0) + (f"<title>{html.escape(name)}</title>" if name else "")

    return re.sub(r'<g id="(c\d+-)?node-(\d+)">', add, svg)


def map_svg(municipality) -> str:
    """The whole network's map as SVG ("" for a network without organisations)."""
    drawn = network_map(build(municipality))
    return drawn.svg if drawn else ""
