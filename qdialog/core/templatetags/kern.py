"""KERN UX building blocks for templates, so that the markup of a button, a figure, a column
header or an alert is written once (https://www.kern-ux.de).

    {% load kern %}
    {% button _("New action") "actions:create" municipality.pk kind="primary" icon="add" %}
    {% submit _("Save") %}   {% submit _("Delete") kind="secondary" name="delete" value="1" %}
    {% figure overview.total _("actions") %}
    {% col _("Name") %}
    {% alert "danger" title=_("Nothing was imported") %}…{% endalert %}
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

register = template.Library()

_ICON = '<span class="kern-icon kern-icon--{}" aria-hidden="true"></span>'
_ROLE = {"danger": "alert", "warning": "alert", "success": "status", "info": "status"}


def _icon(icon: str):
    return format_html(_ICON, icon) if icon else ""


@register.simple_tag
def button(label, url_name, *args, kind="secondary", icon="", href="", **query):
    """A link that looks like a button; `url_name` and `args` are reversed (or pass `href`)."""
    target = href or reverse(url_name, args=args)
    if query:
        target += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return format_html('<a class="kern-btn kern-btn--{}" href="{}">{}<span class="kern-label">'
                       '{}</span></a>', kind, target, _icon(icon), label)


@register.simple_tag
def submit(label, kind="primary", icon="", name="", value="", form=""):
    """The submit button of a form (with `name`/`value` when a form has several)."""
    attrs = format_html_join("", ' {}="{}"', [(k, v) for k, v in
                                              (("name", name), ("value", value), ("form", form))
                                              if v])
    return format_html('<button class="kern-btn kern-btn--{}" type="submit"{}>{}'
                       '<span class="kern-label">{}</span></button>', kind, attrs, _icon(icon),
                       label)


@register.simple_tag
def figure(value, label):
    """One key figure of a `<ul class="qd-figures">` row."""
    return format_html('<li class="qd-figure"><span class="qd-figure__value">{}</span>{}</li>',
                       value, label)


@register.simple_tag
def col(label, action=False):
    """A column header of a KERN table."""
    extra = " kern-table__header--action" if action else ""
    return format_html('<th scope="col" class="kern-table__header{}">{}</th>', extra, label)


@register.simple_block_tag
def alert(content, tone="info", title="", role=""):
    """A KERN alert around `content`: danger and warning are announced at once (role=alert),
    info and success politely (role=status)."""
    header = format_html('<div class="kern-alert__header">{}<span class="kern-title">{}</span>'
                         '</div>', _icon(tone), title) if title else ""
    return format_html('<div class="kern-alert kern-alert--{}" role="{}">{}'
                       '<div class="kern-alert__body">{}</div></div>', tone,
                       role or _ROLE.get(tone, "status"), header, content)


_TONE = {"error": "danger", "debug": "info"}


@register.filter
def tone(level_tag: str) -> str:
    """The KERN alert tone of a Django message level (error → danger)."""
    return _TONE.get(level_tag, level_tag or "info")


@register.filter
def alert_role(level_tag: str) -> str:
    """Errors are announced at once, everything else politely."""
    return "alert" if level_tag == "error" else "status"


@register.filter
def check_kind(widget_type: str) -> str:
    """KERN's class stem of a choice input: radio or checkbox."""
    return "radio" if widget_type == "radioselect" else "checkbox"


@register.simple_tag
def fact(label, value):
    """One key–value row of a `<dl class="kern-description-list">`."""
    return format_html('<div class="kern-description-list-item"><dt class="kern-description-list-'
                       'item__key">{}</dt><dd class="kern-description-list-item__value">{}</dd>'
                       '</div>', label, value)
