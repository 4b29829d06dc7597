from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class FleetConfig(AppConfig):
    name = "desk.fleet"
    label = "fleet"
    verbose_name = _("Terminal fleet")

    def ready(self) -> None:
        from desk.content import roles

        # The fleet's permission exists only after this app's migration: correct the roles again then.
        post_migrate.connect(roles.ensure_roles, sender=self)
