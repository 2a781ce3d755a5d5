"""What the retention settings delete from the qualitative analysis (registered in apps.py)."""

from __future__ import annotations

from django.core import serializers

from qdialog.core.shredder import Shredder

from .models import Coding, Document, Memo


class QualitativeDocuments(Shredder):
    """The documents of coding projects – transcripts, free texts, minutes – once they were
    added longer ago than the period, with their codings and memos. The export keeps them
    together (documents, codings and memos as JSON) for the municipality or the programme."""

    category = "qualitative_documents"
    municipality_fields = ("municipality", "project__municipality")

    def due(self, programme, before, *, policy, today):
        # case-review material goes with its case review (the reviews' own period and archive)
        return Document.objects.filter(project__programme=programme, added_on__lt=before,
                                       case_review__isnull=True)

    def export(self, items):
        documents = list(items)
        return {
            "qualitative_documents.json": serializers.serialize("json", documents),
            "qualitative_codings.json": serializers.serialize(
                "json", Coding.objects.filter(document__in=documents)),
            "qualitative_memos.json": serializers.serialize(
                "json", Memo.objects.filter(document__in=documents)),
        }
