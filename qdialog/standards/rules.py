"""Everyone in the municipality reads the documents and takes part in drafting them (comments,
amendments, consent); its coordinators edit, decide amendments and set the status."""

import rules

from qdialog.core.scope import scope_for


@rules.predicate
def sees_catalogue(user, municipality):
    return municipality is not None and scope_for(user).sees_municipality(municipality)


@rules.predicate
def manages_catalogue(user, municipality):
    return municipality is not None and scope_for(user).manages_municipality(municipality)


rules.add_rule("standards.view", sees_catalogue)
rules.add_rule("standards.take_part", sees_catalogue)
rules.add_rule("standards.manage", manages_catalogue)
