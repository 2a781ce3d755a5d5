"""`qdialog mix-answers`: rewrite the answer sets of every open wave in a random order (daily).

Between the batches mixed right after submissions (surveys/mixing.py) and the full mix at a
wave's close, this nightly run keeps the stored order of an open wave from following the order
in which its answers came in, and lets PostgreSQL drop the old row versions.
"""

from django.core.management.base import BaseCommand
from django.db.models import Q

from qdialog.surveys import mixing
from qdialog.surveys.models import Response, Wave, WaveStatus


class Command(BaseCommand):
    help = "Rewrite the answer sets of open waves in a random order (run daily, e.g. by cron)."

    def handle(self, *args, **options):
        unmixed = set(Response.objects.filter(mixed=False).values_list("wave_id", flat=True))
        waves = Wave.objects.filter(Q(status=WaveStatus.OPEN) | Q(pk__in=unmixed))
        rewritten = 0
        for wave in waves:
            rewritten += mixing.responses_mix(wave=wave)
        mixing.reclaim_space()
        self.stdout.write(f"{rewritten} answer sets rewritten in a random order.")
