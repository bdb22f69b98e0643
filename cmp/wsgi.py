"""WSGI entry point, served by gunicorn in production (see docker-compose.yml)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmp.settings")

application = get_wsgi_application()
