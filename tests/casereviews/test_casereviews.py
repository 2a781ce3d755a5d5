"""Systemic case reviews: seats decide access, every read is audited, the workflow's checks, the
identifier block on publishing, the published summary, and learning across reviews."""

import io
import zipfile
from collections import Counter

import pytest
from django.test import override_settings
from django.urls import reverse

from qdialog.casereviews import selectors, services
from qdialog.casereviews.models import (
    CaseReview,
    ContributingFactor,
    Episode,
    Pattern,
    ReviewMember,
    Stage,
)
from qdialog.core.models import AuditEntry
from tests.conftest import ROLES
from tests.processes.test_processes import expect

BASICS = {"title": "Fallanalyse 2026-1", "kind": "learning_together", "trigger": "near_miss",
          "case_status": "closed", "legal_basis": "anonymised", "child_age_band": "3-5",
          "child_sex": "not_stated", "known_to_services": "yes",
          "context": "Übergang von der Kita in die Schule."}


@pytest.fixture
def review(world):
    r = services.review_create(actor=world.people["mia"], municipality=world.m1,
                               fields=dict(BASICS.items()))
    ReviewMember.objects.create(review=r, team="case_group", user=world.people["paul"],
                                role="Fachkraft freier Träger",
                                organisation_type="independent_provider")
    return r


def agreed(world, municipality=None, title="Fallanalyse", factors=(), patterns=("judgement",)):
    r = services.review_create(actor=world.people["mia"], municipality=municipality or world.m1,
                               fields={**BASICS, "title": title})
    episode = Episode.objects.create(review=r, title="Mitteilung", what_happened="…")
    for level, type_ in factors:
        ContributingFactor.objects.create(episode=episode, level=level, type=type_,
                                          description="…")
    for kind in patterns:
        Pattern.objects.create(review=r, kind=kind, description="…")
    for _ in range(3):
        services.review_advance(actor=None, review=r)
    assert r.stage == Stage.FINDINGS_AGREED
    return r


@pytest.fixture
def published(world):
    r = agreed(world, title="Veröffentlichte Analyse")
    r.summary = "Übergaben brauchen ein Gespräch."
    r.save()
    services.review_advance(actor=None, review=r)
    return r


MEMBERS = {"alice", "carol", "mia", "paul"}
CASES = [
    ("list", lambda w, r, e, p: reverse("casereviews:list", args=[w.m1.pk]), expect(MEMBERS)),
    ("create", lambda w, r, e, p: reverse("casereviews:create", args=[w.m1.pk]),
     expect({"alice", "mia"})),
    ("detail", lambda w, r, e, p: reverse("casereviews:detail", args=[r.pk]),
     expect({"mia", "paul"})),
    ("detail_published", lambda w, r, e, p: reverse("casereviews:detail", args=[p.pk]),
     expect(MEMBERS)),
    ("edit", lambda w, r, e, p: reverse("casereviews:edit", args=[r.pk]), expect({"mia"})),
    ("part_add", lambda w, r, e, p: reverse("casereviews:part_add", args=[r.pk, "source"]),
     expect({"mia"})),
    ("part_add_member", lambda w, r, e, p: reverse("casereviews:part_add",
                                                   args=[r.pk, "member"]), expect({"mia"})),
    ("part_edit", lambda w, r, e, p: reverse("casereviews:part_edit",
                                             args=[r.pk, "episode", e.pk]), expect({"mia"})),
    ("factor_add", lambda w, r, e, p: reverse("casereviews:factor_add", args=[r.pk, e.pk]),
     expect({"mia"})),
    ("publish", lambda w, r, e, p: reverse("casereviews:publish", args=[p.pk]),
     expect({"mia"})),
    ("advance", lambda w, r, e, p: reverse("casereviews:advance", args=[r.pk]),
     expect({"mia"})),
    ("summary_pdf", lambda w, r, e, p: reverse("casereviews:summary_pdf", args=[r.pk]),
     expect({"mia", "paul"})),
    ("summary_docx", lambda w, r, e, p: reverse("casereviews:summary_docx", args=[p.pk]),
     expect(MEMBERS)),
    ("learning_municipality", lambda w, r, e, p: reverse("casereviews:learning_municipality",
                                                         args=[w.m1.pk]), expect(MEMBERS)),
    ("learning_cluster", lambda w, r, e, p: reverse("casereviews:learning_cluster",
                                                    args=[w.a1.pk]), expect({"alice", "carol"})),
    ("learning_programme", lambda w, r, e, p: reverse("casereviews:learning_programme",
                                                      args=["alpha"]), expect({"alice"})),
]
POST_ONLY = {"part_delete", "factor_delete", "identifiers", "redact"}


@pytest.fixture
def episode(review):
    return Episode.objects.create(review=review, title="Die Mitteilung", what_happened="…")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", CASES, ids=[c[0] for c in CASES])
def test_access(client_for, world, review, episode, published, role, name, url, expected):
    response = client_for(role).get(url(world, review, episode, published))
    want = expected[role]
    if want == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == want, role


def test_every_url_has_an_access_case():
    from qdialog.casereviews.urls import urlpatterns

    covered = {c[0] for c in CASES} | POST_ONLY
    covered |= {"detail", "part_edit", "summary_pdf", "summary_docx"}
    assert {p.name for p in urlpatterns} - covered == set()


@pytest.mark.parametrize("role", ["anon", "alice", "carol", "paul", "oscar", "zoe"])
def test_only_the_team_changes_a_review(client_for, world, review, episode, role):
    client = client_for(role)
    client.post(reverse("casereviews:part_add", args=[review.pk, "pattern"]),
                {"kind": "judgement", "description": "x"})
    client.post(reverse("casereviews:advance", args=[review.pk]))
    client.post(reverse("casereviews:part_delete", args=[review.pk, "episode", episode.pk]))
    review.refresh_from_db()
    assert review.stage == Stage.PREPARATION and not review.patterns.exists()
    assert Episode.objects.filter(pk=episode.pk).exists()


def test_start_a_review(client_for, world):
    client = client_for("mia")
    bad = client.post(reverse("casereviews:create", args=[world.m1.pk]),
                      {**BASICS, "title": "", "trigger": "nonsense"})
    assert bad.status_code == 400 and "This field is required" in bad.content.decode()
    assert not CaseReview.objects.exists()
    response = client.post(reverse("casereviews:create", args=[world.m1.pk]), BASICS)
    review = CaseReview.objects.get()
    assert response.status_code == 302 and review.stage == Stage.PREPARATION
    seat = review.members.get()
    assert seat.team == "lead" and seat.user == world.people["mia"]
    assert AuditEntry.objects.filter(action="create", content_type__model="casereview").exists()


def test_every_read_is_audited(client_for, world, review):
    for _ in range(2):
        client_for("paul").get(reverse("casereviews:detail", args=[review.pk]))
    entries = AuditEntry.objects.filter(action="read", object_id=str(review.pk))
    assert entries.count() == 2 and {e.actor_id for e in entries} == {world.people["paul"].pk}


def test_a_seat_without_a_role_opens_nothing(client_for, world, review):
    world.memberships["paul"].delete()
    assert client_for("paul").get(reverse("casereviews:detail", args=[review.pk])) \
        .status_code == 404


def test_team_seats(client_for, world, review):
    client = client_for("mia")
    url = reverse("casereviews:part_add", args=[review.pk, "member"])
    ok = client.post(url, {"team": "review", "role": "Leitung ASD",
                           "organisation_type": "youth_office", "user": world.people["alice"].pk})
    assert ok.status_code == 302
    twice = client.post(url, {"team": "review", "role": "x", "organisation_type": "youth_office",
                              "user": world.people["alice"].pk})
    assert twice.status_code == 400 and "already has a seat" in twice.content.decode()
    foreign = client.post(url, {"team": "review", "role": "x",
                                "organisation_type": "youth_office",
                                "user": world.people["zoe"].pk})
    assert foreign.status_code == 400
    # alice now holds a review-team seat: she opens and edits
    assert client_for("alice").get(reverse("casereviews:detail", args=[review.pk])) \
        .status_code == 200
    lead = review.members.get(team="lead")
    client.post(reverse("casereviews:part_delete", args=[review.pk, "member", lead.pk]))
    assert review.members.filter(team="lead").exists()  # the last lead stays


def test_workflow_and_its_checks(client_for, world, review, episode):
    client = client_for("mia")
    advance = reverse("casereviews:advance", args=[review.pk])
    factor = client.post(reverse("casereviews:factor_add", args=[review.pk, episode.pk]),
                         {"level": "frontline", "type": "multi_agency",
                          "description": "Keine Rückmeldung an die Schule.", "evidence": ""})
    assert factor.status_code == 302 and episode.factors.count() == 1
    bad_factor = client.post(reverse("casereviews:factor_add", args=[review.pk, episode.pk]),
                             {"level": "space", "type": "x", "description": ""})
    assert bad_factor.status_code == 400 and episode.factors.count() == 1
    client.post(advance)
    client.post(advance)
    review.refresh_from_db()
    assert review.stage == Stage.ANALYSIS
    refused = client.post(advance, follow=True)
    assert "Record at least one pattern" in refused.content.decode()
    refused = client.post(advance, {"confirmed": "1"}, follow=True)
    assert "Record at least one pattern" in refused.content.decode()
    review.refresh_from_db()
    assert review.stage == Stage.ANALYSIS
    client.post(reverse("casereviews:part_add", args=[review.pk, "pattern"]),
                {"kind": "multi_agency_long_term", "description": "Rückmeldungen fehlen."})
    client.post(reverse("casereviews:part_add", args=[review.pk, "recommendation"]),
                {"text": "Rückmeldung an Mitteilende innerhalb einer Woche.",
                 "addressee": "youth_office", "priority": "high"})
    asked = client.post(advance)
    review.refresh_from_db()
    assert asked.status_code == 200 and review.stage == Stage.ANALYSIS
    assert "This step locks the review" in asked.content.decode()
    client.post(advance, {"confirmed": "1"})
    review.refresh_from_db()
    assert review.stage == Stage.FINDINGS_AGREED
    locked = client.post(reverse("casereviews:part_add", args=[review.pk, "pattern"]),
                         {"kind": "judgement", "description": "zu spät"})
    assert locked.status_code == 404 and not review.patterns.filter(kind="judgement").exists()
    # publishing needs a summary and confirmed identifiers
    publish = reverse("casereviews:publish", args=[review.pk])
    client.post(publish, {"summary": "Frau Meier aus der Schule wartete auf Rückmeldung."})
    refused = client.post(advance, {"confirmed": "1"}, follow=True)
    assert "not yet confirmed" in refused.content.decode()
    client.post(publish, {"confirm": "1", "text": ["Frau Meier"]})
    assert review.confirmations.filter(text="Frau Meier").exists()
    client.post(advance, {"confirmed": "1"})
    review.refresh_from_db()
    assert review.stage == Stage.PUBLISHED and review.published_on
    assert AuditEntry.objects.filter(action="publish", object_id=str(review.pk)).exists()
    # the summary leaves the municipality: carol (cluster) reads it, not the episodes
    body = client_for("carol").get(reverse("casereviews:detail", args=[review.pk])) \
        .content.decode()
    assert "Rückmeldung an Mitteilende" in body and "Keine Rückmeldung an die Schule" not in body


def test_publish_needs_a_summary(world):
    from django.core.exceptions import ValidationError

    r = agreed(world)
    with pytest.raises(ValidationError):
        services.review_advance(actor=None, review=r)


def test_summary_documents(client_for, world, published):
    client = client_for("carol")
    pdf = client.get(reverse("casereviews:summary_pdf", args=[published.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = client.get(reverse("casereviews:summary_docx", args=[published.pk]))
    archive = zipfile.ZipFile(io.BytesIO(docx.content))
    xml = archive.read("word/document.xml").decode()
    assert "Übergaben brauchen ein Gespräch." in xml
    assert AuditEntry.objects.filter(action="export", object_id=str(published.pk)).count() == 2


def test_warning_while_writing(client_for, world):
    response = client_for("mia").post(reverse("casereviews:identifiers"), {
        "what_happened": "Am 03.04.2019 rief Herr Krause an.", "title": "Episode 1"})
    body = response.content.decode()
    assert response.status_code == 200 and "03.04.2019" in body and "Herr Krause" in body
    clean = client_for("mia").post(reverse("casereviews:identifiers"), {"x": "Eine Übergabe."})
    assert "qd-finding" not in clean.content.decode()
    assert client_for("anon").post(reverse("casereviews:identifiers"), {}).status_code == 302


def test_findings_cover_all_texts(world, review, episode):
    ContributingFactor.objects.create(episode=episode, level="frontline", type="staff",
                                      description="Az. 51/123 lag nicht vor")
    texts = [f["text"] for f in services.findings(review)]
    assert any("51/123" in t for t in texts)


@override_settings(QDIALOG_MIN_REVIEWS=3)
def test_learning_is_suppressed_below_the_minimum(client_for, world):
    agreed(world)
    agreed(world)
    body = client_for("mia").get(reverse("casereviews:learning_municipality",
                                         args=[world.m1.pk])).content.decode()
    assert "there are 2" in body and "Contributing factors by type" not in body


@override_settings(QDIALOG_MIN_REVIEWS=3)
def test_learning_counts_match_an_independent_count(client_for, world):
    import random

    rng = random.Random(3)
    levels = ["frontline", "local_strategic", "national"]
    types = ["family", "staff", "tools", "multi_agency", "management"]
    kinds = ["human_tool", "judgement", "good_practice"]
    expected, patterns = Counter(), Counter()
    for i in range(5):
        factors = [(rng.choice(levels), rng.choice(types)) for _ in range(rng.randint(1, 6))]
        chosen = sorted(set(rng.sample(kinds, 2)))
        agreed(world, municipality=world.m1 if i < 3 else world.m2, factors=factors,
               patterns=chosen)
        expected.update(factors)
        patterns.update(chosen)
    services.review_create(actor=None, municipality=world.m1, fields=BASICS)  # not agreed
    result = selectors.learning(CaseReview.objects.filter(municipality__cluster=world.a1))
    assert result["reviews"] == 5 and not result["suppressed"]
    from qdialog.casereviews.models import FactorLevel, FactorType, PatternKind

    for (_label, counts, total), (type_, _l) in zip(result["factor_rows"], FactorType.choices):
        assert counts == [expected[(lv, type_)] for lv, _x in FactorLevel.choices]
        assert total == sum(counts)
    assert dict(result["patterns"]) == {label: patterns[k] for k, label in PatternKind.choices}
    page = client_for("carol").get(reverse("casereviews:learning_cluster", args=[world.a1.pk]))
    assert "5 agreed reviews" in page.content.decode()
    assert "<svg" in page.content.decode()  # the chart beside the table


def test_list_shows_seats_and_published_only(client_for, world, review, published):
    other = services.review_create(actor=world.people["alice"], municipality=world.m1,
                                   fields={**BASICS, "title": "Geheime Analyse"})
    body = client_for("mia").get(reverse("casereviews:list", args=[world.m1.pk])) \
        .content.decode()
    assert review.title in body and published.title in body and other.title not in body
    assert "in progress" in body  # coordinators learn that there are more


def test_query_counts(client_for, world, review, episode, django_assert_max_num_queries):
    for i in range(6):
        ContributingFactor.objects.create(episode=episode, level="frontline", type="team",
                                          description=f"F{i}")
        Episode.objects.create(review=review, title=f"E{i}", what_happened="…")
    client = client_for("mia")
    with django_assert_max_num_queries(30):
        assert client.get(reverse("casereviews:detail", args=[review.pk])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("casereviews:list", args=[world.m1.pk])).status_code == 200


def test_identifiers_can_be_struck_out_after_the_lock(client_for, world):
    """Found by a walk: after "Befunde abgestimmt" the only way on was to confirm a real name
    as harmless. Now a lead replaces or removes it everywhere, and the original is kept
    nowhere (not in the texts, the confirmations, or the audit log)."""
    review = agreed(world)
    review.context = "Frau Yilmaz zog in die Lindenallee 4. Frau Yilmaz rief an."
    review.save()
    Episode.objects.create(review=review, title="Anruf", what_happened="Frau Yilmaz rief an.")
    client = client_for("mia")
    redact = reverse("casereviews:redact", args=[review.pk])
    page = client.get(reverse("casereviews:publish", args=[review.pk])).content.decode()
    assert "Replace everywhere" in page or "Überall ersetzen" in page
    done = client.post(redact, {"text": "Frau Yilmaz", "replacement": "[Mutter]"}, follow=True)
    assert "3 places" in done.content.decode() or "3 Stellen" in done.content.decode()
    client.post(redact, {"text": "Lindenallee 4", "remove": "1"})
    review.refresh_from_db()
    assert review.context == "[Mutter] zog in die . [Mutter] rief an."
    assert review.episodes.get(title="Anruf").what_happened == "[Mutter] rief an."
    assert services.findings(review) == []
    entries = AuditEntry.objects.filter(object_id=str(review.pk), action="update")
    assert not any("Yilmaz" in str(e.summary) or "Linden" in str(e.summary) for e in entries)
    # a replacement that is itself a name is refused; others may not strike out at all
    bad = client.post(redact, {"text": "[Mutter]", "replacement": "Frau Becker"}, follow=True)
    assert "looks like an identifier" in bad.content.decode() or "wie ein" in bad.content.decode()
    assert client_for("paul").post(redact, {"text": "[Mutter]", "remove": "1"}).status_code == 404
    review.refresh_from_db()
    assert "[Mutter]" in review.context


def test_a_required_text_keeps_a_mark_when_its_only_words_go(world):
    review = agreed(world)
    episode = Episode.objects.create(review=review, title="Herr Krause", what_happened="x")
    services.identifier_redact(actor=None, review=review, text="Herr Krause")
    episode.refresh_from_db()
    assert episode.title == "[…]"


def test_nothing_is_struck_out_after_publication(world, published):
    from django.core.exceptions import ValidationError

    published.summary = "Frau Meier"
    published.save()
    with pytest.raises(ValidationError):
        services.identifier_redact(actor=None, review=published, text="Frau Meier")
