from django.contrib import admin
from django.urls import include, path

from casetracker.security import OptionalOTPAuthenticationForm

# Staff who registered an authenticator app must give its code; others log in as usual.
admin.site.login_form = OptionalOTPAuthenticationForm

urlpatterns = [
    path("admin/intake/", include("casetracker.intake.urls")),
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
    path("api/v1/", include("casetracker.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("casetracker.public.urls")),
]
