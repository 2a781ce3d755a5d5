from django.core.management.base import BaseCommand

from qdialog.retention.models import RetentionPolicy
from qdialog.retention.services import expire_exports, policy_apply


class Command(BaseCommand):
    help = ("Delete or anonymise what the programmes' retention periods say is due, after an "
            "export per municipality that its coordinators (and institute staff) can download; "
            "delete the exports whose download time is over. Run daily, e.g. from cron.")

    def handle(self, *args, **options):
        for policy in RetentionPolicy.objects.select_related("programme"):
            for export in policy_apply(policy):
                where = export.municipality or policy.programme
                self.stdout.write(f"{where}: {export.summary}")
        expired = expire_exports()
        if expired:
            self.stdout.write(f"{expired} expired export(s) deleted.")
        self.stdout.write("Retention applied.")
