from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

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
