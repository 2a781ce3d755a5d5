"""Retention settings of a programme, what is due, and the exports (institute staff only)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qdialog.core.access import attachment
from qdialog.core.audit import instance_update
from qdialog.core.scope import get_in_scope

from . import services
from .models import RetentionPolicy, ShredderExport


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
    labels = {n: RetentionPolicy._meta.get_field(n).verbose_name for n in services.CATEGORIES}
    # the stored periods: a refused form has already written its values onto `policy`
    due = services.counts(services.due(RetentionPolicy.objects.get(pk=policy.pk)))
    return render(request, "retention/settings.html", {
        "programme": policy.programme, "form": form,
        "due": [(labels[k], n) for k, n in due.items()],
        "exports": ShredderExport.objects.filter(programme=policy.programme)[:50]},
        status=400 if form.is_bound and form.errors else 200)


@login_required
@require_POST
def apply_now(request, slug):
    policy = _policy(request, slug)
    export = services.shred(policy, actor=request.user)
    if export is None:
        messages.info(request, _("Nothing is due."))
    else:
        messages.success(request, _("Deleted as due; the export can be downloaded below."))
    return redirect("retention:settings", slug=slug)


@login_required
def export_download(request, slug, pk):
    policy = _policy(request, slug)
    export = get_in_scope(ShredderExport.objects.filter(programme=policy.programme), pk=pk)
    from qdialog.core.audit import log_action

    log_action(actor=request.user, action="export", obj=policy.programme,
               summary=f"retention export {export.pk}")
    return attachment(export.file)
