"""Near-miss reports end with their retention period (qdialog/core/shredder.py)."""

from qdialog.core.shredder import Shredder

from .models import IncidentReport


class IncidentReports(Shredder):
    category = "incident_reports"
    municipality_fields = ("system__municipality",)

    def due(self, programme, before, *, policy, today):
        return IncidentReport.objects.filter(system__programme=programme, received_on__lt=before)
