"""Reports and free-text release. Thin: load in scope, ask the rules, call one service or
selector, render. Who may do what is decided in rules.py and analysis/access.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from qdialog.analysis.access import readable_wave, reads_whole_wave, visible_municipalities
from qdialog.core.access import attachment, require_rule
from qdialog.surveys import selectors as scope_selectors
from qdialog.surveys.models import WaveStatus
from qdialog.tenancy.scope import get_in_scope

from . import selectors, services
from .models import Report, ReportKind


def _refused(request, wave, message):
    return render(request, "reports/refused.html", {"wave": wave, "message": message},
                  status=400)


@login_required
def report_list(request, pk):
    wave = readable_wave(request.scope, pk)
    services.reports_recover(wave=wave)
    institute = reads_whole_wave(request.scope, wave)
    return render(request, "reports/report_list.html", {
        "wave": wave, "institute": institute,
        "reports": selectors.reports_visible(scope=request.scope, user=request.user, wave=wave),
        "municipalities": visible_municipalities(request.scope, wave),
        "languages": settings.LANGUAGES,
        "clusters": wave.programme.clusters.all() if institute and not wave.municipality_id
        else []})


@login_required
@require_POST
def report_create(request, pk):
    wave = readable_wave(request.scope, pk)
    kind = request.POST.get("kind", "")
    file_format = request.POST.get("format", "pdf")
    language = request.POST.get("language", "de")
    if kind not in ReportKind.values or file_format not in ("pdf", "docx") or \
            language not in dict(settings.LANGUAGES):
        return _refused(request, wave, _("Please choose a kind of report, a format and a "
                                         "language."))
    require_rule("reports.request", request.user, (wave, kind))
    municipality = cluster = None
    if kind == ReportKind.MUNICIPALITY:
        municipality = next((m for m in visible_municipalities(request.scope, wave)
                             if str(m.pk) == request.POST.get("municipality")), None)
        if municipality is None:
            return _refused(request, wave, _("Please choose a municipality."))
    elif kind == ReportKind.CLUSTER:
        cluster = wave.programme.clusters.filter(pk=request.POST.get("cluster")).first()
        if cluster is None:
            return _refused(request, wave, _("Please choose a cluster."))
    refusal = selectors.report_refusal(wave=wave)
    if refusal:
        return _refused(request, wave, refusal)
    services.report_request(actor=request.user, wave=wave, kind=kind,
                            file_format="zip" if kind == ReportKind.ALL_MUNICIPALITIES
                            else file_format, municipality=municipality, cluster=cluster,
                            language=language)
    messages.success(request, _("The report is being built. This page shows its progress."))
    return redirect("reports:list", pk=wave.pk)


def _report(request, report_pk, rule="reports.view"):
    report = get_in_scope(Report.objects.filter(
        wave__in=scope_selectors.result_waves(request.scope)).select_related(
        "wave__programme", "municipality", "cluster"), pk=report_pk)
    require_rule(rule, request.user, report)
    return report


@login_required
def report_status(request, report_pk):
    report = _report(request, report_pk)
    services.reports_recover(wave=report.wave)
    report.refresh_from_db()
    return render(request, "reports/_status.html", {"report": report})


@login_required
@require_POST
def report_retry(request, report_pk):
    report = _report(request, report_pk, "reports.retry")
    services.report_retry(actor=request.user, report=report)
    messages.success(request, _("The report is being built again."))
    return redirect("reports:list", pk=report.wave_id)


@login_required
def report_download(request, report_pk):
    report = _report(request, report_pk)
    if not report.file:
        raise Http404
    return attachment(services.report_download(actor=request.user, report=report))


@login_required
def texts(request, pk):
    """Free-text answers of a municipality under their question, to be read and released (or
    withheld) one by one or several at once; one at a time answers in place (htmx)."""
    wave = readable_wave(request.scope, pk)
    municipalities = visible_municipalities(request.scope, wave)
    if not reads_whole_wave(request.scope, wave):
        municipalities = [m for m in municipalities if request.scope.manages_municipality(m)]
    if not municipalities:
        raise Http404
    municipality = next((m for m in municipalities
                         if str(m.pk) == request.GET.get("municipality", "")), municipalities[0])
    questions, enough = selectors.free_texts_by_question(wave=wave, municipality=municipality)
    if request.method == "POST":
        by_key = {t.key: t for _v, texts, _c in questions for t in texts}
        single = request.POST.get("single", "")
        if single:  # one answer's own button (in place with htmx)
            key, _sep, decision = single.partition(":")
            keys = [key]
        else:  # the ticked answers of a question
            keys, decision = request.POST.getlist("key"), request.POST.get("decision")
        chosen = [by_key[k] for k in keys if k in by_key]
        if len(chosen) != len(keys):
            raise Http404  # a text that is not one of this municipality's answers
        if decision not in ("release", "withhold") or not chosen:
            messages.error(request, _("Please tick at least one answer, then release or "
                                      "withhold."))
            return redirect(f"{request.path}?municipality={municipality.pk}")
        services.texts_decide(actor=request.user, wave=wave, municipality=municipality,
                              texts=[(t.variable.name, t.text) for t in chosen],
                              release=decision == "release")
        if request.htmx and single:
            entry = selectors.free_texts_by_question(wave=wave, municipality=municipality)[0]
            row = next(t for _v, texts, _c in entry for t in texts if t.key == chosen[0].key)
            return render(request, "reports/_text_row.html",
                          {"t": row, "wave": wave, "municipality": municipality})
        message = (ngettext("%(n)s answer released.", "%(n)s answers released.", len(chosen))
                   if decision == "release" else
                   ngettext("%(n)s answer withheld.", "%(n)s answers withheld.", len(chosen)))
        messages.success(request, message % {"n": len(chosen)})
        return redirect(f"{request.path}?municipality={municipality.pk}"
                        f"#q-{chosen[0].variable.name}")
    return render(request, "reports/texts.html", {
        "wave": wave, "municipality": municipality, "questions": questions, "enough": enough,
        "closed": wave.status == WaveStatus.CLOSED,
        "municipalities": municipalities if len(municipalities) > 1 else []})
