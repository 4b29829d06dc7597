from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "desk.alerts"
    label = "alerts"
    verbose_name = _("Emergency")

    def ready(self) -> None:
        from desk.alerts import roles

        # After desk.content's roles (INSTALLED_APPS order), which reset the groups on every migration.
        post_migrate.connect(roles.grant, sender=self)
