"""Pages of a quality development process (of a municipality or a cluster). Thin: scope, rule,
service, render."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qdialog.core.access import INVALID, form_changes, require_rule
from qdialog.tenancy.scope import get_in_scope, municipality_in_scope

from . import selectors, services
from .forms import GroupForm, MemberForm, PhaseForm, ProcessForm
from .models import Process
from .profile import build

_municipality = municipality_in_scope


def _cluster(request, pk, manage=False):
    qs = request.scope.clusters() if manage else request.scope.process_clusters()
    return get_in_scope(qs.select_related("programme"), pk=pk)


def _process(request, pk, manage=False):
    process = get_in_scope(selectors.processes_visible(request.scope).select_related(
        "municipality__programme", "municipality__cluster", "cluster__programme", "institute",
        "lead"), pk=pk)
    require_rule("processes.manage_process" if manage else "processes.view_process",
                 request.user, process)
    return process


def where(process):
    """Template context naming where a process runs (breadcrumbs, navigation)."""
    return {"process": process, "municipality": process.municipality,
            "cluster": process.cluster}


def _form(request, context, form):
    return render(request, "processes/form.html", {**context, "form": form},
                  status=INVALID if form.is_bound and form.errors else 200)


@login_required
def process_list(request, pk):
    """A municipality's processes, and those of its cluster it takes part in."""
    municipality = _municipality(request, pk)
    feed_url = request.build_absolute_uri(
        reverse("processes:feed", args=[services.feed_token(request.user, municipality)]))
    cluster_processes = (Process.objects.filter(cluster_id=municipality.cluster_id)
                         .prefetch_related("phases") if municipality.cluster_id else [])
    return render(request, "processes/process_list.html", {
        "municipality": municipality, "feed_url": feed_url,
        "can_create": rules.test_rule("tenancy.manage_municipality", request.user,
                                      municipality),
        "create_url": reverse("processes:create", args=[municipality.pk]),
        "processes": municipality.processes.prefetch_related("phases"),
        "cluster_processes": cluster_processes})


@login_required
def cluster_process_list(request, pk):
    """The common processes of a cluster (e.g. its network conferences and Fachtage)."""
    cluster = _cluster(request, pk)
    feed_url = request.build_absolute_uri(
        reverse("processes:feed", args=[services.feed_token(request.user, cluster)]))
    return render(request, "processes/process_list.html", {
        "cluster": cluster, "feed_url": feed_url,
        "can_create": request.scope.manages_cluster(cluster),
        "create_url": reverse("processes:cluster_create", args=[cluster.pk]),
        "processes": cluster.processes.prefetch_related("phases")})


@login_required
def process_create(request, pk):
    municipality = _municipality(request, pk, manage=True)
    return _create(request, {"municipality": municipality}, _("New process"),
                   reverse("processes:list", args=[pk]))


@login_required
def cluster_process_create(request, pk):
    cluster = _cluster(request, pk, manage=True)
    return _create(request, {"cluster": cluster}, _("New process of the cluster"),
                   reverse("processes:cluster_list", args=[pk]))


def _create(request, owner: dict, title: str, cancel_url: str):
    """A new process of a municipality or a cluster (`owner`), with the default phases."""
    form = ProcessForm(request.POST or None, **owner)
    if request.method == "POST" and form.is_valid():
        process = services.process_create(actor=request.user, fields=form.process_fields(),
                                          **owner)
        messages.success(request, _("The process was created with the phases of the "
                                    "dialogic model; adapt them as you need."))
        return redirect("processes:detail", pk=process.pk)
    return _form(request, {**owner, "title": title, "cancel_url": cancel_url}, form)


@login_required
def process_detail(request, pk):
    process = _process(request, pk)
    return render(request, "processes/process_detail.html", {
        **where(process), "phases": process.phases.all(),
        "timeline": selectors.timeline(process, request.user),
        "events": process.events.all(),
        "groups": process.groups.prefetch_related("members__organisation", "members__person")})


@login_required
def process_edit(request, pk):
    process = _process(request, pk, manage=True)
    form = ProcessForm(request.POST or None, instance=process)
    if request.method == "POST" and form.is_valid():
        fields = form.process_fields(changed_only=True)
        process.refresh_from_db()
        services.process_update(actor=request.user, process=process, fields=fields)
        messages.success(request, _("The process was saved."))
        return redirect("processes:detail", pk=pk)
    return _form(request, {**where(process), "title": _("Edit process")}, form)


@login_required
def phase_form(request, pk, phase_pk=None):
    process = _process(request, pk, manage=True)
    phase = get_in_scope(process.phases.all(), pk=phase_pk) if phase_pk else None
    form = PhaseForm(request.POST or None, instance=phase)
    if request.method == "POST" and form.is_valid():
        fields = form_changes(form) if phase else dict(form.cleaned_data)
        services.phase_save(actor=request.user, process=process, fields=fields, phase=phase)
        messages.success(request, _("The phase was saved."))
        return redirect("processes:detail", pk=pk)
    return _form(request, {**where(process),
                           "title": _("Edit phase") if phase else _("New phase")}, form)


@login_required
@require_POST
def phase_delete(request, pk, phase_pk):
    process = _process(request, pk, manage=True)
    phase = get_in_scope(process.phases.all(), pk=phase_pk)
    services.phase_delete(actor=request.user, phase=phase)
    messages.success(request, _("The phase was removed."))
    return redirect("processes:detail", pk=pk)


@login_required
def group_form(request, pk, group_pk=None):
    process = _process(request, pk, manage=True)
    group = get_in_scope(process.groups.all(), pk=group_pk) if group_pk else None
    form = GroupForm(request.POST or None, instance=group)
    member_form = MemberForm(process=process)
    if request.method == "POST" and form.is_valid():
        fields = form_changes(form) if group else dict(form.cleaned_data)
        group = services.group_save(actor=request.user, process=process, fields=fields,
                                    group=group)
        messages.success(request, _("The group was saved."))
        return redirect("processes:group_edit", pk=pk, group_pk=group.pk)
    return render(request, "processes/group_form.html", {
        **where(process), "group": group,
        "form": form, "member_form": member_form,
        "title": _("Edit group") if group else _("New group")},
        status=INVALID if form.is_bound and form.errors else 200)


@login_required
@require_POST
def member_add(request, pk, group_pk):
    process = _process(request, pk, manage=True)
    group = get_in_scope(process.groups.all(), pk=group_pk)
    member_form = MemberForm(request.POST, process=process)
    if member_form.is_valid():
        try:
            services.group_member_add(actor=request.user, group=group,
                                      organisation=member_form.cleaned_data["organisation"],
                                      person=member_form.cleaned_data["person"],
                                      role=member_form.cleaned_data["role"])
        except ValidationError as error:
            member_form.add_error(None, error)
        else:
            messages.success(request, _("%(organisation)s was added to the group.") % {
                "organisation": member_form.cleaned_data["organisation"]})
            return redirect(reverse("processes:group_edit", args=[pk, group_pk]) + "#members")
    return render(request, "processes/group_form.html", {
        **where(process), "group": group,
        "form": GroupForm(instance=group), "member_form": member_form,
        "title": _("Edit group")}, status=INVALID)


@login_required
@require_POST
def member_remove(request, pk, group_pk, member_pk):
    process = _process(request, pk, manage=True)
    group = get_in_scope(process.groups.all(), pk=group_pk)
    member = get_in_scope(group.members.select_related("organisation"), pk=member_pk)
    services.group_member_remove(actor=request.user, member=member)
    messages.success(request, _("The seat in the group was removed."))
    return redirect(reverse("processes:group_edit", args=[pk, group_pk]) + "#members")


@login_required
def profile(request, pk, fmt="html"):
    """The community profile, as a page or as a PDF."""

    process = _process(request, pk)
    data = build(process)
    if fmt == "pdf":
        response = HttpResponse(services.profile_export_pdf(actor=request.user,
                                                            process=process, data=data),
                                content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="profil-{slugify(str(process.owner))}.pdf"')
        return response
    cluster = data.cluster
    cluster_url = ""
    if cluster is not None and rules.test_rule("tenancy.view_cluster", request.user, cluster):
        programme = process.municipality.programme if process.municipality_id \
            else process.cluster.programme
        cluster_url = reverse("tenancy:cluster", args=[programme.slug, cluster.number])
    return render(request, "processes/profile.html", {
        "p": data, "cluster_url": cluster_url, **where(process)})
