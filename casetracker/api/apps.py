from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "casetracker.api"
    verbose_name = "API"
