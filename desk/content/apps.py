from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "desk.content"
    label = "content"
    verbose_name = _("Terminal content")

    def ready(self) -> None:
        from desk.content import roles

        post_migrate.connect(roles.ensure_roles, sender=self)
