from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.filter
def pct(value):
    return "" if value is None else f"{value * 100:.0f} %"


@register.filter
def mean_of(group):
    """A group's or unit's mean, or "×" where the disclosure plan withholds it (or "–" where
    there is nothing to show), formatted for the active language."""
    summary = getattr(group, "summary", None)
    if summary is not None and summary.mean is not None:
        return floatformat(summary.mean, 2)
    return "×" if getattr(group, "n_group", 0) is None else "–"


@register.filter
def css_string(value):
    """Text for a CSS string in double quotes (the page footer of a PDF report)."""
    text = " ".join(str(value).split())
    return mark_safe(text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c "))


@register.filter
def cell(value):
    """A cell of the overview: its mean, or × where it is withheld."""
    return "×" if value is None or value.mean is None else floatformat(value.mean, 2)


@register.filter
def label(row):
    """Display name of an item or dimension result."""
    variable = getattr(row, "variable", None)
    return variable.label((get_language() or "de")[:2]) if variable is not None else row.label


# A colour-blind-safe diverging palette (disagree → agree), from ColorBrewer RdBu.
PALETTES = {
    4: ["#ca0020", "#f4a582", "#92c5de", "#0571b0"],
    5: ["#ca0020", "#f4a582", "#d9d9d9", "#92c5de", "#0571b0"],
    7: ["#b2182b", "#ef8a62", "#fddbc7", "#d9d9d9", "#d1e5f0", "#67a9cf", "#2166ac"],
}


@register.simple_tag
def stacked_bar(shares):
    """A small stacked bar as inline SVG (attributes only, no inline styles)."""
    if not shares:
        return ""
    palette = PALETTES.get(len(shares)) or ["#0571b0"] * len(shares)
    x, rects = 0.0, []
    for share, colour in zip(shares, palette):
        width = share * 100
        rects.append(format_html('<rect x="{}" y="0" width="{}" height="10" fill="{}"/>',
                                 f"{x:.2f}", f"{width:.2f}", colour))
        x += width
    return mark_safe('<svg class="qd-bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
                     'aria-hidden="true" focusable="false">' + "".join(rects) + "</svg>")


@register.simple_tag(takes_context=True)
def sort_link(context, key, label, hidden="", number=None):
    """A column heading that sorts the table by it (a plain link: works without script); the
    column sorted by says so to screen readers."""
    key = f"{key}{number}" if number is not None else str(key)
    current = context.get("sort", "") == key
    return format_html('<a class="kern-link" href="?sort={}"{}>{}{}{}</a>', key,
                       mark_safe(' aria-current="true"') if current else "", label,
                       format_html('<span class="kern-sr-only"> {}</span>', hidden)
                       if hidden else "", " ↓" if current else "")
