"""Everyone in the municipality reads the documents and takes part in drafting them (comments,
amendments, consent); its coordinators edit, decide amendments and set the status. The rules
are the municipality's own (qdialog/tenancy/rules.py), named for what they allow here."""

import rules

from qdialog.tenancy.rules import manages_municipality, sees_municipality

rules.add_rule("standards.view", sees_municipality)
rules.add_rule("standards.take_part", sees_municipality)
rules.add_rule("standards.manage", manages_municipality)


@rules.predicate
def sees_standard(user, standard) -> bool:
    return sees_municipality(user, standard.municipality)


@rules.predicate
def open_for_comments(user, standard) -> bool:
    """Drafting (comments, amendments, consent) is open while the document is a draft, in
    consultation or under review; agreed and adopted documents are closed until reopened."""
    return standard.is_open_for_comments


# On a document: who may take part in drafting it now – the role and the document's state.
rules.add_rule("standards.draft", sees_standard & open_for_comments)
