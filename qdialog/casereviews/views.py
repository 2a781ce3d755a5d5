"""Pages of case reviews. Every page that shows a review's content writes a read to the audit
log; only the published summary is shown to people without a seat."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from qdialog.core.access import INVALID, require_rule
from qdialog.core.identifiers import find_identifiers
from qdialog.tenancy.scope import get_in_scope, municipality_in_scope

from . import charts, selectors, services
from .forms import PARTS, FactorForm, ReviewForm, SummaryForm
from .models import CaseReview, ContributingFactor, Stage

_municipality = municipality_in_scope


def _review(request, pk, rule="casereviews.view"):
    review = get_in_scope(CaseReview.objects.filter(
        municipality__in=request.scope.municipalities()).select_related(
        "municipality__programme", "municipality__cluster").prefetch_related("members"), pk=pk)
    require_rule(rule, request.user, review)
    return review


def _page(request, template, context, status=200):
    return render(request, template, context, status=status)


@login_required
def review_list(request, pk):
    municipality = _municipality(request, pk)
    can_start = rules.test_rule("tenancy.manage_municipality", request.user, municipality)
    in_progress = (municipality.case_reviews.exclude(stage=Stage.PUBLISHED).count()
                   if can_start else None)
    return _page(request, "casereviews/list.html", {
        "municipality": municipality, "reviews": selectors.listed(request.user, municipality),
        "can_start": can_start, "in_progress": in_progress})


@login_required
def review_create(request, pk):
    municipality = _municipality(request, pk, manage=True)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        review = services.review_create(actor=request.user, municipality=municipality,
                                        fields=form.cleaned_data)
        messages.success(request, _("The review was started. Give the team its seats."))
        return redirect("casereviews:detail", pk=review.pk)
    return _page(request, "casereviews/form.html", {
        "municipality": municipality, "form": form, "title": _("New case review"),
        "cancel_url": reverse("casereviews:list", args=[pk])},
        status=INVALID if form.is_bound else 200)


@login_required
def review_detail(request, pk):
    review = _review(request, pk, "casereviews.read_summary")
    if not rules.test_rule("casereviews.view", request.user, review):
        return _page(request, "casereviews/summary.html", {
            "review": review, "municipality": review.municipality})
    services.review_open(actor=request.user, review=review)
    episodes = review.episodes.prefetch_related("factors")
    can_lead = rules.test_rule("casereviews.lead", request.user, review)
    return _page(request, "casereviews/detail.html", {
        "review": review, "municipality": review.municipality,
        "members": review.members.select_related("user"), "sources": review.sources.all(),
        "chronology": review.chronology.all(), "episodes": episodes,
        "hypotheses": review.hypotheses.all(), "patterns": review.patterns.all(),
        "recommendations": review.recommendations.prefetch_related("actions"),
        "can_plan": rules.test_rule("casereviews.lead", request.user, review)
        and rules.test_rule("actions.manage", request.user, review.municipality),
        "can_edit": rules.test_rule("casereviews.edit", request.user, review),
        "can_lead": can_lead, "can_redact": can_lead and review.stage != Stage.PUBLISHED,
        "findings": services.findings(review), "stages": Stage.choices,
        "parts": {kind: label for kind, (_m, _f, label) in PARTS.items()}})


@login_required
def review_edit(request, pk):
    review = _review(request, pk, "casereviews.edit")
    form = ReviewForm(request.POST or None, instance=CaseReview.objects.get(pk=review.pk))
    if request.method == "POST" and form.is_valid():
        services.review_update(actor=request.user, review=review, fields=form.cleaned_data)
        messages.success(request, _("The review was saved."))
        return redirect("casereviews:detail", pk=pk)
    return _page(request, "casereviews/form.html", {
        "municipality": review.municipality, "review": review, "form": form,
        "title": _("Edit the review")}, status=INVALID if form.is_bound else 200)


def _part_rule(kind):
    return "casereviews.lead" if kind == "member" else "casereviews.edit"


@login_required
def part_form(request, pk, kind, item_pk=None):
    if kind not in PARTS:
        raise Http404
    model, form_class, label = PARTS[kind]
    review = _review(request, pk, _part_rule(kind))
    instance = get_in_scope(model.objects.filter(review=review), pk=item_pk) if item_pk \
        else model(review=review)
    form = form_class(request.POST or None, instance=instance, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            services.part_save(actor=request.user, review=review, instance=instance,
                               fields={n: form.cleaned_data[n] for n in form.fields})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved: %(part)s.") % {"part": label})
            return redirect(reverse("casereviews:detail", args=[pk]) + f"#{kind}")
    return _page(request, "casereviews/form.html", {
        "municipality": review.municipality, "review": review, "form": form,
        "title": label}, status=INVALID if form.is_bound else 200)


@login_required
@require_POST
def part_delete(request, pk, kind, item_pk):
    if kind not in PARTS:
        raise Http404
    model = PARTS[kind][0]
    review = _review(request, pk, _part_rule(kind))
    instance = get_in_scope(model.objects.filter(review=review), pk=item_pk)
    try:
        services.part_delete(actor=request.user, review=review, instance=instance)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Removed: %(part)s.") % {"part": PARTS[kind][2]})
    return redirect(reverse("casereviews:detail", args=[pk]) + f"#{kind}")


@login_required
def factor_form(request, pk, episode_pk):
    review = _review(request, pk, "casereviews.edit")
    episode = get_in_scope(review.episodes.all(), pk=episode_pk)
    instance = ContributingFactor(episode=episode)
    form = FactorForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.part_save(actor=request.user, review=review, instance=instance,
                               fields=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The contributing factor was saved."))
            return redirect(reverse("casereviews:detail", args=[pk]) + f"#episode-{episode.pk}")
    return _page(request, "casereviews/form.html", {
        "municipality": review.municipality, "review": review, "form": form,
        "title": _("Contributing factor"), "subtitle": episode.title},
        status=INVALID if form.is_bound else 200)


@login_required
@require_POST
def factor_delete(request, pk, factor_pk):
    review = _review(request, pk, "casereviews.edit")
    factor = get_in_scope(ContributingFactor.objects.filter(episode__review=review), pk=factor_pk)
    services.part_delete(actor=request.user, review=review, instance=factor)
    messages.success(request, _("The contributing factor was removed."))
    return redirect(reverse("casereviews:detail", args=[pk]) + f"#episode-{factor.episode_id}")


#: the steps after which the team can no longer change the content, and what they lock
LOCKING = {Stage.FINDINGS_AGREED, Stage.PUBLISHED}


@login_required
def advance(request, pk):
    """The next stage. A step that locks something first says what it locks and asks."""
    review = _review(request, pk, "casereviews.lead")
    target = review.next_stage
    if target is None:
        raise Http404
    if request.method != "POST" or (target in LOCKING and "confirmed" not in request.POST):
        return _page(request, "casereviews/advance.html", {
            "review": review, "municipality": review.municipality, "target": target,
            "locking": target in LOCKING, "refusal": services.advance_refusal(review),
            "open_findings": [f for f in services.findings(review) if not f["confirmed"]]})
    try:
        stage = services.review_advance(actor=request.user, review=review)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("casereviews:publish", args=[pk])
                        if review.stage == Stage.FINDINGS_AGREED
                        else reverse("casereviews:detail", args=[pk]))
    messages.success(request, _("The review is now at the stage: %(stage)s.")
                     % {"stage": stage.label})
    return redirect("casereviews:detail", pk=pk)


@login_required
@require_POST
def redact(request, pk):
    """Remove or replace a possible identifier wherever it stands, up to publication."""
    review = _review(request, pk, "casereviews.lead")
    back = request.POST.get("next") == "detail"
    target = reverse("casereviews:detail", args=[pk]) if back or review.stage not in (
        Stage.FINDINGS_AGREED, Stage.PUBLISHED) else reverse("casereviews:publish", args=[pk])
    replacement = "" if "remove" in request.POST else request.POST.get("replacement", "")
    try:
        places = services.identifier_redact(actor=request.user, review=review,
                                            text=request.POST.get("text", ""),
                                            replacement=replacement)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, ngettext(
            "The passage was struck out in %(n)s place. It is not kept anywhere.",
            "The passage was struck out in %(n)s places. It is not kept anywhere.",
            places) % {"n": places})
    return redirect(target + "#h-findings")


@login_required
def publish(request, pk):
    """The summary, and the possible identifiers a lead reviewer must confirm before it goes
    out."""
    review = _review(request, pk, "casereviews.lead")
    if review.stage not in (Stage.FINDINGS_AGREED, Stage.PUBLISHED):
        raise Http404
    form = SummaryForm(request.POST or None, instance=CaseReview.objects.get(pk=review.pk))
    status = 200
    if request.method == "POST":
        if "confirm" in request.POST:
            count = services.identifiers_confirm(actor=request.user, review=review,
                                                 texts_confirmed=request.POST.getlist("text"))
            messages.success(request, _("%(n)s findings confirmed.") % {"n": count})
            return redirect("casereviews:publish", pk=pk)
        if form.is_valid() and review.stage != Stage.PUBLISHED:
            services.review_update(actor=request.user, review=review,
                                   fields={"summary": form.cleaned_data["summary"]})
            messages.success(request, _("The summary was saved."))
            return redirect("casereviews:publish", pk=pk)
        status = INVALID
    findings = services.findings(review)
    return _page(request, "casereviews/publish.html", {
        "review": review, "municipality": review.municipality, "form": form,
        "findings": findings, "open_findings": [f for f in findings if not f["confirmed"]]},
        status=status)


@login_required
def summary_export(request, pk, fmt):
    """The published summary as PDF or DOCX (members may download the draft too)."""

    review = _review(request, pk, "casereviews.read_summary")
    if review.stage != Stage.PUBLISHED and not rules.test_rule("casereviews.view",
                                                              request.user, review):
        raise Http404
    content = services.review_export(actor=request.user, review=review, fmt=fmt)
    types = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-"
             "officedocument.wordprocessingml.document"}
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="fallanalyse-{review.pk}.{fmt}"'
    return response


@login_required
@require_POST
def identifiers(request):
    """Warn while writing: the possible identifiers in the posted texts, as an HTML fragment."""
    skip = {"csrfmiddlewaretoken"}
    found = [f for name, value in request.POST.items() if name not in skip
             for f in find_identifiers(value)]
    return _page(request, "casereviews/_identifiers.html", {"found": found})


def _learning(request, reviews, **where):
    learning = selectors.learning(reviews)
    chart = (charts.factors(learning["factor_rows"], learning["levels"])
             if not learning["suppressed"] and learning["factor_total"] else "")
    return _page(request, "casereviews/learning.html", {
        **where, "learning": learning, "chart": chart})


@login_required
def learning_municipality(request, pk):
    municipality = _municipality(request, pk)
    return _learning(request, CaseReview.objects.filter(municipality=municipality),
                     municipality=municipality)


@login_required
def learning_cluster(request, pk):
    cluster = get_in_scope(request.scope.clusters().select_related("programme"), pk=pk)
    return _learning(request, CaseReview.objects.filter(municipality__cluster=cluster),
                     cluster=cluster)


@login_required
def learning_programme(request, slug):
    programme = get_in_scope(request.scope.programmes(), slug=slug)
    return _learning(request, CaseReview.objects.filter(municipality__programme=programme),
                     programme=programme)
