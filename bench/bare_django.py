"""A bare Django application: one view that answers "ok", no middleware, no database, no
templates. Served by gunicorn with the same worker settings as `qdialog serve`, it is the
framework's own floor on this machine; bench/ingest.py measures it in the same run and states
a respondent's cost as a multiple of it, a figure that does not depend on the machine's speed.

    gunicorn bench.bare_django:application --workers 2 --bind 127.0.0.1:8001
"""

from django.conf import settings

settings.configure(DEBUG=False, ALLOWED_HOSTS=["127.0.0.1"], ROOT_URLCONF=__name__,
                   SECRET_KEY="bench-bare-django-not-secret", MIDDLEWARE=[], INSTALLED_APPS=[],
                   USE_I18N=False, DATABASES={})

from django.core.wsgi import get_wsgi_application  # noqa: E402 – after the settings
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def ok(request):
    return HttpResponse("ok")


urlpatterns = [path("livez", ok)]
application = get_wsgi_application()
