from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kefu.reports"
    label = "reports"
    verbose_name = "reports"
