"""Charts of the analysis as SVG, drawn on the shared base (qdialog/core/charting.py): the
documents per code and the co-occurrence of codes. They draw only what the protected tables of
`analysis.frequencies` publish – a withheld figure is written as "withheld", never drawn – and
each is paired with the table of the same figures on the page.

Colours: KERN blue for free-text answers, a grey for other material, told apart by hatching
too; the co-occurrence matrix is a single-hue scale with every figure written in its cell.
"""

from __future__ import annotations

from django.utils.translation import gettext

from qdialog.core.charting import BLUE, GREY, finish, plt, wrap

from .analysis import Frequencies

LIGHT = "#c0c4d6"


def _label(row) -> str:
    return wrap(("  " * row.depth) + row.code.name, 36)


def frequencies(result: Frequencies) -> str:
    """Horizontal bars: documents per code, split into free-text answers and other material."""
    rows = result.rows
    if not rows:
        return _empty(gettext("No codes yet."))
    fig, ax = plt.subplots(figsize=(8, 0.38 * len(rows) + 1.3))
    ys = list(range(len(rows)))[::-1]
    largest = max([r.documents or 0 for r in rows] + [1])
    free_bar = other_bar = None
    for y, row in zip(ys, rows):
        if row.withheld:
            ax.text(0, y, gettext("withheld"), va="center", ha="left", fontsize=8,
                    color="#171a2b", style="italic")
            continue
        free, other = row.free_texts or 0, row.documents - (row.free_texts or 0)
        if free:
            free_bar = ax.barh(y, free, color=BLUE, height=0.6)
        if other:
            other_bar = ax.barh(y, other, left=free, color=LIGHT, hatch="///",
                                edgecolor=GREY, linewidth=0.4, height=0.6)
        ax.text(row.documents + largest * 0.01, y, str(row.documents), va="center",
                fontsize=8, color="#171a2b")
    ax.set_yticks(ys)
    ax.set_yticklabels([_label(r) for r in rows], fontsize=8)
    ax.set_xlim(0, largest * 1.12)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(gettext("documents with the code"), fontsize=8)
    handles, names = [], []
    for handle, name in ((free_bar, gettext("free-text answers")),
                         (other_bar, gettext("other material"))):
        if handle is not None:
            handles.append(handle)
            names.append(name)
    if handles:
        ax.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.3 / (
            0.38 * len(rows) + 1.3)), ncol=2, frameon=False, fontsize=8)
    return finish(fig)


def cooccurrence(result: Frequencies) -> str:
    """The co-occurrence matrix: each cell's number of documents written in it, shaded by it;
    withheld cells crossed out and marked "–"."""
    codes = result.cooccurrence.codes
    if len(codes) < 2:
        return _empty(gettext("Fewer than two codes occur; nothing co-occurs."))
    cells = result.cooccurrence.cells
    size = len(codes)
    fig, ax = plt.subplots(figsize=(min(2 + 0.55 * size, 14), min(1.6 + 0.5 * size, 14)))
    largest = max([v for v in cells.values() if v] + [1])
    for i, a in enumerate(codes):
        for j, b in enumerate(codes):
            if i == j:
                ax.add_patch(plt.Rectangle((j, i), 1, 1, color="#f2f3f7"))
                continue
            value = cells.get((a.code.pk, b.code.pk), 0)
            if value is None:
                ax.add_patch(plt.Rectangle((j, i), 1, 1, facecolor="white", hatch="xx",
                                           edgecolor=LIGHT, linewidth=0))
                ax.text(j + 0.5, i + 0.5, "–", ha="center", va="center", fontsize=8)
                continue
            share = value / largest
            ax.add_patch(plt.Rectangle((j, i), 1, 1, color=BLUE, alpha=0.08 + 0.8 * share))
            ax.text(j + 0.5, i + 0.5, str(value), ha="center", va="center", fontsize=8,
                    color="white" if share > 0.55 else "#171a2b")
    ax.set_xlim(0, size)
    ax.set_ylim(size, 0)
    ticks = [k + 0.5 for k in range(size)]
    ax.set_xticks(ticks)
    ax.set_xticklabels([wrap(r.code.name, 18) for r in codes], rotation=45, ha="right",
                       fontsize=8)
    ax.set_yticks(ticks)
    ax.set_yticklabels([wrap(r.code.name, 30) for r in codes], fontsize=8)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return finish(fig)


def _empty(message: str) -> str:
    fig, ax = plt.subplots(figsize=(5, 0.8))
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=9)
    return finish(fig)
