from django import forms
from django.utils.translation import gettext_lazy as _

from qdialog.core.forms import DateInput

from .models import (
    CONSENT_SCALE,
    STATUS_FLOW,
    TEXT_FIELDS,
    Concept,
    Indicator,
    Standard,
    StandardStatus,
)


class StandardForm(forms.ModelForm):
    class Meta:
        model = Standard
        fields = ["kind", "title", "area", "level", "challenge", "typical_errors", "text",
                  "process_design", "shared"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in TEXT_FIELDS}


class CommentForm(forms.Form):
    field = forms.ChoiceField(choices=[(f, f) for f in TEXT_FIELDS], widget=forms.HiddenInput)
    paragraph = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Comment"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AmendmentForm(forms.Form):
    field = forms.ChoiceField(choices=[(f, f) for f in TEXT_FIELDS], widget=forms.HiddenInput)
    paragraph = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    proposal = forms.CharField(label=_("Proposed wording"), max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1",
                                    choices=[("1", _("accept")), ("0", _("decline"))],
                                    widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RatingForm(forms.Form):
    value = forms.TypedChoiceField(label=_("Your consent"), coerce=int, choices=CONSENT_SCALE,
                                   widget=forms.RadioSelect)
    statement = forms.CharField(label=_("Your position"), max_length=500,
                                required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=StandardStatus.choices)
    adopted_by = forms.CharField(label=_("Adopted by"), max_length=200, required=False,
                                 help_text=_("e.g. Jugendhilfeausschuss"))
    adopted_on = forms.DateField(label=_("Adopted on"), required=False, widget=DateInput())
    event = forms.ModelChoiceField(label=_("Agreed at the event"), queryset=None,
                                   required=False)

    def __init__(self, *args, standard, **kwargs):
        from qdialog.processes.models import Event


        super().__init__(*args, **kwargs)
        allowed = STATUS_FLOW.get(StandardStatus(standard.status), [])
        self.fields["status"].choices = [(value, label) for value, label in StandardStatus.choices
                                        if value in allowed]
        self.fields["event"].queryset = Event.objects.filter(
            process__municipality=standard.municipality).order_by("-starts_at")


class IndicatorForm(forms.ModelForm):
    """An indicator, and the survey items whose results show beside it – picked from the
    municipality's instruments (a whole dimension at once, or single questions), never typed."""

    items = forms.MultipleChoiceField(label=_("Survey questions"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    dimensions = forms.MultipleChoiceField(label=_("Whole dimensions"), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Indicator
        fields = ["text"]

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = list(groups)
        self.fields["items"].choices = [(code, f"{code}: {text}") for g in self.groups
                                        for code, text in g["items"]]
        self.fields["dimensions"].choices = [(g["key"], g["label"]) for g in self.groups
                                             if g["key"]]
        self.fields["items"].error_messages["invalid_choice"] = _(
            "%(value)s is not a question of this municipality's surveys.")

    def clean(self):
        data = super().clean()
        codes = list(data.get("items") or [])
        for group in self.groups:
            if group["key"] in (data.get("dimensions") or []):
                codes += [code for code, _text in group["items"]]
        data["item_codes"] = ", ".join(dict.fromkeys(codes))
        return data

    def _selected(self, name) -> list[str]:
        """The ticked values of `name` as typed (bound) or given (initial)."""
        if self.is_bound:
            return self.data.getlist(name) if hasattr(self.data, "getlist") else []
        return list(self.initial.get(name) or [])

    def selected_items(self):
        return self._selected("items")

    def selected_dimensions(self):
        return self._selected("dimensions")


class ConceptForm(forms.ModelForm):
    class Meta:
        model = Concept
        fields = ["title", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 8})}
