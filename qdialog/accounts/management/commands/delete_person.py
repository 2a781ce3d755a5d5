from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from qdialog.accounts.personal_data import delete_person


class Command(BaseCommand):
    help = ("Delete a person's account and roles (DSGVO Art. 17). Their contributions stay, "
            "attributed to 'deleted person'.")

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, email, yes, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"no person with the e-mail address {email}")
        if not yes:
            answer = input(f"Delete {user.email} for good? Type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("nothing deleted")
        pk = delete_person(user, operator_label="qdialog delete-person")
        self.stdout.write(f"Deleted person #{pk}; contributions now show 'deleted person'.")
