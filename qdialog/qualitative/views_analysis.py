"""Analysis pages of a coding project: the passages of a code (retrieval), the code frequencies
and co-occurrence with their charts. What is counted and withheld: analysis.py."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from qdialog.core.access import INVALID, require_rule
from qdialog.tenancy.scope import get_in_scope

from . import analysis, charts
from .models import Project


def _project(request, pk) -> Project:
    project = get_in_scope(Project.objects.select_related(
        "programme", "cluster", "municipality__programme", "system"), pk=pk)
    require_rule("qualitative.view_project", request.user, project)
    return project


class RetrievalForm(forms.Form):
    is_filter = True
    code = forms.TypedChoiceField(label=_("Code"), coerce=int)
    children = forms.BooleanField(label=_("with its sub-codes"), required=False)
    wave = forms.ChoiceField(label=_("Survey wave"), required=False)
    perspective = forms.ChoiceField(label=_("Perspective"), required=False)
    professional_system = forms.ChoiceField(label=_("Professional system"), required=False)
    municipality = forms.TypedChoiceField(label=_("Municipality"), required=False, coerce=int,
                                          empty_value=None)

    def __init__(self, *args, tree, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", _("choose a code"))] + [
            (node.code.pk, "\u2003" * node.depth + node.code.name) for node in tree]
        for key in analysis.FILTERS:
            self.fields[key].choices = [("", _("all"))] + [(v, v) for v in choices[key]]
        self.fields["municipality"].choices = [("", _("all"))] + [
            (pk, name) for pk, name in choices["municipality"]]

    def filters(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in (*analysis.FILTERS, "municipality")
                if self.cleaned_data.get(k)}


@login_required
def retrieval(request, pk):
    project = _project(request, pk)
    tree = analysis.visible_tree(scope=request.scope, project=project)
    choices = analysis.filter_choices(scope=request.scope, user=request.user, project=project)
    form = RetrievalForm(request.GET if "code" in request.GET else None, tree=tree,
                         choices=choices)
    result, code, status = None, None, 200
    if form.is_bound:
        if form.is_valid():
            code = next(n.code for n in tree if n.code.pk == form.cleaned_data["code"])
            result = analysis.retrieval(
                scope=request.scope, user=request.user, project=project, code=code,
                with_children=form.cleaned_data["children"], filters=form.filters(),
                page=request.GET.get("page") or 1, tree=tree)
            analysis.retrieval_read(actor=request.user, project=project, code=code,
                                    count=len(result.page.object_list))
        else:
            status = INVALID
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "qualitative/analysis_retrieval.html", {
        "project": project, "programme": project.programme, "form": form, "result": result,
        "code": code, "query": query.urlencode()}, status=status)


def _cooccurrence_mode(request) -> str:
    return "document" if request.GET.get("cooccurrence") == "document" else "overlap"


@login_required
def frequencies(request, pk):
    project = _project(request, pk)
    mode = _cooccurrence_mode(request)
    result = analysis.frequencies(scope=request.scope, user=request.user, project=project,
                                  cooccurrence=mode)
    return render(request, "qualitative/analysis_frequencies.html", {
        "project": project, "programme": project.programme, "result": result, "mode": mode})


def _svg(svg: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def frequencies_chart(request, pk):
    project = _project(request, pk)
    result = analysis.frequencies(scope=request.scope, user=request.user, project=project)
    return _svg(charts.frequencies(result))


@login_required
def cooccurrence_chart(request, pk):
    project = _project(request, pk)
    result = analysis.frequencies(scope=request.scope, user=request.user, project=project,
                                  cooccurrence=_cooccurrence_mode(request))
    return _svg(charts.cooccurrence(result))

