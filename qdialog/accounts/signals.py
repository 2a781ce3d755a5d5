"""Login, logout and lock-out events go to the audit log (without a tenant scope)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext_noop

from qdialog.core import ratelimit
from qdialog.core.audit import log_action
from qdialog.core.notes import note

SPRAY_WINDOW = 3600  # seconds


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    """Count failed log-ins per address, whichever account they were for (password spraying);
    the address is only hashed into the cache key."""
    if request is not None:
        ratelimit.record("login-failed", request, SPRAY_WINDOW)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    connection = getattr(request, "_qdialog_sign_on", None)  # set by accounts/adapter.py
    log_action(actor=user, action="login", obj=user,
               summary=note(gettext_noop("logged in through %(connection)s"),
                            connection=connection.name)
               if connection is not None else note(gettext_noop("logged in")))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_action(actor=user, action="logout", obj=user, summary=note(gettext_noop("logged out")))
