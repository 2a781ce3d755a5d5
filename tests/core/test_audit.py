"""The audit log: written by every service, readable only in scope."""

from django.urls import reverse

from qdialog.core.audit import diff, log_action
from qdialog.core.models import AuditEntry
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
    log_action(actor=world.people["mia"], action="update", obj=world.m1, summary="in M1")
    log_action(actor=world.people["oscar"], action="update", obj=world.m3, summary="in M3")
    log_action(actor=world.people["zoe"], action="update", obj=world.mb, summary="in MB")
    mia_log = client_for("mia").get(reverse("tenancy:municipality_audit", args=[world.m1.pk]))
    assert b"in M1" in mia_log.content and b"in M3" not in mia_log.content
    programme_log = client_for("alice").get(reverse("tenancy:programme_audit", args=["alpha"]))
    assert b"in M1" in programme_log.content and b"in M3" in programme_log.content
    assert b"in MB" not in programme_log.content


def test_log_filter_by_action(client_for, world):
    log_action(actor=world.people["mia"], action="update", obj=world.m1, summary="changed it")
    log_action(actor=world.people["mia"], action="export", obj=world.m1, summary="exported it")
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
    assert "Population: 100000 → 5" in body
    assert "Evaluation: No evaluation → Self-evaluation" in body
