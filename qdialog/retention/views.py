"""Retention: a programme's settings, what is due and all exports (institute staff); a
municipality's page with the periods, what is due of its data and its own exports (its
coordinators and institute staff)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from qdialog.core.access import attachment
from qdialog.core.audit import instance_update, log_action
from qdialog.core.notes import note
from qdialog.tenancy.scope import get_in_scope

from . import services
from .models import ExportKind, RetentionPolicy, ShredderExport


class PolicyForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = list(services.CATEGORIES)


def _policy(request, slug):
    programme = get_in_scope(request.scope.programmes(), slug=slug)
    policy, _created = RetentionPolicy.objects.get_or_create(programme=programme)
    return policy


@login_required
def settings_page(request, slug):
    policy = _policy(request, slug)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        fields = {n: form.cleaned_data[n] for n in form.changed_data}
        policy.refresh_from_db()
        instance_update(actor=request.user, instance=policy, fields=fields)
        messages.success(request, _("The retention periods were saved."))
        return redirect("retention:settings", slug=slug)
    # the stored periods: a refused form has already written its values onto `policy`
    due = services.counts(services.policy_due(RetentionPolicy.objects.get(pk=policy.pk)))
    exports = ShredderExport.objects.filter(programme=policy.programme).select_related(
        "municipality", "programme")[:100]
    return render(request, "retention/settings.html", {
        "programme": policy.programme, "form": form, "due": _labelled(due),
        "exports": [(e, _labelled(e.summary), None if e.kind == ExportKind.CASE_REVIEWS else
                     reverse("retention:export", args=[slug, e.pk])) for e in exports],
        "export_days": settings.QDIALOG_SHREDDER_EXPORT_DAYS},
        status=400 if form.is_bound and form.errors else 200)


def _labelled(numbers: dict) -> list[tuple[str, int]]:
    labels = {n: RetentionPolicy._meta.get_field(n).verbose_name for n in services.CATEGORIES}
    return [(labels.get(k, k), n) for k, n in numbers.items()]


@login_required
@require_POST
def apply_now(request, slug):
    policy = _policy(request, slug)
    exports = services.policy_apply(policy, actor=request.user)
    if not exports:
        messages.info(request, _("Nothing is due."))
    else:
        messages.success(request, _("Deleted as due; the exports are listed below."))
    return redirect("retention:settings", slug=slug)


@login_required
def export_download(request, slug, pk):
    policy = _policy(request, slug)
    # the case reviews' archive never leaves the municipality (only its coordinators)
    export = get_in_scope(ShredderExport.objects.filter(programme=policy.programme)
                          .exclude(kind=ExportKind.CASE_REVIEWS), pk=pk)

    log_action(actor=request.user, action="export", obj=policy.programme,
               municipality_id=export.municipality_id,
                   summary=note(gettext_noop("retention export %(number)s"), number=export.pk))
    return attachment(export.file)


def _municipality(request, pk):
    """Coordinators of the municipality and the programme's institute staff."""
    return get_in_scope(request.scope.managed_municipalities().select_related("programme"),
                        pk=pk)


@login_required
def municipality_page(request, pk):
    municipality = _municipality(request, pk)
    policy = RetentionPolicy.objects.filter(programme=municipality.programme_id).first()
    due = {}
    if policy is not None:
        part = services.split_by_municipality(services.policy_due(policy)).get(municipality.pk, {})
        due = {k: n for k, n in services.counts(part).items() if n}
    periods = [(RetentionPolicy._meta.get_field(n).verbose_name,
                getattr(policy, n) if policy else None) for n in services.CATEGORIES]
    exports = ShredderExport.objects.filter(municipality=municipality)
    coordinator = municipality.pk in request.scope.coordinated_municipalities
    return render(request, "retention/municipality.html", {
        "municipality": municipality, "periods": periods, "due": _labelled(due),
        "exports": [(e, _labelled(e.summary),
                     reverse("retention:municipality_export", args=[pk, e.pk])
                     if coordinator or e.kind != ExportKind.CASE_REVIEWS else None)
                    for e in exports],
        "export_days": settings.QDIALOG_SHREDDER_EXPORT_DAYS})


@login_required
def municipality_export(request, pk, export_pk):
    municipality = _municipality(request, pk)
    exports = ShredderExport.objects.filter(municipality=municipality)
    if municipality.pk not in request.scope.coordinated_municipalities:
        exports = exports.exclude(kind=ExportKind.CASE_REVIEWS)
    export = get_in_scope(exports, pk=export_pk)
    log_action(actor=request.user, action="export", obj=municipality,
               summary=note(gettext_noop("retention export %(number)s"), number=export.pk))
    return attachment(export.file)
