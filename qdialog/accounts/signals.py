"""Login, logout and lock-out events go to the audit log (without a tenant scope)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from qdialog.core.audit import log_action


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    log_action(actor=user, action="login", obj=user, summary="Logged in")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_action(actor=user, action="logout", obj=user, summary="Logged out")
