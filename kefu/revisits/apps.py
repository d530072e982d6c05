from django.apps import AppConfig


class RevisitsConfig(AppConfig):
    name = "kefu.revisits"
    label = "revisits"
    verbose_name = "revisits"
