"""Event pages: schedule, agenda, invitations, attendance, minutes with decisions, iCalendar."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from qdialog.accounts.mfa import mfa_missing
from qdialog.core.access import attachment, form_changes, require_rule
from qdialog.core.audit import instance_create, instance_delete
from qdialog.standards.models import Standard
from qdialog.tenancy.models import Cluster, Municipality
from qdialog.tenancy.scope import fence_for, get_in_scope, scope_for

from . import calendar, invitations, selectors, services
from .forms import (
    AgendaItemForm,
    AttendanceRowForm,
    DecisionForm,
    DecisionStandardForm,
    EventFileForm,
    EventForm,
    InviteOrganisationsForm,
    MinutesForm,
)
from .models import Event, MailKind
from .views import INVALID, _process, where


def _event(request, pk, manage=False):
    event = get_in_scope(Event.objects.filter(
        process__in=selectors.processes_visible(request.scope)).select_related(
        "process__municipality__programme", "process__municipality__cluster",
        "process__cluster__programme"), pk=pk)
    require_rule("processes.manage_process" if manage else "processes.view_event",
                 request.user, event.process if manage else event)
    return event


def _standards(process):
    if process.municipality_id is None:
        return []

    return list(Standard.objects.filter(municipality_id=process.municipality_id)
                .order_by("title").only("pk", "title"))


def _rows(event, data=None):
    invitations = event.invitations.select_related(
        "organisation__municipality").prefetch_related("contacts")
    return [AttendanceRowForm(data, invitation=i) for i in invitations]


def _detail(request, event, status=200, **forms):
    process = event.process
    rows = forms.pop("rows", None) or _rows(event)
    can_manage = rules.test_rule("processes.manage_process", request.user, process)
    context = {
        "event": event, **where(process), "agenda": event.agenda.all(), "rows": rows,
        "decisions": event.decisions.select_related("standard").prefetch_related("actions"),
        "standards": _standards(process),
        "coverage": invitations.coverage(event), "over": invitations.is_over(event),
        "agenda_form": AgendaItemForm(),
        "invite_form": InviteOrganisationsForm(process=process),
        "decision_form": DecisionForm(), "file_form": EventFileForm(),
        "files": event.files.all(), **forms}
    if can_manage:
        context |= {
            "runs": event.mail_runs.all()[:3],
            "unsent": invitations.due(event, MailKind.INVITATION).count(),
            "no_address": [r.invitation.organisation for r in rows
                           if not invitations.addresses(r.invitation)],
            "registrations": event.registrations.all(),
            "registration_url": request.build_absolute_uri(reverse(
                "processes:register", args=[invitations.registration_token(event)]))
            if event.self_registration else ""}
    return render(request, "processes/event_detail.html", context, status=status)


@login_required
def event_form(request, pk=None, event_pk=None):
    if event_pk:
        event = _event(request, event_pk, manage=True)
        process = event.process
    else:
        process, event = _process(request, pk, manage=True), None
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        fields = form_changes(form) if event else dict(form.cleaned_data)
        created = event is None
        event = services.event_save(actor=request.user, process=process, fields=fields,
                                    event=event)
        told = 0 if created else invitations.event_changed(actor=request.user, event=event,
                                                           changed=list(fields))
        messages.success(request, _("The event was created. Now add the agenda and invite.")
                         if created else _("The event was saved."))
        if told:
            messages.info(request, ngettext(
                "The change is being sent to %(n)s invited organisation.",
                "The change is being sent to %(n)s invited organisations.", told) % {"n": told})
        return redirect("processes:event", pk=event.pk)
    return render(request, "processes/form.html", {
        **where(process), "form": form,
        "title": _("Edit event") if event else _("New event")},
        status=INVALID if form.is_bound and form.errors else 200)


@login_required
def event_detail(request, pk):
    return _detail(request, _event(request, pk))


@login_required
@require_POST
def agenda_add(request, pk):
    event = _event(request, pk, manage=True)
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        return _detail(request, event, status=INVALID, agenda_form=form)
    services.agenda_add(actor=request.user, event=event, fields=form.cleaned_data)
    messages.success(request, _("The item was added to the agenda."))
    return redirect(reverse("processes:event", args=[pk]) + "#agenda")


@login_required
@require_POST
def invite(request, pk):
    event = _event(request, pk, manage=True)
    form = InviteOrganisationsForm(request.POST, process=event.process)
    if not form.is_valid():
        return _detail(request, event, status=INVALID, invite_form=form)
    count = services.event_invite(actor=request.user, event=event,
                                  organisations=form.cleaned_data["organisations"],
                                  contacts=form.cleaned_data.get("contacts", ()))
    messages.success(request, _("%(n)s organisations were invited.") % {"n": count})
    return redirect(reverse("processes:event", args=[pk]) + "#invitations")


@login_required
@require_POST
def attendance(request, pk):
    """The attendance table. One bad cell refuses the whole table, which comes back as typed
    with that cell marked."""
    event = _event(request, pk, manage=True)
    rows = _rows(event, request.POST)
    if not all(row.is_valid() for row in rows):
        faulty = [row.invitation.organisation.name for row in rows if row.errors]
        messages.error(request, _("Nothing was saved. Please correct the marked cells (%(list)s).")
                       % {"list": ", ".join(faulty)})
        return _detail(request, event, status=INVALID, rows=rows)
    changed = invitations.attendance_record(
        actor=request.user, event=event,
        rows={row.invitation.pk: row.cleaned_data for row in rows})
    messages.success(request, ngettext("Attendance was saved (%(n)s organisation changed).",
                                       "Attendance was saved (%(n)s organisations changed).",
                                       changed) % {"n": changed})
    return redirect(reverse("processes:event", args=[pk]) + "#invitations")


@login_required
@require_POST
def send(request, pk):
    """Send the invitations not sent yet, in the background."""
    event = _event(request, pk, manage=True)
    try:
        count = invitations.mail_queue(actor=request.user, event=event,
                                       kind=MailKind.INVITATION)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if count:
            messages.success(request, ngettext(
                "The invitation is being sent to %(n)s organisation.",
                "The invitation is being sent to %(n)s organisations.", count) % {"n": count})
        else:
            messages.info(request, _("Every invitation has already been sent."))
    return redirect(reverse("processes:event", args=[pk]) + "#invitations")


@login_required
def cancel(request, pk):
    """Call the event off, after saying who will hear of it."""
    event = _event(request, pk, manage=True)
    if event.cancelled or invitations.is_over(event):
        raise Http404
    if request.method == "POST":
        count = invitations.event_cancel(actor=request.user, event=event)
        messages.success(request, ngettext(
            "The event was cancelled; %(n)s organisation is being told.",
            "The event was cancelled; %(n)s organisations are being told.", count)
            % {"n": count})
        return redirect("processes:event", pk=pk)
    return render(request, "processes/event_cancel.html", {
        "event": event, **where(event.process),
        "told": invitations.due(event, MailKind.CANCELLATION).count()})


@login_required
def minutes(request, pk):
    event = _event(request, pk, manage=True)
    form = MinutesForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        fields = form_changes(form)
        services.event_save(actor=request.user, process=event.process, fields=fields,
                            event=event)
        messages.success(request, _("The minutes were saved."))
        return redirect(reverse("processes:event", args=[pk]) + "#minutes")
    return render(request, "processes/form.html", {
        **where(event.process), "form": form,
        "title": _("Minutes")}, status=INVALID if form.is_bound and form.errors else 200)


@login_required
@require_POST
def decision_add(request, pk):
    event = _event(request, pk, manage=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, event, status=INVALID, decision_form=form)
    services.decision_add(actor=request.user, event=event, text=form.cleaned_data["text"])
    messages.success(request, _("The decision was added to the minutes."))
    return redirect(reverse("processes:event", args=[pk]) + "#minutes")


@login_required
def attendance_list(request, pk):
    """A printable list of the invited organisations with room for signatures."""
    event = _event(request, pk, manage=True)
    return render(request, "processes/attendance_list.html", {
        "event": event,
        "invitations": event.invitations.select_related(
            "organisation__municipality").prefetch_related(
            "contacts")})


@login_required
def ical(request, pk):
    """The event as an iCalendar file (for Outlook, Thunderbird and phones)."""
    event = _event(request, pk)
    ics = calendar.calendar([event], str(event))
    response = HttpResponse(ics.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@login_required
@require_POST
def file_add(request, pk):
    event = _event(request, pk, manage=True)
    form = EventFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, event, status=INVALID, file_form=form)
    form.instance.event = event
    instance_create(actor=request.user, instance=form.instance)
    messages.success(request, _("The file was attached."))
    return redirect(reverse("processes:event", args=[pk]) + "#files")


@login_required
def file_download(request, pk, file_pk):
    event = _event(request, pk)
    attached = get_in_scope(event.files.all(), pk=file_pk)
    return attachment(attached.file)


@login_required
@require_POST
def file_delete(request, pk, file_pk):
    event = _event(request, pk, manage=True)
    attached = get_in_scope(event.files.all(), pk=file_pk)
    instance_delete(actor=request.user, instance=attached)
    attached.file.delete(save=False)
    messages.success(request, _("The file was removed."))
    return redirect(reverse("processes:event", args=[pk]) + "#files")


def _feed_events(user, data):
    """(owner, events) of a feed token's municipality or cluster, or None when the person may
    no longer see it. A municipality's feed includes its cluster's common events."""
    scope = scope_for(user)
    if "c" in data:
        cluster = Cluster.objects.filter(pk=data["c"]).first()
        if cluster is None or not (scope.sees_cluster(cluster)
                                   or scope.member_of_cluster(cluster)):
            return None
        return cluster, Event.objects.filter(process__cluster=cluster)
    municipality = Municipality.objects.filter(pk=data.get("m")).first()
    if municipality is None or not scope.sees_municipality(municipality):
        return None
    condition = Q(process__municipality=municipality)
    if municipality.cluster_id:
        condition |= Q(process__cluster_id=municipality.cluster_id)
    return municipality, Event.objects.filter(condition)


def feed(request, token):
    """A calendar subscription of a municipality's or a cluster's events for calendar apps (no
    session).

    The signed token names the person and the municipality or cluster; access is checked against
    the person's current roles on every request, so a removed role ends the subscription."""
    data = services.feed_token_read(token)
    if data is None:
        raise Http404
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is not None and mfa_missing(user):  # no way around the second factor
        raise Http404
    if user is not None:
        fence_for(user)
    found = _feed_events(user, data) if user is not None else None
    if found is None:
        raise Http404
    owner, events = found
    events = [e for e in events.select_related("process__municipality", "process__cluster")
              if rules.test_rule("processes.view_event", user, e)]
    ics = calendar.calendar(events, f"qdialog – {owner}")
    return HttpResponse(ics.to_ical(), content_type="text/calendar; charset=utf-8")


@login_required
@require_POST
def decision_standard(request, pk, decision_pk):
    """Link a decision of the minutes to the standard it concerns."""
    event = _event(request, pk, manage=True)
    decision = get_in_scope(event.decisions.all(), pk=decision_pk)
    municipality = event.process.municipality
    if municipality is None:
        raise Http404
    form = DecisionStandardForm(request.POST, municipality=municipality)
    if not form.is_valid():
        messages.error(request, _("Choose a standard of this municipality."))
        return _detail(request, event, status=INVALID)
    services.decision_link_standard(actor=request.user, decision=decision,
                                    standard=form.cleaned_data["standard"])
    messages.success(request, _("The decision was linked."))
    return redirect(reverse("processes:event", args=[pk]) + "#minutes")
