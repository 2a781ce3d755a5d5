from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "qdialog.processes"
    label = "processes"
    verbose_name = _("Quality development processes")

    def ready(self):
        from qdialog.core.registry import (
            demo_steps,
            network_participation,
            person_data,
            shredders,
        )

        demo_steps.register("qdialog.processes.demo.step", order=30)
        person_data.register("qdialog.processes.selectors.person_data", order=30)
        network_participation.register("qdialog.processes.selectors.invited_organisations")
        shredders.register("qdialog.processes.shredders.EventRegistrations", order=61)
