"""The upload form of a coding project's material page."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import extract, material


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (TXT, DOCX or ODT)"),
        help_text=_("A transcript or another text, at most 5 MB. It is checked for names, dates "
                    "and other identifiers; it can be coded once each finding is replaced or "
                    "confirmed."))
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Leave empty to use the file's name."))
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=None, required=False,
        help_text=_("The municipality the text comes from: then only those who see that "
                    "municipality read it."))

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        if project.municipality_id:
            del self.fields["municipality"]  # a municipality's project keeps it to itself
        else:
            self.fields["municipality"].queryset = material.reach(project).order_by("name")

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            try:
                title, text = extract.text_from_upload(upload)
            except ValidationError as error:
                self.add_error("file", error)
            else:
                data["text"] = text
                data["title"] = (data.get("title") or "").strip() or title
        return data
