"""The chart of learning across reviews: contributing factors by type, stacked by level (SVG,
drawn on the shared base of qdialog/core/charting.py and paired with the table of the same
figures)."""

from __future__ import annotations

from qdialog.core.charting import SERIES, finish, plt


def factors(rows, levels) -> str:
    """rows: (type label, [count per level], total); levels: [(value, label)]."""
    labels = [str(label) for label, _counts, _total in rows][::-1]
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * len(rows) + 1.2))
    left = [0] * len(rows)
    for index, (_value, level_label) in enumerate(levels):
        counts = [counts[index] for _label, counts, _total in rows][::-1]
        ax.barh(labels, counts, left=left, color=SERIES[index % len(SERIES)],
                label=str(level_label))
        left = [a + b for a, b in zip(left, counts)]
    ax.set_xlabel("")
    ax.xaxis.get_major_locator().set_params(integer=True)
    # below the axis, outside the bars: the legend never covers one
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(len(levels), 4),
              frameon=False, fontsize=8)
    return finish(fig)
