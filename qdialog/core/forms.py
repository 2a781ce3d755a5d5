"""KERN design-system rendering for every form: ours, allauth's and the MFA forms.

`{{ form }}` uses the templates below; `{% kern_widget field %}` (core/templatetags/qdialog.py)
adds the KERN classes, `aria-invalid` and `aria-describedby` to each input, so no form class needs
to know about styling.
"""

from django import forms
from django.forms.renderers import TemplatesSetting


class KernFormRenderer(TemplatesSetting):
    form_template_name = "forms/kern_form.html"
    field_template_name = "forms/kern_field.html"


class DateInput(forms.DateInput):
    """A native date picker; the value in ISO format as the browser expects."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
