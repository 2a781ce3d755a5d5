"""The audit log: written by every service, readable only in scope."""

from django.urls import reverse

from qdialog.core.audit import diff, log_action
from qdialog.core.models import AuditEntry
from qdialog.core.notes import note
from qdialog.tenancy import services


def test_diff_only_lists_changed_fields(world):
    assert diff({"a": 1, "b": "x"}, {"a": 1, "b": "y"}) == {"b": ["x", "y"]}
    assert diff({"c": world.a1}, {"c": world.a2}) == {"c": [str(world.a1), str(world.a2)]}


def test_update_without_change_writes_nothing(world):
    services.municipality_update(actor=world.people["mia"], municipality=world.m1,
                                 fields={"name": world.m1.name})
    assert not AuditEntry.objects.filter(action="update").exists()


def test_entries_carry_scope_and_actor(world):
    services.cluster_update(actor=world.people["alice"], cluster=world.a1,
                            fields={"name": "Nordost"})
    entry = AuditEntry.objects.get(action="update")
    assert entry.programme == world.a and entry.municipality is None
    assert entry.actor_label == "alice@example.org"
    assert entry.changes == {"name": ["North", "Nordost"]}


def test_logs_are_read_only_in_scope(client_for, world):
    log_action(actor=world.people["mia"], action="update", obj=world.m1, summary=note("in M1"))
    log_action(actor=world.people["oscar"], action="update", obj=world.m3, summary=note("in M3"))
    log_action(actor=world.people["zoe"], action="update", obj=world.mb, summary=note("in MB"))
    mia_log = client_for("mia").get(reverse("tenancy:municipality_audit", args=[world.m1.pk]))
    assert b"in M1" in mia_log.content and b"in M3" not in mia_log.content
    programme_log = client_for("alice").get(reverse("tenancy:programme_audit", args=["alpha"]))
    assert b"in M1" in programme_log.content and b"in M3" in programme_log.content
    assert b"in MB" not in programme_log.content


def test_log_filter_by_action(client_for, world):
    log_action(actor=world.people["mia"], action="update", obj=world.m1, summary=note("changed it"))
    mia = world.people["mia"]
    log_action(actor=mia, action="export", obj=world.m1, summary=note("exported it"))
    page = client_for("mia").get(reverse("tenancy:municipality_audit", args=[world.m1.pk]),
                                 {"action": "export"})
    assert b"exported it" in page.content and b"changed it" not in page.content


def test_login_is_logged(client_for, world):
    client_for("mia")
    assert AuditEntry.objects.filter(action="login", actor=world.people["mia"]).exists()


def test_admin_cannot_edit_audit_entries(world, client):
    from qdialog.accounts.models import User

    admin = User.objects.create_superuser(email="op@example.org", password="x" * 12)
    entry = log_action(actor=admin, action="update", obj=world.m1)
    client.force_login(admin)
    url = reverse("admin:core_auditentry_change", args=[entry.pk])
    response = client.post(url, {"summary": "forged"})
    entry.refresh_from_db()
    assert entry.summary == ""
    assert response.status_code == 403  # read-only: the change is refused, not ignored


def test_changes_are_shown_with_field_names_and_choice_labels(client_for, world):
    services.municipality_update(actor=world.people["alice"], municipality=world.m2,
                                 fields={"population": 5, "evaluation_mode": "self"})
    body = client_for("alice").get(reverse("tenancy:municipality_audit",
                                           args=[world.m2.pk])).content.decode()
    body = " ".join(body.split())  # as the page reads: line breaks in the markup are spaces
    assert "Population: 100000 → 5" in body
    assert "Evaluation: No evaluation → Self-evaluation" in body


def test_only_audit_actions_and_notes_are_accepted(world):
    import pytest

    with pytest.raises(ValueError):
        log_action(actor=None, action="frobnicate", obj=world.m1)
    with pytest.raises(TypeError):
        log_action(actor=None, action="update", obj=world.m1, summary="free English text")
    assert not AuditEntry.objects.exists()


def test_publish_and_import_are_actions_the_page_names_and_filters(client_for, world):
    from django.utils.translation import gettext_noop

    log_action(actor=world.people["mia"], action="publish", obj=world.m1,
               summary=note(gettext_noop("published")))
    log_action(actor=world.people["mia"], action="import", obj=world.m1,
               summary=note(gettext_noop("%(count)s actions imported from CSV"), count=3))
    url = reverse("tenancy:municipality_audit", args=[world.m1.pk])
    german = client_for("mia").get(url, {"action": "import"},
                                   HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "importiert" in german and "3 Maßnahmen aus CSV importiert" in german
    assert "veröffentlicht" not in german.split("<tbody")[1]  # the filter selected import only
    assert '<option value="publish"' in german and '<option value="import"' in german
    english = client_for("mia").get(url).content.decode()
    assert "3 actions imported from CSV" in english and "published" in english


def test_summaries_are_shown_in_the_readers_language(client_for, world):
    from qdialog.tenancy.models import Role

    entry = log_action(actor=world.people["mia"], action="invite", obj=world.m1,
                       summary=note("%(email)s as %(role)s", email="neu@example.org",
                                    role=Role.PARTICIPANT.label))
    assert entry.summary == "neu@example.org as Participant"  # English kept for search
    from django.utils import translation

    with translation.override("de"):
        assert entry.summary_text == "neu@example.org als Teilnehmende Fachkraft"


def test_every_audited_model_names_itself():
    """No "ReleasedText object (4)" in the log: every model with an audit scope has __str__."""
    from django.apps import apps
    from django.db import models

    nameless = [m.__name__ for m in apps.get_models()
                if hasattr(m, "audit_scope") and m.__str__ is models.Model.__str__]
    assert nameless == []
