"""A municipality's part of a programme- or cluster-wide wave, for its coordinators: its codes
and QR sheets, its group code, how many of its codes were used. Thin: the rule decides, the
services write and audit (in the municipality's own log)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qdialog.core.access import INVALID, require_rule
from qdialog.tenancy.scope import get_in_scope

from .. import codesheet, selectors, services
from ..forms import CodesForm
from ..models import WaveStatus


def _part(request, pk, municipality_pk):
    wave = get_in_scope(selectors.result_waves(request.scope).select_related(
        "instrument", "programme", "cluster"), pk=pk)
    municipality = get_in_scope(request.scope.municipalities().select_related("cluster"),
                                pk=municipality_pk)
    require_rule("surveys.manage_part", request.user, (wave, municipality))
    return wave, municipality


def _form(wave, data=None):
    form = CodesForm(data, wave=wave)
    form.fields.pop("municipality", None)
    return form


def _page(request, wave, municipality, form=None, status=200):
    return render(request, "surveys/wave_part.html", {
        "wave": wave, "municipality": municipality, "codes_form": form or _form(wave),
        "open": wave.status != WaveStatus.CLOSED,
        **selectors.part_figures(wave=wave, municipality=municipality)}, status=status)


@login_required
def wave_part(request, pk, municipality_pk):
    wave, municipality = _part(request, pk, municipality_pk)
    return _page(request, wave, municipality)


@login_required
@require_POST
def part_codes_create(request, pk, municipality_pk):
    wave, municipality = _part(request, pk, municipality_pk)
    form = _form(wave, request.POST)
    if wave.status == WaveStatus.CLOSED or not form.is_valid():
        if wave.status == WaveStatus.CLOSED:
            form.add_error(None, _("The survey has ended: no more codes can be made."))
        return _page(request, wave, municipality, form, status=INVALID)
    services.codes_generate(actor=request.user, wave=wave, count=form.cleaned_data["count"],
                            municipality=municipality)
    messages.success(request, _("%(n)s codes were made.") % {"n": form.cleaned_data["count"]})
    return redirect("surveys:wave_part", pk=wave.pk, municipality_pk=municipality.pk)


@login_required
@require_POST
def part_group_code(request, pk, municipality_pk):
    wave, municipality = _part(request, pk, municipality_pk)
    try:
        services.group_code_get(actor=request.user, wave=wave, municipality=municipality)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("surveys:wave_part", pk=wave.pk, municipality_pk=municipality.pk)


@login_required
def part_codes_download(request, pk, municipality_pk, fmt):
    wave, municipality = _part(request, pk, municipality_pk)
    if fmt not in ("csv", "pdf", "svg"):
        raise Http404
    codes = services.codes_export(actor=request.user, wave=wave, fmt=fmt,
                                  municipality=municipality)
    base = request.build_absolute_uri(reverse("surveys:entry"))
    return {"csv": codesheet.as_csv, "pdf": codesheet.as_pdf,
            "svg": codesheet.as_svg}[fmt](wave, codes, base)
