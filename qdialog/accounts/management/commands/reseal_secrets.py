from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qdialog.accounts import services
from qdialog.core import sealing


class Command(BaseCommand):
    help = ("Seal the stored client secrets of the sign-on connections again with the current "
            "SECRET_KEY – after a rotation, while the old key is still in SECRET_KEY_FALLBACKS.")

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                count = services.sign_on_secrets_reseal()
        except sealing.Unreadable as error:
            raise CommandError(f"{error}: nothing was changed. Put the SECRET_KEY the secrets "
                               "were sealed with into SECRET_KEY_FALLBACKS, or enter the "
                               "secrets again in the admin site.") from error
        self.stdout.write(f"Sealed {count} client secrets with the current SECRET_KEY.")
