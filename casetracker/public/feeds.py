"""An Atom feed of new and updated cases."""

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from casetracker.changes import log
from casetracker.public.queries import public_targets


class CaseFeed(Feed):
    """The 50 most recently updated published cases, newest first."""

    feed_type = Atom1Feed
    title = _("casetracker: new and updated cases")
    subtitle = _("Documented cases of political persecution in Central Asia.")
    link = reverse_lazy("public:case-list")
    limit = 50

    def items(self):
        log.catch_up()
        return public_targets().order_by(F("public_changed_at").desc(nulls_last=True),
                                         "pk")[: self.limit]

    def item_title(self, person):
        return f"{person.name} ({person.get_status_display()})"

    def item_description(self, person):
        return person.summary

    def item_pubdate(self, person):
        return person.created_at

    def item_updateddate(self, person):
        """When what the public sees of the case last changed (the change log's time)."""
        return person.public_changed_at or person.created_at

    def item_categories(self, person):
        return [person.get_status_display(), person.country.name]
