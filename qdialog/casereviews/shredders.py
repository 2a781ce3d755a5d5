"""Case reviews end with their retention period, with all their working material; the export
goes into the archive only the municipality's coordinators download (qdialog/core/shredder.py)."""

from django.core import serializers

from qdialog.core.shredder import Shredder

from .models import (
    CaseReview,
    ChronologyEntry,
    ContributingFactor,
    Episode,
    Hypothesis,
    Pattern,
    Recommendation,
    ReviewMember,
    Source,
)


class CaseReviews(Shredder):
    category = "case_reviews"
    archive = "case_reviews"

    def due(self, programme, before, *, policy, today):
        return CaseReview.objects.filter(municipality__programme=programme,
                                         created_at__date__lt=before)

    def export(self, items):
        reviews = list(items)
        parts = [*reviews]
        for model in (ReviewMember, Source, ChronologyEntry, Episode, Hypothesis, Pattern,
                      Recommendation):
            parts += list(model.objects.filter(review__in=reviews))
        parts += list(ContributingFactor.objects.filter(episode__review__in=reviews))
        return {"case_reviews.json": serializers.serialize("json", parts)}
