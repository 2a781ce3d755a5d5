"""Pages of the qualitative analysis: the overview of a programme or municipality, projects,
the category system with its codes and history, memos. Coding, agreement and consensus are in
views_coding.py; analysis, material and REFI-QDA exchange in their own views_*.py."""

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
from qdialog.tenancy.models import Municipality, Programme
from qdialog.tenancy.scope import get_in_scope

from . import selectors, services
from . import system as system_services
from .forms import CodeForm, MemoForm, MergeForm, ProjectForm, SplitForm, SystemForm
from .models import CategorySystem, Code, CodeChange, Memo, Project


def _copy(obj):
    """A fresh copy of a saved object for a ModelForm: validating a form writes its values onto
    the instance, and the services must still see the values as they were to record changes."""
    return type(obj).objects.get(pk=obj.pk)


def _status(form):
    return INVALID if form.is_bound and form.errors else 200


def _apply_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _programme(request, slug):
    return get_in_scope(Programme.objects.filter(
        pk__in=request.scope.programmes_with_any_role), slug=slug)


def project_in_scope(request, pk, rule="qualitative.view_project"):
    project = get_in_scope(Project.objects.select_related(
        "programme", "cluster", "municipality__programme", "system"), pk=pk)
    require_rule(rule, request.user, project)
    return project


def _systems(request, programme):
    return [s for s in CategorySystem.objects.filter(programme=programme)
            if rules.test_rule("qualitative.view_system", request.user, s)]


def _can_create_project(scope, programme):
    return (scope.is_institute_staff(programme.pk)
            or Municipality.objects.filter(programme=programme).filter(
                pk__in=scope.coordinated_municipalities).exists()
            or bool(scope.coordinated_clusters and programme.pk in scope.coordinated_programmes))


@login_required
def programme_index(request, slug):
    programme = _programme(request, slug)
    return render(request, "qualitative/index.html", {
        "programme": programme, "municipality": None,
        "projects": selectors.projects_visible(scope=request.scope, user=request.user,
                                               programme=programme),
        "systems": _systems(request, programme),
        "can_create": _can_create_project(request.scope, programme),
        "keeps_systems": request.scope.is_institute_staff(programme.pk)})


@login_required
def municipality_index(request, pk):
    municipality = get_in_scope(request.scope.municipalities().select_related(
        "programme", "cluster"), pk=pk)
    programme = municipality.programme
    return render(request, "qualitative/index.html", {
        "programme": programme, "municipality": municipality,
        "projects": selectors.projects_visible(scope=request.scope, user=request.user,
                                               programme=programme,
                                               municipality=municipality),
        "systems": _systems(request, programme),
        "can_create": _can_create_project(request.scope, programme),
        "keeps_systems": request.scope.is_institute_staff(programme.pk)})


@login_required
def project_create(request, slug):
    programme = _programme(request, slug)
    if not _can_create_project(request.scope, programme):
        raise Http404
    form = ProjectForm(request.POST or None, programme=programme, scope=request.scope)
    if not form.fields["system"].queryset.exists():
        messages.info(request, _("Set up a category system first; the institute does that."))
        return redirect("qualitative:programme", programme.slug)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                actor=request.user, programme=programme, system=form.cleaned_data["system"],
                title=form.cleaned_data["title"], question=form.cleaned_data["question"],
                unit=form.cleaned_data["unit"], min_overlap=form.cleaned_data["min_overlap"],
                in_reports=form.cleaned_data["in_reports"],
                coders=form.cleaned_data["coders"], **form.owner())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The coding project was set up. Now add material."))
            return redirect("qualitative:project", project.pk)
    return render(request, "qualitative/project_form.html", {
        "programme": programme, "form": form, "creating": True}, status=_status(form))


@login_required
def project_detail(request, pk):
    project = project_in_scope(request, pk)
    documents = selectors.document_list(scope=request.scope, user=request.user, project=project)
    return render(request, "qualitative/project.html", {
        "project": project, "programme": project.programme,
        "municipality": project.municipality, "documents": documents,
        "memos": project.memos.filter(document__isnull=True, coding__isnull=True,
                                      code__isnull=True).select_related("author"),
        "memo_form": MemoForm(),
        "can_manage": rules.test_rule("qualitative.manage_project", request.user, project)})


@login_required
def project_settings(request, pk):
    project = project_in_scope(request, pk, "qualitative.manage_project")
    # the form works on a copy: the service compares the saved object with the new values
    form = ProjectForm(request.POST or None, instance=_copy(project), programme=project.programme,
                       scope=request.scope, levels=False)
    if request.method == "POST" and form.is_valid():
        services.project_update(actor=request.user, project=project,
                                coders=form.cleaned_data["coders"],
                                **{k: form.cleaned_data[k] for k in
                                   ("title", "question", "unit", "min_overlap", "in_reports")})
        messages.success(request, _("The settings were saved."))
        return redirect("qualitative:project", project.pk)
    return render(request, "qualitative/project_form.html", {
        "project": project, "programme": project.programme, "form": form},
        status=_status(form))


# --- category system ---------------------------------------------------------------------------
def _system(request, pk, rule="qualitative.view_system"):
    system = get_in_scope(CategorySystem.objects.select_related("programme"), pk=pk)
    require_rule(rule, request.user, system)
    return system


def _local_choices(request, system):
    """The municipalities for which the person may add local codes."""
    municipalities = Municipality.objects.filter(programme=system.programme).order_by("name")
    if request.scope.is_institute_staff(system.programme_id):
        return list(municipalities)
    return list(municipalities.filter(pk__in=request.scope.coordinated_municipalities))


def _edits_code(request, code) -> bool:
    if rules.test_rule("qualitative.keep_system", request.user, code.system):
        return True
    return code.municipality_id is not None and (
        code.municipality_id in request.scope.coordinated_municipalities)


@login_required
def system_create(request, slug):
    programme = _programme(request, slug)
    if not request.scope.is_institute_staff(programme.pk):
        raise Http404
    form = SystemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        system = system_services.system_create(actor=request.user, programme=programme,
                                               **form.cleaned_data)
        messages.success(request, _("The category system was set up. Now add its codes."))
        return redirect("qualitative:system", system.pk)
    return render(request, "qualitative/system_form.html", {
        "programme": programme, "form": form}, status=_status(form))


@login_required
def system_detail(request, pk):
    system = _system(request, pk)
    keeps = rules.test_rule("qualitative.keep_system", request.user, system)
    local = [] if keeps else _local_choices(request, system)
    seen = None if request.scope.is_institute_staff(system.programme_id) else set(
        request.scope.municipalities().values_list("pk", flat=True))
    tree = [n for n in selectors.code_tree(system) if seen is None
            or n.code.municipality_id is None or n.code.municipality_id in seen]
    history = [h for h in CodeChange.objects.filter(system=system).select_related(
        "actor", "code")[:100] if seen is None or h.code is None
        or h.code.municipality_id is None or h.code.municipality_id in seen]
    return render(request, "qualitative/system.html", {
        "system": system, "programme": system.programme, "tree": tree, "history": history,
        "projects": selectors.projects_visible(scope=request.scope, user=request.user,
                                               programme=system.programme).filter(system=system),
        "keeps": keeps, "adds_local": bool(local)})


@login_required
def code_create(request, pk):
    system = _system(request, pk)
    keeps = rules.test_rule("qualitative.keep_system", request.user, system)
    local = _local_choices(request, system)
    if not keeps and not local:
        raise Http404
    initial = {k: request.GET[k] for k in ("parent", "origin") if request.GET.get(k)}
    form = CodeForm(request.POST or None, system=system, local_choices=local,
                    programme_wide=keeps, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            code = system_services.code_create(
                actor=request.user, system=system, parent=form.cleaned_data["parent"],
                municipality=form.municipality(), **form.values())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The code %(name)s was added.") % {"name": code.name})
            return redirect(request.POST.get("next") or f"{_system_url(system)}#code-{code.pk}")
    return render(request, "qualitative/code_form.html", {
        "system": system, "programme": system.programme, "form": form, "creating": True,
        "next": request.GET.get("next", "")}, status=_status(form))


def _system_url(system):
    return reverse("qualitative:system", args=[system.pk])


def _code(request, pk):
    code = get_in_scope(Code.objects.select_related("system__programme", "parent",
                                                    "municipality"), pk=pk, active=True)
    require_rule("qualitative.view_system", request.user, code.system)
    if code.municipality_id and not request.scope.sees_municipality(code.municipality):
        raise Http404  # a municipality's local code is its own
    return code


@login_required
def code_edit(request, pk):
    code = _code(request, pk)
    editable = _edits_code(request, code)
    form = CodeForm(request.POST or None, instance=_copy(code), system=code.system)
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                system_services.code_update(actor=request.user, code=code,
                                            parent=form.cleaned_data["parent"], **form.values())
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("The code was saved."))
                return redirect(f"{_system_url(code.system)}#code-{code.pk}")
    return render(request, "qualitative/code.html", {
        "code": code, "system": code.system, "programme": code.system.programme, "form": form,
        "editable": editable, "keeps": rules.test_rule("qualitative.keep_system", request.user,
                                                       code.system),
        "merge_form": MergeForm(code=code), "split_form": SplitForm(),
        "memos": code.memos.select_related("author", "project"),
        "history": CodeChange.objects.filter(code=code).select_related("actor")[:50],
        "origins": selectors.code_origins(code, user=request.user),
        "act_in": _act_in(request, code)}, status=_status(form))


def _act_in(request, code):
    """The municipalities in whose action plan the person may make an action of the code: the
    ones they coordinate (a local code: only its own)."""
    municipalities = Municipality.objects.filter(
        programme_id=code.system.programme_id,
        pk__in=request.scope.coordinated_municipalities).order_by("name")
    if code.municipality_id:
        municipalities = municipalities.filter(pk=code.municipality_id)
    return list(municipalities[:10])


@login_required
@require_POST
def code_merge(request, pk):
    code = _code(request, pk)
    if not rules.test_rule("qualitative.keep_system", request.user, code.system):
        raise Http404
    form = MergeForm(request.POST, code=code)
    if form.is_valid():
        try:
            system_services.codes_merge(actor=request.user, target=code,
                                        sources=list(form.cleaned_data["sources"]))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The codes were merged."))
            return redirect(f"{_system_url(code.system)}#code-{code.pk}")
    return render(request, "qualitative/code.html", {
        "code": code, "system": code.system, "programme": code.system.programme,
        "form": CodeForm(instance=code, system=code.system), "editable": True,
        "merge_form": form, "split_form": SplitForm(), "memos": [], "history": [],
        "origins": []}, status=INVALID)


@login_required
@require_POST
def code_split(request, pk):
    code = _code(request, pk)
    if not rules.test_rule("qualitative.keep_system", request.user, code.system):
        raise Http404
    form = SplitForm(request.POST)
    if form.is_valid():
        try:
            system_services.code_split(actor=request.user, code=code, names=form.name_list())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The code was split."))
            return redirect("qualitative:system", code.system_id)
    return render(request, "qualitative/code.html", {
        "code": code, "system": code.system, "programme": code.system.programme,
        "form": CodeForm(instance=code, system=code.system), "editable": True,
        "merge_form": MergeForm(code=code), "split_form": form, "memos": [], "history": [],
        "origins": []}, status=INVALID)


# --- memos -------------------------------------------------------------------------------------
@login_required
@require_POST
def memo_add(request, pk):
    """A memo on the project, or (with document, coding or code in the form) on one of them."""
    project = project_in_scope(request, pk, "qualitative.code_project")
    form = MemoForm(request.POST)
    target = {}
    if request.POST.get("document"):
        document = get_in_scope(project.documents.all(), pk=request.POST["document"])
        require_rule("qualitative.read_document", request.user, document)
        target["document"] = document
        if request.POST.get("coding"):
            target["coding"] = get_in_scope(document.codings.all(), pk=request.POST["coding"])
    if request.POST.get("code"):
        target["code"] = get_in_scope(Code.objects.filter(system=project.system),
                                      pk=request.POST["code"])
    back = request.POST.get("next") or ""
    if form.is_valid():
        services.memo_save(actor=request.user, project=project, text=form.cleaned_data["text"],
                           **target)
        messages.success(request, _("The memo was saved."))
        return redirect(back if back.startswith("/") else project_url(project))
    messages.error(request, _("Write the memo first."))
    return render(request, "qualitative/memo_form.html", {
        "project": project, "programme": project.programme, "form": form,
        "hidden": {k: v.pk for k, v in target.items()}, "next": back}, status=INVALID)


def project_url(project):
    return reverse("qualitative:project", args=[project.pk])


def _memo(request, pk):
    memo = get_in_scope(Memo.objects.select_related("project__programme", "document"), pk=pk)
    require_rule("qualitative.view_project", request.user, memo.project)
    if memo.author_id != request.user.pk:
        raise Http404
    return memo


@login_required
def memo_edit(request, pk):
    memo = _memo(request, pk)
    form = MemoForm(request.POST or None, initial={"text": memo.text})
    if request.method == "POST" and form.is_valid():
        services.memo_save(actor=request.user, project=memo.project, memo=memo,
                           text=form.cleaned_data["text"])
        messages.success(request, _("The memo was saved."))
        return redirect(_memo_back(memo))
    return render(request, "qualitative/memo_form.html", {
        "project": memo.project, "programme": memo.project.programme, "form": form,
        "memo": memo, "next": _memo_back(memo)}, status=_status(form))


def _memo_back(memo):
    if memo.document_id:
        return reverse("qualitative:document", args=[memo.document_id])
    if memo.code_id:
        return reverse("qualitative:code", args=[memo.code_id])
    return project_url(memo.project)


@login_required
@require_POST
def memo_delete(request, pk):
    memo = _memo(request, pk)
    back = _memo_back(memo)
    services.memo_delete(actor=request.user, memo=memo)
    messages.success(request, _("The memo was removed."))
    return redirect(back)


@login_required
@require_POST
def documents_double(request, pk):
    """Choose documents for double coding (or take them back to single coding) at once."""
    project = project_in_scope(request, pk, "qualitative.manage_project")
    documents = list(selectors.documents_readable(scope=request.scope, user=request.user,
                                                  project=project).filter(
        pk__in=[v for v in request.POST.getlist("documents") if v.isdigit()]))
    double = request.POST.get("double") == "1"
    if not documents:
        messages.error(request, _("Choose at least one document."))
        return redirect("qualitative:project", project.pk)
    changed, kept = services.documents_double(actor=request.user, documents=documents,
                                              double_coding=double)
    messages.success(request, (_("%(n)s documents are double-coded now.") if double
                               else _("%(n)s documents are coded once now.")) % {"n": changed})
    if kept:
        messages.warning(request, _("%(n)s documents stay double-coded: coders have finished "
                                    "them.") % {"n": kept})
    return redirect("qualitative:project", project.pk)
