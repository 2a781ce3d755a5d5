"""Into the loop: a code or passage becomes the origin of an action or of a comment on a
standard, linked both ways."""

import pytest
from django.urls import reverse

from qdialog.actions.models import Action, Origin
from qdialog.qualitative import selectors, services
from qdialog.qualitative.models import CommentOrigin
from qdialog.standards import services as standards
from tests.standards.test_standards import FIELDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def coding(qd):
    return services.codings_add(actor=qd.alice, document=qd.transcript, codes=[qd.cooperation],
                                start=0, end=36)[0]


def test_action_from_a_passage(qd, coding, client_for, world):
    url = reverse("actions:create", args=[world.m1.pk]) + f"?coding={coding.pk}"
    page = client_for("alice").get(url)
    assert page.status_code == 200 and "Wir telefonieren oft" in page.content.decode()
    response = client_for("alice").post(url, {"title": "Schule einbinden", "priority": "medium",
                                              "coding": coding.pk,
                                              "status": "planned"})
    assert response.status_code == 302, response.content.decode()[:2000]
    action = Action.objects.get(title="Schule einbinden")
    assert action.origin == Origin.QUALITATIVE
    assert action.coding == coding and action.code == qd.cooperation
    detail = client_for("alice").get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert reverse("qualitative:document", args=[qd.transcript.pk]) in detail
    origins = selectors.code_origins(qd.cooperation, user=world.people["alice"])
    assert origins["actions"] == [action]
    code_page = client_for("alice").get(reverse("qualitative:code", args=[qd.cooperation.pk]))
    assert "Schule einbinden" in code_page.content.decode()


def test_action_from_a_passage_is_refused_to_those_who_cannot_read_it(coding, client_for,
                                                                       world):
    url = reverse("actions:create", args=[world.m1.pk]) + f"?coding={coding.pk}"
    assert client_for("mia").get(url).status_code == 404  # not a coder of the project


def test_comment_from_a_passage(qd, coding, client_for, world):
    standard = standards.standard_create(actor=world.people["mia"], municipality=world.m1,
                                         fields=FIELDS)
    url = reverse("qualitative:comment_from", args=[coding.pk])
    page = client_for("alice").get(url)
    assert page.status_code == 200
    assert client_for("alice").post(url, {"target": f"{standard.pk}:text:99", "text": "x"}
                                    ).status_code == 400
    response = client_for("alice").post(url, {"target": f"{standard.pk}:text:0",
                                              "text": "Das sagen die Fachkräfte."})
    assert response.status_code == 302
    origin = CommentOrigin.objects.get()
    assert origin.coding == coding and origin.comment.text == "Das sagen die Fachkräfte."
    detail = client_for("mia").get(reverse("standards:detail", args=[standard.pk]))
    assert reverse("qualitative:code", args=[qd.cooperation.pk]) in detail.content.decode()
    assert client_for("paul").get(url).status_code == 404


def test_documents_go_with_their_retention_period(qd, coding, world):
    import datetime as dt

    from qdialog.qualitative.models import Coding, Document
    from qdialog.retention import services as retention
    from qdialog.retention.models import RetentionPolicy

    RetentionPolicy.objects.update_or_create(programme=world.a,
                                             defaults={"qualitative_documents": 12})
    policy = RetentionPolicy.objects.get(programme=world.a)
    today = qd.transcript.added_on
    assert not retention.policy_due(policy, today=today).get("qualitative_documents")
    later = today + dt.timedelta(days=400)
    assert retention.policy_due(policy, today=later)["qualitative_documents"].count() == 2
    retention.policy_apply(policy, actor=None, today=later)
    assert not Document.objects.exists() and not Coding.objects.exists()
    assert qd.cooperation.pk  # the category system stays


def test_action_from_a_code(qd, client_for, world):
    page = client_for("mia").get(reverse("qualitative:code", args=[qd.cooperation.pk]))
    url = reverse("actions:create", args=[world.m1.pk]) + f"?code={qd.cooperation.pk}"
    assert url.replace("&", "&amp;") in page.content.decode() or url in page.content.decode()
    response = client_for("mia").post(url, {"title": "Kooperation stärken", "code":
                                            qd.cooperation.pk, "priority": "medium",
                                            "status": "planned"})
    assert response.status_code == 302
    action = Action.objects.get(title="Kooperation stärken")
    assert action.code == qd.cooperation and action.coding is None
    assert action.origin == Origin.QUALITATIVE
