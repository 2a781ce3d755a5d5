"""Pages of the action plan. Thin: scope, rule, service or selector, render."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from qdialog.casereviews.models import Recommendation
from qdialog.core.access import INVALID, form_changes, require_rule
from qdialog.incidents.models import IncidentReport
from qdialog.processes.models import Decision
from qdialog.qualitative.models import Code, Coding
from qdialog.standards.models import Standard
from qdialog.tenancy.scope import get_in_scope, municipality_in_scope

from . import csvio, selectors, services
from .forms import ActionForm, FilterForm, ImportForm, MoveForm, ProgressForm
from .models import Action

VIEWS = ("list", "organisations", "board", "timeline")


_municipality = municipality_in_scope


def _action(request, pk):
    return get_in_scope(Action.objects.filter(
        municipality__in=request.scope.municipalities()).select_related(
        "municipality__programme", "municipality__cluster", "responsible_organisation",
        "responsible_person", "decision__event", "recommendation__review", "report", "wave",
        "standard", "code", "coding__document"),
        pk=pk)


def _plan(request, municipality, mode):
    """What the action plan page shows in a view (list, organisations, board, timeline)."""
    form = FilterForm(request.GET or None, municipality=municipality)
    actions = selectors.plan(municipality)
    if form.is_valid():
        actions = selectors.filtered(actions, form.cleaned_data)
    context = {"municipality": municipality, "form": form, "mode": mode,
               "overview": selectors.overview(selectors.plan(municipality)),
               "can_manage": rules.test_rule("actions.manage", request.user, municipality),
               "query": request.GET.urlencode(), "actions": actions}
    if mode == "board":
        context["board"] = selectors.board(actions)
        context["movable"] = _movable(request.user, municipality, context["board"])
    elif mode == "organisations":
        context["groups"] = selectors.by_organisation(actions)
    elif mode == "timeline":
        context["timeline"] = selectors.timeline(actions)
    return context


def _movable(user, municipality, board):
    """The cards this person may move (coordinators: all; others: their own)."""
    movable = set()
    for column in board:
        for action in column["items"]:
            action.municipality = municipality  # the rule reads it; no query per card
            if rules.test_rule("actions.progress", user, action):
                movable.add(action.pk)
    return movable


@login_required
def action_list(request, pk):
    municipality = _municipality(request, pk)
    mode = request.GET.get("view") if request.GET.get("view") in VIEWS else "list"
    context = _plan(request, municipality, mode)
    form = context["form"]
    return render(request, "actions/list.html", context,
                  status=INVALID if form.is_bound and form.errors else 200)


@login_required
@require_POST
def action_move(request, pk):
    """Move a card to another column of the board (a change of status). With htmx the board
    is swapped in place; without JavaScript the page reloads."""
    action = _action(request, pk)
    municipality = action.municipality
    require_rule("actions.view", request.user, municipality)
    query = request.GET.copy()
    query["view"] = "board"
    board_url = f"{reverse('actions:list', args=[municipality.pk])}?{query.urlencode()}"
    form = MoveForm(request.POST)
    problem, status = "", 200
    if not rules.test_rule("actions.progress", request.user, action):
        problem, status = _("Only the municipality's coordinators and the person responsible "
                            "for „%(action)s“ may move it.") % {"action": action}, 403
    elif not form.is_valid():
        value = request.POST.get("status", "").strip()
        problem = (_("„%(value)s“ is not a column of the board.") % {"value": value} if value
                   else _("Choose the column to move the action to."))
        status = INVALID
    else:
        try:
            services.action_move(actor=request.user, action=action,
                                 status=form.cleaned_data["status"])
        except ValidationError as error:
            problem, status = " ".join(error.messages), INVALID
        else:
            messages.success(request, _("„%(action)s“ moved to „%(status)s“.") % {
                "action": action, "status": action.get_status_display()})
    if request.htmx:
        if problem:  # htmx swaps no 4xx answer: the page reloads and shows why
            messages.error(request, problem)
            return HttpResponse(problem, status=status, headers={"HX-Redirect": board_url},
                                content_type="text/plain; charset=utf-8")
        return render(request, "actions/_board_swap.html",
                      _plan(request, municipality, "board"))
    if not problem:
        return redirect(f"{board_url}#card-{action.pk}")
    context = _plan(request, municipality, "board") | {"problem": problem}
    return render(request, "actions/list.html", context, status=status)


def _origin(request, municipality):
    """The decision, recommendation or report an action is being made from (?decision=…)."""
    source = request.GET if request.method == "GET" else request.POST
    for name, model, rule, get in [
        ("decision", Decision, "processes.manage_process", lambda o: o.event.process),
        ("recommendation", Recommendation, "casereviews.lead", lambda o: o.review),
        ("report", IncidentReport, "incidents.review", lambda o: o.system),
        ("standard", Standard, "standards.manage", lambda o: o.municipality),
        ("coding", Coding, "qualitative.read_document", lambda o: o.document),
        ("code", Code, "qualitative.view_system", lambda o: o.system),
    ]:
        if source.get(name):
            obj = get_in_scope(model.objects.all(), pk=source.get(name))
            require_rule(rule, request.user, get(obj))
            return name, obj
    return None, None


def _short(text: str, limit: int = 200) -> str:
    """`text` cut at a word before `limit` characters, never inside a word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _prefill(name, obj):
    # the origin's own page is linked on the measure (its event, review or report), so the
    # detail is left for the person to add, not a copy of that title
    if name == "decision":
        return {"title": _short(obj.text), "description": obj.text}
    if name == "recommendation":
        return {"title": _short(obj.text), "description": obj.text, "priority": obj.priority}
    if name == "report":
        return {"title": obj.publication_title or str(obj)}
    if name == "standard":
        return {"title": obj.title, "origin_detail": obj.get_area_display()}
    if name == "coding":
        return {"title": obj.code.name, "description": f"„{_short(obj.passage, 600)}“",
                "origin_detail": obj.document.title[:200]}
    if name == "code":
        return {"title": obj.name, "description": obj.definition}
    return {}


@login_required
def action_create(request, pk):
    municipality = _municipality(request, pk, manage=True)
    name, origin = _origin(request, municipality)
    form = ActionForm(request.POST or None, municipality=municipality, linked=bool(origin),
                      initial=_prefill(name, origin))
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(
                actor=request.user, municipality=municipality,
                fields=dict(form.cleaned_data.items()),
                **({name: origin} if origin else {}))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The action was added to the action plan."))
            return redirect("actions:detail", pk=action.pk)
    return render(request, "actions/form.html", {
        "municipality": municipality, "form": form, "title": _("New action"),
        "origin_name": name, "origin": origin,
        "cancel_url": reverse("actions:list", args=[pk])},
        status=INVALID if form.is_bound else 200)


@login_required
def action_detail(request, pk):
    action = _action(request, pk)
    require_rule("actions.view", request.user, action.municipality)
    return render(request, "actions/detail.html", {
        "action": action, "municipality": action.municipality,
        "notes": action.notes.select_related("author"),
        "progress_form": ProgressForm(initial={"status": action.status}),
        "can_manage": rules.test_rule("actions.manage", request.user, action.municipality),
        "can_progress": rules.test_rule("actions.progress", request.user, action),
        "origin_visible": _origin_visible(request.user, action)})


def _origin_visible(user, action):
    """Link to the origin only for those who may open it (a case review stays closed)."""
    if action.decision_id:
        return rules.test_rule("processes.view_event", user, action.decision.event)
    if action.recommendation_id:
        return rules.test_rule("casereviews.read_summary", user, action.recommendation.review)
    if action.standard_id:
        return True
    if action.coding_id:
        return rules.test_rule("qualitative.read_document", user, action.coding.document)
    if action.report_id:
        return (action.report.status == "published"
                or rules.test_rule("incidents.review", user, action.report.system))
    return True


@login_required
def action_edit(request, pk):
    action = _action(request, pk)
    require_rule("actions.manage", request.user, action.municipality)
    form = ActionForm(request.POST or None, instance=action, municipality=action.municipality,
                      linked=action.origin in ("decision", "case_review", "report", "standard"))
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(actor=request.user, action=action,
                                   fields=form_changes(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("actions:detail", pk=pk)
    return render(request, "actions/form.html", {
        "municipality": action.municipality, "form": form, "title": _("Edit action"),
        "action": action, "cancel_url": reverse("actions:detail", args=[pk])},
        status=INVALID if form.is_bound else 200)


@login_required
@require_POST
def action_progress(request, pk):
    action = _action(request, pk)
    require_rule("actions.progress", request.user, action)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.progress_record(actor=request.user, action=action,
                                     text=form.cleaned_data["text"],
                                     status=form.cleaned_data["status"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(reverse("actions:detail", args=[pk]) + "#progress")
    return render(request, "actions/detail.html", {
        "action": action, "municipality": action.municipality,
        "notes": action.notes.select_related("author"), "progress_form": form,
        "can_manage": rules.test_rule("actions.manage", request.user, action.municipality),
        "can_progress": True, "origin_visible": _origin_visible(request.user, action)},
        status=INVALID)


@login_required
def export(request, pk, fmt=csvio.CSV):
    municipality = _municipality(request, pk)
    body = services.plan_export(actor=request.user, municipality=municipality, fmt=fmt)
    content_type = csvio.XLSX_TYPE if fmt == csvio.XLSX else "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="massnahmen-{pk}.{fmt}"'
    return response


@login_required
def import_plan(request, pk):
    """A CSV or XLSX file of actions: all rows are stored, or none and every problem listed."""
    municipality = _municipality(request, pk, manage=True)
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    problems, file_name = [], ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        file_name = upload.name
        parsed = csvio.parse(upload.read(), municipality)
        problems = parsed.problems
        if not problems:
            try:
                count = services.plan_import(actor=request.user, municipality=municipality,
                                             actions=parsed.actions, kind=parsed.kind)
            except ValidationError as error:
                problems = [csvio.Problem(message) for message in error.messages]
            else:
                messages.success(request, ngettext(
                    "%(n)s action was imported.", "%(n)s actions were imported.", count)
                    % {"n": count})
                return redirect("actions:list", pk=pk)
    return render(request, "actions/import.html", {
        "municipality": municipality, "form": form, "codebook": csvio.codebook(municipality),
        "file_name": file_name, "problem_count": len(problems),
        "file_problems": [p for p in problems if not p.row],
        "row_problems": [p for p in problems if p.row]},
        status=INVALID if request.method == "POST" else 200)


@login_required
def programme_overview(request, slug):
    programme = get_in_scope(request.scope.programmes(), slug=slug)
    return render(request, "actions/programme.html", {
        "programme": programme, "rows": selectors.programme_overview(programme)})
