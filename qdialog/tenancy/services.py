"""Writes for programmes, clusters, municipalities, organisations and memberships.

Every function takes the acting person, runs in one transaction and leaves an audit entry.
"""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import instance_create, instance_delete, instance_update, log_action
from qdialog.core.notes import note

from .models import Cluster, Membership, Municipality, Organisation, Programme, Role


@transaction.atomic
def programme_update(*, actor, programme: Programme, fields: dict) -> dict:
    return instance_update(actor=actor, instance=programme, fields=fields)


@transaction.atomic
def cluster_create(*, actor, programme: Programme, number: int, name: str = "") -> Cluster:
    return instance_create(actor=actor, instance=Cluster(programme=programme, number=number,
                                                         name=name))


@transaction.atomic
def cluster_update(*, actor, cluster: Cluster, fields: dict) -> dict:
    return instance_update(actor=actor, instance=cluster, fields=fields)


@transaction.atomic
def municipality_create(*, actor, programme: Programme, fields: dict) -> Municipality:
    return instance_create(actor=actor, instance=Municipality(programme=programme, **fields))


@transaction.atomic
def municipality_update(*, actor, municipality: Municipality, fields: dict) -> dict:
    return instance_update(actor=actor, instance=municipality, fields=fields)


@transaction.atomic
def organisation_create(*, actor, municipality: Municipality, fields: dict) -> Organisation:
    org = Organisation(programme_id=municipality.programme_id, municipality=municipality,
                       **fields)
    return instance_create(actor=actor, instance=org)


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, fields: dict) -> dict:
    return instance_update(actor=actor, instance=organisation, fields=fields)


@transaction.atomic
def organisation_delete(*, actor, organisation: Organisation) -> None:
    instance_delete(actor=actor, instance=organisation)


def _invitation_link(user, base_url: str) -> str:
    path = reverse("account_reset_password_from_key", kwargs={
        "uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)})
    return base_url.rstrip("/") + path


@transaction.atomic
def membership_invite(*, actor, email: str, display_name: str, role: str,
                      programme: Programme, municipality: Municipality | None = None,
                      cluster: Cluster | None = None,
                      organisation: Organisation | None = None, base_url: str) -> Membership:
    """Give a person a role; create their account if new and e-mail them a link to set a
    password. Someone who already holds this role here is refused with a clear message."""
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=email, password=None, display_name=display_name)
        log_action(actor=actor, action="create", obj=user,
                   summary=note(gettext_noop("account created by invitation")),
                   programme_id=programme.pk,
                   municipality_id=municipality.pk if municipality else None)
    membership = Membership(user=user, role=role, programme=programme, cluster=cluster,
                            municipality=municipality, organisation=organisation)
    exists = Membership.objects.filter(user=user, role=role, programme=programme,
                                       cluster=cluster, municipality=municipality).exists()
    if exists:
        raise ValidationError(_("%(email)s already has this role here.") % {"email": email})
    membership.full_clean()
    membership.save()
    log_action(actor=actor, action="invite", obj=membership,
               summary=note(gettext_noop("%(email)s as %(role)s"), email=email,
                            role=Role(role).label))

    with translation.override(user.preferred_language):
        context = {
            "user": user, "membership": membership, "inviter": actor, "new_account": created,
            "link": _invitation_link(user, base_url) if created else base_url,
        }
        subject = _("Invitation to qdialog: %(scope)s") % {"scope": membership.scope_object}
        body = render_to_string("tenancy/email/invitation.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    if membership.role == Role.MUNICIPAL_COORDINATOR and membership.municipality_id:
        others = Membership.objects.filter(
            municipality_id=membership.municipality_id, role=Role.MUNICIPAL_COORDINATOR
        ).exclude(pk=membership.pk)
        if not others.exists():
            raise ValidationError(
                _("A municipality needs at least one coordinator. Invite another coordinator "
                  "before removing this one."))
    instance_delete(actor=actor, instance=membership,
                    summary=note(gettext_noop("%(email)s no longer %(role)s"),
                                 email=membership.user.email, role=Role(membership.role).label))
