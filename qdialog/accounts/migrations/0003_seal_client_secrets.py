"""Seal the client secrets stored before sealing existed (core/sealing.py)."""

from django.db import migrations


def seal_secrets(apps, schema_editor):
    from qdialog.core import sealing

    SocialApp = apps.get_model("socialaccount", "SocialApp")
    SignOnConnection = apps.get_model("accounts", "SignOnConnection")
    ids = SignOnConnection.objects.exclude(social_app=None).values_list("social_app_id",
                                                                         flat=True)
    for app in SocialApp.objects.filter(pk__in=list(ids)):
        if app.secret and not sealing.is_sealed(app.secret):
            app.secret = sealing.seal(app.secret)
            app.save(update_fields=["secret"])


class Migration(migrations.Migration):

    dependencies = [("accounts", "0002_sign_on_connections")]

    operations = [migrations.RunPython(seal_secrets, migrations.RunPython.noop)]
