"""The demo programme: 12 clusters, 43 municipalities (12 model, 31 partner), logins per role."""

from django.test import Client
from django.urls import reverse

from qdialog.tenancy import demo
from qdialog.tenancy.models import ClusterRole, EvaluationMode, Membership, Role


def test_demo_structure(db):
    programme = demo.demo_load()
    municipalities = programme.municipalities.all()
    assert programme.clusters.count() == 12
    assert municipalities.count() == 43
    assert municipalities.filter(cluster_role=ClusterRole.MODEL).count() == 12
    assert municipalities.filter(cluster_role=ClusterRole.PARTNER).count() == 31
    model = municipalities.filter(cluster_role=ClusterRole.MODEL)
    assert model.filter(evaluation_mode=EvaluationMode.EXTERNAL).count() == 6
    assert model.filter(evaluation_mode=EvaluationMode.SELF).count() == 6
    for cluster in programme.clusters.all():
        assert cluster.municipalities.filter(cluster_role=ClusterRole.MODEL).count() == 1
    for m in municipalities:
        systems = set(m.organisations.values_list("professional_system", flat=True))
        assert "youth_office" in systems and len(systems) >= 3
    assert programme.organisations.filter(professional_system="institute").count() == 1
    assert {m.role for m in Membership.objects.all()} == set(Role.values)


def test_every_demo_login_works(db):
    demo.demo_load()
    for local, _name, _role in demo.DEMO_LOGINS:
        client = Client()
        response = client.post(reverse("account_login"),
                               {"login": demo.demo_email(local), "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, local
        assert client.get(reverse("home")).status_code == 200


def test_demo_contains_no_real_looking_personal_data(db):
    demo.demo_load()
    from qdialog.accounts.models import User

    assert all(u.email.endswith("@" + demo.DEMO_DOMAIN) for u in User.objects.all())


def test_demo_reset(db):
    demo.demo_load()
    demo.demo_remove()
    assert not demo.demo_exists()
    demo.demo_load()
    assert demo.demo_exists()


def test_demo_surveys(db):
    from qdialog.surveys.models import AccessCode, Response, Wave

    programme = demo.demo_load()
    t0 = Wave.objects.get(programme=programme, timepoint=0)
    t1 = Wave.objects.get(programme=programme, timepoint=1)
    t2 = Wave.objects.get(programme=programme, timepoint=2)
    assert t0.status == "closed" and t1.status == "closed" and t2.status == "open"
    counts = dict(Response.objects.filter(wave=t0).values_list("municipality")
                  .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id")))
    assert len(counts) == 43 and min(counts.values()) >= 12  # every municipality, enough to analyse
    assert Response.objects.filter(wave=t1).values("municipality").distinct().count() == 43
    assert Response.objects.filter(wave=t2).exists()
    assert AccessCode.objects.filter(wave=t2, used=False).exists()
    from qdialog.disclosure.services import plan_for

    assert plan_for(t0, publish=False) and plan_for(t1, publish=False) and not plan_for(t2)
    perspectives = set(Response.objects.filter(wave=t0).values_list("perspective", flat=True))
    assert perspectives == {"1", "2", "3", "4"}


def test_demo_processes(db):
    from qdialog.processes.models import Process

    programme = demo.demo_load()
    processes = Process.objects.filter(municipality__programme=programme)
    assert processes.count() == 12
    for process in processes:
        assert process.current_phase is not None
        assert process.current_phase.kind == "workshops"
        assert process.groups.get().members.count() >= 3


def test_demo_events(db):
    from qdialog.processes.models import Event

    programme = demo.demo_load()
    events = Event.objects.filter(process__municipality__programme=programme)
    assert events.count() == 36
    assert events.exclude(minutes="").count() == 24
    assert events.filter(invitations__attended=True).distinct().count() == 24


def test_demo_networks(db):
    from qdialog.network.models import Relation
    from qdialog.tenancy.models import Municipality

    programme = demo.demo_load()
    for municipality in Municipality.objects.filter(programme=programme, cluster_role="model"):
        assert 15 <= municipality.organisations.count() <= 40
        assert Relation.objects.filter(municipality=municipality).count() >= 8


def test_demo_retention_periods_show_on_the_pages(db):
    from qdialog.retention.models import RetentionPolicy

    programme = demo.demo_load()
    policy = RetentionPolicy.objects.get(programme=programme)
    assert (policy.answers, policy.invitation_addresses) == (60, 6)
    coordinator = Membership.objects.get(programme=programme, role=Role.MUNICIPAL_COORDINATOR)
    client = Client(headers={"Accept-Language": "de"})
    client.force_login(coordinator.user)
    page = client.get(reverse("retention:municipality", args=[coordinator.municipality_id]))
    assert page.status_code == 200 and "60 Monate" in page.content.decode()
