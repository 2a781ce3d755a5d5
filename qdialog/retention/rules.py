"""Who may download which retention export. Institute staff of the programme download every
export except the case reviews' archive: a review's working material never leaves its
municipality, so only the municipality's coordinators download that one."""

import rules

from qdialog.tenancy.scope import scope_for

from .models import ExportKind


@rules.predicate
def downloads_export(user, export):
    if not user.is_authenticated:
        return False
    scope = scope_for(user)
    if export.municipality_id and export.municipality_id in scope.coordinated_municipalities:
        return True
    return (export.kind != ExportKind.CASE_REVIEWS
            and export.programme_id in scope.institute_programmes)


rules.add_rule("retention.download_export", downloads_export)
