from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "qdialog.retention"
    label = "retention"
    verbose_name = _("Retention and deletion")

    def ready(self):
        from qdialog.core.registry import demo_steps

        demo_steps.register("qdialog.retention.demo.step", order=80)
