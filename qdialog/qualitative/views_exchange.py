"""Exchange with MAXQDA, ATLAS.ti and QualCoder (REFI-QDA): a project's exchange page, the
downloads of a project (.qdpx) and a category system (.qdc), and their imports. The work is
done in refi.py; these views load in scope, check the rule and hand over."""

from __future__ import annotations

import io

import rules
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qdialog.core.access import INVALID, require_rule
from qdialog.tenancy.scope import get_in_scope

from . import refi, refi_import, selectors
from .models import CategorySystem, Coding, Project


class UploadForm(forms.Form):
    """One REFI-QDA file, checked for its name and size before it is read."""

    file = forms.FileField(label=gettext_lazy("File"))

    def __init__(self, *args, suffixes: tuple[str, ...], max_bytes: int, label, help_text,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.suffixes, self.max_bytes = suffixes, max_bytes
        self.fields["file"].label, self.fields["file"].help_text = label, help_text

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(self.suffixes):
            raise ValidationError(_("Choose a file ending in %(suffixes)s.")
                                  % {"suffixes": " / ".join(self.suffixes)})
        if upload.size > self.max_bytes:
            raise ValidationError(_("The file is larger than %(n)s MB.")
                                  % {"n": self.max_bytes // refi.MB})
        return upload


def _qdpx_form(data=None, files=None):
    return UploadForm(data, files, prefix="qdpx", suffixes=(".qdpx",),
                      max_bytes=refi.MAX_QDPX_BYTES, label=_("Project file (.qdpx)"), help_text=_(
                          "A REFI-QDA project (.qdpx) exported from MAXQDA, ATLAS.ti, QualCoder, "
                          "NVivo or qdialog, at most %(n)s MB.") % {
                          "n": refi.MAX_QDPX_BYTES // refi.MB})


def _qdc_form(data=None, files=None):
    return UploadForm(data, files, prefix="qdc", suffixes=(".qdc", ".xml"),
                      max_bytes=refi.MAX_QDC_BYTES, label=_("Codebook file (.qdc)"), help_text=_(
                          "A REFI-QDA codebook (.qdc), at most %(n)s MB.") % {
                          "n": refi.MAX_QDC_BYTES // refi.MB})


def _project(request, pk) -> Project:
    project = get_in_scope(selectors.projects_visible(scope=request.scope, user=request.user)
                           .select_related("programme", "cluster", "municipality", "system"),
                           pk=pk)
    require_rule("qualitative.manage_project", request.user, project)
    return project


def _system(request, pk, rule) -> CategorySystem:
    system = get_in_scope(CategorySystem.objects.filter(
        programme_id__in=request.scope.programmes_with_any_role).select_related("programme"),
        pk=pk)
    require_rule(rule, request.user, system)
    return system


def _exchange_page(request, project, *, qdpx_form=None, status=200):
    documents = selectors.documents_readable(scope=request.scope, user=request.user,
                                             project=project)
    return render(request, "qualitative/exchange.html", {
        "project": project, "qdpx_form": qdpx_form or _qdpx_form(), "qdc_form": _qdc_form(),
        "document_count": documents.count(),
        "coding_count": Coding.objects.filter(document__in=documents).count(),
        "can_view_system": rules.test_rule("qualitative.view_system", request.user,
                                           project.system),
        "can_keep_system": rules.test_rule("qualitative.keep_system", request.user,
                                           project.system),
        "max_qdpx_mb": refi.MAX_QDPX_BYTES // refi.MB}, status=status)


@login_required
def exchange(request, pk):
    return _exchange_page(request, _project(request, pk))


@login_required
def export_qdpx(request, pk):
    project = _project(request, pk)
    body = refi.project_export(project, user=request.user)  # audited there
    return FileResponse(io.BytesIO(body), as_attachment=True, content_type="application/zip",
                        filename=f"{slugify(project.title) or 'projekt'}.qdpx")


@login_required
@require_POST
def import_qdpx(request, pk):
    project = _project(request, pk)
    form = _qdpx_form(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = refi_import.project_import(actor=request.user, project=project,
                                         data=form.cleaned_data["file"].read())
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The project file was imported.") + " "
                             + result.message())
            return redirect("qualitative:exchange", pk=project.pk)
    return _exchange_page(request, project, qdpx_form=form, status=INVALID)


@login_required
def export_qdc(request, pk):
    system = _system(request, pk, "qualitative.view_system")
    seen = None
    if not request.scope.is_institute_staff(system.programme_id):
        seen = set(request.scope.municipalities().filter(programme_id=system.programme_id)
                   .values_list("pk", flat=True))
    try:
        body = refi.codebook_export(system, local_seen=seen)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("qualitative:system", pk=system.pk)
    return FileResponse(io.BytesIO(body), as_attachment=True, content_type="application/xml",
                        filename=f"{slugify(system.name) or 'kategoriensystem'}.qdc")


def _next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


@login_required
def import_qdc(request, pk):
    system = _system(request, pk, "qualitative.keep_system")
    form = _qdc_form(request.POST if request.method == "POST" else None,
                     request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = refi_import.codebook_import(actor=request.user, system=system,
                                          data=form.cleaned_data["file"].read())
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The codebook was imported.") + " " + result.message())
            return redirect(_next(request, reverse("qualitative:system", args=[system.pk])))
    return render(request, "qualitative/exchange_codebook.html", {
        "system": system, "form": form, "next": _next(request, "")},
        status=INVALID if request.method == "POST" else 200)
