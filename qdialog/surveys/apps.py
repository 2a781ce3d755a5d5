from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "qdialog.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from qdialog.core.registry import demo_steps, shredders, timeline_sources

        demo_steps.register("qdialog.surveys.demo.step", order=10)
        timeline_sources.register("qdialog.surveys.selectors.timeline_entries", order=10)
        shredders.register("qdialog.surveys.shredders.Answers", order=10)
        shredders.register("qdialog.surveys.shredders.FreeTexts", order=11)
        shredders.register("qdialog.surveys.shredders.InvitationAddresses", order=60)
