from django import forms

from .models import RetentionPolicy
from .services import CATEGORIES


class PolicyForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = list(CATEGORIES)
