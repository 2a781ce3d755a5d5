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
_counter = itertools.count(1)

plt.rcParams.update({
    "svg.fonttype": "none", "font.family": ["Fira Sans", "DejaVu Sans", "sans-serif"],
    "font.size": 10, "axes.spines.top": False, "axes.spines.right": False,
    "axes.edgecolor": GREY, "axes.labelcolor": "#171a2b", "xtick.color": "#171a2b",
    "ytick.color": "#171a2b", "svg.hashsalt": "qdialog",
})


def wrap(text: str, width: int = 48, lines: int = 2) -> str:
    wrapped = textwrap.wrap(text, width)
    if len(wrapped) > lines:
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
