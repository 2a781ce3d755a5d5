"""WSGI entry point for gunicorn (`qdialog serve`) and other app servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qdialog.settings")
application = get_wsgi_application()
