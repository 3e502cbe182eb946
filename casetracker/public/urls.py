from django.urls import path

from casetracker.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/<slug:slug>/", views.case_detail, name="case"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
]
