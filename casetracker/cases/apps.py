from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "casetracker.cases"
    verbose_name = _("Case record")

    def ready(self):
        from casetracker import checks  # noqa: F401 (registers the project's system checks)

