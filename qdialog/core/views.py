from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control

from qdialog.tenancy.selectors import home_overview


def home(request):
    """Start page: the landing text for visitors, the person's scopes after login."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    return render(request, "core/home.html", home_overview(scope=request.scope))


def healthz(request):
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "database unavailable"}, status=503)


def favicon(request):
    """Browsers ask for /favicon.ico on their own; it points to the versioned static file (the
    pages themselves name favicon.svg)."""
    response = HttpResponseRedirect(static("qdialog/favicon.ico"))
    patch_cache_control(response, public=True, max_age=86400)
    return response
