from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kefu.core"
    label = "core"
    verbose_name = "kefu core"

    def ready(self) -> None:
        from kefu.core import config_cache
        from kefu.core.models import OrgUnit

        # The org tree behind restrict_to_scope's unit lists (kefu.core.selectors.scope).
        config_cache.watch(OrgUnit)
