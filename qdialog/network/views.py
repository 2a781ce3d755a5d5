"""The network page: map, indicators, relations and contacts of a municipality."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qdialog.core.access import attachment, require_rule
from qdialog.core.audit import instance_create, instance_delete
from qdialog.tenancy.scope import get_in_scope

from . import graph
from .forms import ContactForm, RelationForm
from .models import ContactPerson, Relation


def _municipality(request, pk, manage=False):
    municipality = get_in_scope(request.scope.municipalities().select_related(
        "programme", "cluster"), pk=pk)
    require_rule("tenancy.manage_municipality" if manage else "tenancy.view_municipality",
                 request.user, municipality)
    return municipality


def _page(request, municipality, status=200, **forms):
    relations = (Relation.objects.filter(municipality=municipality)
                 .select_related("source", "target").order_by("source__name"))
    contacts = (ContactPerson.objects.filter(organisation__municipality=municipality)
                .select_related("organisation"))
    return render(request, "network/network.html", {
        "municipality": municipality, "relations": relations, "contacts": contacts,
        "indicators": graph.indicators(municipality), "map": graph.map_svg(municipality),
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
    if not form.is_valid():
        return _page(request, municipality, status=400, relation_form=form)
    instance_create(actor=request.user, instance=form.instance)
    messages.success(request, _("The relation was recorded."))
    return redirect(reverse("network:network", args=[pk]) + "#relations")


@login_required
def agreement(request, pk, relation_pk):
    """The agreement document of a relation, only for people who may see the network."""
    municipality = _municipality(request, pk)
    relation = get_in_scope(Relation.objects.filter(municipality=municipality), pk=relation_pk)
    return attachment(relation.agreement)


@login_required
@require_POST
def relation_delete(request, pk, relation_pk):
    municipality = _municipality(request, pk, manage=True)
    relation = get_in_scope(Relation.objects.filter(municipality=municipality), pk=relation_pk)
    instance_delete(actor=request.user, instance=relation)
    return redirect(reverse("network:network", args=[pk]) + "#relations")


@login_required
@require_POST
def contact_add(request, pk):
    municipality = _municipality(request, pk, manage=True)
    form = ContactForm(request.POST, municipality=municipality)
    if not form.is_valid():
        return _page(request, municipality, status=400, contact_form=form)
    instance_create(actor=request.user, instance=form.instance)
    return redirect(reverse("network:network", args=[pk]) + "#contacts")


@login_required
@require_POST
def contact_delete(request, pk, contact_pk):
    municipality = _municipality(request, pk, manage=True)
    contact = get_in_scope(ContactPerson.objects.filter(organisation__municipality=municipality),
                           pk=contact_pk)
    instance_delete(actor=request.user, instance=contact)
    return redirect(reverse("network:network", args=[pk]) + "#contacts")
