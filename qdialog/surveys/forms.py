import re

from django import forms
from django.utils.translation import gettext_lazy as _

from qdialog.core.forms import DateInput

from .models import Instrument, Item, ItemKind, Section, Wave


def instrument_choice_label(instrument) -> str:
    """Which instrument: title, version, whose it is, and whether it is still a draft."""
    owner = str(instrument.municipality) if instrument.municipality_id else _("whole programme")
    state = _("in use – fixed") if instrument.is_frozen else _("draft – editable")
    return f"{instrument} · {owner} · {state}"


class WaveForm(forms.ModelForm):
    def clean_title(self):
        """A time point typed into the name ("… (t2)") is taken out: it is added anyway."""
        return re.sub(r"\s*\(t\d+\)\s*$", "", self.cleaned_data["title"]).strip() or \
            self.cleaned_data["title"]

    scope = forms.ChoiceField(label=_("Who is surveyed"), required=True)

    class Meta:
        model = Wave
        fields = ["title", "instrument", "timepoint", "opens_on", "closes_on", "min_group_size",
                  "allow_group_code"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}

    def __init__(self, *args, programme, instruments, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].help_text = _("The time point is added to the name – "
                                           "“Evaluation 2027 (t1)” – so there is no need to "
                                           "type it.")
        self.programme = programme
        self.instance.programme = programme
        self.fields["instrument"].queryset = instruments.select_related("municipality") \
            .order_by("family", "-version")
        self.fields["instrument"].label_from_instance = instrument_choice_label
        if municipality is not None:
            self.fields["scope"].choices = [(f"m{municipality.pk}", str(municipality))]
            self.fields["scope"].initial = f"m{municipality.pk}"
        else:
            choices = [("p", _("The whole programme"))]
            choices += [(f"c{c.pk}", str(c)) for c in programme.clusters.all()]
            choices += [(f"m{m.pk}", str(m)) for m in programme.municipalities.all()]
            self.fields["scope"].choices = choices
        if self.instance.pk:
            current = (f"m{self.instance.municipality_id}" if self.instance.municipality_id
                       else f"c{self.instance.cluster_id}" if self.instance.cluster_id else "p")
            self.fields["scope"].initial = current
            if self.instance.has_opened:
                for name in Wave.ANONYMITY_FIELDS + ("scope",):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Fixed since the wave opened.")

    def clean(self):
        data = super().clean()
        scope = data.get("scope", "p")
        self.instance.cluster_id = int(scope[1:]) if scope.startswith("c") else None
        self.instance.municipality_id = int(scope[1:]) if scope.startswith("m") else None
        return data


class ExtendForm(forms.Form):
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput())


class CodesForm(forms.Form):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=5000,
                               initial=50)
    municipality = forms.ModelChoiceField(label=_("For municipality"), queryset=None,
                                          required=False)

    def __init__(self, *args, wave, **kwargs):
        super().__init__(*args, **kwargs)
        if wave.municipality_id:
            del self.fields["municipality"]
        else:
            qs = wave.programme.municipalities.all()
            if wave.cluster_id:
                qs = qs.filter(cluster_id=wave.cluster_id)
            self.fields["municipality"].queryset = qs
            self.fields["municipality"].required = True


class InvitationsForm(CodesForm):
    count = None
    emails = forms.CharField(
        label=_("E-mail addresses"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One address per line. The list is kept apart from the answers and "
                    "deleted when the wave closes."))

    def clean_emails(self):
        raw = [e.strip() for e in re.split(r"[\s,;]+", self.cleaned_data["emails"]) if e.strip()]
        validator = forms.EmailField()
        bad, good = [], []
        for address in raw:
            try:
                good.append(validator.clean(address).lower())
            except forms.ValidationError:
                bad.append(address)
        if bad:
            raise forms.ValidationError(_("Not valid e-mail addresses: %(list)s"),
                                        params={"list": ", ".join(bad[:10])})
        if not good:
            raise forms.ValidationError(_("Please enter at least one address."))
        if len(good) > 2000:
            raise forms.ValidationError(_("At most 2,000 addresses at a time."))
        return sorted(set(good))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, max_mb=5, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_mb = max_mb

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_mb * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(n)s MB."),
                                        params={"n": self.max_mb})
        return upload


class InstrumentForm(forms.ModelForm):
    class Meta:
        model = Instrument
        fields = ["title_de", "title_en", "title_plain", "intro_de", "intro_en", "intro_plain",
                  "paged"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in
                   ["intro_de", "intro_en", "intro_plain"]}


def _condition_field():
    return forms.CharField(
        label=_("Shown only if"), required=False, max_length=200,
        help_text=_("Optional: code of an earlier question and the answer values, e.g. "
                    "perspective=1,2,4"))


def parse_condition(text):
    text = (text or "").strip()
    if not text:
        return {}
    match = re.fullmatch(r"([A-Za-z][A-Za-z0-9_]*)\s*=\s*([\w\s,]+)", text)
    if not match:
        raise forms.ValidationError(_("Write it as code=value,value, e.g. perspective=1,2"))
    values = [v.strip() for v in match.group(2).split(",") if v.strip()]
    return {"item": match.group(1), "in": [int(v) if v.isdigit() else v for v in values]}


def condition_text(condition):
    if not condition:
        return ""
    return f"{condition['item']}=" + ",".join(str(v) for v in condition.get("in", []))


class SectionForm(forms.ModelForm):
    condition_text = _condition_field()

    class Meta:
        model = Section
        fields = ["code", "title_de", "title_en", "title_plain", "intro_de", "intro_en",
                  "intro_plain"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in
                   ["intro_de", "intro_en", "intro_plain"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition_text"].initial = condition_text(self.instance.condition)

    def clean_condition_text(self):
        return parse_condition(self.cleaned_data["condition_text"])


def dimensions_known(instrument) -> dict[str, str]:
    """The dimensions of an instrument and of the other versions of its family, code → name."""
    known: dict[str, str] = {}
    versions = Instrument.objects.filter(programme_id=instrument.programme_id,
                                         family=instrument.family)
    for version in versions:
        for code, labels in (version.dimension_labels or {}).items():
            known.setdefault(code, (labels or {}).get("de") or code)
    for code in Item.objects.filter(section__instrument__in=versions).exclude(dimension="") \
            .values_list("dimension", flat=True).distinct():
        known.setdefault(code, code)
    return known


class ItemForm(forms.ModelForm):
    options_text = forms.CharField(
        label=_("Options"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Choice questions: one option per line, as German | English | plain "
                    "language. Rating scales: leave empty for the standard labels."))
    rows_text = forms.CharField(
        label=_("Matrix rows"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One row per line, as code | German | English | plain language; "
                    "add | reverse for a reverse-coded row."))
    condition_text = _condition_field()
    new_dimension = forms.CharField(
        label=_("Code of the new dimension"), required=False, max_length=60,
        help_text=_("Only for “new dimension”: letters, digits and _, e.g. fehlerkultur."))

    NEW_DIMENSION = "__new__"
    #: the fields each type of question has, beyond those every question has
    KIND_FIELDS = {
        "likert": {"scale_points", "dont_know", "reverse_coded", "dimension", "new_dimension"},
        "matrix": {"scale_points", "dont_know", "rows_text", "dimension", "new_dimension"},
        "single": {"options_text", "allow_other", "role"},
        "multi": {"options_text", "allow_other"},
        "number": {"min_value", "max_value"},
        "short_text": {"max_length"},
        "long_text": {"max_length"},
    }

    class Meta:
        model = Item
        fields = ["kind", "code", "text_de", "text_en", "text_plain", "help_de", "help_en",
                  "help_plain", "required", "scale_points", "dont_know", "reverse_coded",
                  "allow_other", "min_value", "max_value", "max_length", "dimension", "role"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in
                   ["text_de", "text_en", "text_plain"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        item = self.instance
        self.fields["options_text"].initial = "\n".join(
            " | ".join(o.get(k, "") for k in ("de", "en", "plain")).rstrip(" |")
            for o in item.options or [])
        self.fields["rows_text"].initial = "\n".join(
            " | ".join([r["code"], r.get("de", ""), r.get("en", ""), r.get("plain", "")])
            + (" | reverse" if r.get("reverse") else "") for r in item.rows or [])
        self.fields["condition_text"].initial = condition_text(item.condition)
        known = dimensions_known(item.section.instrument) if item.section_id else {}
        if item.dimension and item.dimension not in known:
            known[item.dimension] = item.dimension
        self.fields["dimension"] = forms.ChoiceField(
            label=_("dimension"), required=False, initial=item.dimension,
            choices=[("", _("— none —")), *sorted(known.items(), key=lambda c: str(c[1])),
                     (self.NEW_DIMENSION, _("New dimension …"))],
            help_text=_("Questions of one dimension make up its scale score. Choose from the "
                        "list, so that a typo never starts a scale of its own."))

    def only_fields_of(self, kind: str) -> None:
        """Show only the fields of this type of question; the others keep their stored value."""
        if kind not in self.KIND_FIELDS:
            return
        every = set().union(*self.KIND_FIELDS.values())
        for name in every - self.KIND_FIELDS[kind]:
            self.fields.pop(name, None)
        self.fields["kind"].widget.attrs.update({
            "hx-get": "", "hx-trigger": "change", "hx-target": "closest form",
            "hx-select": "form.qd-form", "hx-swap": "outerHTML", "hx-include": "closest form"})

    def _new_dimension(self, data):
        if data.get("dimension") == self.NEW_DIMENSION:
            new = (data.get("new_dimension") or "").strip()
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,59}", new):
                self.add_error("new_dimension", _("Give the new dimension a code of small "
                                                  "letters, digits and _ (e.g. fehlerkultur)."))
            else:
                data["dimension"] = new

    def clean_options_text(self):
        options = []
        for line in (self.cleaned_data["options_text"] or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + ["", ""]
            if not parts[0]:
                raise forms.ValidationError(_("Every option needs a German label."))
            options.append({"value": len(options) + 1, "de": parts[0], "en": parts[1],
                            "plain": parts[2]})
        if len(options) > 50:
            raise forms.ValidationError(_("At most 50 options."))
        return options

    def clean_rows_text(self):
        rows, seen = [], set()
        for line in (self.cleaned_data["rows_text"] or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            code = parts[0]
            if not re.fullmatch(r"[A-Za-z0-9_]{1,20}", code) or code in seen:
                raise forms.ValidationError(_("Row code “%(code)s” is invalid or repeated."),
                                            params={"code": code})
            seen.add(code)
            parts += ["", "", ""]
            rows.append({"code": code, "de": parts[1], "en": parts[2], "plain": parts[3],
                         "reverse": "reverse" in parts[4:]})
        return rows

    def clean_condition_text(self):
        return parse_condition(self.cleaned_data["condition_text"])

    def clean(self):
        data = super().clean()
        self._new_dimension(data)
        kind = data.get("kind")
        if kind in (ItemKind.SINGLE, ItemKind.MULTI) and not data.get("options_text"):
            self.add_error("options_text", _("A choice question needs at least one option."))
        if kind in (ItemKind.LIKERT, ItemKind.MATRIX) and not data.get("scale_points"):
            self.add_error("scale_points", _("A rating scale needs 4, 5 or 7 points."))
        if kind == ItemKind.MATRIX and not data.get("rows_text"):
            self.add_error("rows_text", _("A matrix needs at least one row."))
        # the model's own checks (run next) look at these
        self.instance.options = data.get("options_text") or []
        self.instance.rows = data.get("rows_text") or []
        self.instance.condition = data.get("condition_text") or {}
        return data

    def _update_errors(self, errors):
        """The model checks options and rows; show its messages at the form's text fields."""
        if hasattr(errors, "error_dict"):
            mapping = {"options": "options_text", "rows": "rows_text",
                       "condition": "condition_text"}
            errors = forms.ValidationError({mapping.get(k, k): v
                                            for k, v in errors.error_dict.items()})
        super()._update_errors(errors)

    def item_fields(self):
        """What is saved: the fields shown, and for the others what the question had (a
        field of another type is emptied when the type changes)."""
        data, item = self.cleaned_data, self.instance
        fields = {k: data[k] if k in self.fields else getattr(item, k)
                  for k in self.Meta.fields}
        fields["options"] = data["options_text"] if "options_text" in self.fields \
            else (item.options or [])
        fields["rows"] = data["rows_text"] if "rows_text" in self.fields else (item.rows or [])
        fields["condition"] = data["condition_text"]
        return fields
