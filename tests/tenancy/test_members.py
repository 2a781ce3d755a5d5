"""Inviting people and removing roles."""

import re

from django.core import mail
from django.urls import reverse

from qdialog.accounts.models import User
from qdialog.core.models import AuditEntry
from qdialog.tenancy.models import Membership, Role


def test_invite_new_person_sends_set_password_link(client_for, world,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("mia").post(
            reverse("tenancy:member_invite", args=[world.m1.pk]),
            {"email": "Neu@Example.org", "display_name": "Nora Neu", "role": "participant",
             "organisation": str(world.orgs[world.m1.pk].pk)})
    assert response.status_code == 302
    user = User.objects.get(email="neu@example.org")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.PARTICIPANT and membership.municipality == world.m1
    assert AuditEntry.objects.filter(action="invite", municipality=world.m1).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neu@example.org"]
    assert "Landkreis Eins" in message.subject
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", message.body)
    assert link, message.body

    # The link lets the person choose a password and then log in.
    client = client_for("anon")
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    set_url = page.redirect_chain[-1][0] if page.redirect_chain else link.group(1)
    done = client.post(set_url, {"password1": "a new long passphrase",
                                 "password2": "a new long passphrase"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a new long passphrase")


def test_invite_existing_person_reuses_account(client_for, world,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for("alice").post(reverse("tenancy:member_invite", args=[world.m2.pk]),
                                 {"email": "paul@example.org", "display_name": "Paul",
                                  "role": "municipal_coordinator"})
    assert User.objects.filter(email="paul@example.org").count() == 1
    assert Membership.objects.filter(user=world.people["paul"]).count() == 2
    assert "bestehenden Konto" in mail.outbox[0].body  # in the recipient's language


def test_programme_invite_cluster_coordinator(client_for, world,
                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("alice").post(
            reverse("tenancy:programme_invite", args=["alpha"]),
            {"email": "cc@example.org", "display_name": "CC", "role": "cluster_coordinator",
             "cluster": str(world.a2.pk)})
    assert response.status_code == 302
    m = Membership.objects.get(user__email="cc@example.org")
    assert m.cluster == world.a2 and m.municipality is None


def test_last_coordinator_cannot_be_removed(client_for, world):
    membership = world.memberships["mia"]
    response = client_for("alice").post(
        reverse("tenancy:member_remove", args=[world.m1.pk, membership.pk]), follow=True)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert "at least one coordinator" in response.content.decode()


def test_removing_a_role_is_audited(client_for, world):
    membership = world.memberships["paul"]
    client_for("mia").post(reverse("tenancy:member_remove", args=[world.m1.pk, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = AuditEntry.objects.get(action="delete", municipality=world.m1)
    assert "paul@example.org" in entry.summary


def test_participant_sees_members_without_addresses(client_for, world):
    body = client_for("paul").get(reverse("tenancy:members", args=[world.m1.pk])).content
    assert b"Mia Koordination" in body
    assert b"mia@example.org" not in body
    assert b"Remove role" not in body
