from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "kefu.members"
    label = "members"
    verbose_name = "members"
