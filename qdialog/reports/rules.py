"""Who may request, see and try again which report. Whoever may read a municipality's results
may request its report; cluster, programme and bundled reports are for the institute staff of
the programme, who also see every report of the wave. Others see the reports they requested,
as long as they may still read the municipality."""

import rules
from django.http import Http404

from qdialog.analysis.access import readable_municipalities, reads_whole_wave
from qdialog.tenancy.scope import scope_for

from .models import ReportKind


@rules.predicate
def reads_whole_wave_of(user, wave):
    return user.is_authenticated and reads_whole_wave(scope_for(user), wave)


@rules.predicate
def requests_kind(user, target):
    """`target` is (wave, kind): the kinds beyond one municipality need the whole wave."""
    wave, kind = target
    return kind == ReportKind.MUNICIPALITY or reads_whole_wave_of(user, wave)


@rules.predicate
def sees_report(user, report):
    if not user.is_authenticated:
        return False
    scope = scope_for(user)
    if reads_whole_wave(scope, report.wave):
        return True
    if report.requested_by_id != user.pk:
        return False
    try:
        allowed = readable_municipalities(scope, report.wave)
    except Http404:
        return False
    return allowed is None or report.municipality in allowed


@rules.predicate
def is_failed(user, report):
    return report.status == "failed"


rules.add_rule("reports.request", requests_kind)
rules.add_rule("reports.view", sees_report)
rules.add_rule("reports.retry", sees_report & is_failed)
