from django import forms
from django.utils.translation import gettext_lazy as _

from qdialog.core.forms import DateInput
from qdialog.core.models import AuditAction

from .models import Cluster, Municipality, Organisation, ProfessionalSystem, Programme, Role


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "description", "funder", "carrier", "starts_on", "ends_on",
                  "institute_sees_names"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(),
                   "description": forms.Textarea(attrs={"rows": 4})}


class ClusterForm(forms.ModelForm):
    class Meta:
        model = Cluster
        fields = ["number", "name"]

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.instance.programme = programme

    def clean_number(self):
        number = self.cleaned_data["number"]
        clash = Cluster.objects.filter(programme=self.programme, number=number)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This programme already has a cluster %(n)s."),
                                        params={"n": number})
        return number


class MunicipalityForm(forms.ModelForm):
    class Meta:
        model = Municipality
        fields = ["name", "kind", "state", "population", "cluster", "cluster_role",
                  "evaluation_mode"]

    def __init__(self, *args, programme, can_move=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.instance.programme = programme
        self.fields["cluster"].queryset = programme.clusters.all()
        self.fields["population"].widget.attrs["min"] = 0
        if not can_move:
            # Only institute staff arrange clusters; coordinators keep their place.
            for name in ["cluster", "cluster_role", "evaluation_mode"]:
                del self.fields[name]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Municipality.objects.filter(programme=self.programme, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("A municipality of this name is already in the "
                                          "programme."))
        return name


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "professional_system", "email", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"description": _("Business information only – never data about "
                                       "children or families.")}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.instance.municipality = municipality
        self.instance.programme_id = municipality.programme_id
        self.fields["professional_system"].choices = [
            (v, label) for v, label in ProfessionalSystem.choices
            if v != ProfessionalSystem.INSTITUTE
        ]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Organisation.objects.filter(municipality=self.municipality, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("An organisation of this name already exists here."))
        return name


class OrganisationFilterForm(forms.Form):
    is_filter = True  # filters are all optional: no "optional" marks
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    system = forms.ChoiceField(label=_("Professional system"), required=False,
                               choices=[("", _("all"))] + [
                                   (v, label) for v, label in ProfessionalSystem.choices
                                   if v != ProfessionalSystem.INSTITUTE])


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"),
                             help_text=_("The person's work address. They get a link to set "
                                         "their password."))
    display_name = forms.CharField(label=_("Name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None,
                                          required=False,
                                          help_text=_("Where the person works."))

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (Role.PARTICIPANT.value, Role.PARTICIPANT.label),
            (Role.MUNICIPAL_COORDINATOR.value, Role.MUNICIPAL_COORDINATOR.label),
        ]
        self.fields["organisation"].queryset = municipality.organisations.all()


class ProgrammeInviteForm(forms.Form):
    email = InviteForm.base_fields["email"]
    display_name = InviteForm.base_fields["display_name"]
    role = forms.ChoiceField(label=_("Role"), choices=[
        (Role.INSTITUTE_STAFF.value, Role.INSTITUTE_STAFF.label),
        (Role.CLUSTER_COORDINATOR.value, Role.CLUSTER_COORDINATOR.label),
    ])
    cluster = forms.ModelChoiceField(label=_("Cluster"), queryset=None, required=False,
                                     help_text=_("Only for cluster coordinators."))

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = programme.clusters.all()

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.CLUSTER_COORDINATOR and not data.get("cluster"):
            self.add_error("cluster", _("A cluster coordinator needs a cluster."))
        if data.get("role") == Role.INSTITUTE_STAFF:
            data["cluster"] = None
        return data


class AuditFilterForm(forms.Form):
    is_filter = True
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("all"))] + list(AuditAction.choices)
