"""`kiosk-desk desk_user NAME --role editor|publisher|admin`: a user in one role, with a new password printed once."""
from __future__ import annotations

import secrets

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand

from desk.content.roles import ADMIN, ROLES


class Command(BaseCommand):
    help = "Create a user (or reset their password) in one of the desk's roles; prints the password once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES), required=True)
        parser.add_argument("--password", help="the password to set (default: a new random one, printed)")

    def handle(self, *args, username: str, role: str, password: str | None, **options):
        user, _created = User.objects.get_or_create(username=username)
        password = password or secrets.token_urlsafe(12)
        user.set_password(password)
        user.is_staff = True
        user.is_superuser = role == ADMIN  # the admin role runs the desk: users, kiosks, keys and everything else
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        self.stdout.write(f"User {username} ({role}) password: {password}")
