"""Routes of the material pages (namespace "qualitative", included by urls.py)."""

urlpatterns: list = []
