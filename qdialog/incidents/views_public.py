"""The public side: the report form and the follow-up page. No login, no cookie but CSRF's, and
nothing that could identify the reporter is stored (the address is used, hashed, only in the
rate limiter's short-lived cache key)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qdialog.core import ratelimit
from qdialog.core.identifiers import find_identifiers, find_in_fields
from qdialog.core.scoping import fence_extend, unscoped

from . import dialogue, services
from .forms import AnswerForm, FollowupForm, ReportForm
from .models import TEXT_FIELDS, IncidentStatus, ReportingSystem

INVALID, TOO_MANY, GONE = 400, 429, 410


def _system(key):
    with unscoped("a reporting system's public key is its address; it names its programme"):
        system = get_object_or_404(
            ReportingSystem.objects.select_related("programme", "municipality"), key=key)
    fence_extend([system.programme_id])  # the report is stored in that programme
    return system


def _limited(request, system, what: str, per_hour: int) -> bool:
    """At most `per_hour` posts an hour from one address to one system."""
    return ratelimit.hit(f"{what}:{system.pk}", request, per_hour, 3600)


def _page(request, template, context, status=200):
    response = render(request, template, context, status=status)
    # no later request (a stylesheet, the next page) names this page's address to anyone
    response["Referrer-Policy"] = "strict-origin"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def report_form(request, key):
    system = _system(key)
    context = {"system": system}
    if not system.is_open:
        return _page(request, "incidents/public_closed.html", context,
                     status=GONE if request.method == "POST" else 200)
    if request.method != "POST":
        form = ReportForm(initial={"code": services.form_code()})
        return _page(request, "incidents/public_form.html", {**context, "form": form})
    form = ReportForm(request.POST)
    if request.POST.get("website"):  # the honeypot: answer like a success, store nothing
        return _page(request, "incidents/public_thanks.html", {**context, "code": None})
    findings = {}
    if form.is_valid():
        try:
            code = services.read_form_code(form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            existing = services.find_by_code(system, code)
            if existing is None and _limited(request, system, "report",
                                             settings.QDIALOG_REPORT_RATE):
                return _page(request, "incidents/public_message.html", {
                    **context, "title": _("Too many reports"),
                    "message": _("Too many reports were sent from here in the last hour. "
                                 "Please try again later.")}, status=TOO_MANY)
            texts = {name: form.cleaned_data[name] for name in TEXT_FIELDS}
            findings = find_in_fields(texts) if existing is None else {}
            if not findings or form.cleaned_data["confirm_anonymous"]:
                report, created = services.report_submit(system=system, fields=form.report_fields(),
                                                         code=code)
                return _page(request, "incidents/public_thanks.html", {
                    **context, "code": code, "created": created})
    labels = {name: form.fields[name].label for name in TEXT_FIELDS}
    return _page(request, "incidents/public_form.html", {
        **context, "form": form,
        "findings": [(labels[name], found) for name, found in findings.items()]},
        status=INVALID)


def _answer_page(request, system, report, *, form=None, findings=(), sent=False, status=200):
    return _page(request, "incidents/public_answer.html", {
        "system": system, "report": report,
        "answered": report.status != IncidentStatus.RECEIVED and bool(report.expert_comment),
        "conversation": list(report.messages.all()),
        "answer_form": form if form is not None else (
            AnswerForm(initial={"code": request.POST.get("code", "")})
            if dialogue.can_answer(report) else None),
        "findings": findings, "sent": sent}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def followup(request, key):
    """The reporter reads the answer to their report with the follow-up code, and answers the
    reviewers' questions (the same address for reading and answering, so a server's log does
    not tell the two apart)."""
    system = _system(key)
    form = FollowupForm(request.POST or None)
    context = {"system": system, "form": form}
    if request.method == "POST":
        if _limited(request, system, "followup", settings.QDIALOG_REPORT_RATE * 3):
            return _page(request, "incidents/public_message.html", {
                "system": system, "title": _("Too many attempts"),
                "message": _("Too many codes were tried from here in the last hour. Please try "
                             "again later.")}, status=TOO_MANY)
        if form.is_valid():
            report = services.find_by_code(system, form.cleaned_data["code"])
            if report is not None:
                if "text" in request.POST:
                    return _answer(request, system, report)
                return _answer_page(request, system, report)
            form.add_error("code", _("No report was found with this code. Please check it."))
        return _page(request, "incidents/public_followup.html", context, status=INVALID)
    return _page(request, "incidents/public_followup.html", context)


def _answer(request, system, report):
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _answer_page(request, system, report, form=form, status=INVALID)
    findings = find_identifiers(form.cleaned_data["text"])
    if findings and not form.cleaned_data["confirm_anonymous"]:
        return _answer_page(request, system, report, form=form, findings=findings,
                            status=INVALID)
    try:
        dialogue.answer_give(report=report, text=form.cleaned_data["text"])
    except ValidationError as error:
        form.add_error(None, error)
        return _answer_page(request, system, report, form=form, status=INVALID)
    return _answer_page(request, system, report, sent=True)
