"""Templates as components: the KERN building blocks (qdialog/core/templatetags/kern.py) render
the markup once, escape what they are given, and templates stay readable and in their apps."""

from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2] / "qdialog"
# What the project-wide template folder may hold: the page frame, error pages, form rendering,
# shared includes, and allauth's overrides. Everything else lives in its app.
PROJECT_TEMPLATES = {"base.html", "400.html", "403.html", "403_csrf.html", "404.html", "500.html",
                     "503.html", "account", "allauth", "errors", "forms", "includes"}


def render(source, **context):
    return Template("{% load kern %}" + source).render(Context(context))


def test_button_reverses_its_url_and_escapes_its_label():
    html = render('{% button label "tenancy:programme" "alpha" kind="primary" icon="add" %}',
                  label="<b>Neu</b>")
    assert html == ('<a class="kern-btn kern-btn--primary" href="/p/alpha/"><span '
                    'class="kern-icon kern-icon--add" aria-hidden="true"></span><span '
                    'class="kern-label">&lt;b&gt;Neu&lt;/b&gt;</span></a>')


def test_submit_with_name_and_value_and_a_translated_label():
    with translation.override("de"):
        html = render('{% submit _("Save") kind="secondary" name="delete" value="1" %}')
    assert html == ('<button class="kern-btn kern-btn--secondary" type="submit" name="delete" '
                    'value="1"><span class="kern-label">Speichern</span></button>')


def test_figure_col_and_alert():
    with translation.override("de"):
        assert render('{% figure n|floatformat:1 _("actions") %}', n=2.25) == (
            '<li class="qd-figure"><span class="qd-figure__value">2,3</span>Maßnahmen</li>')
    with translation.override("en"):
        assert render('{% col _("Name") %}{% col "x" action=True %}') == (
            '<th scope="col" class="kern-table__header">Name</th>'
            '<th scope="col" class="kern-table__header kern-table__header--action">x</th>')
    html = render('{% alert "danger" title=title %}<p>{{ text }}</p>{% endalert %}',
                  title="Nichts <gespeichert>", text="<i>x</i>")
    assert html.startswith('<div class="kern-alert kern-alert--danger" role="alert">')
    assert "Nichts &lt;gespeichert&gt;" in html and "<p>&lt;i&gt;x&lt;/i&gt;</p>" in html
    assert 'role="status"' in render('{% alert "info" %}ok{% endalert %}')


def test_fact_is_one_row_of_a_description_list():
    assert render('{% fact "Phase" value %}', value="<Hilfe>") == (
        '<div class="kern-description-list-item"><dt class="kern-description-list-item__key">'
        'Phase</dt><dd class="kern-description-list-item__value">&lt;Hilfe&gt;</dd></div>')


@pytest.mark.parametrize("level, tone, role", [("error", "danger", "alert"),
                                               ("success", "success", "status"),
                                               ("warning", "warning", "status"),
                                               ("debug", "info", "status"),
                                               ("info", "info", "status")])
def test_message_levels_become_kern_tones(level, tone, role):
    assert render("{{ l|tone }} {{ l|alert_role }}", l=level) == f"{tone} {role}"


def test_no_template_line_is_longer_than_200_characters():
    long = [f"{p.relative_to(ROOT)}:{n}" for p in ROOT.rglob("*.html")
            for n, line in enumerate(p.read_text().split("\n"), 1) if len(line) > 200]
    assert long == []


def test_no_template_tag_spans_lines():
    """Django reads a tag broken over two lines as text: the page would show "{% translate"."""
    import re

    broken = [f"{p.relative_to(ROOT)}:{p.read_text()[:m.start()].count(chr(10)) + 1}"
              for p in [*ROOT.rglob("*.html"), *ROOT.rglob("*.txt")] if "templates" in p.parts
              for m in re.finditer(r"\{%[^%]*?\n[^%]*?%\}", p.read_text())]
    assert broken == []


def test_templates_live_in_their_apps():
    assert {p.name for p in (ROOT / "templates").iterdir()} <= PROJECT_TEMPLATES


def test_page_titles_hold_text_only():
    """The browser tab and a screen reader's first words: no markup in a title block (the
    profile page once carried a whole section there)."""
    import re

    wrong = []
    for path in ROOT.rglob("*.html"):
        for title in re.findall(r"\{% block title %\}(.*?)\{% endblock", path.read_text(), re.S):
            if "<" in title:
                wrong.append(str(path.relative_to(ROOT)))
    assert wrong == []
