from django.core.management.base import BaseCommand

from qdialog.notifications.tasks import send_digests


class Command(BaseCommand):
    help = ("Send the daily and weekly notification digests (run once a day from cron; a "
            "second run the same day sends nothing twice).")

    def handle(self, *args, **options):
        counts = send_digests()
        self.stdout.write(f"daily digests: {counts['daily']}, weekly digests: {counts['weekly']}")
