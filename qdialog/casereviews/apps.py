from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseReviewsConfig(AppConfig):
    name = "qdialog.casereviews"
    label = "casereviews"
    verbose_name = _("Case reviews")

    def ready(self):
        from qdialog.core.registry import demo_steps, person_data, shredders

        demo_steps.register("qdialog.casereviews.demo.step", order=50)
        person_data.register("qdialog.casereviews.selectors.person_data", order=50)
        shredders.register("qdialog.casereviews.shredders.CaseReviews", order=30)
