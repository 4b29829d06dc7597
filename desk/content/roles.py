"""The three roles as Django groups: editor (content), publisher (preview and publish), admin (users, kiosks, keys)."""
from __future__ import annotations

EDITOR, PUBLISHER, ADMIN = "editor", "publisher", "admin"
CONTENT = ("event", "notice", "campaign", "page", "helpcontact", "placeoverlay")
ROLES = {
    EDITOR: [f"{action}_{model}" for model in CONTENT for action in ("add", "change", "delete", "view")]
    + ["view_kiosk"],
    PUBLISHER: [f"view_{model}" for model in CONTENT] + ["view_kiosk", "view_publication", "publish_feed", "view_fleet"],
    ADMIN: [f"{action}_{model}" for model in ("kiosk", "sourcecontent", "user", "group")
            for action in ("add", "change", "delete", "view")] + ["view_publication", "view_fleet"],
}


def ensure_roles(sender=None, **kwargs) -> None:
    """Create or correct the groups after every migration, so a fresh desk has its roles."""
    from django.contrib.auth.models import Group, Permission

    for name, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(codename__in=codenames)
        group.permissions.set(permissions)
