from django.contrib.sitemaps.views import sitemap
from django.urls import path

from casetracker.public import views
from casetracker.public.feeds import CaseFeed
from casetracker.public.sitemaps import SITEMAPS

app_name = "public"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases.csv", views.CaseCSVView.as_view(), name="case-csv"),
    path("cases.atom", CaseFeed(), name="case-feed"),
    path("cases/<slug:slug>/", views.CaseDetailView.as_view(), name="case"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
    path("organisations/<slug:slug>/", views.OrganisationDetailView.as_view(),
         name="organisation"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
]
