from django.core.management.base import BaseCommand
from django.utils import timezone

from qdialog.surveys.models import AccessCode, CodeKind, Wave, WaveStatus
from qdialog.surveys.tasks import send_invitations


class Command(BaseCommand):
    help = ("Send a reminder to invited people who have not answered, for every open wave "
            "whose last invitation or reminder went out at least --days ago.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days, **options):
        cutoff = timezone.localdate() - timezone.timedelta(days=days)
        total = 0
        for wave in Wave.objects.filter(status=WaveStatus.OPEN):
            due = AccessCode.objects.filter(wave=wave, kind=CodeKind.INVITATION, used=False,
                                            sent_count__gt=0, last_sent_on__lte=cutoff) \
                .exclude(email="").exists()
            if due:
                total += send_invitations(wave_id=wave.pk, reminder=True, sent_before=cutoff)
        self.stdout.write(f"{total} reminders sent.")
