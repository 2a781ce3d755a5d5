from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseReviewsConfig(AppConfig):
    name = "qdialog.casereviews"
    label = "casereviews"
    verbose_name = _("Case reviews")
