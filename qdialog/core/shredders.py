"""The audit log's own shredder (qdialog/core/shredder.py)."""

from .models import AuditEntry
from .shredder import Shredder


class AuditEntries(Shredder):
    category = "audit_entries"

    def due(self, programme, before, *, policy, today):
        return AuditEntry.objects.filter(programme=programme, at__date__lt=before)
