"""Charts as SVG, drawn on the server with matplotlib: the same figure goes into the web page,
the PDF and (as PNG) the DOCX. Every chart is paired with a table of the same figures.

Colours: a colour-blind-safe diverging palette (ColorBrewer RdBu) for agreement scales, KERN blue
for single series. Text stays text in the SVG (searchable, sharp when projected).
"""

from __future__ import annotations

import itertools

from django.utils.translation import get_language, gettext

from qdialog.core.charting import (
    BLUE,
    DIVERGING,
    GREY,
    finish,
    group_style,
    plt,
    wrap,
)

from .engine import DimensionResult, ItemResult


def _lang() -> str:
    return (get_language() or "de")[:2]


def _size(page: bool, web_width: float) -> tuple[float, float]:
    """(figure width in inches, smallest font size): for a report page the figure is as wide
    as the A4 text column, so that it is printed at its own size and no text is below 8 pt."""
    return (6.4, 8.5) if page else (web_width, 7.5)


def likert_bars(items: list[ItemResult], fmt: str = "svg", *, labels: list[str] | None = None,
                page: bool = False):
    """Diverging stacked bars: disagreement to the left of the middle, agreement to the right.
    `labels`: the rows' own words (e.g. a matrix question's rows under its stem)."""
    pairs = [(i, labels[n] if labels else i.variable.label(_lang()))
             for n, i in enumerate(items)
             if i.overall.shares and i.variable.measure == "scale"]
    if not pairs:
        return ""
    points = len(pairs[0][0].variable.choices)
    pairs = [(i, label) for i, label in pairs if len(i.overall.shares) == points]
    colours = DIVERGING.get(points, DIVERGING[5])
    width, font = _size(page, 10)
    label_chars = 40 if page else 75
    wrapped = [wrap(label, label_chars) for _, label in reversed(pairs)]
    height = sum(0.45 + 0.13 * w.count("\n") for w in wrapped) + 0.9
    fig, ax = plt.subplots(figsize=(width, height))
    if page:
        fig.subplots_adjust(left=0.46, right=0.98)
    rows = list(range(len(pairs)))
    shares = [[s * 100 for s in item.overall.shares] for item, _ in reversed(pairs)]
    half = points // 2
    lefts = [-sum(row[:half]) - (row[half] / 2 if points % 2 else 0) for row in shares]
    for category, colour in enumerate(colours):
        widths = [row[category] for row in shares]
        ax.barh(rows, widths, left=lefts, color=colour, height=0.7, edgecolor="white",
                linewidth=0.5, clip_on=False)  # no clip paths: lighter SVG for PDF renderers
        dark = colour in ("#ca0020", "#0571b0", "#b2182b", "#2166ac")
        for y, (left, share) in enumerate(zip(lefts, widths)):
            if share >= 15:  # label the larger segments; the table has every figure
                ax.text(left + share / 2, y, f"{share:.0f}", ha="center", va="center",
                        fontsize=font, color="white" if dark else "#171a2b", clip_on=False)
        lefts = [left + share for left, share in zip(lefts, widths)]
    ax.axvline(0, color=GREY, linewidth=0.8)
    ax.set_yticks(rows)
    ax.set_yticklabels(wrapped, fontsize=font)
    ax.set_ylim(-0.6, len(pairs) - 0.4)
    ax.set_xlim(-100, 100)
    ax.set_xticks([-100, -50, 0, 50, 100])
    ax.set_xticklabels(["100 %", "50 %", "0", "50 %", "100 %"], fontsize=font)
    names = [c.label(_lang()) for c in pairs[0][0].variable.choices]
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours]
    # below the axis, outside the data: a legend never covers a bar
    ax.legend(handles, [wrap(n, 22) for n in names], ncol=min(points, 3 if page else 4),
              loc="upper center", bbox_to_anchor=(0.5, -0.42 / (0.77 * height)),
              frameon=False, fontsize=font)
    return finish(fig, fmt)


def _group_legend(ax, font, extra=()):
    handles, names = ax.get_legend_handles_labels()
    ax.legend([*(h for h, _ in extra), *handles], [*(n for _, n in extra), *names],
              loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False,
              fontsize=font)


def dimension_profile(dimensions: list[DimensionResult], fmt: str = "svg", *,
                      page: bool = False):
    """Mean scale score per dimension, overall and per perspective (one marker per group)."""
    dims = [d for d in dimensions if d.overall.summary]
    if not dims:
        return ""
    width, font = _size(page, 9)
    fig, ax = plt.subplots(figsize=(width, 0.5 * len(dims) + 1.4))
    if page:
        fig.subplots_adjust(left=0.4, right=0.97)
    ys = list(range(len(dims)))[::-1]
    groups: dict[str, tuple[str, list]] = {}
    for y, d in zip(ys, dims):
        s = d.overall.summary
        ax.plot([s.ci_low, s.ci_high], [y, y], color=BLUE, linewidth=6, alpha=0.25,
                solid_capstyle="round")
        ax.plot(s.mean, y, "o", color=BLUE, markersize=7, zorder=3)
        for g in d.by_perspective:
            if g.summary:
                groups.setdefault(g.key, (g.label, []))[1].append((g.summary.mean, y))
    for key, (label, points) in groups.items():
        colour, marker = group_style(key)
        ax.scatter([p[0] for p in points], [p[1] for p in points], color=colour, marker=marker,
                   s=30, label=wrap(str(label), 30), zorder=4, edgecolors="#171a2b",
                   linewidths=0.4)
    ax.set_yticks(ys)
    ax.set_yticklabels([wrap(d.label, 40) for d in dims], fontsize=font + 0.5)
    ax.set_xlim(1, 5)
    ax.tick_params(axis="x", labelsize=font)
    ax.set_xlabel(gettext("1 = does not apply … 5 = fully applies"), fontsize=font)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    _group_legend(ax, font, [(plt.Line2D([], [], marker="o", color=BLUE, linestyle=""),
                              gettext("everyone (with 95 % CI)"))])
    return finish(fig, fmt)


def divergence(rows, fmt: str = "svg", limit: int = 10, *, page: bool = False):
    """The rows where perspectives diverge most: a line from lowest to highest group mean."""
    rows = rows[:limit]
    if not rows:
        return ""
    width, font = _size(page, 9)
    labels = [getattr(r, "label", None) or r.variable.label(_lang()) for r in rows]
    wrapped = [wrap(text, 40 if page else 55) for text in labels]
    height = sum(0.3 + 0.15 * w.count("\n") for w in wrapped) + 1.4
    fig, ax = plt.subplots(figsize=(width, height))
    if page:
        fig.subplots_adjust(left=0.46, right=0.98)
    ys = list(range(len(rows)))[::-1]
    seen = set()
    for y, row in zip(ys, rows):
        means = [(g, g.summary.mean) for g in row.by_perspective if g.summary]
        if not means:
            continue
        values = [m for _, m in means]
        ax.plot([min(values), max(values)], [y, y], color="#c0c4d6", linewidth=3, zorder=1)
        for g, mean in means:
            colour, marker = group_style(g.key)
            ax.scatter(mean, y, color=colour, marker=marker, s=38, zorder=3,
                       edgecolors="#171a2b", linewidths=0.4,
                       label=None if g.key in seen else wrap(str(g.label), 30))
            seen.add(g.key)
    ax.set_yticks(ys)
    ax.set_yticklabels(wrapped, fontsize=font)
    ax.set_xlim(1, 5)
    ax.tick_params(axis="x", labelsize=font)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    _group_legend(ax, font)
    return finish(fig, fmt)


def comparison(rows, first, second, fmt: str = "svg", *, page: bool = False):
    """Dimension means of two waves with their confidence intervals."""
    rows = [r for r in rows if r.kind == "dimension" and r.difference]
    if not rows:
        return ""
    width, font = _size(page, 9)
    fig, ax = plt.subplots(figsize=(width, 0.55 * len(rows) + 1.4))
    if page:
        fig.subplots_adjust(left=0.4, right=0.97)
    ys = list(range(len(rows)))[::-1]
    for y, r in zip(ys, rows):
        ax.plot([r.a.mean, r.b.mean], [y, y], color="#c0c4d6", linewidth=2, zorder=1)
        for s, colour, marker, dy in ((r.a, GREY, "s", 0.12), (r.b, BLUE, "o", -0.12)):
            ax.errorbar(s.mean, y + dy, xerr=[[s.mean - s.ci_low], [s.ci_high - s.mean]],
                        fmt=marker, color=colour, markersize=6, capsize=2, zorder=3)
    ax.set_yticks(ys)
    ax.set_yticklabels([wrap(r.label, 40) for r in rows], fontsize=font + 0.5)
    ax.set_xlim(1, 5)
    ax.tick_params(axis="x", labelsize=font)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    ax.legend([plt.Line2D([], [], marker="s", color=GREY, linestyle=""),
               plt.Line2D([], [], marker="o", color=BLUE, linestyle="")],
              [str(first), str(second)], loc="upper center", bbox_to_anchor=(0.5, -0.1),
              ncol=2, frameon=False, fontsize=font)
    return finish(fig, fmt)


def trend(series, fmt: str = "svg", *, page: bool = False):
    """Dimension means across waves (t0, t1, …) as small multiples: one small panel per
    dimension on the same scale, so that eleven lines never cross into one another."""
    points = [(w, {d.label: d.overall.summary.mean for d in dims if d.overall.summary})
              for w, dims in series]
    points = [(w, means) for w, means in points if means]
    if len(points) < 2:
        return ""
    labels = list(dict.fromkeys(label for _, means in points for label in means))
    columns = 3 if page else 4
    panels = -(-len(labels) // columns)
    width, font = _size(page, 10)
    fig, axes = plt.subplots(panels, columns, figsize=(width, 1.75 * panels + 0.3),
                             sharex=True, sharey=True, squeeze=False)
    xs = list(range(len(points)))
    for ax, label in itertools.zip_longest(axes.flat, labels):
        if label is None:
            ax.set_visible(False)
            continue
        ys = [means.get(label) for _, means in points]
        ax.plot(xs, [y if y is not None else float("nan") for y in ys], marker="o",
                color=BLUE, linewidth=1.8)
        for x, y in zip(xs, ys):
            if y is not None:
                ax.annotate(f"{y:.1f}".replace(".", "," if _lang() == "de" else "."),
                            (x, y), textcoords="offset points", xytext=(0, 6), ha="center",
                            fontsize=font - 0.5)
        ax.set_title(wrap(label, 30), fontsize=font, loc="left")
        ax.set_ylim(1, 5)
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
        ax.tick_params(labelsize=font - 0.5)
    for ax in axes[-1]:
        ax.set_xticks(xs)
        ax.set_xticklabels([f"t{w.timepoint}" for w, _ in points])
    fig.tight_layout()
    return finish(fig, fmt)


def benchmark(rows, own_label: str, fmt: str = "svg"):
    """A municipality against the others, per dimension, with only what the benchmark shows
    (analysis/benchmark.py decides it through the disclosure plan): the programme's quartiles as
    a band with its median, the other municipalities of the cluster as one pooled mean, and the
    municipality's own score. A figure that is withheld is simply not drawn."""
    rows = [r for r in rows if r.own is not None or r.programme.median is not None
            or r.cluster.pooled is not None]
    if not rows:
        return ""
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(rows) + 1.4))
    ys = list(range(len(rows)))[::-1]
    band = pooled = own = None
    for y, r in zip(ys, rows):
        p = r.programme
        if p.q1 is not None and p.q3 is not None:
            band = ax.barh(y, p.q3 - p.q1, left=p.q1, height=0.5, color="#d0d5e6", zorder=1)
            ax.plot([p.median, p.median], [y - 0.25, y + 0.25], color=GREY, linewidth=2,
                    zorder=2)
        if r.cluster.pooled is not None:
            pooled = ax.scatter(r.cluster.pooled, y, marker="D", s=34, color="#e69f00",
                                edgecolors="#171a2b", linewidths=0.4, zorder=3)
        if r.own is not None:
            own = ax.scatter(r.own, y, marker="o", s=52, color=BLUE, zorder=4)
    ax.set_yticks(ys)
    ax.set_yticklabels([wrap(r.label, 40) for r in rows])
    ax.set_xlim(1, 5)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    handles, names = [], []
    for handle, name in ((own, own_label),
                         (pooled, gettext("other municipalities of the cluster (together)")),
                         (band, gettext("programme: middle half of the municipalities"))):
        if handle is not None:
            handles.append(handle)
            names.append(wrap(name, 40))
    ax.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2,
              frameon=False, fontsize=8)
    return finish(fig, fmt)
