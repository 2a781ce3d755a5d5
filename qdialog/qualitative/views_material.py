"""The material page of a coding project: what can be taken in (released free texts, minutes
and decisions, published near-miss reports, case-review material) and uploads of
transcripts. Only those who run the project (qualitative.manage_project) open it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from qdialog.casereviews.models import CaseReview
from qdialog.core.access import INVALID, require_rule
from qdialog.incidents.models import ReportingSystem
from qdialog.surveys.models import Wave
from qdialog.tenancy.scope import get_in_scope

from . import material, selectors
from .forms_material import UploadForm

KINDS = ("free_texts", "events", "incidents", "case_review")


def _project(request, pk):
    project = get_in_scope(selectors.projects_visible(scope=request.scope, user=request.user),
                           pk=pk)
    require_rule("qualitative.manage_project", request.user, project)
    return project


def _page(request, project, *, upload_form=None, errors=(), status=200):
    user = request.user
    return render(request, "qualitative/material.html", {
        "project": project,
        "waves": material.wave_offers(project=project),
        "processes": material.process_offers(project=project, actor=user),
        "systems": material.incident_offers(project=project, actor=user),
        "reviews": material.review_offers(project=project, actor=user),
        "municipalities": (list(material.reach(project).order_by("name"))
                           if not project.municipality_id else []),
        "upload_form": upload_form or UploadForm(project=project),
        "errors": errors,
    }, status=status)


def _optional(request, queryset, name):
    value = request.POST.get(name)
    return get_in_scope(queryset, pk=value) if value else None


def _gather(request, project, kind):
    """Take one source's material into the project (a forged key answers 404)."""
    user, post = request.user, request.POST
    if kind == "free_texts":
        wave = get_in_scope(Wave.objects.filter(programme_id=project.programme_id),
                            pk=post.get("wave"))
        return material.gather_free_texts(
            actor=user, project=project, wave=wave,
            municipality=_optional(request, material.reach(project), "municipality"))
    if kind == "events":
        return material.gather_events(
            actor=user, project=project,
            process=_optional(request, material.processes_in_reach(project), "process"))
    if kind == "incidents":
        return material.gather_incidents(
            actor=user, project=project,
            system=_optional(request, ReportingSystem.objects.filter(
                programme_id=project.programme_id), "system"))
    review = get_in_scope(CaseReview.objects.filter(municipality__in=material.reach(project))
                          .select_related("municipality"), pk=post.get("review"))
    require_rule("casereviews.view", user, review)
    return material.gather_case_review(actor=user, project=project, review=review)


@login_required
def material_page(request, pk):
    project = _project(request, pk)
    if request.method != "POST":
        return _page(request, project)
    kind = request.POST.get("kind")
    if kind not in KINDS:
        return _page(request, project, errors=[_("Choose what to take into the project.")],
                     status=INVALID)
    try:
        gathered = _gather(request, project, kind)
    except ValidationError as error:
        return _page(request, project, errors=error.messages, status=INVALID)
    if not gathered.added and not gathered.present:
        messages.info(request, _("There was nothing to take in."))
    else:
        messages.success(request, " ".join((
            ngettext("%(n)s document was added.", "%(n)s documents were added.",
                     gathered.added) % {"n": gathered.added},
            ngettext("%(n)s was in the project already.", "%(n)s were in the project already.",
                     gathered.present) % {"n": gathered.present})))
    return redirect("qualitative:material", pk=project.pk)


@login_required
@require_POST
def upload(request, pk):
    project = _project(request, pk)
    form = UploadForm(request.POST, request.FILES, project=project)
    if form.is_valid():
        try:
            document = material.upload_add(
                actor=request.user, project=project, title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                municipality=form.cleaned_data.get("municipality"))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if document.findings:
                messages.success(request, ngettext(
                    "The document was added. Replace or confirm the %(n)s flagged passage "
                    "before it is coded.",
                    "The document was added. Replace or confirm the %(n)s flagged passages "
                    "before it is coded.", len(document.findings)) % {
                    "n": len(document.findings)})
            else:
                messages.success(request, _("The document was added."))
            return redirect("qualitative:document", pk=document.pk)
    return _page(request, project, upload_form=form, status=INVALID)
