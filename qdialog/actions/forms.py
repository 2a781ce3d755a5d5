from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from qdialog.core.forms import DateInput
from qdialog.surveys.models import Wave
from qdialog.tenancy.models import Membership

from .models import Action, ActionStatus, Origin, Priority

MAX_UPLOAD = 2 * 1024 * 1024  # bytes


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "description", "origin", "origin_detail", "wave",
                  "responsible_organisation", "responsible_person", "starts_on", "due_on",
                  "review_on", "priority", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "starts_on": DateInput(),
                   "due_on": DateInput(), "review_on": DateInput()}

    def __init__(self, *args, municipality, linked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_organisation"].queryset = municipality.organisations.order_by(
            "name")
        self.fields["responsible_person"].queryset = get_user_model().objects.filter(
            pk__in=Membership.objects.filter(municipality=municipality).values("user")
        ).order_by("display_name", "email")
        self.fields["wave"].queryset = Wave.objects.filter(municipality=municipality)
        self.fields["wave"].help_text = _("If the action answers a survey result.")
        if linked:  # the origin is the decision, recommendation or report it was made from
            del self.fields["origin"]


class FilterForm(forms.Form):
    is_filter = True
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("all"))] + ActionStatus.choices)
    priority = forms.ChoiceField(label=_("Priority"), required=False,
                                 choices=[("", _("all"))] + Priority.choices)
    origin = forms.ChoiceField(label=_("Origin"), required=False,
                               choices=[("", _("all"))] + Origin.choices)
    due = forms.ChoiceField(label=_("Due"), required=False, choices=[
        ("", _("all")), ("overdue", _("overdue")), ("soon", _("due within two weeks"))])
    organisation = forms.ModelChoiceField(label=_("Responsible organisation"), required=False,
                                          queryset=None, empty_label=_("all"))

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = municipality.organisations.order_by("name")


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("Progress note"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"),
                           help_text=_("An exported action plan, edited in Excel or LibreOffice, "
                                       "or your own table with the columns listed below. At "
                                       "most 2 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class MoveForm(forms.Form):
    """The column of the board an action moves to."""

    status = forms.ChoiceField(label=_("Move to"), choices=ActionStatus.choices)
