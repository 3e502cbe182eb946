from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from casetracker.api import views
from casetracker.api.exceptions import not_found

app_name = "api"


class Router(DefaultRouter):
    APIRootView = views.ApiRootView
    include_format_suffixes = False  # ?format=csv (or Accept) rather than /people.csv

    def get_api_root_view(self, api_urls=None):
        root = {prefix: self.routes[0].name.format(basename=basename)
                for prefix, viewset, basename in self.registry
                if "get" in getattr(viewset, "http_method_names", ["get"])}
        root.update({"changes": "changes", "schema": "schema", "docs": "docs"})
        return self.APIRootView.as_view(api_root_dict=root)


router = Router()
router.register("people", views.PersonViewSet, basename="person")
router.register("events", views.EventViewSet, basename="event")
router.register("proceedings", views.ProceedingViewSet, basename="proceeding")
router.register("sources", views.SourceViewSet, basename="source")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("charges", views.ChargeViewSet, basename="charge")
router.register("submissions", views.SubmissionViewSet, basename="submission")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script, so
    # the Content-Security-Policy needs no 'unsafe-inline'; its assets come from the sidecar.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("changes/", views.ChangeFeedView.as_view(), name="changes"),
    *router.urls,
    re_path(r"^.*$", not_found),
]
