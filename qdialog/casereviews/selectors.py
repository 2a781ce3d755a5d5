"""Reads: the reviews a person may list, and learning across reviews."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q

from .models import (
    CaseReview,
    ContributingFactor,
    FactorLevel,
    FactorType,
    Pattern,
    PatternKind,
    ReviewMember,
    Stage,
)

#: reviews whose findings count for learning across reviews
AGREED = [Stage.FINDINGS_AGREED, Stage.PUBLISHED]


def listed(user, municipality):
    """A municipality's reviews that the person holds a seat on, and the published ones."""
    return (CaseReview.objects.filter(municipality=municipality)
            .filter(Q(members__user=user) | Q(stage=Stage.PUBLISHED)).distinct()
            .order_by("-created_at"))


def learning(reviews) -> dict:
    """Counts of contributing factors (level × type) and of patterns across agreed reviews.
    Nothing is shown below QDIALOG_MIN_REVIEWS reviews: a single review's factors could point
    to the case."""
    reviews = reviews.filter(stage__in=AGREED)
    n = reviews.count()
    minimum = settings.QDIALOG_MIN_REVIEWS
    if n < minimum:
        return {"reviews": n, "minimum": minimum, "suppressed": True}
    factors = ContributingFactor.objects.filter(episode__review__in=reviews)
    cells = {(lv, ty): c for lv, ty, c in factors.values_list("level", "type").annotate(
        c=Count("id")).values_list("level", "type", "c")}
    patterns = dict(Pattern.objects.filter(review__in=reviews).values_list("kind").annotate(
        c=Count("review", distinct=True)))
    return {
        "reviews": n, "minimum": minimum, "suppressed": False,
        "levels": FactorLevel.choices,
        "factor_rows": [(label, [cells.get((lv, ty), 0) for lv, _l in FactorLevel.choices],
                         sum(cells.get((lv, ty), 0) for lv, _l in FactorLevel.choices))
                        for ty, label in FactorType.choices],
        "factor_total": sum(cells.values()),
        "patterns": [(label, patterns.get(kind, 0)) for kind, label in PatternKind.choices],
    }


def person_data(user) -> dict:
    """What this app holds about a person, for their data export (accounts/personal_data)."""
    return {"case_review_seats": [{"review": r.review.title, "team": r.get_team_display(),
                                   "role": r.role} for r in ReviewMember.objects.filter(
                                       user=user).select_related("review")]}
