"""Who may do what with emergency notices: publishers publish and end them; admins and editors see them."""
from __future__ import annotations

from desk.content.roles import ADMIN, EDITOR, PUBLISHER

GRANTS = {
    PUBLISHER: ["publish_alert", "add_emergencynotice", "view_emergencynotice", "view_alertrelease"],
    ADMIN: ["view_emergencynotice", "view_alertrelease"],
    EDITOR: ["view_emergencynotice"],
}


def grant(sender=None, **kwargs) -> None:
    """Add this app's permissions to the desk's roles (desk/content/roles.py makes the groups)."""
    from django.contrib.auth.models import Group, Permission

    for name, codenames in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="alerts", codename__in=codenames))
