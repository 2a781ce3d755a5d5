"""The `qdialog` command: the project's own commands plus every Django management command.

    qdialog --help          lists the commands
    qdialog serve           production server (gunicorn, static files by whitenoise)
    qdialog seed-demo       loads the fictional demo programme
    qdialog migrate …       any Django command works as with manage.py

Errors are printed as one line; run with QDIALOG_TRACEBACK=1 (or --traceback) for the details.
"""

from __future__ import annotations

import os
import sys

OWN_COMMANDS = {
    "serve": "Run the production web server (gunicorn); static files served by whitenoise.",
    "seed-demo": "Load the fictional demo programme (12 clusters, 43 municipalities).",
    "demo-logins": "Print the demo logins.",
    "compiletranslations": "Compile the German and English translations (no gettext needed).",
    "worker": "Run the background task worker (django-tasks database backend).",
    "check-deploy": "Check the settings of a production installation.",
    "import-answers": "Import paper questionnaires from CSV into a survey wave.",
    "send-reminders": "E-mail reminders to invited people who have not answered (for cron).",
    "api-token": "Issue an API token for a person (for statistics tools).",
    "send-action-reminders": "E-mail responsible people about overdue and due actions (cron).",
    "backup": "Write the database and uploaded files into one archive.",
    "restore": "Restore a backup archive into an empty installation.",
    "delete-person": "Delete a person's account; contributions stay as 'deleted person'.",
    "apply-retention": "Export, then delete what the retention periods say is due (cron).",
    "mix-answers": "Rewrite the answer sets of open waves in a random order (daily, cron).",
    "reseal-secrets": "Seal stored sign-on client secrets with the current SECRET_KEY.",
}
ALIASES = {
    "seed-demo": "seed_demo",
    "demo-logins": "demo_logins",
    "worker": "db_worker",
    "check-deploy": "check",
    "import-answers": "import_answers",
    "send-reminders": "send_reminders",
    "api-token": "api_token",
    "send-action-reminders": "send_action_reminders",
    "delete-person": "delete_person",
    "apply-retention": "apply_retention",
    "mix-answers": "mix_answers",
    "reseal-secrets": "reseal_secrets",
}

HELP = """usage: qdialog <command> [options]

qdialog – dialogic quality development in child protection.

Commands of qdialog:
{own}

Frequently used Django commands:
  migrate              Create or update the database tables.
  createsuperuser      Create an operator account for the admin site.
  collectstatic        Collect static files for the production server.
  shell                Python shell with the project loaded.
  runserver            Development server (not for production).

`qdialog help` lists every command; `qdialog <command> --help` explains one.
Configuration comes from environment variables: see docs/operator-guide.md.
"""


def _print_help() -> None:
    own = "\n".join(f"  {name:<20} {text}" for name, text in OWN_COMMANDS.items())
    print(HELP.format(own=own))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qdialog.settings")
    args = argv[1:]
    if not args or args[0] in {"-h", "--help"}:
        _print_help()
        return 0
    command = ALIASES.get(args[0], args[0])
    rest = args[1:]
    if args[0] == "check-deploy":
        rest = ["--deploy", *rest]
    show_traceback = "--traceback" in rest or os.environ.get("QDIALOG_TRACEBACK")
    try:
        import django
        from django.core.management import execute_from_command_line

        django.setup()
        from qdialog.core.scoping import unscoped

        # Commands act for the operator on the whole installation; the web server's requests
        # run in threads or processes of their own and are fenced by the middleware.
        with unscoped("an operator's command acts on the whole installation"):
            execute_from_command_line(["qdialog", command, *rest])
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else _fail(exit_.code)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - one clear line instead of a traceback
        if show_traceback:
            raise
        return _fail(f"{type(error).__name__}: {error}")
    return 0


def _fail(message: str) -> int:
    first_line = str(message).strip().splitlines()[0] if str(message).strip() else "failed"
    print(f"qdialog: error: {first_line}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
