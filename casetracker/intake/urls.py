from django.urls import path

from casetracker.intake import views

app_name = "intake"

urlpatterns = [
    path("import/", views.ImportUploadView.as_view(), name="import"),
    path("import/<int:pk>/", views.ImportReportView.as_view(), name="import_report"),
    path("import/<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="import_confirm"),
    path("export/", views.ExportView.as_view(), name="export"),
    path("duplicates/", views.DuplicateListView.as_view(), name="duplicates"),
    path("duplicates/<int:first>/<int:second>/", views.DuplicateCompareView.as_view(),
         name="duplicate_compare"),
    path("articles/add/", views.ArticleCreateView.as_view(), name="article_add"),
    path("articles/<int:pk>/", views.ArticleReviewView.as_view(), name="article_review"),
]
