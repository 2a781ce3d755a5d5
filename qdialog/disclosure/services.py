"""Making and reading a wave's release (see models.Release and plan.py)."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from qdialog.core.audit import log_action
from qdialog.core.models import AuditAction
from qdialog.core.notes import note
from qdialog.surveys.frame import dimension_scores, load_frame
from qdialog.surveys.models import Response, Wave, WaveStatus

from .models import Release
from .plan import Plan, compute_plan, wave_tree


def _municipalities(wave):
    return list(wave.programme.municipalities.all())


def fingerprint(wave) -> str:
    """Changes whenever an answer set of the wave is added, removed or rewritten (every
    rewrite gives new random keys): the number of answer sets and a sum over their keys."""
    figures = Response.objects.filter(wave_id=wave.pk).aggregate(
        n=Count("id"), keys=Sum(F("id") % 1_000_000_007))
    raw = f"{wave.pk}:{figures['n']}:{figures['keys'] or 0}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def release_make(*, wave: Wave) -> Release | None:
    """Compute the disclosure plan of a closed wave and keep it. None for a wave still open.

    The plan is computed outside any transaction (it takes seconds for a large programme, and
    a write lock held that long would make SQLite's other writers wait); only storing it is
    one short transaction. The fingerprint is taken before the answers are read, so a change
    in between makes the next read compute the plan again."""
    wave = Wave.objects.select_related("instrument", "programme").get(pk=wave.pk)
    if wave.status != WaveStatus.CLOSED:
        return None
    seen = fingerprint(wave)
    frame = load_frame(wave)
    tree = wave_tree(wave, _municipalities(wave))
    plan = compute_plan(wave, frame, tree, dimension_scores=dimension_scores(frame))
    with transaction.atomic():
        release, _ = Release.objects.update_or_create(
            wave=wave, defaults={"answer_sets": frame.n, "plan": plan.to_json(),
                                 "fingerprint": seen, "made_on": timezone.localdate()})
        log_action(actor=None, action=AuditAction.CREATE, obj=wave, summary=note(
            gettext_noop("disclosure plan made (%(count)s answer sets)"), count=frame.n))
    return release


def plan_for(wave: Wave, *, publish: bool = True) -> Plan | None:
    """The plan every output of the wave reads, or None while the wave is open.

    Made if missing or if answer sets were added or removed since (only possible before the
    results are first read). `publish` marks the results as published from today on."""
    if wave.status != WaveStatus.CLOSED:
        return None
    release = Release.objects.filter(wave_id=wave.pk).first()
    if release is None or release.fingerprint != fingerprint(wave):
        release = release_make(wave=wave)
        if release is None:
            return None
    if publish and wave.results_published_on is None:
        today = timezone.localdate()
        if Wave.objects.filter(pk=wave.pk, results_published_on__isnull=True).update(
                results_published_on=today):
            log_action(actor=None, action=AuditAction.PUBLISH, obj=wave,
                       summary=note(gettext_noop("results first read: published")))
        wave.results_published_on = today
    return Plan.from_json(release.plan)
