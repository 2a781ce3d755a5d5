"""Coding a document: the document page with its codings in the margin, the coding form (a
passage selected by mouse or keyboard, or whole units without JavaScript), changing and
removing codings, the identifier findings of an upload, finishing a double-coded document,
the agreement of a project and the consensus round."""

from __future__ import annotations

import rules
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from qdialog.core.access import INVALID, require_rule
from qdialog.core.identifiers import KINDS
from qdialog.core.notes import field_labels
from qdialog.standards.models import TEXT_FIELDS, Standard
from qdialog.tenancy.scope import get_in_scope

from . import selectors, services
from .forms import MemoForm
from .models import Code, Coding, Document, Round
from .views import project_in_scope


def _document(request, pk, rule="qualitative.read_document"):
    document = get_in_scope(Document.objects.select_related(
        "project__programme", "project__system", "project__municipality", "project__cluster",
        "municipality", "case_review"), pk=pk)
    require_rule(rule, request.user, document)
    return document


def _url(document):
    return reverse("qualitative:document", args=[document.pk])


class CodingForm(forms.Form):
    codes = forms.ModelMultipleChoiceField(queryset=Code.objects.none(),
                                           widget=forms.CheckboxSelectMultiple,
                                           label=gettext_lazy("Codes"))
    start = forms.IntegerField(required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, widget=forms.HiddenInput)
    units = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                      label=gettext_lazy("Code whole units"))
    memo = forms.CharField(required=False, max_length=10000, label=gettext_lazy("Memo on the "
                                                                                "passage"),
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, document, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].queryset = _code_queryset(document)
        self.rows = rows
        self.fields["units"].choices = [(str(r.index), r.text[:80]) for r in rows]

    def ranges(self):
        data = self.cleaned_data
        if data.get("start") is not None and data.get("end") is not None and \
                data["end"] > data["start"]:
            return [(data["start"], data["end"])]
        by_index = {str(r.index): r for r in self.rows}
        return [(by_index[i].start, by_index[i].end) for i in data.get("units") or []]

    def clean(self):
        data = super().clean()
        if not self.errors and not self.ranges():
            raise ValidationError(_("Select a passage in the text, or tick the sentences or "
                                    "answers to code."))
        return data


def _code_queryset(document):
    codes = Code.objects.filter(system=document.project.system, active=True)
    if document.municipality_id:
        codes = codes.filter(Q(municipality__isnull=True) | Q(municipality=document.municipality))
    else:
        codes = codes.filter(municipality__isnull=True)
    return codes.order_by("position", "name")


def _text_html(segments) -> str:
    """The document's text as spans cut at the codings' boundaries, each coded one in its first
    code's colour (the page's JavaScript maps a selection back to offsets via data-start).
    Built here rather than in the template: a document with hundreds of codings has hundreds of
    pieces."""
    pieces = []
    for s in segments:
        if s.codings:
            count = f' data-count="{s.count}"' if s.count > 1 else ""
            pieces.append(format_html(
                '<span data-start="{}" class="qd-coded" style="border-bottom-color:{};'
                ' background:{}33" title="{}"{}>{}</span>', s.start, s.colour, s.colour,
                s.names, mark_safe(count), s.text))  # noqa: S308 - count is an int
        else:
            pieces.append(format_html('<span data-start="{}">{}</span>', s.start, s.text))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


def _links(codings, document):
    """Each coding's addresses, reversed once for the page rather than once per coding."""
    edit = reverse("qualitative:coding", args=[0]).replace("/0/", "/{}/")
    comment = reverse("qualitative:comment_from", args=[0]).replace("/0/", "/{}/")
    action = (reverse("actions:create", args=[document.municipality_id]) + "?coding={}"
              if document.municipality_id else "")
    for c in codings:
        c.edit_url, c.comment_url = edit.format(c.pk), comment.format(c.pk)
        c.action_url = action.format(c.pk) if action else ""


def _page(request, document, *, form=None, status=200, round_=Round.OWN):
    project = document.project
    shown = list(selectors.codings_shown(user=request.user, document=document, round=round_))
    _links(shown, document)
    rows = selectors.unit_rows(document, project.unit, shown)
    can_code = rules.test_rule("qualitative.code_document", request.user, document)
    if form is None:
        form = CodingForm(document=document, rows=rows)
    blind = selectors.is_blind(document)
    progress = document.progress.filter(coder=request.user).first() if document.double_coding \
        else None
    finished_me = bool(progress and progress.finished_at)
    memos = document.memos.select_related("author", "coding__code")
    tree = selectors.code_tree(project.system, municipality=document.municipality)
    return render(request, "qualitative/document.html", {
        "document": document, "project": project, "programme": project.programme,
        "text_html": _text_html(selectors.segments(document.text, shown)), "codings": shown,
        "rows": rows,
        "form": form, "can_code": can_code and document.cleared and not finished_me,
        "can_manage": rules.test_rule("qualitative.manage_project", request.user, project),
        "blind": blind, "finished_me": finished_me, "memos": memos, "memo_form": MemoForm(),
        "tree": tree, "round": round_,
        "can_act": bool(document.municipality_id and request.scope.manages_municipality(
            document.municipality)),
        "double_done": document.double_coding and not blind,
        "consensus_begun": document.codings.filter(round=Round.CONSENSUS).exists(),
        "findings": [(i, {**f, "label": KINDS.get(f.get("kind"), f.get("kind"))})
                     for i, f in enumerate(document.findings)]}, status=status)


@login_required
def document(request, pk):
    document = _document(request, pk)
    services.document_read(actor=request.user, document=document)
    return _page(request, document)


@login_required
@require_POST
def coding_add(request, pk):
    document = _document(request, pk, "qualitative.code_document")
    round_ = Round.CONSENSUS if request.POST.get("round") == Round.CONSENSUS else Round.OWN
    shown = list(selectors.codings_shown(user=request.user, document=document, round=round_))
    rows = selectors.unit_rows(document, document.project.unit, shown)
    form = CodingForm(request.POST, document=document, rows=rows)
    if form.is_valid():
        try:
            made = 0
            for start, end in form.ranges():
                made += len(services.codings_add(
                    actor=request.user, document=document, codes=list(form.cleaned_data["codes"]),
                    start=start, end=end, round=round_, memo=form.cleaned_data["memo"]))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, ngettext("Coded: %(count)s new coding.",
                                               "Coded: %(count)s new codings.", made)
                             % {"count": made} if made
                             else _("These codings were there already."))
            if request.headers.get("HX-Request"):
                return _page(request, document)
            return redirect(_url(document) + "#margin")
    return _page(request, document, form=form, status=INVALID)


class ChangeForm(forms.Form):
    code = forms.ModelChoiceField(queryset=Code.objects.none(), label=gettext_lazy("Code"))
    quote = forms.BooleanField(required=False, label=gettext_lazy("Quote this passage in reports"),
                               help_text=gettext_lazy(
                                   "In the section \"What participants say\" of the survey "
                                   "reports, if the project is shown there."))

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].queryset = _code_queryset(document)
        if document.kind not in services.QUOTABLE:
            del self.fields["quote"]


@login_required
def coding_edit(request, pk):
    """Change the code of one's own coding, or remove it."""
    coding = get_in_scope(Coding.objects.select_related("document__project__system", "code",
                                                        "document__municipality"), pk=pk)
    document = coding.document
    require_rule("qualitative.code_document", request.user, document)
    if coding.round == Round.OWN and coding.coder_id != request.user.pk:
        raise Http404
    form = ChangeForm(request.POST or None, document=document,
                      initial={"code": coding.code_id, "quote": coding.quote})
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                services.coding_remove(actor=request.user, coding=coding)
                messages.success(request, _("The coding was removed."))
                return redirect(_url(document) + "#margin")
            if form.is_valid():
                if "quote" in form.fields:
                    services.coding_update(actor=request.user, coding=coding,
                                           quote=form.cleaned_data["quote"])
                if form.cleaned_data["code"] != coding.code:
                    services.coding_update(actor=request.user, coding=coding,
                                           code=form.cleaned_data["code"])
                messages.success(request, _("The coding was changed."))
                return redirect(_url(document) + "#margin")
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "qualitative/coding.html", {
        "coding": coding, "document": document, "project": document.project,
        "programme": document.project.programme, "form": form},
        status=INVALID if form.is_bound and form.errors else 200)


class FindingForm(forms.Form):
    index = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    replacement = forms.CharField(required=False, max_length=80,
                                  label=gettext_lazy("Replace with"))


@login_required
@require_POST
def findings(request, pk):
    """Replace a flagged passage of an upload or confirm that it identifies no one."""
    document = _document(request, pk, "qualitative.code_document")
    form = FindingForm(request.POST)
    if form.is_valid():
        confirm = request.POST.get("decision") == "confirm"
        try:
            services.finding_resolve(actor=request.user, document=document,
                                     index=form.cleaned_data["index"],
                                     replacement=None if confirm
                                     else form.cleaned_data["replacement"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            document.refresh_from_db()
            return _page(request, document, status=INVALID)
        messages.success(request, _("The passage was confirmed.") if confirm
                         else _("The passage was replaced."))
        return redirect(_url(document) + "#findings")
    messages.error(request, _("Choose a flagged passage."))
    return _page(request, document, status=INVALID)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "double_coding"]
        help_texts = {"double_coding": gettext_lazy(
            "Every coder of the project codes it on their own; nobody sees the others' "
            "codings until all have finished.")}


@login_required
def document_settings(request, pk):
    document = _document(request, pk)
    require_rule("qualitative.manage_project", request.user, document.project)
    form = SettingsForm(request.POST or None, instance=Document.objects.get(pk=document.pk))
    if request.method == "POST":
        if request.POST.get("delete"):
            project = document.project
            services.document_delete(actor=request.user, document=document)
            messages.success(request, _("The document was removed from the project."))
            return redirect("qualitative:project", project.pk)
        if form.is_valid():
            try:
                services.document_update(actor=request.user, document=document,
                                         title=form.cleaned_data["title"],
                                         double_coding=form.cleaned_data["double_coding"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The settings were saved."))
                return redirect(_url(document))
    return render(request, "qualitative/document_settings.html", {
        "document": document, "project": document.project,
        "programme": document.project.programme, "form": form},
        status=INVALID if form.is_bound and form.errors else 200)


@login_required
@require_POST
def finish(request, pk):
    document = _document(request, pk, "qualitative.code_document")
    finished = request.POST.get("finished") != "0"
    try:
        services.coder_finish(actor=request.user, document=document, finished=finished)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _page(request, document, status=INVALID)
    if not finished:
        messages.success(request, _("The document is open for your coding again."))
    elif selectors.is_blind(document):
        messages.success(request, _("You have finished this document. The others' codings show "
                                    "once every coder has finished."))
    else:
        messages.success(request, _("You were the last to finish: every coder's codings show "
                                    "now, and the consensus discussion is open."))
    return redirect(_url(document))


@login_required
def agreement(request, pk):
    project = project_in_scope(request, pk)
    readable = selectors.documents_readable(scope=request.scope, user=request.user,
                                            project=project).filter(double_coding=True)
    per_document, per_code, overall, codes = selectors.project_agreement(project, readable)
    rows = [(codes[int(key)], figures) for key, figures in per_code.items()]
    return render(request, "qualitative/agreement.html", {
        "project": project, "programme": project.programme, "rows": rows, "overall": overall,
        "documents": per_document, "double_count": readable.count(),
        "coder_count": project.coders.count()})


@login_required
def consensus(request, pk):
    """The disagreements of a finished double-coded document side by side, and the decisions
    that make its consensus coding (kept apart from the coders' own)."""
    document = _document(request, pk, "qualitative.code_document")
    if not document.double_coding or selectors.is_blind(document):
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("adopt"):
                data = selectors.disagreements_of(document)
                made = services.consensus_adopt_agreed(
                    actor=request.user, document=document,
                    agreed=[(code, span.start, span.end) for code, span in data["agreed"]])
                messages.success(request, ngettext(
                    "%(count)s agreed coding taken into the consensus.",
                    "%(count)s agreed codings taken into the consensus.", made)
                    % {"count": made})
            else:
                code = get_in_scope(_code_queryset(document), pk=request.POST.get("code"))
                services.consensus_decide(actor=request.user, document=document, code=code,
                                          start=int(request.POST["start"]),
                                          end=int(request.POST["end"]),
                                          keep=request.POST.get("keep") == "1")
                messages.success(request, _("The decision was recorded."))
        except (ValidationError, KeyError, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(reverse("qualitative:consensus", args=[document.pk]))
    data = selectors.disagreements_of(document)
    coder_names = _coder_names(document.project, data["coders"]) if data else []
    return render(request, "qualitative/consensus.html", {
        "document": document, "project": document.project,
        "programme": document.project.programme, "data": data, "coder_names": coder_names})


def _coder_names(project, keys):
    people = {str(u.pk): str(u) for u in project.coders.all()}
    return [people.get(k, "?") for k in keys]


class CommentForm(forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("Paragraph"))
    text = forms.CharField(label=gettext_lazy("Comment"), max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, standards, **kwargs):
        super().__init__(*args, **kwargs)
        choices, self.targets = [], {}
        for standard in standards:
            options = []
            labels = dict(zip(TEXT_FIELDS, field_labels(standard, TEXT_FIELDS), strict=True))
            for field in TEXT_FIELDS:
                for index, paragraph in enumerate(standard.paragraphs(field)):
                    key = f"{standard.pk}:{field}:{index}"
                    self.targets[key] = (standard, field, index)
                    options.append((key, f"{labels[field]} ¶{index + 1}: {paragraph[:60]}"))
            if options:
                choices.append((standard.title, options))
        self.fields["target"].choices = choices


@login_required
def comment_from(request, pk):
    """Take a coded passage into a comment on a paragraph of one of the municipality's standards
    open for comments."""
    coding = get_in_scope(Coding.objects.select_related("document__project", "code",
                                                        "document__municipality"), pk=pk)
    document = coding.document
    require_rule("qualitative.read_document", request.user, document)
    if document.municipality_id is None:
        raise Http404
    standards = [s for s in Standard.objects.filter(municipality=document.municipality)
                 .order_by("title") if rules.test_rule("standards.draft", request.user, s)]
    form = CommentForm(request.POST or None, standards=standards,
                       initial={"text": f"„{coding.passage[:600]}“ ({coding.code.name})"})
    if request.method == "POST" and form.is_valid():
        standard, field, index = form.targets[form.cleaned_data["target"]]
        try:
            services.comment_from(actor=request.user, coding=coding, standard=standard,
                                  field=field, paragraph=index, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The comment was added to the standard."))
            return redirect(reverse("standards:detail", args=[standard.pk]) + "#text")
    return render(request, "qualitative/comment_from.html", {
        "coding": coding, "document": document, "project": document.project,
        "programme": document.project.programme, "form": form, "standards": standards},
        status=INVALID if form.is_bound and form.errors else 200)
