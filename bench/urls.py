"""The harness's URLconf: the whole app, plus the two baselines and a probe.

Only bench/measure.py installs it (``ROOT_URLCONF``); the app never sees these URLs.
"""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from bench import floor, stock
from casetracker.urls import urlpatterns as app_urlpatterns

stock_router = SimpleRouter()
stock_router.register("people", stock.PersonViewSet, basename="stock-person")


def _without_filters():
    """The app's people list with no filter backend: what django-filter costs."""
    from casetracker.api.views import PersonViewSet

    return PersonViewSet.as_view({"get": "list"}, filter_backends=[])


urlpatterns = [
    path("bench/stock/", include(stock_router.urls)),
    path("bench/floor/people/", floor.people),
    path("bench/floor/people/<int:pk>/", floor.person),
    path("bench/nofilter/people/", _without_filters()),
    *app_urlpatterns,
]
