import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from qdialog.api.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API token for a person (printed once; only a hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="statistics")
        parser.add_argument("--days", type=int, default=365, help="valid for (default 365)")

    def handle(self, *args, email, name, days, **options):
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active account {email}.")
        _, token = ApiToken.issue(user=user, name=name,
                                  expires_on=dt.date.today() + dt.timedelta(days=days))
        self.stdout.write(token)
