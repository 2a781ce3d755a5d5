"""Pages for programmes, clusters and municipalities. Thin: load in scope, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qdialog.core.access import INVALID, form_changes, require_rule
from qdialog.surveys import selectors as scope_selectors
from qdialog.tenancy.scope import get_in_scope

from . import selectors, services
from .forms import (
    AuditFilterForm,
    ClusterForm,
    InviteForm,
    MunicipalityForm,
    OrganisationFilterForm,
    OrganisationForm,
    ProgrammeForm,
    ProgrammeInviteForm,
)


def _programme(request, slug, rule="tenancy.view_programme"):
    programme = get_in_scope(request.scope.programmes(), slug=slug)
    require_rule(rule, request.user, programme)
    return programme


def _municipality(request, pk, rule="tenancy.view_municipality"):
    municipality = get_in_scope(
        request.scope.municipalities().select_related("programme", "cluster"), pk=pk)
    require_rule(rule, request.user, municipality)
    return municipality


def _form_page(request, template, context, form):
    return render(request, template, {**context, "form": form},
                  status=INVALID if form.is_bound and form.errors else 200)


def _base_url(request):
    return request.build_absolute_uri("/")


# --- programme ------------------------------------------------------------------------------
@login_required
def programme_detail(request, slug):
    programme = _programme(request, slug)
    return render(request, "tenancy/programme_detail.html",
                  {"programme": programme, **selectors.programme_dashboard(programme=programme)})


@login_required
def programme_edit(request, slug):
    programme = _programme(request, slug, "tenancy.manage_programme")
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        fields = form_changes(form)
        services.programme_update(actor=request.user, programme=programme, fields=fields)
        messages.success(request, _("The programme was saved."))
        return redirect("tenancy:programme", slug=programme.slug)
    return _form_page(request, "tenancy/form.html",
                      {"programme": programme, "title": _("Edit programme")}, form)


@login_required
def programme_invite(request, slug):
    programme = _programme(request, slug, "tenancy.manage_programme")
    form = ProgrammeInviteForm(request.POST or None, programme=programme)
    return _invite(request, form, {"programme": programme},
                   {"programme": programme, "title": _("Invite to the programme")},
                   lambda: redirect("tenancy:programme", slug=programme.slug))


def _invite(request, form, where: dict, page: dict, done):
    """The invitation form of a programme or a municipality: invite, or show what to fix."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        extra = {key: data[key] for key in ("cluster", "organisation") if key in data}
        try:
            services.membership_invite(actor=request.user, email=data["email"],
                                       display_name=data["display_name"], role=data["role"],
                                       base_url=_base_url(request), **where, **extra)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The invitation was sent."))
            return done()
    return _form_page(request, "tenancy/form.html", page, form)


@login_required
def programme_audit(request, slug):
    programme = _programme(request, slug, "tenancy.view_programme_log")
    return _audit_page(request, {"programme": programme},
                       selectors.audit_entries(programme=programme, action=_action(request)))


# --- clusters -------------------------------------------------------------------------------
@login_required
def cluster_create(request, slug):
    programme = _programme(request, slug, "tenancy.manage_programme")
    form = ClusterForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        cluster = services.cluster_create(actor=request.user, programme=programme,
                                          number=form.cleaned_data["number"],
                                          name=form.cleaned_data["name"])
        messages.success(request, _("The cluster was created."))
        return redirect("tenancy:cluster", slug=slug, number=cluster.number)
    return _form_page(request, "tenancy/form.html",
                      {"programme": programme, "title": _("New cluster")}, form)


def _cluster(request, slug, number):
    cluster = get_in_scope(request.scope.clusters().select_related("programme"),
                           programme__slug=slug, number=number)
    require_rule("tenancy.view_cluster", request.user, cluster)
    return cluster


@login_required
def cluster_detail(request, slug, number):
    cluster = _cluster(request, slug, number)
    # the surveys covering the cluster whose results the person may read: its own and the
    # programme-wide ones (the results, overview and reports pages decide what of them)
    waves = (scope_selectors.result_waves(request.scope)
             .filter(programme=cluster.programme, municipality__isnull=True)
             .filter(Q(cluster__isnull=True) | Q(cluster=cluster))
             .select_related("instrument").order_by("-timepoint", "-opens_on"))
    return render(request, "tenancy/cluster_detail.html",
                  {"cluster": cluster, "programme": cluster.programme, "waves": list(waves),
                   **selectors.cluster_dashboard(cluster=cluster)})


@login_required
def cluster_edit(request, slug, number):
    cluster = _cluster(request, slug, number)
    require_rule("tenancy.manage_programme", request.user, cluster.programme)
    form = ClusterForm(request.POST or None, instance=cluster, programme=cluster.programme)
    if request.method == "POST" and form.is_valid():
        fields = form_changes(form)
        services.cluster_update(actor=request.user, cluster=cluster, fields=fields)
        messages.success(request, _("The cluster was saved."))
        return redirect("tenancy:cluster", slug=slug, number=cluster.number)
    return _form_page(request, "tenancy/form.html",
                      {"programme": cluster.programme, "cluster": cluster,
                       "title": _("Edit cluster")}, form)


# --- municipalities -------------------------------------------------------------------------
@login_required
def municipality_create(request, slug):
    programme = _programme(request, slug, "tenancy.manage_programme")
    form = MunicipalityForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        municipality = services.municipality_create(actor=request.user, programme=programme,
                                                    fields=form.cleaned_data)
        messages.success(request, _("The municipality was created."))
        return redirect("tenancy:municipality", pk=municipality.pk)
    return _form_page(request, "tenancy/form.html",
                      {"programme": programme, "title": _("New municipality")}, form)


@login_required
def municipality_detail(request, pk):
    municipality = _municipality(request, pk)
    surveys = (scope_selectors.result_waves(request.scope)
               .filter(programme_id=municipality.programme_id)
               .filter(Q(municipality=municipality) | Q(municipality__isnull=True,
                                                        cluster__isnull=True)
                       | Q(municipality__isnull=True, cluster_id=municipality.cluster_id))
               .select_related("instrument").order_by("-opens_on")[:10])
    return render(request, "tenancy/municipality_detail.html",
                  {"municipality": municipality, "surveys": surveys,
                   **selectors.municipality_dashboard(municipality=municipality)})


@login_required
def municipality_edit(request, pk):
    municipality = _municipality(request, pk, "tenancy.manage_municipality")
    can_move = request.scope.is_institute_staff(municipality.programme_id)
    form = MunicipalityForm(request.POST or None, instance=municipality,
                            programme=municipality.programme, can_move=can_move)
    if request.method == "POST" and form.is_valid():
        fields = form_changes(form)
        services.municipality_update(actor=request.user, municipality=municipality,
                                     fields=fields)
        messages.success(request, _("The municipality was saved."))
        return redirect("tenancy:municipality", pk=municipality.pk)
    return _form_page(request, "tenancy/form.html",
                      {"municipality": municipality, "title": _("Edit municipality")}, form)


@login_required
def municipality_audit(request, pk):
    municipality = _municipality(request, pk, "tenancy.view_municipality_log")
    return _audit_page(request, {"municipality": municipality},
                       selectors.audit_entries(municipality=municipality,
                                               action=_action(request)))


def _action(request):
    form = AuditFilterForm(request.GET or None)
    return form.cleaned_data["action"] if form.is_bound and form.is_valid() else ""


def _audit_page(request, context, entries):
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    scope_object = context.get("municipality") or context.get("programme")
    return render(request, "tenancy/audit_list.html",
                  {**context, "scope_object": scope_object, "page": page,
                   "filter_form": AuditFilterForm(request.GET or None)})


# --- organisations --------------------------------------------------------------------------
@login_required
def organisation_list(request, pk):
    municipality = _municipality(request, pk)
    filter_form = OrganisationFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    organisations = selectors.organisations_of(municipality=municipality,
                                               system=filters.get("system", ""),
                                               q=filters.get("q", ""))
    return render(request, "tenancy/organisation_list.html",
                  {"municipality": municipality, "organisations": organisations,
                   "filter_form": filter_form})


def _organisation(municipality, org_pk):
    return get_in_scope(municipality.organisations.all(), pk=org_pk)


@login_required
def organisation_create(request, pk):
    municipality = _municipality(request, pk, "tenancy.manage_municipality")
    form = OrganisationForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        services.organisation_create(actor=request.user, municipality=municipality,
                                     fields=form.cleaned_data)
        messages.success(request, _("The organisation was added."))
        return redirect("tenancy:organisations", pk=municipality.pk)
    return _form_page(request, "tenancy/form.html",
                      {"municipality": municipality, "title": _("New organisation")}, form)


@login_required
def organisation_edit(request, pk, org_pk):
    municipality = _municipality(request, pk, "tenancy.manage_municipality")
    organisation = _organisation(municipality, org_pk)
    form = OrganisationForm(request.POST or None, instance=organisation,
                            municipality=municipality)
    if request.method == "POST" and form.is_valid():
        fields = form_changes(form)
        services.organisation_update(actor=request.user, organisation=organisation,
                                     fields=fields)
        messages.success(request, _("The organisation was saved."))
        return redirect("tenancy:organisations", pk=municipality.pk)
    return _form_page(request, "tenancy/form.html",
                      {"municipality": municipality, "title": _("Edit organisation"),
                       "delete_url": reverse("tenancy:organisation_delete",
                                             args=[municipality.pk, organisation.pk])}, form)


@login_required
def organisation_delete(request, pk, org_pk):
    municipality = _municipality(request, pk, "tenancy.manage_municipality")
    organisation = _organisation(municipality, org_pk)
    if request.method == "POST":
        services.organisation_delete(actor=request.user, organisation=organisation)
        messages.success(request, _("The organisation was removed."))
        return redirect("tenancy:organisations", pk=municipality.pk)
    return render(request, "tenancy/confirm_delete.html",
                  {"municipality": municipality, "object": organisation,
                   "cancel_url": reverse("tenancy:organisations", args=[municipality.pk])})


# --- members --------------------------------------------------------------------------------
@login_required
def member_list(request, pk):
    municipality = _municipality(request, pk)
    return render(request, "tenancy/member_list.html",
                  {"municipality": municipality,
                   "members": selectors.members_of(municipality=municipality)})


@login_required
def member_invite(request, pk):
    municipality = _municipality(request, pk, "tenancy.manage_municipality")
    form = InviteForm(request.POST or None, municipality=municipality)
    return _invite(request, form,
                   {"programme": municipality.programme, "municipality": municipality},
                   {"municipality": municipality, "title": _("Invite a person")},
                   lambda: redirect("tenancy:members", pk=municipality.pk))


@login_required
@require_POST
def member_remove(request, pk, membership_pk):
    municipality = _municipality(request, pk, "tenancy.manage_municipality")
    membership = get_in_scope(municipality.memberships.select_related("user"), pk=membership_pk)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("tenancy:members", pk=municipality.pk)
    messages.success(request, _("The role was removed."))
    return redirect("tenancy:members", pk=municipality.pk)
