from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qdialog.core.forms import DateInput
from qdialog.network.models import ContactPerson
from qdialog.standards.models import Standard
from qdialog.tenancy.models import ProfessionalSystem

from .models import AgendaItem, Event, EventFile, Group, Phase, Process, Registration, Reply


class ProcessForm(forms.ModelForm):
    dimensions_text = forms.CharField(
        label=_("Chosen dimensions"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: the dimensions the process works on, e.g. from the baseline."))

    class Meta:
        model = Process
        fields = ["title", "institute", "lead", "interests", "special_features", "started_on",
                  "status"]
        widgets = {"started_on": DateInput(), "interests": forms.Textarea(attrs={"rows": 4}),
                   "special_features": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, municipality=None, cluster=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipality is not None or cluster is not None:
            self.instance.municipality, self.instance.cluster = municipality, cluster
            self.instance.programme = (municipality or cluster).programme
        self.fields["institute"].queryset = self.instance.programme.organisations.filter(
            professional_system=ProfessionalSystem.INSTITUTE)
        self.fields["lead"].queryset = self.instance.people()
        self.fields["dimensions_text"].initial = "\n".join(self.instance.dimensions or [])

    def clean_dimensions_text(self):
        lines = [line.strip() for line in self.cleaned_data["dimensions_text"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > 20 or any(len(line) > 120 for line in lines):
            raise forms.ValidationError(_("At most 20 dimensions of at most 120 characters."))
        return lines

    def process_fields(self, changed_only=False):
        names = self.changed_data if changed_only else list(self.Meta.fields) + [
            "dimensions_text"]
        fields = {n: self.cleaned_data[n] for n in names if n in self.Meta.fields}
        if "dimensions_text" in names:
            fields["dimensions"] = self.cleaned_data["dimensions_text"]
        return fields


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["kind", "title", "goals", "starts_on", "ends_on", "status"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(),
                   "goals": forms.Textarea(attrs={"rows": 3})}


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["kind", "name", "purpose"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}


class MemberForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    person = forms.ModelChoiceField(label=_("Person"), queryset=None, required=False)
    role = forms.CharField(label=_("Role in the group"), max_length=100, required=False)

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = process.organisations().select_related(
            "municipality").order_by("municipality__name", "name")
        if process.is_cluster_process:
            self.fields["organisation"].label_from_instance = (
                lambda o: f"{o.name} ({o.municipality})")
        self.fields["person"].queryset = process.people()


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.ModelForm):
    online_link = forms.URLField(label=_("online link"), required=False, assume_scheme="https",
                                 max_length=200)

    class Meta:
        model = Event
        fields = ["kind", "title", "starts_at", "ends_at", "place", "online_link", "description",
                  "self_registration"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput(),
                   "description": forms.Textarea(attrs={"rows": 3})}


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["minutes", "open_points"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 8}),
                   "open_points": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"minutes": _("No names or details of children or families.")}


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["time", "topic", "lead"]
        widgets = {"time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


class ContactChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        function = f", {obj.function}" if obj.function else ""
        return f"{obj.name}{function} – {obj.organisation.name}"


class InviteOrganisationsForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(label=_("Organisations"), queryset=None,
                                                   widget=forms.CheckboxSelectMultiple,
                                                   required=False)
    contacts = ContactChoiceField(
        label=_("People"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Contact people of the network; their organisation is invited with them."))

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = process.organisations()
        self.fields["organisations"].queryset = organisations.select_related(
            "municipality").order_by("municipality__name", "professional_system", "name")
        if process.is_cluster_process:
            self.fields["organisations"].label_from_instance = (
                lambda o: f"{o.name} ({o.municipality})")
        self.fields["contacts"].queryset = ContactPerson.objects.filter(
            organisation__in=organisations).select_related("organisation")
        if not self.fields["contacts"].queryset.exists():
            del self.fields["contacts"]

    def clean(self):
        data = super().clean()
        if not data.get("organisations") and not data.get("contacts"):
            raise ValidationError(_("Choose at least one organisation or person."))
        return data


class AttendanceRowForm(forms.Form):
    """One organisation's row of the attendance table (prefixed by the invitation's id, so a
    refused table comes back with every value as typed and the faulty cell marked)."""

    reply = forms.ChoiceField(label=_("reply"), choices=Reply.choices)
    announced = forms.IntegerField(label=_("people announced"), min_value=0, max_value=500,
                                   error_messages={"invalid": _("Enter a whole number.")})
    attended = forms.BooleanField(label=_("attended"), required=False)
    participants = forms.IntegerField(label=_("people present"), min_value=0, max_value=500,
                                      error_messages={"invalid": _("Enter a whole number.")})

    def __init__(self, *args, invitation, **kwargs):
        self.invitation = invitation
        super().__init__(*args, prefix=f"i{invitation.pk}", initial={
            "reply": invitation.reply, "announced": invitation.announced,
            "attended": invitation.attended, "participants": invitation.participants},
            **kwargs)
        for field in ("announced", "participants"):
            # a text field, so a typo ("zwei") comes back exactly as typed, marked
            self.fields[field].widget = forms.TextInput(attrs={
                "inputmode": "numeric", "class": "kern-form-input__input--width-4"})


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(label=_("Will you come?"), widget=forms.RadioSelect, choices=[
        (Reply.YES, _("Yes, we will come")), (Reply.MAYBE, _("Maybe")),
        (Reply.NO, _("No, we cannot come"))])
    announced = forms.IntegerField(label=_("How many people will come?"), min_value=0,
                                   max_value=500, required=False,
                                   error_messages={"invalid": _("Enter a whole number.")})

    def clean(self):
        data = super().clean()
        if data.get("reply") in (Reply.YES, Reply.MAYBE) and not data.get("announced"):
            self.add_error("announced", _("Enter how many people will come (at least 1)."))
        return data


class RegistrationForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation in the network"), queryset=None, required=False,
        help_text=_("Leave empty if yours is not in the list, and name it below."))

    class Meta:
        model = Registration
        fields = ["name", "organisation", "organisation_name", "email", "people"]
        labels = {"organisation_name": _("Other organisation")}
        help_texts = {"email": _("For the confirmation with the calendar file; deleted with "
                                 "the programme's retention period.")}

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = event.process.organisations().order_by("name")
        self.fields["organisation_name"].required = False
        self.fields["people"].min_value = 1
        self.fields["people"].max_value = 20
        self.fields["people"].widget.attrs.update({"min": 1, "max": 20})

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not (data.get("organisation_name") or "").strip():
            self.add_error("organisation_name", _("Choose your organisation or name it."))
        return data


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision taken"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class EventFileForm(forms.ModelForm):
    class Meta:
        model = EventFile
        fields = ["title", "file"]


class DecisionStandardForm(forms.Form):
    standard = forms.ModelChoiceField(label=_("Concerns the standard"), queryset=None,
                                      required=False)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = Standard.objects.filter(
            municipality=municipality).order_by("title")
