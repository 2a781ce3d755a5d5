from django.core.management.base import BaseCommand, CommandError

from qdialog.surveys.imports import answers_from_csv
from qdialog.surveys.models import Wave


class Command(BaseCommand):
    help = ("Import paper questionnaires from a CSV file into a wave: one row per questionnaire, "
            "one column per variable (as in the CSV export). All rows or none are stored.")

    def add_arguments(self, parser):
        parser.add_argument("wave", type=int, help="ID of the wave (see its web address)")
        parser.add_argument("file", help="CSV file (UTF-8 or Windows-1252; ; or , separated)")

    def handle(self, *args, wave, file, **options):
        try:
            target = Wave.objects.select_related("instrument", "programme").get(pk=wave)
        except Wave.DoesNotExist:
            raise CommandError(f"There is no wave {wave}.") from None
        try:
            handle = open(file, "rb")  # noqa: SIM115 - closed below
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        with handle:
            result = answers_from_csv(wave=target, upload=handle, actor=None)
        if result.errors:
            for line in result.errors:
                self.stderr.write(line)
            raise CommandError(f"Nothing was imported: {len(result.errors)} problem(s).")
        self.stdout.write(self.style.SUCCESS(f"{result.stored} questionnaires imported into "
                                             f"“{target}”."))
