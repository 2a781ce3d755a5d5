from django.core.management.base import BaseCommand
from django.utils import translation

from qdialog.tenancy import demo


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        translation.activate("en")
        self.stdout.write("Demo logins:\n" + "\n".join(demo.demo_login_lines()))
