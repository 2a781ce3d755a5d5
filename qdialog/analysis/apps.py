from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "qdialog.analysis"
    label = "analysis"
    verbose_name = _("Analysis")

    def ready(self):
        from . import receivers  # noqa: F401
