"""Demo case reviews (all fictional) in the first model municipality, in every stage, so that
learning across reviews has enough agreed reviews to show."""

from __future__ import annotations

from django.utils import timezone

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
    Stage,
)

REVIEWS = [
    ("Fallanalyse 2025-1", "learning_together", "near_miss", Stage.PUBLISHED, "3-5",
     "Mitteilungen aus Kitas brauchen eine verlässliche Rückmeldung; sonst melden Kitas "
     "später oder gar nicht mehr."),
    ("Fallanalyse 2025-2", "fallrueckschau", "problematic", Stage.PUBLISHED, "10-13",
     "Bei Zuständigkeitswechseln zwischen Bezirken gehen Einschätzungen verloren, wenn sie "
     "nur in der Akte stehen. Ein Übergabegespräch hilft."),
    ("Fallanalyse 2026-1", "fall_labor", "serious_harm", Stage.FINDINGS_AGREED, "u1", ""),
    ("Fallanalyse 2026-2", "gemeinsam_lernen", "successful", Stage.ANALYSIS, "6-9", ""),
    ("Fallanalyse 2026-3", "rapid", "near_miss", Stage.PREPARATION, "14-17", ""),
]

EPISODES = [
    ("Die Mitteilung der Kita", "Die Kita teilte Beobachtungen mit; eine Rückmeldung blieb aus.",
     "Problematisch: Die Kita wusste nicht, ob gehandelt wurde.",
     "Der ASD war in der Woche durch zwei Inobhutnahmen gebunden.",
     [("frontline", "working_conditions", "Hohe Arbeitslast im ASD in dieser Woche."),
      ("frontline", "multi_agency", "Keine verabredete Rückmeldung an Mitteilende."),
      ("local_strategic", "tools", "Das Verfahren sieht keine Rückmeldung vor.")]),
    ("Der Zuständigkeitswechsel", "Die Familie zog in einen anderen Bezirk; die Akte wurde "
     "übersandt, ein Gespräch fand nicht statt.", "Problematisch.",
     "Ein Übergabegespräch war nicht üblich.",
     [("local_strategic", "management", "Keine Regel für Übergabegespräche."),
      ("frontline", "team", "Die neue Fachkraft hatte keine Zeit für das Aktenstudium.")]),
]


def load(municipality, coordinator, participant) -> None:
    today = timezone.localdate()
    for index, (title, kind, trigger, stage, age, summary) in enumerate(REVIEWS):
        review = CaseReview.objects.create(
            municipality=municipality, title=title, kind=kind, trigger=trigger, stage=stage,
            child_age_band=age, known_to_services="yes",
            context="Übergänge zwischen Kita, Schule und ASD.", summary=summary,
            published_on=today if stage == Stage.PUBLISHED else None)
        ReviewMember.objects.bulk_create([
            ReviewMember(review=review, team="lead", user=coordinator,
                         role="Koordination Qualitätsentwicklung",
                         organisation_type="youth_office"),
            ReviewMember(review=review, team="review", role="Wissenschaftliche Begleitung",
                         organisation_type="institute"),
            ReviewMember(review=review, team="case_group", user=participant,
                         role="Fachkraft freier Träger", organisation_type="independent_provider"),
            ReviewMember(review=review, team="case_group", role="Leitung Kita",
                         organisation_type="kita")])
        if stage == Stage.PREPARATION:
            continue
        Source.objects.bulk_create([
            Source(review=review, kind="case_file", organisation_type="youth_office",
                   period="2024–2025"),
            Source(review=review, kind="interview", organisation_type="kita", period="2025")])
        ChronologyEntry.objects.bulk_create([
            ChronologyEntry(review=review, position=1, when="Monat 1", organisation_type="kita",
                            action="Die Kita bemerkt wiederholt Verletzungen."),
            ChronologyEntry(review=review, position=2, when="Monat 1",
                            organisation_type="youth_office",
                            action="Mitteilung an den ASD; Ersteinschätzung im Team."),
            ChronologyEntry(review=review, position=3, when="Monat 3",
                            organisation_type="health",
                            action="Die Kinderarztpraxis sieht das Kind zur U-Untersuchung.")])
        for e_title, happened, appraisal, explanation, factors in EPISODES[:1 + index % 2]:
            episode = Episode.objects.create(
                review=review, title=e_title, period="Monat 1–2", what_happened=happened,
                appraisal=appraisal, explanation=explanation, agencies=["kita", "youth_office"])
            ContributingFactor.objects.bulk_create(
                ContributingFactor(episode=episode, level=level, type=type_, description=text)
                for level, type_, text in factors)
        Hypothesis.objects.create(
            review=review, level="organisation", status="supported",
            statement="Rückmeldungen an Mitteilende sind nicht geregelt.",
            statements="Werkstatt: „Wir erfahren nie, was aus unserer Mitteilung wurde.“")
        if stage == Stage.ANALYSIS:
            continue
        Pattern.objects.bulk_create([
            Pattern(review=review, kind="multi_agency_long_term", generic=True,
                    description="Wer eine Sorge mitteilt, erfährt nicht, was daraus wurde."),
            Pattern(review=review, kind="good_practice",
                    description="Die Kinderarztpraxis rief nach der U-Untersuchung im ASD an.")])
        Recommendation.objects.create(
            review=review, addressee="youth_office", priority="high",
            text="Mitteilende erhalten binnen einer Woche eine Rückmeldung.")


def step(ctx) -> None:
    """This app's part of the demo programme (registered in apps.py, run by seed-demo)."""
    load(ctx.first_model, ctx.coordinator, ctx.participant)
