"""Routes of the exchange pages (namespace "qualitative", included by urls.py)."""

urlpatterns: list = []
