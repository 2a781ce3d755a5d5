from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from qdialog.tenancy import demo


class Command(BaseCommand):
    help = "Load the fictional demo programme (12 clusters, 43 municipalities, demo logins)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true",
                            help="Remove an existing demo programme and its logins first.")
        parser.add_argument("--if-missing", action="store_true",
                            help="Do nothing when the demo is already loaded.")

    def handle(self, *args, reset=False, if_missing=False, **options):
        translation.activate("en")
        if demo.demo_exists():
            if if_missing:
                self.stdout.write("The demo programme is already loaded.")
                self.stdout.write("Demo logins:\n" + "\n".join(demo.demo_login_lines()))
                return
            if not reset:
                raise CommandError("The demo programme is already loaded; use --reset to load "
                                   "it again.")
            demo.demo_remove()
        programme = demo.demo_load()
        self.stdout.write(self.style.SUCCESS(
            f"Loaded “{programme}”: {programme.clusters.count()} clusters, "
            f"{programme.municipalities.count()} municipalities, "
            f"{programme.organisations.count()} organisations; "
            f"{programme.demo_surveys['t0_responses']} answer sets in the baseline wave and "
            f"{programme.demo_surveys['t1_responses']} in the follow-up, "
            f"an open wave (try the code {programme.demo_surveys['demo_code']} at "
            f"/s/)."))
        self.stdout.write("Demo logins:\n" + "\n".join(demo.demo_login_lines()))
