"""Charts as SVG, drawn on the server with matplotlib: the same figure goes into the web page,
the PDF and (as PNG) the DOCX. Every chart is paired with a table of the same figures.

Colours: a colour-blind-safe diverging palette (ColorBrewer RdBu) for agreement scales, KERN blue
for single series. Text stays text in the SVG (searchable, sharp when projected).
"""

from __future__ import annotations

import itertools

from qdialog.core.charting import BLUE, DIVERGING, GREY, SERIES, finish, plt, wrap

from .engine import DimensionResult, ItemResult


def likert_bars(items: list[ItemResult], fmt: str = "svg"):
    """Diverging stacked bars: disagreement to the left of the middle, agreement to the right."""
    items = [i for i in items if i.overall.shares and i.variable.measure == "scale"]
    if not items:
        return ""
    points = len(items[0].variable.choices)
    colours = DIVERGING.get(points, DIVERGING[5])
    fig, ax = plt.subplots(figsize=(10, 0.62 * len(items) + 1.2))
    items = [i for i in items if len(i.overall.shares) == points]
    rows = list(range(len(items)))
    shares = [[s * 100 for s in item.overall.shares] for item in reversed(items)]
    half = points // 2
    lefts = [-sum(row[:half]) - (row[half] / 2 if points % 2 else 0) for row in shares]
    for category, colour in enumerate(colours):
        widths = [row[category] for row in shares]
        ax.barh(rows, widths, left=lefts, color=colour, height=0.7, edgecolor="white",
                linewidth=0.5, clip_on=False)  # no clip paths: lighter SVG for PDF renderers
        dark = colour in ("#ca0020", "#0571b0", "#b2182b", "#2166ac")
        for y, (left, width) in enumerate(zip(lefts, widths)):
            if width >= 15:  # label the larger segments; the table has every figure
                ax.text(left + width / 2, y, f"{width:.0f}", ha="center", va="center",
                        fontsize=7.5, color="white" if dark else "#171a2b", clip_on=False)
        lefts = [left + width for left, width in zip(lefts, widths)]
    ax.axvline(0, color=GREY, linewidth=0.8)
    ax.set_yticks(range(len(items)))
    ax.set_yticklabels([wrap(i.variable.label("de"), 75) for i in reversed(items)], fontsize=7.5)
    ax.set_xlim(-100, 100)
    ax.set_xticks([-100, -50, 0, 50, 100])
    ax.set_xticklabels(["100 %", "50 %", "0", "50 %", "100 %"])
    labels = [c.label("de") for c in items[0].variable.choices]
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours]
    ax.legend(handles, labels, ncol=min(points, 4), loc="upper center",
              bbox_to_anchor=(0.5, -0.06 if len(items) > 3 else -0.2), frameon=False, fontsize=8)
    return finish(fig, fmt)


def dimension_profile(dimensions: list[DimensionResult], fmt: str = "svg"):
    """Mean scale score per dimension, overall and per perspective (dots)."""
    dims = [d for d in dimensions if d.overall.summary]
    if not dims:
        return ""
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(dims) + 1.4))
    ys = list(range(len(dims)))[::-1]
    groups = {}
    for y, d in zip(ys, dims):
        s = d.overall.summary
        ax.plot([s.ci_low, s.ci_high], [y, y], color=BLUE, linewidth=6, alpha=0.25,
                solid_capstyle="round")
        ax.plot(s.mean, y, "o", color=BLUE, markersize=7, zorder=3)
        for g in d.by_perspective:
            if g.summary:
                groups.setdefault(g.label, []).append((g.summary.mean, y))
    for (label, points), colour, marker in zip(groups.items(), SERIES[1:], "sD^v"):
        ax.scatter([p[0] for p in points], [p[1] for p in points], color=colour, marker=marker,
                   s=28, label=wrap(label, 30), zorder=4)
    ax.set_yticks(ys)
    ax.set_yticklabels([wrap(d.label, 40) for d in dims])
    ax.set_xlim(1, 5)
    ax.set_xlabel("1 = trifft nicht zu … 5 = trifft voll zu")
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend([plt.Line2D([], [], marker="o", color=BLUE, linestyle="")] + handles,
              ["alle (mit 95-%-KI)"] + labels, loc="upper center", bbox_to_anchor=(0.5, -0.12),
              ncol=3, frameon=False, fontsize=8)
    return finish(fig, fmt)


def divergence(rows, fmt: str = "svg", limit: int = 10):
    """The rows where perspectives diverge most: a line from lowest to highest group mean."""
    rows = rows[:limit]
    if not rows:
        return ""
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(rows) + 1.4))
    ys = list(range(len(rows)))[::-1]
    legend = {}
    # one colour and marker per perspective, the same in every row
    styles = {g.label: style for g, style in zip(rows[0].by_perspective,
                                                 zip(SERIES, "osD^v<>"))}
    for y, row in zip(ys, rows):
        means = [(g.label, g.summary.mean) for g in row.by_perspective if g.summary]
        if not means:
            continue
        values = [m for _, m in means]
        ax.plot([min(values), max(values)], [y, y], color="#c0c4d6", linewidth=3, zorder=1)
        for label, mean in means:
            colour, marker = styles.get(label, (GREY, "o"))
            legend[label] = ax.scatter(mean, y, color=colour, marker=marker, s=36, zorder=3)
    ax.set_yticks(ys)
    labels = [getattr(r, "label", None) or r.variable.label("de") for r in rows]
    ax.set_yticklabels([wrap(text, 55) for text in labels], fontsize=8)
    ax.set_xlim(1, 5)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    ax.legend(list(legend.values()), [wrap(k, 30) for k in legend], loc="upper center",
              bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False, fontsize=8)
    return finish(fig, fmt)


def comparison(rows, first, second, fmt: str = "svg"):
    """Dimension means of two waves with their confidence intervals."""
    rows = [r for r in rows if r.kind == "dimension" and r.difference]
    if not rows:
        return ""
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(rows) + 1.4))
    ys = list(range(len(rows)))[::-1]
    for y, r in zip(ys, rows):
        ax.plot([r.a.mean, r.b.mean], [y, y], color="#c0c4d6", linewidth=2, zorder=1)
        for s, colour, dy in ((r.a, GREY, 0.12), (r.b, BLUE, -0.12)):
            ax.errorbar(s.mean, y + dy, xerr=[[s.mean - s.ci_low], [s.ci_high - s.mean]],
                        fmt="o", color=colour, markersize=6, capsize=2, zorder=3)
    ax.set_yticks(ys)
    ax.set_yticklabels([wrap(r.label, 40) for r in rows])
    ax.set_xlim(1, 5)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    ax.legend([plt.Line2D([], [], marker="o", color=GREY, linestyle=""),
               plt.Line2D([], [], marker="o", color=BLUE, linestyle="")],
              [str(first), str(second)], loc="upper center", bbox_to_anchor=(0.5, -0.1),
              ncol=2, frameon=False, fontsize=8)
    return finish(fig, fmt)


def trend(series, fmt: str = "svg"):
    """Dimension means across waves (t0, t1, …): one line per dimension."""
    points = [(w, {d.label: d.overall.summary.mean for d in dims if d.overall.summary})
              for w, dims in series]
    points = [(w, means) for w, means in points if means]
    if len(points) < 2:
        return ""
    labels = sorted({label for _, means in points for label in means})
    fig, ax = plt.subplots(figsize=(9, 4.5))
    xs = list(range(len(points)))
    for label, colour in zip(labels, itertools.cycle(SERIES + ["#a6761d", "#666666"])):
        ys = [means.get(label) for _, means in points]
        ax.plot(xs, [y if y is not None else float("nan") for y in ys], marker="o",
                color=colour, label=wrap(label, 38))
    ax.set_xticks(xs)
    ax.set_xticklabels([f"t{w.timepoint}: {wrap(w.title, 20)}" for w, _ in points])
    ax.set_ylim(1, 5)
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=7.5)
    return finish(fig, fmt)
