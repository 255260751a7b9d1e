from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "visitt.improvement"
    verbose_name = _("Measure and learn")

    def ready(self) -> None:
        # The library's permissions live beside its views, not in a rules.py.
        from . import rules_library, rules_survey  # noqa: F401
