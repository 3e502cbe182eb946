"""The admin NGO staff curate cases in: every page asks the access policy (``base.py``)."""

from casetracker.cases.admin import records, revisions  # noqa: F401 (they register)
