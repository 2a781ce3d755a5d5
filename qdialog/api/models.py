"""Personal API tokens for the institute's own statistics tools. Only a hash is stored."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user, name, expires_on=None) -> tuple["ApiToken", str]:
        token = "qd_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, prefix=token[:8],
                                  key_hash=hash_token(token), expires_on=expires_on), token

    @classmethod
    def authenticate(cls, token: str):
        found = cls.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        if found is None or not found.user.is_active:
            return None
        today = timezone.localdate()
        if found.expires_on and found.expires_on < today:
            return None
        if found.last_used_on != today:
            cls.objects.filter(pk=found.pk).update(last_used_on=today)
        return found.user
