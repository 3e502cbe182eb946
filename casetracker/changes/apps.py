from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "casetracker.changes"
    verbose_name = _("Public change log and webhooks")
