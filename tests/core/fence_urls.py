"""The product's URLs plus views written the careless way – no `request.scope` – to show that
the tenant fence still keeps other programmes out (tests/core/test_fence.py)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django_scopes.state import state

from qdialog.tenancy.models import Municipality
from qdialog.urls import urlpatterns as product_urls


def careless_detail(request, pk):
    municipality = get_object_or_404(Municipality, pk=pk)  # forgot request.scope
    return HttpResponse(municipality.name)


def careless_count(request):
    return HttpResponse(str(Municipality.objects.count()))


def escaped(request):
    previous = state.get()
    state.set({"_enabled": True})  # a block that dropped the fence, as a defect would
    try:
        return HttpResponse(str(Municipality.objects.count()))
    finally:
        state.set(previous)


urlpatterns = [path("careless/<int:pk>/", careless_detail), path("careless/", careless_count),
               path("escaped/", escaped), *product_urls]
