from django import forms

from .models import PERIODS, RetentionPolicy


class PolicyForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = list(PERIODS)
