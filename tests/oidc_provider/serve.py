"""Run the test identity provider: migrate its SQLite file, create its people and the one
client (auto-approved), listen on a free 127.0.0.1 port and print "READY <port>".

    OIDC_PROVIDER_SETUP=setup.json python -m tests.oidc_provider.serve
"""

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 – the standard library's name
        pass


def setup():
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    User = get_user_model()
    for username, person in settings.SETUP["people"].items():
        User.objects.create_user(username=username, email=person["email"],
                                 password=person["password"])
    client = settings.SETUP["client"]
    Application.objects.create(
        name="qdialog", client_id=client["id"], client_secret=client["secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]), algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True)


def main():
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    setup()
    from django.core.wsgi import get_wsgi_application

    server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=_Server,
                         handler_class=_QuietHandler)
    print(f"READY {server.server_port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
