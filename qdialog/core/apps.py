from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qdialog.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_create_cache_table, sender=self)

        from .registry import shredders

        shredders.register("qdialog.core.shredders.AuditEntries", order=50)


def _create_cache_table(sender, using="default", **kwargs):
    """`qdialog migrate` also creates the database cache's table when the cache is the
    database (the default in production), so the rate limits work from the first start."""
    from django.conf import settings
    from django.core.management import call_command

    if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)
