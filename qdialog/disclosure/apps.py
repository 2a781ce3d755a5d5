from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "qdialog.disclosure"
    label = "disclosure"
    verbose_name = _("Disclosure control")

    def ready(self):
        from . import receivers  # noqa: F401
