from django.core.management.base import BaseCommand

from qdialog.retention.models import RetentionPolicy
from qdialog.retention.services import shred


class Command(BaseCommand):
    help = ("Delete or anonymise what the programmes' retention periods say is due, after an "
            "export that institute staff can download. Run daily, e.g. from cron.")

    def handle(self, *args, **options):
        for policy in RetentionPolicy.objects.select_related("programme"):
            export = shred(policy)
            if export is not None:
                self.stdout.write(f"{policy.programme}: {export.summary}")
        self.stdout.write("Retention applied.")
