"""The pages an invited organisation or a participant opens from an e-mail or a passed-on
address, without an account: the reply to an invitation and the registration page.

Both are reached only through a signed address (invitations.py); they show the event, nothing
else of the programme. They set no cookie but CSRF's and tell no later request where they were
(Referrer-Policy), so the address cannot leak to a linked site."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qdialog.core import ratelimit
from qdialog.core.scoping import fence_extend

from . import invitations
from .forms import RegistrationForm, ReplyForm
from .models import Reply

INVALID, TOO_MANY = 400, 429
REGISTRATIONS_PER_HOUR = 20


def _page(request, template, context, status=200):
    response = render(request, template, context, status=status)
    response["Referrer-Policy"] = "strict-origin"
    return response


def _event_context(event) -> dict:
    return {"event": event, "agenda": list(event.agenda.all()),
            "over": invitations.is_over(event)}


@never_cache
@require_http_methods(["GET", "POST"])
def reply(request, token):
    """An invited organisation says whether it comes, and with how many people."""
    invitation = invitations.invitation_by_token(token)
    if invitation is None:
        raise Http404
    fence_extend([invitation.event.process.programme_id])
    event = invitation.event
    initial = {"reply": invitation.reply if invitation.reply != Reply.OPEN else None,
               "announced": invitation.announced or None}
    form = ReplyForm(request.POST or None, initial=initial)
    context = {**_event_context(event), "invitation": invitation, "form": form}
    if request.method == "POST":
        if form.is_valid():
            try:
                invitations.reply_record(invitation=invitation,
                                         reply=form.cleaned_data["reply"],
                                         announced=form.cleaned_data.get("announced") or 0)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                invitation.refresh_from_db()
                return _page(request, "processes/public/reply.html",
                             {**context, "saved": True, "invitation": invitation})
        return _page(request, "processes/public/reply.html", context, status=INVALID)
    return _page(request, "processes/public/reply.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def register(request, token):
    """Someone registers for an event whose organisers opened it for registration."""
    event = invitations.event_by_registration_token(token)
    if event is None:
        raise Http404
    fence_extend([event.process.programme_id])
    form = RegistrationForm(request.POST or None, event=event)
    context = {**_event_context(event), "form": form}
    if request.method == "POST":
        if ratelimit.hit(f"register:{event.pk}", request, REGISTRATIONS_PER_HOUR, 3600):
            return _page(request, "processes/public/register.html", {
                **context, "too_many": True}, status=TOO_MANY)
        if form.is_valid():
            fields = dict(form.cleaned_data)
            try:
                registration = invitations.registration_create(event=event, fields=fields)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _page(request, "processes/public/registered.html",
                             {**context, "registration": registration})
        return _page(request, "processes/public/register.html", context, status=INVALID)
    return _page(request, "processes/public/register.html", context)
