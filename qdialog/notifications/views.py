"""The person's own page of notices ("what is new") and their choices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qdialog.core.access import INVALID

from . import selectors, services
from .forms import PreferencesForm


@login_required
def notices(request):
    form = PreferencesForm(request.POST or None, current=services.channels(request.user))
    if request.method == "POST":
        if form.is_valid():
            changed = services.preferences_save(user=request.user, choices=form.cleaned_data)
            messages.success(request, _("Your notification settings were saved.") if changed
                             else _("Nothing was changed."))
            return redirect("notifications:list")
        messages.error(request, _("Please choose one of the offered ways for each kind."))
    return render(request, "notifications/list.html", {
        "notices": selectors.notices(request.user), "form": form,
        "unread": selectors.unread_count(request.user)},
        status=INVALID if form.is_bound and form.errors else 200)


@login_required
@require_POST
def read(request):
    """Mark one notice (and follow its link) or all notices read."""
    pk = request.POST.get("notice")
    if pk and pk.isdigit():
        notice = selectors.notices(request.user).model.objects.filter(
            user=request.user, pk=int(pk)).first()
        services.mark_read(user=request.user, ids=[int(pk)])
        if notice and notice.url and url_has_allowed_host_and_scheme(
                notice.url, allowed_hosts={request.get_host()}):
            return redirect(notice.url)
        return redirect("notifications:list")
    count = services.mark_read(user=request.user)
    messages.success(request, _("All notices are marked as read (%(n)s).") % {"n": count})
    return redirect("notifications:list")
