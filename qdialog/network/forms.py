from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qdialog.core.forms import DateInput

from . import selectors
from .models import ContactPerson, Relation

DATES = {"since": DateInput(), "last_reviewed": DateInput()}


class RelationForm(forms.ModelForm):
    class Meta:
        model = Relation
        fields = ["source", "target", "kind", "strength", "since", "last_reviewed", "agreement"]
        widgets = DATES

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.instance.municipality = municipality
        for name in ("source", "target"):
            self.fields[name].queryset = municipality.organisations.order_by("name")

    def clean(self):
        data = super().clean()
        existing = selectors.pair_relation(municipality=self.municipality,
                                           first=data.get("source"), second=data.get("target"))
        if existing is not None:
            self.refuse_pair(existing)
        return data

    def refuse_pair(self, existing: Relation) -> None:
        """One relation per pair: say so, link the relation there is, mark the partner field
        (which also spares the form the model's own, link-less message)."""
        url = reverse("network:relation", args=[self.municipality.pk, existing.pk])
        self.add_error(None, format_html(
            '{} <a class="kern-link" href="{}">{}</a>',
            _("A relation between these two organisations already exists (in either "
              "direction):"), url, existing))
        self.add_error("target", _("Already in a relation with the organisation above – "
                                   "change the existing relation instead."))


class RelationEditForm(forms.ModelForm):
    """What can change about a relation; the pair stays as it is."""

    class Meta:
        model = Relation
        fields = ["kind", "strength", "since", "last_reviewed", "agreement"]
        widgets = DATES


class MapFilterForm(forms.Form):
    """Which professional systems the map and the relations table show (a plain GET form)."""

    is_filter = True
    system = forms.MultipleChoiceField(label=_("Show professional systems"), required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, systems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].choices = [(s.value, s.label) for s in systems]
        self.fields["system"].help_text = _("Their organisations, their relations and their "
                                            "partners. Nothing ticked: the whole network.")


class ContactForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["organisation", "name", "function", "email", "phone"]
        help_texts = {"name": _("A professional contact – never a client or family member.")}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = municipality.organisations.order_by("name")
