from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qdialog.core.identifiers import find_identifiers
from qdialog.tenancy.models import Membership, Role

from .models import TEXT_FIELDS, TEXT_LIMIT, IncidentReport, ReportingSystem

TEXTAREA = forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_LIMIT})


class ReportForm(forms.ModelForm):
    """The public form. `code` carries the signed follow-up code; `website` is a honeypot that
    people never see and bots fill in."""

    code = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    confirm_anonymous = forms.BooleanField(
        required=False, label=_("I have checked my texts: no one can be recognised from them."))

    class Meta:
        model = IncidentReport
        fields = ["professional_group", "phase", "child_age_band", "what_happened", "outcome",
                  "what_helped", "harm", "frequency", "consent_to_publish"]
        widgets = dict.fromkeys(TEXT_FIELDS, TEXTAREA) | {
            "harm": forms.RadioSelect, "frequency": forms.RadioSelect}
        labels = {"consent_to_publish": _("The report may be published, shortened and without "
                                          "any identifying detail, for others to learn from.")}
        help_texts = {
            "what_happened": _("Describe the course of events without names, dates of birth, "
                               "addresses or file numbers."),
            "outcome": _("What did it lead to for the child, the family or the professionals?"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TEXT_FIELDS:
            self.fields[name].max_length = TEXT_LIMIT
            self.fields[name].validators.append(MaxLengthValidator(TEXT_LIMIT))
        self.fields["harm"].choices = self.fields["harm"].choices[1:]  # no empty radio
        self.fields["frequency"].choices = self.fields["frequency"].choices[1:]

    def report_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class FollowupForm(forms.Form):
    code = forms.CharField(label=_("Follow-up code"), max_length=40,
                           help_text=_("The code you were shown after sending your report, "
                                       "e.g. ABCD-EFGH-JKLM-NPQR."))


class TriageForm(forms.ModelForm):
    class Meta:
        model = IncidentReport
        fields = ["what_happened", "outcome", "what_helped", "category", "expert_comment"]
        widgets = dict.fromkeys(TEXT_FIELDS, TEXTAREA) | {
            "expert_comment": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_checked:  # the wording is final once the check has ended
            for name in TEXT_FIELDS:
                del self.fields[name]


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Copy-edited text"), max_length=TEXT_LIMIT,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Shortened and without any detail that could identify a "
                                       "person or an organisation."))
    featured = forms.BooleanField(label=_("Show as case of the month (Fall des Monats)"),
                                  required=False)
    confirm = forms.BooleanField(
        label=_("I have looked at each possible identifier marked below; none of them "
                "identifies anyone."), required=False)

    def __init__(self, *args, findings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.findings = findings

    def clean(self):
        data = super().clean()
        self.findings = find_identifiers(f"{data.get('title', '')}\n{data.get('text', '')}")
        if self.findings and not data.get("confirm"):
            raise forms.ValidationError(_("The text may contain identifying details (marked "
                                          "below). Remove them, or confirm that each one is "
                                          "harmless."))
        return data


class SystemForm(forms.ModelForm):
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"), queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text=_("Only they see new reports, check them for anonymity, comment and "
                    "publish. Choose people bound to confidentiality, ideally from more than "
                    "one organisation."))

    class Meta:
        model = ReportingSystem
        fields = ["is_open", "statement"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        system = self.instance
        if system.municipality_id:
            where = Q(municipality_id=system.municipality_id)
        else:
            where = Q(programme_id=system.programme_id, role=Role.INSTITUTE_STAFF)
        self.fields["reviewers"].queryset = get_user_model().objects.filter(
            pk__in=Membership.objects.filter(where).values("user")).order_by(
            "display_name", "email")
        self.fields["reviewers"].initial = list(system.reviewers.values_list("pk", flat=True))


class QuestionForm(forms.Form):
    """The reviewers' question to the anonymous reporter."""

    text = forms.CharField(label=_("Question to the reporter"), max_length=TEXT_LIMIT,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("The reporter reads it with their follow-up code. Ask "
                                       "for nothing that would identify anyone."))
    confirm_anonymous = forms.BooleanField(
        required=False, label=_("I have checked the question: it names no one."))


class AnswerForm(forms.Form):
    """The reporter's answer, sent with the follow-up code again (the page keeps no session)."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    text = forms.CharField(label=_("Your answer"), max_length=TEXT_LIMIT,
                           widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("Please write no names, addresses or dates of birth."))
    confirm_anonymous = forms.BooleanField(
        required=False, label=_("I have checked my answer: no one can be recognised from it."))
