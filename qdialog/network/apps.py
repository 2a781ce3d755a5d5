from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "qdialog.network"
    label = "network"
    verbose_name = _("Child protection network")

    def ready(self):
        from qdialog.core.registry import demo_steps

        demo_steps.register("qdialog.network.demo.step", order=20)
