from django import forms

from .models import Channel, Kind


class PreferencesForm(forms.Form):
    """One choice per kind of notice: at once, daily, weekly, only in qdialog, or not at all."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Channel.choices, initial=current[kind.value])
