import rules

from qdialog.tenancy.rules import manages_municipality, sees_municipality


@rules.predicate
def sees_process(user, process):
    return process is not None and sees_municipality(user, process.municipality)


@rules.predicate
def manages_process(user, process):
    return process is not None and manages_municipality(user, process.municipality)


rules.add_rule("processes.view_process", sees_process)
rules.add_rule("processes.manage_process", manages_process)
