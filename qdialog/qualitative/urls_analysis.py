"""Routes of the analysis pages (namespace "qualitative", included by urls.py)."""

urlpatterns: list = []
