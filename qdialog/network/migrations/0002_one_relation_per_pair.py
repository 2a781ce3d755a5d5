"""One relation per pair of organisations: A–B and B–A are the same pair, whatever its kind.

Relations recorded twice (the reverse direction, or the same pair with another kind) are merged
into the oldest one before the constraint on the ordered pair is added: the most formal kind,
the strongest strength, the latest review and the first agreement document are kept. Each merge
leaves an audit entry (no person acted: the entries carry no actor)."""

import django.db.models.functions.comparison
from django.db import migrations, models
from django.utils.translation import gettext_noop

#: the most formal kind first
FORMALITY = ["p8a", "written", "informal", "case"]
MERGED = gettext_noop("Merged with duplicate relations of the same pair: %(count)s")
REMOVED = gettext_noop("Merged into the relation %(relation)s (one relation per pair)")


def _merged(group):
    keep, others = group[0], group[1:]
    values = {
        "kind": min((r.kind for r in group),
                    key=lambda k: FORMALITY.index(k) if k in FORMALITY else len(FORMALITY)),
        "strength": max(r.strength for r in group),
        "last_reviewed": max((r.last_reviewed for r in group if r.last_reviewed), default=None),
        "agreement": next((r.agreement.name for r in group if r.agreement), ""),
    }
    changes = {}
    for name, value in values.items():
        old = getattr(keep, name)
        old = old.name if name == "agreement" else old
        if old != value:
            changes[name] = [old.isoformat() if hasattr(old, "isoformat") else old,
                             value.isoformat() if hasattr(value, "isoformat") else value]
            setattr(keep, name, value)
    return keep, others, changes


def merge_pairs(apps, schema_editor):
    Relation = apps.get_model("network", "Relation")
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    kind = ContentType.objects.filter(app_label="network", model="relation").first()
    pairs = {}
    for relation in Relation.objects.select_related("source", "target", "municipality") \
            .order_by("pk"):
        key = (relation.municipality_id, *sorted((relation.source_id, relation.target_id)))
        pairs.setdefault(key, []).append(relation)
    for group in pairs.values():
        if len(group) < 2:
            continue
        keep, others, changes = _merged(group)
        keep.save()
        name = f"{keep.source.name} – {keep.target.name}"
        scope = {"programme_id": keep.municipality.programme_id,
                 "municipality_id": keep.municipality_id}
        for other in others:
            AuditEntry.objects.create(
                action="delete", content_type=kind, object_id=str(other.pk),
                object_repr=f"{other.source.name} – {other.target.name}"[:300],
                summary=(REMOVED % {"relation": name})[:500], message=REMOVED,
                params={"relation": name}, **scope)
            other.delete()
        AuditEntry.objects.create(
            action="update", content_type=kind, object_id=str(keep.pk), object_repr=name[:300],
            summary=MERGED % {"count": len(others)}, message=MERGED,
            params={"count": len(others)}, changes=changes, **scope)


class Migration(migrations.Migration):

    dependencies = [
        ("network", "0001_initial"),
        ("tenancy", "0002_organisation_email"),
        ("core", "0002_typed_summaries"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="relation", name="relation_once"),
        migrations.AddField(
            model_name="relation", name="since",
            field=models.DateField(blank=True, null=True, verbose_name="cooperating since"),
        ),
        migrations.RunPython(merge_pairs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="relation",
            constraint=models.UniqueConstraint(
                django.db.models.functions.comparison.Least("source", "target"),
                django.db.models.functions.comparison.Greatest("source", "target"),
                name="relation_pair_once",
                violation_error_message="A relation between these two organisations already "
                                        "exists."),
        ),
    ]
