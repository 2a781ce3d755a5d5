from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "qdialog.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from qdialog.core.registry import released_texts

        released_texts.register("qdialog.reports.material.released_texts")
