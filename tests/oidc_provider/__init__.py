"""A small OpenID Connect provider for the single sign-on tests (django-oauth-toolkit), run as a
separate process by harness.py – never part of qdialog, never imported by it."""
