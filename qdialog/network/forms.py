from django import forms
from django.utils.translation import gettext_lazy as _

from qdialog.core.forms import DateInput

from .models import ContactPerson, Relation


class RelationForm(forms.ModelForm):
    class Meta:
        model = Relation
        fields = ["source", "target", "kind", "strength", "last_reviewed", "agreement"]
        widgets = {"last_reviewed": DateInput()}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.municipality = municipality
        for name in ("source", "target"):
            self.fields[name].queryset = municipality.organisations.order_by("name")


class ContactForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["organisation", "name", "function", "email", "phone"]
        help_texts = {"name": _("A professional contact – never a client or family member.")}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = municipality.organisations.order_by("name")
