"""Pages of the reporting system for members, coordinators and reviewers. Every read of a
report by a reviewer is written to the audit log."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qdialog.core.access import INVALID, require_rule
from qdialog.core.identifiers import find_identifiers, find_in_fields
from qdialog.tenancy.models import Programme
from qdialog.tenancy.scope import get_in_scope

from . import dialogue, selectors, services
from .forms import PublishForm, QuestionForm, SystemForm, TriageForm
from .models import IncidentReport, IncidentStatus, ReportingSystem


def _owner_context(system=None, municipality=None, programme=None):
    municipality = municipality or (system.municipality if system else None)
    programme = programme or (system.programme if system else municipality.programme)
    return {"system": system, "municipality": municipality,
            "programme": programme if municipality is None else None}


def _overview(request, system, **owner):
    context = {**_owner_context(system, **owner)}
    if system is not None:
        context |= {
            "public_url": request.build_absolute_uri(
                reverse("incidents:report", args=[system.key])),
            "followup_url": request.build_absolute_uri(
                reverse("incidents:followup", args=[system.key])),
            "published": selectors.published(system)[:30],
            "statistics": selectors.statistics(system),
            "can_review": rules.test_rule("incidents.review", request.user, system),
            "can_manage": rules.test_rule("incidents.manage_system", request.user, system)}
        if context["can_review"]:
            context["open_count"] = selectors.open_count(system)
    else:
        owner_obj = owner.get("municipality") or owner.get("programme")
        context["can_create"] = (
            rules.test_rule("tenancy.manage_municipality", request.user, owner_obj)
            if owner.get("municipality") else
            rules.test_rule("tenancy.manage_programme", request.user, owner_obj))
    return render(request, "incidents/overview.html", context)


@login_required
def municipality_overview(request, pk):
    municipality = get_in_scope(request.scope.municipalities().select_related(
        "programme", "cluster"), pk=pk)
    system = ReportingSystem.objects.filter(municipality=municipality).first()
    return _overview(request, system, municipality=municipality)


def _programme(request, slug):
    return get_in_scope(Programme.objects.filter(
        pk__in=request.scope.programmes_with_any_role), slug=slug)


@login_required
def programme_overview(request, slug):
    programme = _programme(request, slug)
    system = ReportingSystem.objects.filter(programme=programme,
                                            municipality__isnull=True).first()
    return _overview(request, system, programme=programme)


@login_required
@require_POST
def municipality_create(request, pk):
    municipality = get_in_scope(request.scope.managed_municipalities(), pk=pk)
    system = ReportingSystem.objects.filter(municipality=municipality).first() or \
        services.system_create(actor=request.user, programme=municipality.programme,
                               municipality=municipality)
    messages.success(request, _("The reporting system is open. Name its reviewers and pass on "
                                "the address of the form."))
    return redirect("incidents:settings", pk=system.pk)


@login_required
@require_POST
def programme_create(request, slug):
    programme = get_in_scope(request.scope.programmes(), slug=slug)
    system = ReportingSystem.objects.filter(programme=programme,
                                            municipality__isnull=True).first() or \
        services.system_create(actor=request.user, programme=programme)
    messages.success(request, _("The reporting system is open. Name its reviewers and pass on "
                                "the address of the form."))
    return redirect("incidents:settings", pk=system.pk)


def _system(request, pk, rule):
    system = get_in_scope(selectors.visible_systems(request.scope).select_related(
        "programme", "municipality__programme", "municipality__cluster"), pk=pk)
    require_rule(rule, request.user, system)
    return system


def _overview_url(system):
    if system.municipality_id:
        return reverse("incidents:municipality", args=[system.municipality_id])
    return reverse("incidents:programme", args=[system.programme.slug])


@login_required
def system_settings(request, pk):
    system = _system(request, pk, "incidents.manage_system")
    form = SystemForm(request.POST or None, instance=system)
    if request.method == "POST" and form.is_valid():
        services.system_update(actor=request.user, system=system,
                               fields={n: form.cleaned_data[n] for n in SystemForm.Meta.fields},
                               reviewers=form.cleaned_data["reviewers"])
        messages.success(request, _("The settings were saved."))
        return redirect(_overview_url(system))
    return render(request, "incidents/settings.html", {
        **_owner_context(system), "form": form, "back_url": _overview_url(system)},
        status=INVALID if form.is_bound and form.errors else 200)


@login_required
def queue(request, pk):
    system = _system(request, pk, "incidents.review")
    return render(request, "incidents/queue.html", {
        **_owner_context(system), "queue": selectors.queue(system),
        "back_url": _overview_url(system)})


def _report(request, pk):
    return get_in_scope(IncidentReport.objects.filter(
        system__in=selectors.visible_systems(request.scope)).select_related(
        "system__programme", "system__municipality__programme",
        "system__municipality__cluster"), pk=pk)


def _review_page(request, report, status=200, **forms):
    texts = report.texts()
    context = {
        **_owner_context(report.system), "report": report,
        "findings": [(IncidentReport._meta.get_field(name).verbose_name, found)
                     for name, found in find_in_fields(texts).items()],
        "original": report.original,
        "triage_form": TriageForm(instance=report),
        "publish_form": PublishForm(initial={
            "title": report.publication_title, "text": report.publication_text
            or report.what_happened, "featured": report.featured}),
        "back_url": reverse("incidents:queue", args=[report.system_id]),
        "can_plan": bool(report.system.municipality_id) and rules.test_rule(
            "actions.manage", request.user, report.system.municipality),
        "conversation": list(report.messages.all()), "question_form": QuestionForm(),
        "question_findings": [], **forms}
    if "publish_form" in forms:
        context["publish_findings"] = forms["publish_form"].findings or []
    else:
        context["publish_findings"] = find_identifiers(
            f"{report.publication_title}\n{report.publication_text}")
    return render(request, "incidents/review.html", context, status=status)


@login_required
def report_detail(request, pk):
    """Reviewers see the whole report (audited read); members see a published report."""
    report = _report(request, pk)
    system = report.system
    if rules.test_rule("incidents.review", request.user, system):
        services.report_open(actor=request.user, report=report)
        unread = [m.pk for m in report.messages.all() if m.unread]
        dialogue.answers_read(report=report)
        return _review_page(request, report, unread=unread)
    if report.status == IncidentStatus.PUBLISHED and rules.test_rule(
            "incidents.view_published", request.user, system):
        return render(request, "incidents/published.html", {
            **_owner_context(system), "report": report, "back_url": _overview_url(system)})

    raise Http404


def _reviewed_report(request, pk):
    report = _report(request, pk)
    require_rule("incidents.review", request.user, report.system)
    return report


@login_required
@require_POST
def report_triage(request, pk):
    report = _reviewed_report(request, pk)
    form = TriageForm(request.POST, instance=IncidentReport.objects.get(pk=report.pk))
    if not form.is_valid():
        return _review_page(request, report, status=INVALID, triage_form=form)
    services.triage_save(actor=request.user, report=report,
                         fields={n: form.cleaned_data[n] for n in form.fields})
    messages.success(request, _("The report was saved."))
    return redirect("incidents:detail", pk=pk)


@login_required
@require_POST
def report_check(request, pk):
    report = _reviewed_report(request, pk)
    action = request.POST.get("action")
    try:
        if action == "close":
            services.report_close(actor=request.user, report=report)
            messages.success(request, _("The report was closed without publication."))
        else:
            services.finish_check(actor=request.user, report=report)
            messages.success(request, _("The anonymity check is finished; the reporter's "
                                        "original wording was deleted."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _review_page(request, report, status=INVALID)
    return redirect("incidents:detail", pk=pk)


@login_required
@require_POST
def report_publish(request, pk):
    report = _reviewed_report(request, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.report_publish(actor=request.user, report=report,
                                    title=form.cleaned_data["title"],
                                    text=form.cleaned_data["text"],
                                    featured=form.cleaned_data["featured"])
        except ValidationError as error:
            form.add_error(None, error)
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The report was published for all members."))
            return redirect("incidents:detail", pk=pk)
    return _review_page(request, report, status=INVALID, publish_form=form)


@login_required
@require_POST
def report_ask(request, pk):
    """The reviewers ask the anonymous reporter a question."""
    report = _reviewed_report(request, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        findings = find_identifiers(form.cleaned_data["text"])
        if findings and not form.cleaned_data["confirm_anonymous"]:
            return _review_page(request, report, status=INVALID, question_form=form,
                                question_findings=findings)
        try:
            dialogue.question_ask(actor=request.user, report=report,
                                  text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The question was sent. The reporter reads it with "
                                        "their follow-up code; their answer appears here."))
            return redirect(reverse("incidents:detail", args=[pk]) + "#dialogue")
    return _review_page(request, report, status=INVALID, question_form=form)
