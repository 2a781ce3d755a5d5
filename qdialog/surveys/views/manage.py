"""Pages for coordinators and institute staff: waves, codes, invitations, counts, exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qdialog.core.access import INVALID, form_changes, require_rule
from qdialog.tenancy.scope import get_in_scope

from .. import codesheet, exports, imports, schema, selectors, services, tasks
from .. import render as rendering
from ..forms import CodesForm, ExtendForm, InvitationsForm, UploadForm, WaveForm


def _wave(request, pk, rule="surveys.manage_wave"):
    wave = get_in_scope(selectors.waves_followed(request.scope).select_related(
        "instrument", "programme", "municipality", "cluster"), pk=pk)
    require_rule(rule, request.user, wave)
    return wave


def _form_page(request, template, context, form):
    return render(request, template, {**context, "form": form},
                  status=INVALID if form.is_bound and form.errors else 200)


# --- lists ---------------------------------------------------------------------------------------
@login_required
def programme_waves(request, slug):
    programme = get_in_scope(request.scope.programmes(), slug=slug)
    require_rule("surveys.create_in_programme", request.user, programme)
    return render(request, "surveys/wave_list.html", {
        "programme": programme, "scope_object": programme,
        "waves": selectors.waves_for(
            selectors.waves_followed(request.scope).filter(programme=programme)),
        "create_url": reverse("surveys:wave_create_programme", args=[slug])})


@login_required
def municipality_waves(request, pk):
    municipality = get_in_scope(request.scope.managed_municipalities()
                                .select_related("programme", "cluster"), pk=pk)
    require_rule("tenancy.manage_municipality", request.user, municipality)
    programme_id = municipality.programme_id
    covering = (selectors.result_waves(request.scope)
                .filter(programme_id=programme_id, municipality__isnull=True)
                .filter(Q(cluster__isnull=True) | Q(cluster_id=municipality.cluster_id))
                .select_related("instrument", "cluster").order_by("-opens_on"))
    instruments = (selectors.instruments_visible(request.scope).filter(programme_id=programme_id)
                   .filter(Q(municipality=municipality) | Q(municipality__isnull=True))
                   .select_related("municipality").order_by("family", "-version"))
    return render(request, "surveys/wave_list.html", {
        "municipality": municipality, "scope_object": municipality, "covering": covering,
        "instruments": instruments,
        "waves": selectors.waves_for(
            selectors.waves_followed(request.scope).filter(municipality=municipality)),
        "create_url": reverse("surveys:wave_create_municipality", args=[pk])})


def _wave_create(request, programme, municipality, back):
    instruments = selectors.instruments_visible(request.scope).filter(programme=programme)
    if municipality is not None:
        instruments = instruments.filter(municipality__in=[municipality]) | \
            instruments.filter(municipality__isnull=True)
    form = WaveForm(request.POST or None, programme=programme, instruments=instruments,
                    municipality=municipality)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in WaveForm.Meta.fields if k != "instrument"}
        fields["municipality_id"] = form.instance.municipality_id
        fields["cluster_id"] = form.instance.cluster_id
        wave = services.wave_create(actor=request.user, instrument=form.cleaned_data["instrument"],
                                    fields=fields)
        messages.success(request, _("The survey wave was created."))
        return redirect("surveys:wave", pk=wave.pk)
    return _form_page(request, "surveys/form.html",
                      {"title": _("New survey wave"), "programme": programme,
                       "municipality": municipality, "back": back}, form)


@login_required
def wave_create_programme(request, slug):
    programme = get_in_scope(request.scope.programmes(), slug=slug)
    require_rule("surveys.create_in_programme", request.user, programme)
    return _wave_create(request, programme, None,
                        reverse("surveys:programme_waves", args=[slug]))


@login_required
def wave_create_municipality(request, pk):
    municipality = get_in_scope(request.scope.managed_municipalities()
                                .select_related("programme"), pk=pk)
    require_rule("tenancy.manage_municipality", request.user, municipality)
    return _wave_create(request, municipality.programme, municipality,
                        reverse("surveys:municipality_waves", args=[pk]))


# --- one wave ------------------------------------------------------------------------------------
@login_required
def wave_detail(request, pk):
    wave = _wave(request, pk, "surveys.view_wave")
    context = _detail_context(wave)
    if request.htmx:
        return render(request, "surveys/_wave_counts.html", context)
    return render(request, "surveys/wave_detail.html", context)


@login_required
def wave_edit(request, pk):
    wave = _wave(request, pk)
    instruments = selectors.instruments_visible(request.scope).filter(programme=wave.programme)
    form = WaveForm(request.POST or None, instance=wave, programme=wave.programme,
                    instruments=instruments,
                    municipality=wave.municipality if not
                    request.scope.is_institute_staff(wave.programme_id) else None)
    if request.method == "POST" and form.is_valid():
        scope_fields = {"municipality_id": form.instance.municipality_id,
                        "cluster_id": form.instance.cluster_id}
        fields = form_changes(form)
        fields.pop("scope", None)
        if not wave.has_opened:
            fields.update(scope_fields)
        try:
            services.wave_update(actor=request.user, wave=wave, fields=fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The survey wave was saved."))
            return redirect("surveys:wave", pk=wave.pk)
    return _form_page(request, "surveys/form.html",
                      {"title": _("Edit survey wave"), "wave": wave,
                       "back": reverse("surveys:wave", args=[wave.pk])}, form)


@login_required
@require_POST
def wave_action(request, pk, action):
    wave = _wave(request, pk)
    try:
        if action == "open":
            services.wave_open(actor=request.user, wave=wave)
            messages.success(request, _("The wave is open for answers."))
        elif action == "close":
            services.wave_close(actor=request.user, wave=wave)
            messages.success(request, _("The wave is closed. Invitation addresses and "
                                        "unfinished drafts were deleted."))
        elif action in ("reopen", "extend"):
            form = ExtendForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Please give a valid closing date."))
                return redirect("surveys:wave", pk=wave.pk)
            if action == "reopen":
                services.wave_reopen(actor=request.user, wave=wave,
                                     closes_on=form.cleaned_data["closes_on"])
                messages.success(request, _("The wave is open again."))
            else:
                services.wave_extend(actor=request.user, wave=wave,
                                     closes_on=form.cleaned_data["closes_on"])
                messages.success(request, _("The closing date was changed."))
        elif action == "resend":  # what a stopped run did not send
            tasks.send_invitations_task.enqueue(wave_id=wave.pk,
                                                reminder=request.POST.get("reminder") == "1",
                                                actor_id=request.user.pk)
            messages.success(request, _("The e-mails that were not sent are being sent now."))
        elif action == "reminders":
            waiting = selectors.code_figures(wave=wave)["invitations_open_with_address"]
            tasks.send_invitations_task.enqueue(wave_id=wave.pk, reminder=True,
                                                actor_id=request.user.pk)
            messages.success(request, _("Reminders are being sent to the %(n)s invited people "
                                        "who have not answered yet.") % {"n": waiting})
        else:
            return HttpResponse(status=404)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("surveys:wave", pk=wave.pk)


@login_required
@require_POST
def codes_create(request, pk):
    wave = _wave(request, pk)
    form = CodesForm(request.POST, wave=wave)
    if not form.is_valid():
        return _invalid_on_wave(request, wave, "codes_form", form)
    services.codes_generate(actor=request.user, wave=wave, count=form.cleaned_data["count"],
                            municipality=form.cleaned_data.get("municipality"))
    messages.success(request, _("%(n)s codes were made.") % {"n": form.cleaned_data["count"]})
    return redirect("surveys:wave", pk=wave.pk)


@login_required
@require_POST
def group_code(request, pk):
    wave = _wave(request, pk)
    form = CodesForm(request.POST, wave=wave)
    municipality = None
    if "municipality" in form.fields:
        form.fields["count"].required = False
        if not form.is_valid():
            return _invalid_on_wave(request, wave, "codes_form", form)
        municipality = form.cleaned_data["municipality"]
    try:
        services.group_code_get(actor=request.user, wave=wave, municipality=municipality)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("surveys:wave", pk=wave.pk)


@login_required
@require_POST
def invitations_create(request, pk):
    wave = _wave(request, pk)
    form = InvitationsForm(request.POST, wave=wave)
    if not form.is_valid():
        return _invalid_on_wave(request, wave, "invite_form", form)
    created = services.invitations_add(actor=request.user, wave=wave,
                                       emails=form.cleaned_data["emails"],
                                       municipality=form.cleaned_data.get("municipality"))
    tasks.send_invitations_task.enqueue(wave_id=wave.pk, reminder=False,
                                        actor_id=request.user.pk)
    messages.success(request, _("%(n)s invitations are being sent.") % {"n": created})
    return redirect("surveys:wave", pk=wave.pk)


def _detail_context(wave, **forms):
    """What the wave page shows; `forms` replaces a blank form with one carrying errors."""
    return {"wave": wave, "counts": selectors.wave_counts(wave=wave),
            "runs": list(wave.mailing_runs.all()[:5]),
            "codes": selectors.code_figures(wave=wave),
            "accepts": services.wave_accepts_answers(wave),
            "codes_form": CodesForm(wave=wave), "invite_form": InvitationsForm(wave=wave),
            "extend_form": ExtendForm(initial={"closes_on": wave.closes_on}),
            "import_form": UploadForm(), **forms}


def _invalid_on_wave(request, wave, name, form):
    return render(request, "surveys/wave_detail.html", _detail_context(wave, **{name: form}),
                  status=INVALID)


@login_required
def codes_download(request, pk, fmt):
    wave = _wave(request, pk)
    if fmt not in ("csv", "pdf", "svg"):
        return HttpResponse(status=404)
    codes = services.codes_export(actor=request.user, wave=wave, fmt=fmt)
    base = request.build_absolute_uri(reverse("surveys:entry"))
    if fmt == "csv":
        return codesheet.as_csv(wave, codes, base)
    if fmt == "pdf":
        return codesheet.as_pdf(wave, codes, base)
    return codesheet.as_svg(wave, codes, base)


@login_required
def answers_export(request, pk, fmt):
    wave = _wave(request, pk, "surveys.export_wave")
    if fmt not in exports.FORMATS:
        return HttpResponse(status=404)
    services.answers_export(actor=request.user, wave=wave, fmt=fmt)
    return exports.download(wave, fmt)


@login_required
def answers_import(request, pk):
    wave = _wave(request, pk)
    if request.method != "POST":
        return redirect("surveys:wave", pk=wave.pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid_on_wave(request, wave, "import_form", form)
    result = imports.answers_from_csv(wave=wave, upload=form.cleaned_data["file"],
                                      actor=request.user)
    if result.errors:
        return render(request, "surveys/import_result.html",
                      {"wave": wave, "result": result}, status=INVALID)
    messages.success(request, _("%(n)s paper questionnaires were imported.")
                     % {"n": result.stored})
    return redirect("surveys:wave", pk=wave.pk)


@login_required
def paper_entry(request, pk):
    """Type in a paper questionnaire through the same questions and checks as online."""
    wave = _wave(request, pk)
    instrument = schema.compiled(wave.instrument)
    municipalities = [] if wave.municipality_id else list(
        wave.programme.municipalities.filter(cluster_id=wave.cluster_id)
        if wave.cluster_id else wave.programme.municipalities.all())
    answers, problems, status = {}, {}, 200
    municipality_error = ""
    chosen = None
    if request.method == "POST":
        answers, problems = schema.parse(instrument, request.POST, require=True)
        token = request.POST.get("token", "")
        if municipalities:
            chosen = next((m for m in municipalities
                           if str(m.pk) == request.POST.get("municipality")), None)
            if chosen is None:
                municipality_error = _("Please choose the municipality.")
        if problems.foreign or not services.TOKEN_RE.match(token):
            return HttpResponse(_("The form could not be read."), status=400,
                                content_type="text/plain; charset=utf-8")
        if not problems and not municipality_error:
            try:
                services.response_submit(wave=wave, answers=answers, language="de",
                                         token=token, municipality=chosen)
            except services.NotOpen:
                messages.error(request, _("The wave does not take answers now."))
                return redirect("surveys:wave", pk=wave.pk)
            messages.success(request, _("The paper questionnaire was stored."))
            return redirect("surveys:paper_entry", pk=wave.pk)
        status = 400
    html = "".join(rendering.section_html(instrument, s, "de", answers, problems)
                   for s in instrument.sections)
    return render(request, "surveys/paper_entry.html", {
        "wave": wave, "sections_html": html, "token": services.new_submission_token(),
        "municipalities": municipalities, "chosen": chosen,
        "municipality_error": municipality_error, "has_errors": bool(problems)}, status=status)
