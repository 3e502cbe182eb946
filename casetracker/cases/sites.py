"""The admin site: Django's, with its one record-naming view that checks nothing asking
the access policy too.

Django's "view on site" redirect (``/admin/r/<content type>/<id>/``) answers any member
of staff with the public address of any record, and a person's address is made from their
name: it would tell a viewer the name of a restricted person. Here it redirects only to a
record the public can see, and is a 404 otherwise (such a record has no public page).
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _


class AdminSite(admin.AdminSite):
    site_header = _("casetracker")
    site_title = _("casetracker staff")
    index_title = _("Case record")

    def get_urls(self):
        urls = [url for url in super().get_urls() if getattr(url, "name", "") != "view_on_site"]
        return [path("r/<int:content_type_id>/<path:object_id>/",
                     self.admin_view(self.view_on_site), name="view_on_site"), *urls]

    def view_on_site(self, request, content_type_id, object_id):
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut

        from casetracker.cases import policy

        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        if model is None or not str(object_id).isdigit():
            raise Http404
        records = model._default_manager.filter(pk=object_id)
        if not policy.public(records).exists():
            raise Http404("Only what the public can see has a page on the site.")
        return shortcut(request, content_type_id, object_id)


class AdminConfig(DjangoAdminConfig):
    """Django's admin app, on :class:`AdminSite` (named in ``INSTALLED_APPS``)."""

    default_site = "casetracker.cases.sites.AdminSite"
