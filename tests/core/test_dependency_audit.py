"""The dependency audit's verdict (scripts/audit_dependencies.py) on pip-audit's JSON report.

pip-audit prints "No known vulnerabilities found" and exits 0 when its advisory service was not
reachable and every package was skipped; the wrapper must not take that for a pass."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("audit_dependencies",
                                              ROOT / "scripts" / "audit_dependencies.py")
audit = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = audit  # dataclasses look their module up
spec.loader.exec_module(audit)

DJANGO_VULN = {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-0001", "GHSA-xxxx-yyyy-zzzz"],
               "fix_versions": ["5.2.99"], "description": "…"}


def report(*dependencies):
    return {"dependencies": list(dependencies), "fixes": []}


def test_all_audited_and_clean_passes():
    verdict = audit.judge(report({"name": "django", "version": "5.2.19", "vulns": []},
                                 {"name": "weasyprint", "version": "70.0", "vulns": []}), {})
    assert verdict.audited == 2 and verdict.exit_code() == 0


def test_unexplained_vulnerability_fails_and_names_the_fix():
    verdict = audit.judge(report({"name": "django", "version": "5.2.19",
                                  "vulns": [DJANGO_VULN]}), {})
    assert verdict.exit_code() == 1 and verdict.exit_code(allow_unreachable=True) == 1
    assert "PYSEC-2099-1" in verdict.unexplained[0] and "5.2.99" in verdict.unexplained[0]


@pytest.mark.parametrize("listed", ["PYSEC-2099-1", "CVE-2099-0001", "GHSA-xxxx-yyyy-zzzz"])
def test_explained_vulnerability_passes_by_id_or_alias(listed):
    exceptions = {listed: "django: only the admin's X is affected, which qdialog disables"}
    verdict = audit.judge(report({"name": "django", "version": "5.2.19",
                                  "vulns": [DJANGO_VULN]}), exceptions)
    assert verdict.exit_code() == 0 and "explained" in verdict.explained[0]


def test_nothing_audited_is_not_a_pass():
    skipped = [{"name": n, "skip_reason": f"Dependency not found on PyPI: {n}"}
               for n in ("django", "weasyprint")]
    verdict = audit.judge(report(*skipped), {})
    assert verdict.unreachable and verdict.exit_code() == 2
    # CI on machines that reach only the package registries: a notice, not a failure
    assert verdict.exit_code(allow_unreachable=True) == 0


def test_partial_audit_fails_even_when_allowed_unreachable():
    verdict = audit.judge(report({"name": "django", "version": "5.2.19", "vulns": []},
                                 {"name": "weasyprint", "skip_reason": "not found"}), {})
    assert not verdict.unreachable and verdict.exit_code(allow_unreachable=True) == 2


def test_exceptions_file_parses_and_each_entry_has_a_reason(tmp_path):
    assert isinstance(audit.read_exceptions(), dict)  # the committed file
    good = tmp_path / "ok.txt"
    good.write_text("# comment\nPYSEC-2099-1 django the reason in words  # trailing\n")
    assert audit.read_exceptions(good) == {"PYSEC-2099-1": "django: the reason in words"}
    bad = tmp_path / "bad.txt"
    bad.write_text("PYSEC-2099-1 django\n")
    with pytest.raises(ValueError, match="reason"):
        audit.read_exceptions(bad)


LOCK = {"packages": {"": {}, "node_modules/htmx.org": {"version": "2.0.11"},
                     "node_modules/@kern-ux/native": {"version": "2.7.2"}}}
NPM_FINDING = {  # the shape of `npm audit --json` (report version 2)
    "auditReportVersion": 2,
    "vulnerabilities": {"htmx.org": {
        "name": "htmx.org", "severity": "high", "isDirect": True,
        "via": [{"source": 1099999, "name": "htmx.org", "title": "XSS in hx-on",
                 "url": "https://github.com/advisories/GHSA-aaaa-bbbb-cccc",
                 "severity": "high", "range": "<2.0.12"}, "some-dependency"],
        "fixAvailable": True}},
    "metadata": {"vulnerabilities": {"high": 1, "total": 1}}}


def test_npm_finding_fails_unless_explained():
    verdict = audit.judge_npm(NPM_FINDING, LOCK, {})
    assert verdict.audited == 2 and verdict.exit_code() == 1
    assert "GHSA-aaaa-bbbb-cccc" in verdict.unexplained[0] and "XSS" in verdict.unexplained[0]
    explained = audit.judge_npm(NPM_FINDING, LOCK, {"GHSA-aaaa-bbbb-cccc": "htmx.org: hx-on off"})
    assert explained.exit_code() == 0 and len(explained.explained) == 1


def test_npm_refused_is_nothing_audited():
    refused = {"message": "405 Method Not Allowed", "statusCode": 405, "error": {}}
    verdict = audit.judge_npm(refused, LOCK, {})
    assert verdict.unreachable and verdict.skipped == ["@kern-ux/native", "htmx.org"]
    assert verdict.exit_code() == 2 and verdict.exit_code(allow_unreachable=True) == 0
    clean = audit.judge_npm({"auditReportVersion": 2, "vulnerabilities": {}}, LOCK, {})
    assert clean.audited == 2 and clean.exit_code() == 0


def test_worst_result_decides():
    assert audit.worst([0, 0]) == 0 and audit.worst([0, 2]) == 2 and audit.worst([2, 1]) == 1
