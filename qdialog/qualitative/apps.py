from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualitativeConfig(AppConfig):
    name = "qdialog.qualitative"
    label = "qualitative"
    verbose_name = _("Qualitative analysis")

    def ready(self):
        from qdialog.core.registry import demo_steps, person_data, shredders

        demo_steps.register("qdialog.qualitative.demo.step", order=65)
        person_data.register("qdialog.qualitative.selectors.person_data", order=65)
        shredders.register("qdialog.qualitative.shredders.QualitativeDocuments", order=75)
