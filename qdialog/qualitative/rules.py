"""Who may do what in the qualitative analysis (docs/qualitative.md, "Who sees what").

- A project is run by those who run its level: the institute for a programme's project, the
  cluster's coordinators (and the institute) for a cluster's, the municipality's coordinators
  (and the institute) for a municipality's. They choose the coders and the material.
- Coders are named per project; they code and read the project's documents.
- A document is read only by those who may read its source: one of a municipality only by
  people who see that municipality; case-review material only by the review's seat holders.
- The programme's category system is kept by the institute; a municipality's coordinators add
  local codes to it.
"""

from __future__ import annotations

import rules

from qdialog.casereviews.rules import is_member
from qdialog.tenancy.scope import scope_for


def _project_user_ids(project) -> set[int]:
    ids = getattr(project, "_coder_ids", None)
    if ids is None:
        ids = set(project.coders.values_list("pk", flat=True))
        project._coder_ids = ids
    return ids


@rules.predicate
def manages_project(user, project):
    if project is None or not user.is_authenticated:
        return False
    scope = scope_for(user)
    if scope.is_institute_staff(project.programme_id):
        return True
    if project.municipality_id:
        return project.municipality.pk in scope.coordinated_municipalities
    if project.cluster_id:
        return project.cluster_id in scope.coordinated_clusters
    return False


@rules.predicate
def is_coder(user, project):
    if project is None or not user.is_authenticated:
        return False
    return user.pk in _project_user_ids(project)


views_project = manages_project | is_coder


@rules.predicate
def codes_project(user, project):
    """Coders code; those who run the project may code too (and so do the consensus round)."""
    return is_coder(user, project) or manages_project(user, project)


@rules.predicate
def reads_document(user, document):
    if document is None or not views_project(user, document.project):
        return False
    if document.municipality_id and not scope_for(user).sees_municipality(document.municipality):
        return False
    if document.case_review_id:
        return is_member(user, document.case_review)
    return True


@rules.predicate
def codes_document(user, document):
    return reads_document(user, document) and codes_project(user, document.project)


@rules.predicate
def keeps_system(user, system):
    return system is not None and user.is_authenticated and scope_for(user).is_institute_staff(
        system.programme_id)


@rules.predicate
def reads_system(user, system):
    """Everyone who coordinates in the programme or codes in one of its projects."""
    if system is None or not user.is_authenticated:
        return False
    scope = scope_for(user)
    if system.programme_id in scope.coordinating_programmes():
        return True
    return system.projects.filter(coders=user).exists()


rules.add_rule("qualitative.manage_project", manages_project)
rules.add_rule("qualitative.view_project", views_project)
rules.add_rule("qualitative.code_project", codes_project)
rules.add_rule("qualitative.read_document", reads_document)
rules.add_rule("qualitative.code_document", codes_document)
rules.add_rule("qualitative.keep_system", keeps_system)
rules.add_rule("qualitative.view_system", reads_system)
