"""Editing instruments in the browser: sections and questions, order, preview, new versions."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qdialog.core.access import INVALID, form_changes, require_rule
from qdialog.surveys import selectors
from qdialog.tenancy.scope import get_in_scope

from .. import lss, schema, services
from .. import render as rendering
from ..default_instrument import INSTRUMENT
from ..forms import InstrumentForm, ItemForm, SectionForm, UploadForm
from ..models import Item, ItemKind, Section


def _instrument(request, pk, edit=False):
    instrument = get_in_scope(selectors.instruments_visible(request.scope).select_related(
        "programme", "municipality"), pk=pk)
    if edit:
        require_rule("surveys.edit_instrument", request.user, instrument)
    return instrument


def _form_page(request, context, form):
    return render(request, "surveys/form.html", {**context, "form": form},
                  status=INVALID if form.is_bound and form.errors else 200)


@login_required
def instrument_list(request, slug):
    programme = get_in_scope(request.scope.programmes(), slug=slug)
    require_rule("surveys.create_in_programme", request.user, programme)
    instruments = selectors.instruments_visible(request.scope).filter(
        programme=programme).select_related("municipality")
    return render(request, "surveys/instrument_list.html", {
        "programme": programme, "instruments": instruments, "upload_form": UploadForm()})


@login_required
@require_POST
def instrument_create_default(request, slug):
    programme = get_in_scope(request.scope.programmes(), slug=slug)
    require_rule("surveys.create_in_programme", request.user, programme)
    instrument = services.instrument_create_from_spec(actor=request.user, programme=programme,
                                                      spec=INSTRUMENT)
    messages.success(request, _("The instrument “%(title)s” was created.")
                     % {"title": instrument})
    return redirect("surveys:instrument", pk=instrument.pk)


@login_required
def instrument_import(request, slug):
    programme = get_in_scope(request.scope.programmes(), slug=slug)
    require_rule("surveys.create_in_programme", request.user, programme)
    if request.method != "POST":
        return redirect("surveys:instruments", slug=slug)
    form = UploadForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        try:
            result = lss.parse_lss(form.cleaned_data["file"].read())
        except lss.LssError as error:
            form.add_error("file", str(error))
    if result is None:
        instruments = selectors.instruments_visible(request.scope).filter(programme=programme)
        return render(request, "surveys/instrument_list.html", {
            "programme": programme, "instruments": instruments, "upload_form": form},
            status=INVALID)
    if result.unsupported:
        # a partial import is confirmed first, with every question that would be left out
        token = secrets.token_urlsafe(16)
        request.session[f"lss:{token}"] = {"programme": programme.pk, "spec": result.spec,
                                           "unsupported": result.unsupported,
                                           "notes": result.notes}
        return render(request, "surveys/instrument_import_confirm.html", {
            "programme": programme, "result": result, "token": token})
    return _import(request, programme, result.spec, result.notes, form)


@login_required
@require_POST
def instrument_import_confirm(request, slug):
    programme = get_in_scope(request.scope.programmes(), slug=slug)
    require_rule("surveys.create_in_programme", request.user, programme)
    pending = request.session.pop(f"lss:{request.POST.get('token', '')}", None)
    if pending is None or pending["programme"] != programme.pk:
        messages.error(request, _("This import is no longer waiting: please upload the file "
                                  "again."))
        return redirect("surveys:instruments", slug=slug)
    return _import(request, programme, pending["spec"], pending["notes"], UploadForm(),
                   left_out=pending["unsupported"])


def _import(request, programme, spec, notes, form, left_out=()):
    try:
        instrument = services.instrument_create_from_spec(actor=request.user,
                                                          programme=programme, spec=spec)
    except ValidationError as error:
        form.add_error(None, " ".join(error.messages))
        instruments = selectors.instruments_visible(request.scope).filter(programme=programme)
        return render(request, "surveys/instrument_list.html", {
            "programme": programme, "instruments": instruments, "upload_form": form},
            status=INVALID)
    if left_out:
        messages.warning(request, _("Not imported, as you confirmed: %(list)s")
                         % {"list": "; ".join(left_out)})
    for note in notes:
        messages.info(request, note)
    messages.success(request, _("The instrument was imported as a draft."))
    return redirect("surveys:instrument", pk=instrument.pk)


@login_required
def instrument_detail(request, pk):
    instrument = _instrument(request, pk)
    sections = instrument.sections.prefetch_related("items")
    # only the waves this person follows: a programme's instrument is used by many
    # municipalities, whose waves (and names) are theirs
    waves = (selectors.result_waves(request.scope).filter(instrument=instrument)
             .select_related("municipality", "cluster", "programme"))
    return render(request, "surveys/instrument_detail.html", {
        "instrument": instrument, "sections": sections, "waves": waves,
        "waves_elsewhere": instrument.waves.exclude(pk__in=waves.values("pk")).count()})


@login_required
def instrument_edit(request, pk):
    instrument = _instrument(request, pk, edit=True)
    form = InstrumentForm(request.POST or None, instance=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            services.instrument_update(actor=request.user, instrument=instrument,
                                       fields=form_changes(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("surveys:instrument", pk=pk)
    return _form_page(request, {"title": _("Edit instrument"), "instrument": instrument,
                                "back": reverse("surveys:instrument", args=[pk])}, form)


@login_required
@require_POST
def instrument_copy(request, pk):
    instrument = _instrument(request, pk)
    scope = request.scope
    municipality = None
    if not scope.is_institute_staff(instrument.programme_id):
        # a coordinator copies into their own municipality
        municipality = scope.managed_municipalities().filter(
            programme=instrument.programme).first()
        if municipality is None:
            return redirect("surveys:instrument", pk=pk)
    copy = services.instrument_copy(actor=request.user, instrument=instrument,
                                    municipality=municipality or instrument.municipality)
    messages.success(request, _("Version %(v)s was created; you can change it now.")
                     % {"v": copy.version})
    return redirect("surveys:instrument", pk=copy.pk)


@login_required
def instrument_preview(request, pk):
    instrument = _instrument(request, pk)
    compiled = schema.compile_instrument(instrument)
    language = request.GET.get("lang") if request.GET.get("lang") in ("de", "en", "plain") \
        else "de"
    html = "".join(rendering.section_html(compiled, s, language) for s in compiled.sections)
    with translation.override(rendering.ui_language(language)):
        return render(request, "surveys/instrument_preview.html", {
            "instrument": instrument, "compiled": compiled, "lang": language,
            "title": compiled.title(language), "intro": compiled.intro(language),
            "sections_html": html})


def _section(request, instrument, section_pk):
    return get_in_scope(instrument.sections.all(), pk=section_pk)


@login_required
def section_form(request, pk, section_pk=None):
    instrument = _instrument(request, pk, edit=True)
    section = _section(request, instrument, section_pk) if section_pk else None
    form = SectionForm(request.POST or None, instance=section or Section(instrument=instrument))
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in SectionForm.Meta.fields}
        fields["condition"] = form.cleaned_data["condition_text"]
        try:
            if section is not None:
                section.refresh_from_db()
            services.section_save(actor=request.user, instrument=instrument, fields=fields,
                                  section=section)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("surveys:instrument", pk=pk)
    return _form_page(request, {"title": _("Edit section") if section else _("New section"),
                                "instrument": instrument,
                                "back": reverse("surveys:instrument", args=[pk])}, form)


@login_required
def item_form(request, pk, section_pk, item_pk=None):
    instrument = _instrument(request, pk, edit=True)
    section = _section(request, instrument, section_pk)
    item = get_in_scope(section.items.all(), pk=item_pk) if item_pk else None
    instance = item or Item(section=section)
    if request.method == "POST":
        form = ItemForm(request.POST, instance=instance)
        kind = request.POST.get("kind", "")
    else:  # the type chosen (on a change of type the form comes again, with what was typed)
        kind = request.GET.get("kind") or instance.kind or ItemKind.LIKERT
        typed = {k: v for k, v in request.GET.items() if k != "csrfmiddlewaretoken"}
        form = ItemForm(initial={**typed, "kind": kind} if typed else {"kind": kind},
                        instance=instance)
    form.only_fields_of(kind)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if item is not None:
                    item.refresh_from_db()
                services.item_save(actor=request.user, section=section,
                                   fields=form.item_fields(), item=item)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field_name, errors in error.error_dict.items():
                    form.add_error(field_name if field_name in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            return redirect(reverse("surveys:instrument", args=[pk]) + f"#s-{section.pk}")
    return _form_page(request, {"title": _("Edit question") if item else _("New question"),
                                "instrument": instrument,
                                "back": reverse("surveys:instrument", args=[pk])}, form)


@login_required
@require_POST
def element_action(request, pk, kind, element_pk, action):
    instrument = _instrument(request, pk, edit=True)
    if kind == "section":
        element = get_in_scope(instrument.sections.all(), pk=element_pk)
    else:
        element = get_in_scope(Item.objects.filter(section__instrument=instrument),
                               pk=element_pk)
    try:
        if action == "up":
            services.element_move(actor=request.user, element=element, direction=-1)
        elif action == "down":
            services.element_move(actor=request.user, element=element, direction=1)
        elif action == "delete":
            services.element_delete(actor=request.user, element=element)
            messages.success(request, _("Deleted."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("surveys:instrument", pk=pk)
