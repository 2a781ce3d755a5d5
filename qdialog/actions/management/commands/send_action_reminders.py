from django.core.management.base import BaseCommand

from qdialog.actions.tasks import send_reminders


class Command(BaseCommand):
    help = ("E-mail the responsible people of overdue actions and of actions due within a week "
            "(each action at most once a week). Run daily, e.g. from cron.")

    def handle(self, *args, **options):
        self.stdout.write(f"{send_reminders()} reminder e-mails sent.")
