"""The WSGI entry for a production server (gunicorn in deploy/kiosk-desk.service)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desk.settings")
application = get_wsgi_application()
