"""One colour and marker per group in every chart: perspectives and professional systems keep
theirs wherever they appear, and no two share one."""

from qdialog.core.charting import group_style
from qdialog.network.graph import COLOURS, SURVEY_CODES
from qdialog.surveys.default_instrument import INSTRUMENT


def test_every_group_of_the_default_instrument_has_a_style_of_its_own():
    items = [i for s in INSTRUMENT["sections"] for i in s["items"]
             if i.get("role") in ("perspective", "professional_system")]
    assert len(items) == 2
    for item in items:
        keys = [str(n) for n in range(1, len(item["options"]) + 1)]
        styles = [group_style(k) for k in keys]
        assert len(set(styles)) == len(styles)
        assert len({colour for colour, _ in styles}) == len(styles)
    assert group_style("") == group_style(None)  # "not stated": grey cross, in every chart


def test_the_network_map_colours_each_system_as_the_survey_charts_do():
    assert sorted(SURVEY_CODES.values()) == list(range(1, 12))
    assert len(set(COLOURS.values())) == len(COLOURS)
    # the youth office is group 1 of "In welchem Bereich arbeiten Sie?"
    assert COLOURS["youth_office"] == group_style("1")[0]
    assert COLOURS["other"] == group_style("10")[0]
