"""The network page: map, indicators, relations and contacts of a municipality; a relation's
own page with its history and, for those who manage the municipality, its edit form."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qdialog.core.access import INVALID, attachment, form_changes, require_rule
from qdialog.tenancy.scope import get_in_scope

from . import selectors, services
from .forms import ContactForm, MapFilterForm, RelationEditForm, RelationForm


def _municipality(request, pk, manage=False):
    municipality = get_in_scope(request.scope.municipalities().select_related(
        "programme", "cluster"), pk=pk)
    require_rule("tenancy.manage_municipality" if manage else "tenancy.view_municipality",
                 request.user, municipality)
    return municipality


def _relation(municipality, relation_pk):
    return get_in_scope(selectors.relations_of(municipality=municipality), pk=relation_pk)


def _page(request, municipality, status=200, **forms):
    """The network page; the filter (?system=…) chooses what the map and the table show."""
    network = selectors.network_of(municipality=municipality)
    filter_form = MapFilterForm(request.GET or None, systems=selectors.systems_of(network))
    systems = filter_form.cleaned_data["system"] if filter_form.is_valid() else []
    if filter_form.errors and status == 200:
        status = INVALID
    page = selectors.network_page(municipality=municipality, network=network, systems=systems)
    return render(request, "network/network.html", {
        "municipality": municipality, "page": page, "filter_form": filter_form,
        "relation_form": forms.get("relation_form") or RelationForm(municipality=municipality),
        "contact_form": forms.get("contact_form") or ContactForm(municipality=municipality)},
        status=status)


@login_required
def network(request, pk):
    return _page(request, _municipality(request, pk))


@login_required
@require_POST
def relation_add(request, pk):
    municipality = _municipality(request, pk, manage=True)
    form = RelationForm(request.POST, request.FILES, municipality=municipality)
    if form.is_valid():
        try:
            relation = services.relation_create(actor=request.user, municipality=municipality,
                                                fields=dict(form.cleaned_data))
        except services.PairExists as error:
            form.refuse_pair(error.relation)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The relation %(relation)s was recorded.")
                             % {"relation": relation})
            return redirect(reverse("network:network", args=[pk]) + "#relations")
    return _page(request, municipality, status=INVALID, relation_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def relation(request, pk, relation_pk):
    """A relation: what it is, its history (for those who read the municipality's log) and,
    for those who manage the municipality, the form to change it."""
    municipality = _municipality(request, pk)
    relation = _relation(municipality, relation_pk)
    can_manage = rules.test_rule("tenancy.manage_municipality", request.user, municipality)
    form = None
    if request.method == "POST":
        require_rule("tenancy.manage_municipality", request.user, municipality)
        form = RelationEditForm(request.POST, request.FILES, instance=relation)
        if form.is_valid():
            try:
                changes = services.relation_update(actor=request.user, relation=relation,
                                                   fields=form_changes(form))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The relation was saved.") if changes
                                 else _("Nothing was changed."))
                return redirect("network:relation", pk=pk, relation_pk=relation_pk)
    elif can_manage:
        form = RelationEditForm(instance=relation)
    reads_log = rules.test_rule("tenancy.view_municipality_log", request.user, municipality)
    return render(request, "network/relation.html", {
        "municipality": municipality, "relation": relation, "form": form,
        "can_manage": can_manage,
        "history": list(selectors.relation_history(relation=relation)) if reads_log else None},
        status=INVALID if form is not None and form.is_bound else 200)


@login_required
def agreement(request, pk, relation_pk):
    """The agreement document of a relation, only for people who may see the network."""
    municipality = _municipality(request, pk)
    return attachment(_relation(municipality, relation_pk).agreement)


@login_required
@require_POST
def relation_delete(request, pk, relation_pk):
    municipality = _municipality(request, pk, manage=True)
    relation = _relation(municipality, relation_pk)
    services.relation_delete(actor=request.user, relation=relation)
    messages.success(request, _("The relation %(relation)s was removed.")
                     % {"relation": relation})
    return redirect(reverse("network:network", args=[pk]) + "#relations")


@login_required
@require_POST
def contact_add(request, pk):
    municipality = _municipality(request, pk, manage=True)
    form = ContactForm(request.POST, municipality=municipality)
    if not form.is_valid():
        return _page(request, municipality, status=INVALID, contact_form=form)
    data = dict(form.cleaned_data)
    services.contact_create(actor=request.user, organisation=data.pop("organisation"),
                            fields=data)
    messages.success(request, _("The contact person was added."))
    return redirect(reverse("network:network", args=[pk]) + "#contacts")


@login_required
@require_POST
def contact_delete(request, pk, contact_pk):
    municipality = _municipality(request, pk, manage=True)
    contact = get_in_scope(selectors.contacts_of(municipality=municipality), pk=contact_pk)
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("The contact person was removed."))
    return redirect(reverse("network:network", args=[pk]) + "#contacts")
