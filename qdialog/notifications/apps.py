from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "qdialog.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from qdialog.core.registry import person_data

        person_data.register("qdialog.notifications.selectors.person_data", order=90)
