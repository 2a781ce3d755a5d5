"""Choice lists that several apps share: one definition per concept."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    """How urgent an action or a recommendation is."""

    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class SystemLevel(models.TextChoices):
    """The level of the help system a standard addresses or a hypothesis of a case review
    concerns (the levels of systemic case analysis)."""

    PROFESSIONAL = "professional", _("Professional (Fachkraft)")
    TEAM = "team", _("Team")
    ORGANISATION = "organisation", _("Organisation")
    HELP_SYSTEM = "help_system", _("Help system (Hilfesystem)")
