"""Everyone in the municipality reads the documents and takes part in drafting them (comments,
amendments, consent); its coordinators edit, decide amendments and set the status. The rules
are the municipality's own (qdialog/tenancy/rules.py), named for what they allow here."""

import rules

from qdialog.tenancy.rules import manages_municipality, sees_municipality

rules.add_rule("standards.view", sees_municipality)
rules.add_rule("standards.take_part", sees_municipality)
rules.add_rule("standards.manage", manages_municipality)
