from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NamesConfig(AppConfig):
    name = "casetracker.names"
    verbose_name = _("Name search")

    def ready(self):
        from casetracker.names import lookups

        lookups.register()
