from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "qdialog.standards"
    label = "standards"
    verbose_name = _("Standards and quality concept")

    def ready(self):
        from qdialog.core.registry import demo_steps, person_data, timeline_sources

        demo_steps.register("qdialog.standards.demo.step", order=60)
        person_data.register("qdialog.standards.selectors.person_data", order=60)
        timeline_sources.register("qdialog.standards.selectors.timeline_entries", order=20)
