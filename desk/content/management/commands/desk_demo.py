"""`kiosk-desk desk_demo`: `make desk`: the database, the demo content, a signing key, an admin, then the server."""
from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand

from desk.content.models import SourceContent
from desk.content.roles import ADMIN
from sync.signing import KEY_FILE_NAME, write_keypair


class Command(BaseCommand):
    help = "Set up the desk with the demo content and start it on 127.0.0.1, printing a one-time admin password."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-serve", action="store_true", help="set up only (for tests)")

    def handle(self, *args, port: str, no_serve: bool, **options):
        call_command("migrate", verbosity=0, interactive=False)
        if not SourceContent.objects.exists():
            call_command("import_feed", stdout=self.stdout)
        key = Path(settings.DESK_SIGNING_KEY)
        if not key.exists():
            _path, public = write_keypair(key.parent)
            if key.name != KEY_FILE_NAME:
                (key.parent / KEY_FILE_NAME).rename(key)
            self.stdout.write(f"New signing key {key}; terminals trust it with public_keys = [\"{public}\"]")
        password = secrets.token_urlsafe(12)
        user, _created = User.objects.get_or_create(username="admin")
        user.set_password(password)
        user.is_staff = user.is_superuser = True
        user.save()
        user.groups.add(Group.objects.get(name=ADMIN))
        self.stdout.write(f"Content desk: http://127.0.0.1:{port}/  user admin, one-time password {password} "
                          "(a new one at every start; create your own users under Users)")
        self.stdout.write(f"Feeds are published to {settings.DESK_WEB_ROOT}")
        if not no_serve:
            call_command("runserver", f"127.0.0.1:{port}", "--insecure", "--noreload")
