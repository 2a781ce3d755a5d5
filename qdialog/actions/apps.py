from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "qdialog.actions"
    label = "actions"
    verbose_name = _("Action plan")

    def ready(self):
        from qdialog.core.registry import (
            daily_notices,
            demo_steps,
            person_data,
            timeline_sources,
        )

        # the reminders of due measures go out with the daily notices (`qdialog send-digests`)
        daily_notices.register("qdialog.actions.tasks.send_reminders", order=20)
        demo_steps.register("qdialog.actions.demo.step", order=70)
        person_data.register("qdialog.actions.selectors.person_data", order=70)
        timeline_sources.register("qdialog.actions.selectors.timeline_entries", order=30)
