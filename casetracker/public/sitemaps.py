"""sitemap.xml: the public pages search engines may index."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from casetracker.cases.models import Person
from casetracker.changes import log
from casetracker.public.queries import public_organisations


class PageSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["public:home", "public:case-list", "public:statistics", "public:source-list"]

    def location(self, name):
        return reverse(name)


class CaseSitemap(Sitemap):
    """Every published person, targets and the relatives their pages link to."""

    changefreq = "weekly"

    def items(self):
        log.catch_up()
        return Person.objects.published().only("slug", "public_changed_at").order_by("pk")

    def lastmod(self, person):
        return person.public_changed_at


class OrganisationSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return public_organisations().only("slug").order_by("pk")


SITEMAPS = {"pages": PageSitemap, "cases": CaseSitemap, "organisations": OrganisationSitemap}
