from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalkroundConfig(AppConfig):
    name = "visitt.walkround"
    verbose_name = _("Walkround")
