from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "qdialog.incidents"
    label = "incidents"
    verbose_name = _("Near-miss and incident reports")

    def ready(self):
        from qdialog.core.registry import daily_notices, demo_steps, shredders

        daily_notices.register("qdialog.incidents.notices.new_reports", order=10)
        demo_steps.register("qdialog.incidents.demo.step", order=40)
        shredders.register("qdialog.incidents.shredders.IncidentReports", order=40)
