"""Retention: a programme's settings, what is due and all exports (institute staff); a
municipality's page with the periods, what is due of its data and its own exports (its
coordinators and institute staff). Thin: who may download what is in rules.py, the reads in
selectors.py, the writes in services.py."""

from __future__ import annotations

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qdialog.core.access import attachment, require_rule
from qdialog.tenancy.scope import get_in_scope, municipality_in_scope

from . import selectors, services
from .forms import PolicyForm
from .models import ShredderExport


def _programme(request, slug):
    return get_in_scope(request.scope.programmes(), slug=slug)


@login_required
def settings_page(request, slug):
    programme = _programme(request, slug)
    stored = selectors.policy_of(programme)
    form = PolicyForm(request.POST or None, instance=selectors.policy_of(programme))
    if request.method == "POST" and form.is_valid():
        services.policy_save(actor=request.user, programme=programme,
                             fields={n: form.cleaned_data[n] for n in form.changed_data})
        messages.success(request, _("The retention periods were saved."))
        return redirect("retention:settings", slug=slug)
    due = selectors.due_counts(stored)  # the stored periods, not the typed ones
    return render(request, "retention/settings.html", {
        "programme": programme, "form": form, "due": _labelled(due),
        "exports": [(e, _labelled(e.summary),
                     reverse("retention:export", args=[slug, e.pk])
                     if rules.test_rule("retention.download_export", request.user, e) else None)
                    for e in selectors.exports_of(programme=programme)],
        "export_days": settings.QDIALOG_SHREDDER_EXPORT_DAYS},
        status=400 if form.is_bound and form.errors else 200)


def _labelled(numbers: dict) -> list[tuple[str, int]]:
    labels = selectors.period_labels()
    return [(labels.get(k, k), n) for k, n in numbers.items()]


@login_required
@require_POST
def apply_now(request, slug):
    programme = _programme(request, slug)
    exports = services.policy_apply(selectors.policy_of(programme), actor=request.user)
    if not exports:
        messages.info(request, _("Nothing is due."))
    else:
        messages.success(request, _("Deleted as due; the exports are listed below."))
    return redirect("retention:settings", slug=slug)


@login_required
def export_download(request, slug, pk):
    programme = _programme(request, slug)
    export = get_in_scope(ShredderExport.objects.filter(programme=programme), pk=pk)
    require_rule("retention.download_export", request.user, export)
    return attachment(services.export_open(actor=request.user, export=export).file)


def _municipality(request, pk):
    """Coordinators of the municipality and the programme's institute staff."""
    return municipality_in_scope(request, pk, manage=True)


@login_required
def municipality_page(request, pk):
    municipality = _municipality(request, pk)
    policy = selectors.stored_policy(municipality.programme_id)
    due = selectors.due_counts(policy, municipality) if policy is not None else {}
    periods = [(label, getattr(policy, n) if policy else None)
               for n, label in selectors.period_labels().items()]
    return render(request, "retention/municipality.html", {
        "municipality": municipality, "periods": periods, "due": _labelled(due),
        "exports": [(e, _labelled(e.summary),
                     reverse("retention:municipality_export", args=[pk, e.pk])
                     if rules.test_rule("retention.download_export", request.user, e) else None)
                    for e in selectors.exports_of(municipality=municipality)],
        "export_days": settings.QDIALOG_SHREDDER_EXPORT_DAYS})


@login_required
def municipality_export(request, pk, export_pk):
    municipality = _municipality(request, pk)
    export = get_in_scope(selectors.exports_of(municipality=municipality), pk=export_pk)
    require_rule("retention.download_export", request.user, export)
    return attachment(services.export_open(actor=request.user, export=export).file)
