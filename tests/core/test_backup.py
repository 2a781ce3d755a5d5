"""`qdialog backup` and `qdialog restore`: a restore reproduces the data and the files."""

import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from qdialog.core.management.commands.backup import counts


@pytest.fixture
def filled(world, settings, tmp_path):
    import datetime as dt

    from django.utils import timezone

    from qdialog.actions import services as actions
    from qdialog.incidents import services as incidents
    from qdialog.processes import services as processes
    from qdialog.processes.models import EventFile
    from qdialog.standards import services as standards
    from tests.standards.test_standards import FIELDS

    settings.MEDIA_ROOT = tmp_path / "media"
    process = processes.process_create(actor=world.people["mia"], municipality=world.m1,
                                       fields={"title": "QE"})
    start = timezone.now()
    event = processes.event_save(actor=None, process=process, fields={
        "kind": "workshop", "title": "Werkstatt", "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2)})
    EventFile.objects.create(event=event, title="Folien",
                             file=ContentFile(b"%PDF-1.4 Folien", name="folien.pdf"))
    standards.standard_create(actor=world.people["mia"], municipality=world.m1, fields=FIELDS)
    actions.action_create(actor=world.people["mia"], municipality=world.m1,
                          fields={"title": "Übergaben regeln"})
    system = incidents.system_create(actor=world.people["mia"], programme=world.a,
                                     municipality=world.m1)
    incidents.report_submit(system=system, code="ABCD-EFGH-JKLM-NPQR", fields={
        "professional_group": "school", "phase": "referral", "child_age_band": "6-9",
        "what_happened": "x", "outcome": "y", "harm": "none", "frequency": "rare"})
    return tmp_path


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_reproduce_the_data(world, filled, settings):
    from qdialog.actions.models import Action
    from qdialog.incidents.models import IncidentReport
    from qdialog.processes.models import EventFile
    from qdialog.standards.models import Standard

    before = counts()
    archive = filled / "backup.tar.gz"
    call_command("backup", str(archive))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert {"manifest.json", "database.json"} <= set(names)
    assert any(n.startswith("media/") and n.endswith(".pdf") for n in names)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
    # lose everything, then restore
    Action.objects.all().delete()
    Standard.objects.all().delete()
    EventFile.objects.get().file.delete(save=False)
    call_command("restore", str(archive), replace=True)
    assert counts() == before
    assert Action.objects.get().title == "Übergaben regeln"
    assert Standard.objects.get().versions.count() == 1
    from qdialog.incidents.services import code_hash

    assert IncidentReport.objects.get().code_hash == code_hash("ABCD-EFGH-JKLM-NPQR")
    attached = EventFile.objects.get()
    with attached.file.open("rb") as f:
        assert f.read() == b"%PDF-1.4 Folien"
    assert world.people["mia"].__class__.objects.get(email="mia@example.org") \
        .check_password("correct horse battery")


def test_restore_refuses_other_archives(tmp_path, db):
    import io
    import json

    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in [("manifest.json", json.dumps({"format": 9}).encode()),
                              ("database.json", b"[]")]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    with pytest.raises(CommandError, match="not a qdialog backup"):
        call_command("restore", str(archive))
