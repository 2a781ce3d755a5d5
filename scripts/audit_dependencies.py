"""Audit the locked dependencies for known vulnerabilities: the Python packages
(requirements.lock, with pip-audit) and the front-end packages (package-lock.json, with
`npm audit`; KERN UX and htmx are vendored from it and served to every visitor).

    make audit                                   # or:
    .venv-audit/bin/python scripts/audit_dependencies.py [--allow-unreachable]

Runs pip-audit against the lock (every pin hashed, no resolution by pip) and decides:

- exit 0: every locked package was audited, and every vulnerability found is explained in
  scripts/audit-exceptions.txt (an ID, the package, and why it does not apply or what is done);
- exit 1: a vulnerability that is not explained – upgrade the package or explain it;
- exit 2: packages could not be audited. pip-audit itself reports "No known vulnerabilities
  found" and exits 0 when it could not reach its advisory service and skipped every package; this
  script does not count that as a pass. With --allow-unreachable (CI on machines that reach only
  the package registries) a run in which *no* package could be audited prints a notice and
  exits 0; a partial audit still fails.

The vulnerability service is PyPI's (the Python Packaging Advisory Database); set
QDIALOG_AUDIT_SERVICE=osv to ask OSV instead. The npm registry's audit service answers for the
front-end packages. Each of the two is judged on its own; the worst result decides.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXCEPTIONS = ROOT / "scripts" / "audit-exceptions.txt"


@dataclass
class Verdict:
    audited: int = 0
    skipped: list[str] = field(default_factory=list)
    explained: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)

    @property
    def unreachable(self) -> bool:
        return self.audited == 0 and bool(self.skipped)

    def exit_code(self, allow_unreachable: bool = False) -> int:
        if self.unexplained:
            return 1
        if self.skipped and not (allow_unreachable and self.unreachable):
            return 2
        return 0


def read_exceptions(path: Path = EXCEPTIONS) -> dict[str, str]:
    """`ID package reason…` per line; '#' starts a comment. Returns {ID: "package: reason"}."""
    exceptions = {}
    if not path.exists():
        return exceptions
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 3:
            raise ValueError(f"{path.name}:{number}: needs an ID, the package and a reason")
        exceptions[parts[0]] = f"{parts[1]}: {parts[2]}"
    return exceptions


def judge(report: dict, exceptions: dict[str, str]) -> Verdict:
    """Decide on pip-audit's JSON report."""
    verdict = Verdict()
    for dependency in report.get("dependencies", []):
        if dependency.get("skip_reason"):
            verdict.skipped.append(dependency["name"])
            continue
        verdict.audited += 1
        for vulnerability in dependency.get("vulns", []):
            ids = [vulnerability["id"], *vulnerability.get("aliases", [])]
            known = next((i for i in ids if i in exceptions), None)
            fixes = ", ".join(vulnerability.get("fix_versions", [])) or "no fixed release yet"
            line = f"{dependency['name']} {dependency.get('version', '')}: {'/'.join(ids)} " \
                   f"(fixed in: {fixes})"
            if known:
                verdict.explained.append(f"{line} – explained: {exceptions[known]}")
            else:
                verdict.unexplained.append(line)
    return verdict


def judge_npm(report: dict, lock: dict, exceptions: dict[str, str]) -> Verdict:
    """Decide on `npm audit --json`; an error report (the service refused or was not reached)
    means nothing was audited."""
    packages = sorted(k.removeprefix("node_modules/") for k in lock.get("packages", {}) if k)
    verdict = Verdict()
    if "error" in report or "vulnerabilities" not in report:
        verdict.skipped = packages
        return verdict
    verdict.audited = len(packages)
    for name, entry in sorted(report["vulnerabilities"].items()):
        for via in entry.get("via", []):
            if not isinstance(via, dict):
                continue  # a dependency's advisory, listed under that package itself
            advisory = str(via.get("url", "")).rstrip("/").rsplit("/", 1)[-1] or str(
                via.get("source", "?"))
            line = f"{name} {via.get('range', '')}: {advisory} ({via.get('severity', '?')}: " \
                   f"{via.get('title', '')})"
            if advisory in exceptions:
                verdict.explained.append(f"{line} – explained: {exceptions[advisory]}")
            else:
                verdict.unexplained.append(line)
    return verdict


def run_npm_audit(lock: Path) -> tuple[dict, dict]:
    import shutil

    lock_data = json.loads(lock.read_text())
    if shutil.which("npm") is None:
        return {"error": "npm not installed"}, lock_data
    done = subprocess.run(["npm", "audit", "--package-lock-only", "--json"], cwd=lock.parent,
                          capture_output=True, text=True, timeout=300)
    try:
        return json.loads(done.stdout or "{}"), lock_data
    except json.JSONDecodeError:
        return {"error": done.stderr[-500:]}, lock_data


def run_pip_audit(lock: Path) -> dict:
    service = os.environ.get("QDIALOG_AUDIT_SERVICE", "pypi")
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "-r", str(lock), "--require-hashes",
                   "--disable-pip", "--progress-spinner", "off", "-s", service,
                   "-f", "json", "-o", str(output)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
        if not output.exists():
            sys.stderr.write(done.stderr[-3000:])
            raise SystemExit(f"pip-audit did not produce a report (exit {done.returncode})")
        return json.loads(output.read_text())


def report_lines(ecosystem: str, verdict: Verdict) -> list[str]:
    total = verdict.audited + len(verdict.skipped)
    lines = [f"audit ({ecosystem}): {verdict.audited} of {total} locked packages audited, "
             f"{len(verdict.unexplained)} unexplained and {len(verdict.explained)} explained "
             f"known vulnerabilities"]
    lines += [f"  explained   {line}" for line in verdict.explained]
    lines += [f"  UNEXPLAINED {line}" for line in verdict.unexplained]
    if verdict.unreachable:
        lines.append(f"audit ({ecosystem}): the advisory service could not be reached – nothing "
                     "was audited. Run `make audit` on a machine with internet access before a "
                     "release.")
    elif verdict.skipped:
        lines.append(f"audit ({ecosystem}): not audited: {', '.join(verdict.skipped)}")
    return lines


def worst(codes: list[int]) -> int:
    """An unexplained vulnerability (1) outranks a missing audit (2)."""
    return 1 if 1 in codes else max(codes)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--npm-lock", type=Path, default=ROOT / "package-lock.json")
    parser.add_argument("--allow-unreachable", action="store_true",
                        help="a notice instead of a failure when a service could audit nothing")
    args = parser.parse_args(argv)
    exceptions = read_exceptions()
    verdicts = {"PyPI": judge(run_pip_audit(args.lock), exceptions),
                "npm": judge_npm(*run_npm_audit(args.npm_lock), exceptions)}
    summary = {}
    for ecosystem, verdict in verdicts.items():
        print("\n".join(report_lines(ecosystem, verdict)))
        summary[ecosystem] = {"audited": verdict.audited,
                              "packages": verdict.audited + len(verdict.skipped),
                              "unexplained": len(verdict.unexplained),
                              "explained": len(verdict.explained),
                              "unreachable": verdict.unreachable}
    code = worst([v.exit_code(args.allow_unreachable) for v in verdicts.values()])
    print(json.dumps({**summary, "exit": code}))
    return code


if __name__ == "__main__":
    sys.exit(main())
