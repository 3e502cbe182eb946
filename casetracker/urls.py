from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
    path("api/v1/", include("casetracker.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("casetracker.public.urls")),
]
