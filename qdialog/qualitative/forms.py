from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from qdialog.tenancy.models import Cluster, Membership, Municipality

from .models import COLOURS, CategorySystem, Code, CodeOrigin, Project

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def people_of(programme, *, cluster=None, municipality=None):
    """Who can be a coder: the institute and the coordinators of the project's level, and the
    participants of its municipalities."""
    return get_user_model().objects.filter(
        pk__in=_member_ids(programme, cluster=cluster, municipality=municipality)).order_by(
        "display_name", "email")


def _member_ids(programme, *, cluster, municipality):
    memberships = Membership.objects.filter(Q(programme=programme, role="institute_staff"))
    if municipality is not None:
        memberships = memberships | Membership.objects.filter(municipality=municipality)
    elif cluster is not None:
        memberships = memberships | Membership.objects.filter(
            Q(cluster=cluster) | Q(municipality__cluster=cluster))
    else:
        memberships = memberships | Membership.objects.filter(
            Q(cluster__programme=programme) | Q(municipality__programme=programme))
    return memberships.values("user_id")


class CoderChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class ProjectForm(forms.ModelForm):
    level = forms.ChoiceField(label=_("Whose project"), help_text=_(
        "A programme's project gathers material of all its municipalities; a cluster's or a "
        "municipality's only of theirs."))
    coders = CoderChoice(queryset=get_user_model().objects.none(), required=False,
                         widget=forms.CheckboxSelectMultiple, label=_("Coders"),
                         help_text=_("For double coding choose at least two."))

    class Meta:
        model = Project
        fields = ["title", "question", "system", "unit", "min_overlap", "in_reports"]
        widgets = {"question": TEXTAREA}

    def __init__(self, *args, programme, scope, levels=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["system"].queryset = CategorySystem.objects.filter(programme=programme)
        self.fields["system"].empty_label = None
        choices = []
        if scope.is_institute_staff(programme.pk):
            choices.append(("programme", str(_("The whole programme"))))
        for cluster in Cluster.objects.filter(programme=programme).order_by("name"):
            if scope.manages_cluster(cluster):
                choices.append((f"cluster:{cluster.pk}", str(_("Cluster %(name)s")
                                                               % {"name": cluster.name})))
        for municipality in Municipality.objects.filter(programme=programme).order_by("name"):
            if scope.manages_municipality(municipality):
                choices.append((f"municipality:{municipality.pk}", municipality.name))
        self.fields["level"].choices = choices
        if not levels:
            del self.fields["level"]
            self.fields["coders"].queryset = people_of(
                programme, cluster=self.instance.cluster, municipality=self.instance.municipality)
            self.fields["coders"].initial = list(self.instance.coders.values_list("pk",
                                                                                   flat=True))
            del self.fields["system"]
        else:
            self.fields["coders"].queryset = people_of(programme)
        self.order_fields(["title", "level", "question", "system", "coders", "unit",
                           "min_overlap", "in_reports"])

    def owner(self):
        value = self.cleaned_data["level"]
        if value.startswith("cluster:"):
            return {"cluster": Cluster.objects.get(pk=int(value.split(":")[1]))}
        if value.startswith("municipality:"):
            return {"municipality": Municipality.objects.get(pk=int(value.split(":")[1]))}
        return {}

    def clean(self):
        data = super().clean()
        if "level" in self.fields and data.get("level") and data.get("coders") is not None:
            owner = self.owner()
            allowed = set(people_of(self.programme, **owner).values_list("pk", flat=True))
            if any(c.pk not in allowed for c in data["coders"]):
                self.add_error("coders", _("Choose coders who belong to the project's level."))
        return data


class SystemForm(forms.ModelForm):
    class Meta:
        model = CategorySystem
        fields = ["name", "description"]
        widgets = {"description": TEXTAREA}


COLOUR_NAMES = [_("orange"), _("teal"), _("yellow"), _("green"), _("red"), _("light blue"),
                _("lilac"), _("salmon"), _("mint"), _("pale yellow"), _("grey blue"), _("pink")]


class CodeForm(forms.ModelForm):
    colour = forms.ChoiceField(label=_("Colour"), choices=[(c, c) for c in COLOURS],
                               widget=forms.RadioSelect)

    class Meta:
        model = Code
        fields = ["name", "parent", "definition", "anchor_example", "coding_rule", "colour",
                  "origin"]
        widgets = {"definition": TEXTAREA, "anchor_example": TEXTAREA, "coding_rule": TEXTAREA,
                   "origin": forms.RadioSelect}
        help_texts = {
            "definition": _("What the code means: which statements belong to it."),
            "anchor_example": _("A typical passage from the material that clearly belongs to "
                                "the code."),
            "coding_rule": _("How to tell it from neighbouring codes in cases of doubt."),
        }

    def __init__(self, *args, system, local_choices=(), programme_wide=True, **kwargs):
        super().__init__(*args, **kwargs)
        # each colour named in words beside its swatch (the name is what a screen reader reads)
        self.fields["colour"].choices = [
            (colour, format_html('<span class="qd-swatch" style="background:{}" '
                                 'aria-hidden="true"></span> {}', colour, name))
            for colour, name in zip(COLOURS, COLOUR_NAMES, strict=True)]
        if not self.instance.pk and local_choices:
            choices = [("", _("the whole programme"))] if programme_wide else []
            choices += [(str(m.pk), m.name) for m in local_choices]
            self.fields["local_to"] = forms.ChoiceField(
                label=_("Code of"), choices=choices, required=not programme_wide,
                help_text=_("A municipality's code is a local addition to the programme's "
                            "category system; the other municipalities do not see it."))
            self._local = {str(m.pk): m for m in local_choices}
            self.order_fields(["name", "local_to"])
        self.fields["parent"].queryset = Code.objects.filter(system=system, active=True)
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(
                pk=self.instance.pk)
        self.fields["parent"].required = False
        self.fields["parent"].empty_label = _("(top level)")
        self.fields["origin"].choices = CodeOrigin.choices
        if not self.instance.pk:
            self.initial.setdefault("colour", COLOURS[Code.objects.filter(
                system=system).count() % len(COLOURS)])

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("parent", "local_to")}

    def municipality(self):
        return self._local.get(self.cleaned_data.get("local_to") or "") if hasattr(
            self, "_local") else None


class MergeForm(forms.Form):
    sources = forms.ModelMultipleChoiceField(
        queryset=Code.objects.none(), widget=forms.CheckboxSelectMultiple,
        label=_("Codes to merge into this one"),
        help_text=_("Their codings, memos and sub-codes move to this code."))

    def __init__(self, *args, code, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = Code.objects.filter(
            system=code.system, active=True).exclude(pk=code.pk)


class SplitForm(forms.Form):
    names = forms.CharField(label=_("New codes, one per line"), widget=TEXTAREA,
                            help_text=_("At least two. The codings go to the first; move them "
                                        "on while coding."))

    def name_list(self):
        return [line.strip() for line in self.cleaned_data["names"].splitlines() if line.strip()]


class MemoForm(forms.Form):
    text = forms.CharField(label=_("Memo"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=10000)
