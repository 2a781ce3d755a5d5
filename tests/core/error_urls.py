"""The product's URLs plus two views that fail the way a lost database or a defect does, to
check what the server-error handler answers (tests/core/test_error_pages.py)."""

from django.db import OperationalError
from django.urls import path

from qdialog.urls import handler500  # noqa: F401
from qdialog.urls import urlpatterns as product_urls


def database_gone(request):
    raise OperationalError("terminating connection due to administrator command")


def defect(request):
    raise ZeroDivisionError("a defect")


urlpatterns = [path("fail/database/", database_gone), path("fail/defect/", defect),
               *product_urls]
