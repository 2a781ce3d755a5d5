"""The drawing base every chart in qdialog shares: matplotlib without a display, the palettes,
KERN's colours and fonts, label wrapping, and SVG output whose ids do not collide when several
charts sit on one page. Charts of figures are in qdialog/analysis/charts.py; the network map and
the case review charts draw on the same base.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import textwrap

import matplotlib

matplotlib.use("Agg")
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # Fira Sans: web only
import matplotlib.pyplot as plt  # noqa: E402

BLUE = "#0a4b9a"
GREY = "#6e7597"
DIVERGING = {
    4: ["#ca0020", "#f4a582", "#92c5de", "#0571b0"],
    5: ["#ca0020", "#f4a582", "#cccccc", "#92c5de", "#0571b0"],
    7: ["#b2182b", "#ef8a62", "#fddbc7", "#cccccc", "#d1e5f0", "#67a9cf", "#2166ac"],
}
SERIES = ["#0a4b9a", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e"]
#: one colour and marker per group (perspective or professional system), by the group's key –
#: the same group looks the same in every chart of the product. Okabe–Ito colours (safe for
#: the common colour-vision deficiencies), told apart by marker too.
GROUP_COLOURS = ["#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#0072b2",
                 "#f0e442", "#000000", "#999999", "#7f3c8d", "#882255", "#44aa99"]
GROUP_MARKERS = "sD^vP<>Xph*d"


def group_style(key) -> tuple[str, str]:
    """(colour, marker) of a group by its key ("1", "2" … as stored; "" for "not stated")."""
    try:
        index = int(key) - 1
    except (TypeError, ValueError):
        return "#6e7597", "x"
    return GROUP_COLOURS[index % len(GROUP_COLOURS)], GROUP_MARKERS[index % len(GROUP_MARKERS)]
_counter = itertools.count(1)

plt.rcParams.update({
    "svg.fonttype": "none", "font.family": ["Fira Sans", "DejaVu Sans", "sans-serif"],
    "font.size": 10, "axes.spines.top": False, "axes.spines.right": False,
    "axes.edgecolor": GREY, "axes.labelcolor": "#171a2b", "xtick.color": "#171a2b",
    "ytick.color": "#171a2b", "svg.hashsalt": "qdialog",
})


def wrap(text: str, width: int = 48, lines: int | None = None) -> str:
    """Break a label into lines; cut (with "…") only where `lines` is given – a question's label
    is never cut, or two rows that differ at the end would read the same."""
    wrapped = textwrap.wrap(text, width)
    if lines is not None and len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1] + "…"
    return "\n".join(wrapped)


def finish(fig, fmt: str = "svg") -> str | bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, bbox_inches="tight", dpi=200 if fmt == "png" else None)
    plt.close(fig)
    if fmt == "png":
        return buffer.getvalue()
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg"):]
    # unique ids per chart, so several charts can sit inline on one page
    prefix = f"c{next(_counter)}-"
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r'(url\(#|href="#)([^)"]+)', lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)
    return svg.replace("<svg ", '<svg role="img" aria-hidden="true" focusable="false" ', 1)
