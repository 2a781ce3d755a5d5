"""Writes of analysis: none of its own data – only the audit entries of who read which results."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from qdialog.core.audit import log_action
from qdialog.core.notes import note


def results_read(*, actor, wave, municipality=None) -> None:
    """Reading a wave's results (for one municipality, or as far as the person may) is audited."""
    log_action(actor=actor, action="read", obj=wave,
               summary=note(gettext_noop("results for %(municipality)s"),
                            municipality=municipality)
               if municipality else note(gettext_noop("results")))


def comparison_read(*, actor, wave, other) -> None:
    log_action(actor=actor, action="read", obj=wave,
               summary=note(gettext_noop("comparison with %(other)s"), other=other.title))


def benchmark_read(*, actor, wave, municipality) -> None:
    log_action(actor=actor, action="read", obj=wave,
               summary=note(gettext_noop("benchmark %(municipality)s"),
                            municipality=municipality))


def overview_read(*, actor, wave, exported: bool = False) -> None:
    """Reading (or downloading) the overview of the municipalities is audited."""
    if exported:
        log_action(actor=actor, action="export", obj=wave,
                   summary=note(gettext_noop("overview of the municipalities")))
    else:
        log_action(actor=actor, action="read", obj=wave,
                   summary=note(gettext_noop("overview of the municipalities")))
