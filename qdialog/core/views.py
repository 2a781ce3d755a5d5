from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control

from qdialog.core import metrics
from qdialog.core.health import readiness
from qdialog.tenancy.selectors import home_overview


def home(request):
    """Start page: the landing text for visitors, the person's scopes after login."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    return render(request, "core/home.html", home_overview(scope=request.scope))


def livez(request):
    """Liveness, for the container runtime or systemd: the process answers requests. It touches
    nothing else, so a database outage never gets healthy nodes restarted."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Readiness, for load balancers: 200 when this node can serve – the database answers, the
    shared cache stores and returns a value, and no migration is pending – 503 otherwise, with
    the check that failed (never the reason's details: those go to the log)."""
    checks = readiness()
    ok = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks},
                        status=200 if ok else 503)


healthz = readyz  # the address of older installations' load balancer checks


def metrics_view(request):
    """Prometheus metrics of this node, for operators' monitoring only (a bearer token or an
    operator's log-in); to anybody else the address does not exist."""
    if not metrics.authorised(request):
        raise Http404
    body, content_type = metrics.exposition()
    response = HttpResponse(body, content_type=content_type)
    patch_cache_control(response, no_store=True)
    return response


def favicon(request):
    """Browsers ask for /favicon.ico on their own; it points to the versioned static file (the
    pages themselves name favicon.svg)."""
    response = HttpResponseRedirect(static("qdialog/favicon.ico"))
    patch_cache_control(response, public=True, max_age=86400)
    return response
