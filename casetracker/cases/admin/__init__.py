"""The admin NGO staff curate cases in: every page asks the access policy (``base.py``)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from casetracker.cases.admin import records, revisions  # noqa: F401 (they register)

admin.site.site_header = _("casetracker")
admin.site.site_title = _("casetracker staff")
admin.site.index_title = _("Case record")
