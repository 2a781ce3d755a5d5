"""A readable map: numbered dots that never touch (so no label covers another), a legend of the
professional systems in the colours of every chart, a filter by professional system that works
without JavaScript, and the same information as a table, so nothing is only in the picture."""

import datetime as dt
import itertools
import re
from html import unescape
from pathlib import Path

import numpy as np
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from qdialog.core import charting
from qdialog.network import graph
from qdialog.network.models import Relation
from qdialog.tenancy.models import Organisation

SYSTEMS = ["youth_office", "school", "kita", "health", "independent_provider", "counselling",
           "police", "family_court", "early_help", "job_centre", "other"]
TEXT = re.compile(r'<text style="([^"]*)" x="([-\d.]+)" y="([-\d.]+)"[^>]*>([^<]*)</text>')


@pytest.fixture
def crowded(world):
    """32 organisations with long names, a hub and a dense core: a layout that crowds."""
    orgs = [world.orgs[world.m1.pk]]
    for n in range(31):
        orgs.append(Organisation.objects.create(
            programme=world.a, municipality=world.m1, professional_system=SYSTEMS[n % 11],
            name=f"Sehr lange Organisationsbezeichnung Nummer {n} gemeinnützige GmbH"))
    pairs = [(orgs[0], o) for o in orgs[1:]]
    pairs += [(a, b) for a, b in itertools.combinations(orgs[1:9], 2)]
    Relation.objects.bulk_create(
        Relation(municipality=world.m1, source=a, target=b, kind=["p8a", "written", "informal",
                                                                  "case"][n % 4])
        for n, (a, b) in enumerate(pairs))
    return orgs


def label_boxes(svg):
    """The box of every text in the SVG: its width estimated from the font size and the number
    of characters (0.7 em each, more than any digit takes), its height one font size."""
    boxes = []
    for style, x, y, text in TEXT.findall(svg):
        size = float(re.search(r"font-size: ([\d.]+)px", style).group(1))
        anchor = re.search(r"text-anchor: (\w+)", style)
        anchor = anchor.group(1) if anchor else "start"
        width, x, y = 0.7 * size * len(unescape(text)), float(x), float(y)
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        boxes.append((unescape(text), left, y - 0.8 * size, left + width, y + 0.2 * size))
    return boxes


def overlapping(boxes):
    return [(a[0], b[0]) for a, b in itertools.combinations(boxes, 2)
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]]


def test_no_two_labels_of_the_map_overlap(world, crowded):
    drawn = graph.network_map(graph.build(world.m1))
    boxes = label_boxes(drawn.svg)
    assert sorted(int(b[0]) for b in boxes) == list(range(1, len(crowded) + 1))
    assert overlapping(boxes) == []
    # nor do the dots: each label sits inside a dot of its own
    for a, b in itertools.combinations(drawn.nodes, 2):
        assert np.hypot(a.x - b.x, a.y - b.y) >= a.radius + b.radius + graph.GAP - 1e-6


@pytest.mark.parametrize("seed", range(5))
def test_separate_moves_any_crowd_apart(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 60))
    xy = rng.normal(loc=200, scale=3, size=(n, 2))  # all on top of each other
    radii = np.array([graph.radius(int(d)) for d in rng.integers(0, 12, size=n)])
    placed, (width, height) = graph.separate(xy, radii)
    for i, j in itertools.combinations(range(n), 2):
        assert np.hypot(*(placed[i] - placed[j])) >= radii[i] + radii[j] + graph.GAP - 1e-6
    assert (placed - radii[:, None] >= 0).all()
    assert (placed[:, 0] + radii <= width).all() and (placed[:, 1] + radii <= height).all()


def test_the_legend_shows_each_system_in_its_colour_and_names_every_number(
        client_for, world, crowded):
    body = client_for("paul").get(reverse("network:network", args=[world.m1.pk])) \
        .content.decode()
    legend = body[body.index('class="qd-network-legend"'):body.index('id="relations"')]
    network = graph.build(world.m1)
    for system in {o.professional_system for o in crowded}:
        colour = charting.group_style(graph.SURVEY_CODES[system])[0]
        entry = re.search(rf'data-system="{system}">(.*?)</ol></li>', legend, re.S).group(1)
        assert f'fill="{colour}"' in entry
        for org in (o for o in crowded if o.professional_system == system):
            assert f'<li value="{network.numbers[org.pk]}">{org.name}</li>' in unescape(entry)
    # the dot of each number has the colour of its system in the legend
    svg = body[body.index("<svg"):body.index("</svg>")]
    for org in crowded:
        number = network.numbers[org.pk]
        style = re.search(rf'node-{number}"><title>[^<]*</title>\s*<path[^>]*style="([^"]*)"',
                          svg).group(1)
        fill = re.search(r"fill: (#\w+)", style)  # matplotlib leaves out SVG's default black
        assert (fill.group(1) if fill else "#000000") == graph.COLOURS[org.professional_system]
    assert "Agreement under § 8a SGB VIII" in legend and 'stroke-dasharray="6 3"' in legend


def test_the_filter_shows_one_system_its_relations_and_partners(client_for, world, orgs):
    asd, school, clinic = orgs
    kita = Organisation.objects.create(programme=world.a, municipality=world.m1,
                                       name="Kita Sonnenschein", professional_system="kita")
    Relation.objects.create(municipality=world.m1, source=clinic, target=kita, kind="case")
    client = client_for("carol")
    url = reverse("network:network", args=[world.m1.pk])
    body = client.get(url + "?system=school").content.decode()
    table = body[body.index('id="relations"'):body.index('id="h-ind"')]
    legend = body[body.index('class="qd-network-legend"'):body.index('id="relations"')]
    assert "Grundschule Eins" in legend and "Jugendamt Landkreis Eins" in legend  # its partner
    assert "Klinikum Eins" not in legend and "Kita Sonnenschein" not in legend
    assert "Grundschule Eins" in table and "Kita Sonnenschein" not in table
    assert re.search(r'value="school"\s+id="id_system_\d+" checked>', body)
    assert "2 of 4 organisations" in body
    assert f'href="/m/{world.m1.pk}/network/#map">Show the whole network' in body
    # the key figures stay those of the whole network
    assert '<span class="qd-figure__value">4</span>' in body
    # a system that is not in the network is refused; the page shows everything
    bad = client.get(url + "?system=police")
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    assert "Kita Sonnenschein" in bad.content.decode()


def test_the_table_holds_what_the_map_shows(client_for, world, crowded):
    Relation.objects.filter(source=crowded[0], target=crowded[1]).update(
        since="2021-03-01", last_reviewed="2025-11-30")
    body = client_for("mia").get(reverse("network:network", args=[world.m1.pk])) \
        .content.decode()
    table = body[body.index('id="relations"'):body.index('id="h-ind"')]
    for header in ("Organisation", "cooperates with", "Kind", "Since / last reviewed"):
        assert f">{header}</th>" in table
    rows = re.findall(r'<tr class="kern-table__row"><th scope="row"', table)
    assert len(rows) == Relation.objects.count() == graph.indicators(world.m1).relations
    with translation.override("en"):
        since, reviewed = (date_format(dt.date.fromisoformat(d), "SHORT_DATE_FORMAT")
                           for d in ("2021-03-01", "2025-11-30"))
    assert f"since {since}<br>reviewed\n  {reviewed}</td>" in table
    assert "Agreement under § 8a SGB VIII (medium)" in table
    outside = body.replace(body[body.index("<svg"):body.index("</svg>")], "")
    for org in crowded:  # every organisation is named outside the picture
        assert org.name in unescape(outside)


def test_the_page_keeps_text_inside_its_cards_and_swaps_the_picture_for_the_table_on_phones(
        client_for, world, orgs):
    body = client_for("mia").get(reverse("network:network", args=[world.m1.pk])) \
        .content.decode()
    assert '<ul class="qd-figures qd-network-figures">' in body
    css = (Path(graph.__file__).parents[1] / "static" / "qdialog" / "qdialog.css").read_text()
    assert re.search(r"\.qd-network-figures \.qd-figure \{[^}]*overflow-wrap: anywhere", css)
    assert re.search(r"@media \(max-width: [\d.]+rem\) \{\s*\.qd-network-map__picture "
                     r"\{ display: none; \}", css)


def test_the_network_page_reads_in_a_fixed_number_of_queries(
        client_for, world, orgs, django_assert_max_num_queries):
    client = client_for("mia")
    url = reverse("network:network", args=[world.m1.pk])
    client.get(url)
    # session, user, memberships, municipality, organisations, relations, invitations,
    # contacts, the three organisation lists of the forms, the header's notifications
    with django_assert_max_num_queries(13):
        assert client.get(url).status_code == 200
    asd = orgs[0]
    more = [Organisation.objects.create(programme=world.a, municipality=world.m1,
                                        name=f"Kita {n}", professional_system="kita")
            for n in range(20)]
    Relation.objects.bulk_create(Relation(municipality=world.m1, source=asd, target=o,
                                          kind="informal") for o in more)
    with django_assert_max_num_queries(13):
        assert client.get(url + "?system=kita").status_code == 200
