"""Reports and free-text release. Who may read a municipality's results may request its
report; cluster, programme and bundled reports are for institute staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qdialog.analysis.views import _readable_wave, readable_municipalities
from qdialog.core.access import attachment
from qdialog.core.audit import log_action
from qdialog.core.scope import get_in_scope
from qdialog.surveys import schema
from qdialog.surveys.models import Response, WaveStatus

from . import services
from .models import ReleasedText, Report, ReportKind


def _context(request, wave):
    allowed = readable_municipalities(request.scope, wave)
    institute = request.scope.is_institute_staff(wave.programme_id)
    if allowed is None:
        municipalities = ([wave.municipality] if wave.municipality_id else
                          list(wave.programme.municipalities.filter(cluster_id=wave.cluster_id)
                               if wave.cluster_id else wave.programme.municipalities.all()))
    else:
        municipalities = allowed
    return allowed, institute, municipalities


@login_required
def report_list(request, pk):
    wave = _readable_wave(request, pk)
    allowed, institute, municipalities = _context(request, wave)
    reports = Report.objects.filter(wave=wave).select_related("municipality", "cluster")
    if not institute:
        reports = reports.filter(requested_by=request.user)
    return render(request, "reports/report_list.html", {
        "wave": wave, "reports": reports[:50], "institute": institute,
        "municipalities": municipalities,
        "clusters": wave.programme.clusters.all() if institute and not wave.municipality_id
        else []})


@login_required
@require_POST
def report_create(request, pk):
    wave = _readable_wave(request, pk)
    allowed, institute, municipalities = _context(request, wave)
    kind = request.POST.get("kind", "")
    file_format = request.POST.get("format", "pdf")
    if kind not in ReportKind.values or file_format not in ("pdf", "docx"):
        return render(request, "reports/refused.html", {
            "wave": wave, "message": _("Please choose a kind of report and a format.")},
            status=400)
    municipality = cluster = None
    if kind == ReportKind.MUNICIPALITY:
        municipality = next((m for m in municipalities
                             if str(m.pk) == request.POST.get("municipality")), None)
        if municipality is None:
            return render(request, "reports/refused.html", {
                "wave": wave, "message": _("Please choose a municipality.")}, status=400)
    elif not institute:
        raise Http404
    elif kind == ReportKind.CLUSTER:
        cluster = wave.programme.clusters.filter(pk=request.POST.get("cluster")).first()
        if cluster is None:
            return render(request, "reports/refused.html", {
                "wave": wave, "message": _("Please choose a cluster.")}, status=400)
    if wave.status != WaveStatus.CLOSED:
        return render(request, "reports/refused.html", {
            "wave": wave, "message": _("Reports can be built once the survey has ended.")},
            status=400)
    if kind == ReportKind.ALL_MUNICIPALITIES:
        file_format = "zip"
    services.report_request(actor=request.user, wave=wave, kind=kind,
                            file_format=file_format, municipality=municipality, cluster=cluster)
    messages.success(request, _("The report is being built. This page shows its progress."))
    return redirect("reports:list", pk=wave.pk)


def _report(request, report_pk):
    report = get_in_scope(Report.objects.select_related("wave", "municipality"), pk=report_pk)
    wave = _readable_wave(request, report.wave_id)
    allowed = readable_municipalities(request.scope, wave)
    institute = request.scope.is_institute_staff(wave.programme_id)
    if not institute and (report.requested_by_id != request.user.pk or (
            allowed is not None and report.municipality not in allowed)):
        raise Http404
    return report


@login_required
def report_status(request, report_pk):
    report = _report(request, report_pk)
    return render(request, "reports/_status.html", {"report": report})


@login_required
def report_download(request, report_pk):
    report = _report(request, report_pk)
    if not report.file:
        raise Http404
    log_action(actor=request.user, action="export", obj=report, summary="downloaded")
    return attachment(report.file)


@login_required
def texts(request, pk):
    """Free-text answers of a municipality, to be read and released (or withheld) one by one."""
    wave = _readable_wave(request, pk)
    allowed, institute, municipalities = _context(request, wave)
    manageable = [m for m in municipalities
                  if request.scope.manages_municipality(m)] if not institute else municipalities
    municipality = next((m for m in manageable
                         if str(m.pk) == request.GET.get("municipality", "")), None) \
        or (manageable[0] if len(manageable) == 1 else None)
    if municipality is None and manageable:
        municipality = manageable[0]
    if municipality is None:
        raise Http404
    instrument = schema.compiled(wave.instrument)
    variables = [v for v in instrument.variables if v.measure == "text"
                 and not v.name.endswith("__other")]
    closed = wave.status == WaveStatus.CLOSED
    rows = list(Response.objects.filter(wave=wave, municipality=municipality)
                .values_list("answers", flat=True)) if closed else []
    decided = {r.fingerprint: r for r in ReleasedText.objects.filter(
        wave=wave, municipality=municipality)}
    enough = len(rows) >= max(3, wave.min_group_size)
    entries = []
    if enough:
        for answers in rows:
            for v in variables:
                text = answers.get(v.name)
                if isinstance(text, str) and text not in schema.SPECIAL:
                    entries.append((v, text, decided.get(services.fingerprint(text))))
    # by question, then alphabetically: never one respondent's texts next to each other
    order = {v.name: i for i, v in enumerate(variables)}
    entries.sort(key=lambda e: (order[e[0].name], e[1].casefold()))
    if request.method == "POST":
        variable = request.POST.get("variable", "")
        text = request.POST.get("text", "")
        known = {(v.name, t) for v, t, _ in entries}
        if (variable, text) not in known:
            raise Http404
        services.text_decide(actor=request.user, wave=wave, municipality=municipality,
                             variable=variable, text=text,
                             release=request.POST.get("decision") == "release")
        return redirect(f"{request.path}?municipality={municipality.pk}")
    return render(request, "reports/texts.html", {
        "wave": wave, "municipality": municipality, "entries": entries, "enough": enough,
        "closed": closed,
        "municipalities": manageable if len(manageable) > 1 else []})
