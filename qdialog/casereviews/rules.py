"""Who may see and change a case review. Seats on the review decide, never the role alone: a
coordinator who holds no seat sees only the published summary."""

import rules

from qdialog.tenancy.scope import scope_for


def _seat(user, review):
    if review is None or not user.is_authenticated:
        return None
    if not scope_for(user).sees_municipality(review.municipality):
        return None  # a seat without a role in the municipality opens nothing
    seats = getattr(review, "_seats", None)
    if seats is None:
        seats = {m.user_id: m.team for m in review.members.all() if m.user_id}
        review._seats = seats
    return seats.get(user.pk)


@rules.predicate
def is_member(user, review):
    return _seat(user, review) is not None


@rules.predicate
def edits_review(user, review):
    """Lead reviewers and the review team change the content while the review is open."""
    return _seat(user, review) in ("lead", "review") and review.is_open


@rules.predicate
def leads_review(user, review):
    return _seat(user, review) == "lead"


@rules.predicate
def reads_summary(user, review):
    """The published summary: everyone who sees the municipality (cluster and institute
    included: it is the only part that leaves the municipality)."""
    return (review is not None and review.stage == "published"
            and scope_for(user).sees_municipality(review.municipality))


rules.add_rule("casereviews.view", is_member)
rules.add_rule("casereviews.edit", edits_review)
rules.add_rule("casereviews.lead", leads_review)
rules.add_rule("casereviews.read_summary", reads_summary | is_member)
