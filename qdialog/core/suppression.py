"""Small-group suppression for counts: no group below the minimum size is ever shown exactly.

Complementary suppression: when exactly one group of a breakdown is hidden, the total minus the
shown groups would reveal it, so the next smallest group is hidden as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SMALL, COMPLEMENTARY = "small", "complementary"


@dataclass(frozen=True)
class Cell:
    label: str
    count: int | None  # None: suppressed
    minimum: int
    reason: str = ""

    @property
    def display(self) -> str:
        if self.count is not None:
            return str(self.count)
        return f"< {self.minimum}" if self.reason == SMALL else "×"

    @property
    def explanation(self):
        if self.reason == SMALL:
            return _("fewer than %(n)s – not shown to protect anonymity") % {"n": self.minimum}
        if self.reason == COMPLEMENTARY:
            return _("hidden so that a small group cannot be worked out from the total")
        return ""

    @property
    def suppressed(self) -> bool:
        return self.count is None


def suppress_counts(counts: dict[str, int], minimum: int) -> dict[str, Cell]:
    """Suppress groups with 0 < n < minimum, and complementarily a second one if needed."""
    minimum = max(3, minimum)
    small = {k for k, n in counts.items() if 0 < n < minimum}
    extra = set()
    if len(small) == 1:
        shown = sorted((n, k) for k, n in counts.items() if k not in small and n > 0)
        if shown:
            extra.add(shown[0][1])
    return {k: Cell(k, None if (k in small or k in extra) else n, minimum,
                    SMALL if k in small else COMPLEMENTARY if k in extra else "")
            for k, n in counts.items()}
