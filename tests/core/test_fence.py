"""The tenant fence (qdialog/core/scoping.py): a query on a tenant model outside a fence raises,
a request is fenced to the person's programmes, and the escape hatch is explicit and known."""

import re
import subprocess
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.db.models import Count
from django_scopes import scope

from qdialog.core.scoping import ScopeError, TenantManager, fence, unscoped
from qdialog.surveys.models import Wave
from qdialog.tenancy.models import Cluster, Municipality, Organisation, Programme

ROOT = Path(__file__).resolve().parents[2]
# Models that belong to no programme: people, their API tokens.
# a person's own: their account, API tokens, notification settings and the digests sent to them
NOT_TENANT = {"accounts.User", "api.ApiToken", "notifications.Preference",
              "notifications.Digest",
              # single sign-on connections: the installation's configuration, kept by operators
              # and looked up by e-mail domain before anyone is logged in (docs/sso.md)
              "accounts.SignOnConnection", "accounts.SignOnDomain"}
# Every place that opens the escape hatch. A new one is added here after a review of its reason.
ESCAPE_HATCHES = {
    "qdialog/cli.py", "qdialog/urls.py", "qdialog/tenancy/scope.py",
    "qdialog/incidents/views_public.py",
    "qdialog/surveys/tasks.py", "qdialog/reports/tasks.py", "qdialog/actions/tasks.py",
    "qdialog/analysis/tasks.py", "qdialog/processes/tasks.py", "qdialog/processes/invitations.py",
    "qdialog/accounts/personal_data.py", "qdialog/notifications/tasks.py",
}


# Every module that runs statements written by hand, which no tenant fence filters
# (docs/architecture.md). A new one is added here after a review of what it reads and writes.
HAND_WRITTEN_SQL = {
    "qdialog/core/health.py",  # SELECT 1
    "qdialog/incidents/services.py",  # VACUUM after mixing the anonymous reports
    "qdialog/surveys/frame.py",  # analysis reads one wave's vectors
    "qdialog/surveys/mixing.py",  # rewrites the answer sets of one wave
    "qdialog/surveys/selectors.py",  # the respondent's code, which names its own wave
    "qdialog/surveys/submission.py",  # one answer set, of the code's wave
}


def test_every_hand_written_statement_is_known():
    found = subprocess.run(["git", "grep", "-ln", r"\.cursor()", "--", "qdialog"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    assert set(found) == HAND_WRITTEN_SQL


@pytest.fixture
def settings_fence(settings):
    settings.ROOT_URLCONF = "tests.core.fence_urls"


def test_every_model_of_a_programme_is_fenced():
    unfenced = [m._meta.label for m in apps.get_models()
                if m.__module__.startswith("qdialog.") and m._meta.label not in NOT_TENANT
                and not isinstance(m._default_manager, TenantManager)]
    assert unfenced == []
    for model in apps.get_models():
        if isinstance(model._default_manager, TenantManager):
            path = model._tenant_fence_path
            target = model
            for part in [] if path == "pk" else path.split("__"):
                target = target._meta.get_field(part).related_model
            assert target is Programme, model


def test_a_query_outside_any_fence_raises(world):
    with scope():  # _enabled, but no programme: what a worker or script sees without a hatch
        for query in (lambda: list(Municipality.objects.all()),
                      lambda: Municipality.objects.count(),
                      lambda: Municipality.objects.exists(),
                      lambda: Municipality.objects.get(pk=world.m1.pk),
                      lambda: Municipality.objects.aggregate(n=Count("pk")),
                      lambda: Municipality.objects.filter(pk=0).update(name="x"),
                      lambda: Wave.objects.filter(pk=0).delete(),
                      lambda: list(world.a.municipalities.all()),
                      lambda: list(Organisation.objects.values_list("name", flat=True))):
            with pytest.raises(ScopeError):
                query()


def test_inside_a_fence_only_its_programmes_answer(world):
    with fence([world.a.pk]):
        assert set(Municipality.objects.values_list("name", flat=True)) == {
            "Landkreis Eins", "Stadt Zwei", "Landkreis Drei"}
        assert not Municipality.objects.filter(pk=world.mb.pk).exists()
        assert Municipality.objects.filter(pk=world.mb.pk).update(name="x") == 0
        assert list(world.b.clusters.all()) == []  # related managers are fenced too
        assert Programme.objects.count() == 1
        assert list(Cluster.objects.filter(pk=world.b1.pk).iterator()) == []
    world.mb.refresh_from_db()
    assert world.mb.name == "Landkreis Beta"
    with fence([]):
        assert Municipality.objects.count() == 0


def test_a_form_field_made_at_import_time_is_fenced_when_it_is_asked(world):
    class Choose(forms.Form):
        municipality = forms.ModelChoiceField(queryset=Municipality.objects.all())

    with fence([world.b.pk]):
        labels = {str(label) for _, label in list(Choose().fields["municipality"].choices)[1:]}
        assert labels == {"Landkreis Beta"}
        assert not Choose({"municipality": world.m1.pk}).is_valid()


def test_the_escape_hatch_needs_a_reason():
    with pytest.raises(ValueError), unscoped("  "):
        pass


def test_every_escape_hatch_is_known_and_gives_a_reason():
    found = subprocess.run(["git", "grep", "-n", "unscoped(", "--", "qdialog"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.splitlines()
    files = set()
    for line in found:
        path, _, code = line.split(":", 2)
        if path == "qdialog/core/scoping.py":
            continue
        assert re.search(r'unscoped\("[^"]{12,}"\)', code), line
        files.add(path)
    assert files == ESCAPE_HATCHES


@pytest.mark.parametrize("role, own, foreign", [("alice", 200, 404), ("zoe", 404, 200),
                                                ("paul", 200, 404)])
def test_a_view_that_forgets_the_scope_still_finds_nothing_of_other_programmes(
        client_for, world, settings_fence, role, own, foreign):
    client = client_for(role)
    assert client.get(f"/careless/{world.m1.pk}/").status_code == own
    assert client.get(f"/careless/{world.mb.pk}/").status_code == foreign
    counted = int(client.get("/careless/").content)
    assert counted == (1 if role == "zoe" else 3)


def test_an_anonymous_request_sees_no_programme(client, world, settings_fence):
    assert client.get(f"/careless/{world.m1.pk}/").status_code == 404
    assert client.get("/careless/").content == b"0"


def test_a_query_that_escaped_the_fence_raises_in_tests_and_is_a_404_in_production(
        client_for, world, settings_fence, settings, caplog):
    client = client_for("alice")
    with pytest.raises(ScopeError):
        client.get("/escaped/")
    settings.QDIALOG_SCOPE_ERRORS_RAISE = False
    with caplog.at_level("ERROR", logger="qdialog.scope"):
        assert client.get("/escaped/").status_code == 404
    # the operator learns which page and which model; the log carries no id from the path
    [record] = [r for r in caplog.records if r.name == "qdialog.scope"]
    assert record.getMessage().startswith("tenant query outside the fence on escaped/: ")
    assert "queried outside a tenant fence" in record.getMessage()
