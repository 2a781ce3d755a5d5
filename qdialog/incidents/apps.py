from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "qdialog.incidents"
    label = "incidents"
    verbose_name = _("Near-miss and incident reports")

    def ready(self):
        from qdialog.core.registry import demo_steps, shredders

        demo_steps.register("qdialog.incidents.demo.step", order=40)
        shredders.register("qdialog.incidents.shredders.IncidentReports", order=40)
