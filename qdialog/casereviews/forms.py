from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qdialog.tenancy.models import Membership

from .models import (
    ORG_TYPES,
    CaseReview,
    ChronologyEntry,
    ContributingFactor,
    Episode,
    Hypothesis,
    Pattern,
    Recommendation,
    ReviewMember,
    Source,
)


def _watch(form):
    """Warn while writing: text fields ask the server for possible identifiers as people type
    (htmx posts the form's fields; the answer fills #identifier-warnings)."""
    checked = {"hx-post": reverse("casereviews:identifiers"),
               "hx-trigger": "input changed delay:700ms", "hx-target": "#identifier-warnings",
               "hx-swap": "innerHTML"}
    for field in form.fields.values():
        if isinstance(field.widget, (forms.Textarea, forms.TextInput)):
            field.widget.attrs.update(checked)


class ReviewForm(forms.ModelForm):
    class Meta:
        model = CaseReview
        fields = ["title", "kind", "trigger", "case_status", "legal_basis", "child_age_band",
                  "child_sex", "known_to_services", "context"]
        widgets = {"context": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _watch(self)


class MemberForm(forms.ModelForm):
    class Meta:
        model = ReviewMember
        fields = ["team", "role", "organisation_type", "user"]

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        people = Membership.objects.filter(
            Q(municipality=review.municipality)
            | Q(programme=review.municipality.programme, role="institute_staff")).values("user")
        self.fields["user"].queryset = get_user_model().objects.filter(
            pk__in=people).order_by("display_name", "email")
        self.fields["user"].help_text = _("Only people with a seat and an account can open "
                                          "the review. Leave empty for case group members "
                                          "who take part without an account.")
        _watch(self)

    def clean(self):
        data = super().clean()
        review, user = self.review, data.get("user")
        if user and review.members.filter(user=user).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This person already has a seat on the review."))
        return data


class _PartForm(forms.ModelForm):
    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        _watch(self)


def _model_form(model, fields, textareas=()):
    return forms.modelform_factory(
        model, form=_PartForm, fields=fields,
        widgets={name: forms.Textarea(attrs={"rows": 3}) for name in textareas})


SourceForm = _model_form(Source, ["kind", "organisation_type", "period", "anonymised", "note"])
ChronologyForm = _model_form(ChronologyEntry, ["when", "organisation_type", "action"],
                             textareas=["action"])
HypothesisForm = _model_form(Hypothesis, ["level", "statement", "statements", "status"],
                             textareas=["statement", "statements"])
PatternForm = _model_form(Pattern, ["kind", "description", "generic"], textareas=["description"])
RecommendationForm = _model_form(Recommendation, ["text", "addressee", "priority"],
                                 textareas=["text"])
FactorForm = _model_form(ContributingFactor, ["level", "type", "description", "evidence"],
                         textareas=["description", "evidence"])


class EpisodeForm(forms.ModelForm):
    agencies = forms.MultipleChoiceField(
        label=_("Agencies involved"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=ORG_TYPES)

    class Meta:
        model = Episode
        fields = ["title", "period", "agencies", "what_happened", "appraisal", "explanation"]
        widgets = {name: forms.Textarea(attrs={"rows": 3})
                   for name in ["what_happened", "appraisal", "explanation"]}

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        _watch(self)


class SummaryForm(forms.ModelForm):
    class Meta:
        model = CaseReview
        fields = ["summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _watch(self)


#: the parts of a review that have their own add / edit / delete pages
PARTS = {
    "member": (ReviewMember, MemberForm, _("Seat on the review")),
    "source": (Source, SourceForm, _("Source")),
    "chronology": (ChronologyEntry, ChronologyForm, _("Chronology entry")),
    "episode": (Episode, EpisodeForm, _("Key practice episode")),
    "hypothesis": (Hypothesis, HypothesisForm, _("Error hypothesis")),
    "pattern": (Pattern, PatternForm, _("Pattern or good practice")),
    "recommendation": (Recommendation, RecommendationForm, _("Recommendation")),
}
