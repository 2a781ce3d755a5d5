"""Pages of the standards catalogue and the quality concept. Thin: scope, rule, service,
render."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qdialog.core.access import INVALID, form_changes, require_rule
from qdialog.tenancy.scope import get_in_scope, municipality_in_scope

from . import documents, selectors, services
from .forms import (
    AmendmentForm,
    CommentForm,
    ConceptForm,
    DecisionForm,
    IndicatorForm,
    RatingForm,
    StandardForm,
    StatusForm,
)
from .models import DRAFTING_CLOSED, TEXT_FIELDS, Concept, Standard, StandardKind, StandardStatus

_municipality = municipality_in_scope


def _standard(request, pk, rule="standards.view"):
    standard = get_in_scope(Standard.objects.filter(
        municipality__in=request.scope.municipalities()).select_related(
        "municipality__programme", "municipality__cluster", "origin__municipality"), pk=pk)
    require_rule(rule, request.user, standard.municipality)
    return standard


@login_required
def catalogue(request, pk):
    municipality = _municipality(request, pk)
    status = request.GET.get("status") if request.GET.get("status") in StandardStatus.values else ""
    documents_ = list(selectors.catalogue(municipality, status))
    groups = [(label, [d for d in documents_ if d.kind == value])
              for value, label in StandardKind.choices]
    can_manage = rules.test_rule("standards.manage", request.user, municipality)
    return render(request, "standards/catalogue.html", {
        "municipality": municipality, "groups": groups, "status": status,
        "statuses": StandardStatus.choices, "can_manage": can_manage,
        "templates": selectors.templates_for(municipality) if can_manage else []})


@login_required
def standard_create(request, pk):
    municipality = _municipality(request, pk, manage=True)
    form = StandardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        standard = services.standard_create(actor=request.user, municipality=municipality,
                                            fields=form.cleaned_data)
        messages.success(request, _("The draft was created. Share it for comments when it is "
                                    "ready."))
        return redirect("standards:detail", pk=standard.pk)
    return render(request, "standards/form.html", {
        "municipality": municipality, "form": form, "title": _("New document"),
        "cancel_url": reverse("standards:catalogue", args=[pk])},
        status=INVALID if form.is_bound else 200)


def _paragraphs(standard):
    comments, amendments = {}, {}
    for c in standard.comments.select_related("author", "qualitative_origin__code",
                                              "qualitative_origin__coding__document"):
        comments.setdefault((c.field, c.paragraph), []).append(c)
    for a in standard.amendments.select_related("author", "decided_by"):
        a.diff = selectors.diff(a.original, a.proposal)
        amendments.setdefault((a.field, a.paragraph), []).append(a)
    sections = []
    for field in TEXT_FIELDS:
        label = Standard._meta.get_field(field).verbose_name
        sections.append((field, label, [
            {"index": i, "text": text, "comments": comments.get((field, i), []),
             "amendments": amendments.get((field, i), [])}
            for i, text in enumerate(standard.paragraphs(field))]))
    return sections


def _detail(request, standard, status=200, **forms):
    municipality = standard.municipality
    own = standard.ratings.filter(version=standard.version, user=request.user).first()
    context = {
        "standard": standard, "municipality": municipality,
        "sections": _paragraphs(standard), "consent": selectors.consent(standard),
        "indicators": standard.indicators.all(),
        "indicator_results": selectors.indicator_results(standard),
        "versions": standard.versions.select_related("author", "event"),
        "actions": standard.actions.all(),
        "decisions": [d for d in standard.decisions.select_related("event__process")
                      if rules.test_rule("processes.view_event", request.user, d.event)],
        "can_manage": rules.test_rule("standards.manage", request.user, municipality),
        "can_take_part": rules.test_rule("standards.draft", request.user, standard),
        "rating_form": RatingForm(initial={"value": own.value if own else None,
                                           "statement": own.statement if own else ""}),
        "status_form": StatusForm(standard=standard),
        "indicator_form": IndicatorForm(groups=_indicator_groups(request, standard)),
        **forms}
    return render(request, "standards/detail.html", context, status=status)


def _indicator_groups(request, standard):
    return selectors.indicator_items(standard.municipality, request.GET.get("q", ""),
                                     (request.LANGUAGE_CODE or "de")[:2])


@login_required
def standard_detail(request, pk):
    standard = _standard(request, pk)
    if request.htmx and request.GET.get("q") is not None:  # the indicator search, as typed
        if not rules.test_rule("standards.manage", request.user, standard.municipality):
            raise Http404
        ticked = request.GET.getlist("items")
        form = IndicatorForm(groups=_indicator_groups(request, standard), initial={
            "items": ticked, "dimensions": request.GET.getlist("dimensions")})
        every = {code: text for g in selectors.indicator_items(
            standard.municipality, language=(request.LANGUAGE_CODE or "de")[:2])
            for code, text in g["items"]}
        shown = {code for g in form.groups for code, _text in g["items"]}
        return render(request, "standards/_indicator_items.html", {
            "indicator_form": form, "standard": standard, "query": request.GET["q"],
            # ticked before the search narrowed the list: they stay ticked, on top
            "chosen": [(c, every[c]) for c in ticked if c in every and c not in shown]})
    return _detail(request, standard)


@login_required
def standard_edit(request, pk):
    standard = _standard(request, pk, "standards.manage")
    form = StandardForm(request.POST or None, instance=standard)
    if request.method == "POST" and form.is_valid():
        services.standard_update(actor=request.user, standard=standard,
                                 fields=form_changes(form))
        messages.success(request, _("The document was saved."))
        return redirect("standards:detail", pk=pk)
    return render(request, "standards/form.html", {
        "municipality": standard.municipality, "form": form, "title": _("Edit the document"),
        "cancel_url": reverse("standards:detail", args=[pk])},
        status=INVALID if form.is_bound else 200)


def _post(request, pk, form_class, rule, call, anchor, form_name, done):
    """A form posted to a standard's page: saved with the message `done`, or the page again
    with the form as typed (400)."""
    standard = _standard(request, pk, "standards.take_part" if rule == "standards.draft" else rule)
    form = form_class(request.POST, **(
        {"groups": _indicator_groups(request, standard)} if form_class is IndicatorForm else {}))
    if rule == "standards.draft" and not rules.test_rule(rule, request.user, standard):
        form.is_valid()
        form.add_error(None, DRAFTING_CLOSED)
        typed = " / ".join(form.data.get(name, "").strip() for name in ("text", "proposal",
                                                                          "statement")
                           if form.data.get(name, "").strip())
        messages.error(request, f"{DRAFTING_CLOSED} " + (
            _("Your text was not saved: %(text)s") % {"text": typed} if typed else ""))
    elif form.is_valid():
        try:
            call(standard, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
            return redirect(reverse("standards:detail", args=[pk]) + anchor)
    return _detail(request, standard, status=INVALID, **{form_name: form})


@login_required
@require_POST
def comment(request, pk):
    return _post(request, pk, CommentForm, "standards.draft",
                 lambda s, d: services.comment_add(actor=request.user, standard=s, **d),
                 "#text", "comment_form", _("Your comment was added."))


@login_required
@require_POST
def amend(request, pk):
    return _post(request, pk, AmendmentForm, "standards.draft",
                 lambda s, d: services.amendment_propose(actor=request.user, standard=s, **d),
                 "#text", "amendment_form",
                 _("Your amendment was proposed; the coordination decides on it."))


@login_required
@require_POST
def rate(request, pk):
    return _post(request, pk, RatingForm, "standards.draft",
                 lambda s, d: services.consent_rate(actor=request.user, standard=s, **d),
                 "#consent", "rating_form", _("Your rating was saved."))


@login_required
@require_POST
def add_indicator(request, pk):
    return _post(request, pk, IndicatorForm, "standards.manage",
                 lambda s, d: services.indicator_add(actor=request.user, standard=s, fields={
                     "text": d["text"], "item_codes": d["item_codes"]}),
                 "#indicators", "indicator_form", _("The indicator was added."))


@login_required
@require_POST
def set_status(request, pk):
    standard = _standard(request, pk, "standards.manage")
    form = StatusForm(request.POST, standard=standard)
    if form.is_valid():
        try:
            services.set_status(actor=request.user, standard=standard, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("standards:detail", pk=pk)
    return _detail(request, standard, status=INVALID, status_form=form)


@login_required
@require_POST
def decide(request, pk, amendment_pk):
    standard = _standard(request, pk, "standards.manage")
    amendment = get_in_scope(standard.amendments.all(), pk=amendment_pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.amendment_decide(actor=request.user, amendment=amendment,
                                      accept=form.cleaned_data["accept"],
                                      reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The amendment was accepted and is in the text.")
                             if form.cleaned_data["accept"] else _("The amendment was declined."))
            return redirect(reverse("standards:detail", args=[pk]) + "#text")
    else:
        messages.error(request, _("Choose whether to accept or decline the amendment."))
    return _detail(request, Standard.objects.get(pk=standard.pk), status=INVALID)


@login_required
def version(request, pk, number):
    standard = _standard(request, pk)
    current = get_in_scope(standard.versions.select_related("author", "event"), number=number)
    previous = standard.versions.filter(number__lt=number).first()
    changes = []
    for name in ("title", *TEXT_FIELDS):
        old = previous.content.get(name, "") if previous else ""
        new = current.content.get(name, "")
        if old != new:
            changes.append((Standard._meta.get_field(name).verbose_name,
                            selectors.diff(old, new)))
    return render(request, "standards/version.html", {
        "standard": standard, "municipality": standard.municipality, "version": current,
        "previous": previous, "changes": changes})


@login_required
@require_POST
def copy(request, pk, template_pk):
    municipality = _municipality(request, pk, manage=True)
    template = get_in_scope(selectors.templates_for(municipality), pk=template_pk)
    standard = services.copy_template(actor=request.user, template=template,
                                      municipality=municipality)
    messages.success(request, _("The document was copied as a draft; its origin is kept."))
    return redirect("standards:detail", pk=standard.pk)


@login_required
def concept(request, pk):
    municipality = _municipality(request, pk)
    can_manage = rules.test_rule("standards.manage", request.user, municipality)
    instance = Concept.objects.filter(municipality=municipality).first() or Concept(
        municipality=municipality)
    form = ConceptForm(request.POST or None, instance=instance)
    if request.method == "POST":
        require_rule("standards.manage", request.user, municipality)
        if form.is_valid():
            services.concept_save(actor=request.user, municipality=municipality,
                                  fields=form.cleaned_data)
            messages.success(request, _("The quality concept was saved."))
            return redirect("standards:concept", pk=pk)
    return render(request, "standards/concept.html", {
        "municipality": municipality, "form": form, "can_manage": can_manage,
        "content": documents.content(municipality)},
        status=INVALID if form.is_bound and form.errors else 200)


@login_required
def concept_export(request, pk, fmt):
    municipality = _municipality(request, pk)
    body = services.concept_export(actor=request.user, municipality=municipality, fmt=fmt)
    types = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-"
             "officedocument.wordprocessingml.document"}
    response = HttpResponse(body, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="qualitaetskonzept-{pk}.{fmt}"'
    return response
