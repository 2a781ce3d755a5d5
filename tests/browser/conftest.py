"""Playwright with Debian's chromium (no browser download), and axe-core from the npm registry.

Where no chromium is installed the browser tests skip with the reason; in CI
(QDIALOG_REQUIRE_BROWSER=1) a missing browser or axe-core fails instead.
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_CANDIDATES = ["/usr/lib/chromium/chromium", "/usr/bin/chromium",
                       shutil.which("chromium") or ""]
CHROMIUM = next((c for c in CHROMIUM_CANDIDATES if c and os.access(c, os.X_OK)), None)
REQUIRED = os.environ.get("QDIALOG_REQUIRE_BROWSER") == "1"
ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    problems = []
    if CHROMIUM is None:
        problems.append("Debian's chromium is not installed (apt-get install chromium)")
    if not AXE.exists():
        problems.append("axe-core is not installed (npm ci)")
    if not problems:
        return
    if REQUIRED:
        raise pytest.UsageError("browser tests required but " + "; ".join(problems))
    skip = pytest.mark.skip(reason="; ".join(problems))
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "de-DE", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def page(page):
    """The test's page, failing the test if the browser reports a Content-Security-Policy
    violation (an inline script or style the policy refused)."""
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    assert not violations, "CSP violations:\n" + "\n".join(violations)


@pytest.fixture
def axe_check():
    """Run axe-core on the page; fail on serious or critical violations."""

    def check(page, label):
        page.evaluate(AXE.read_text())  # not a script tag: the CSP allows no inline script
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})")
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        details = [f"{v['id']} ({v['impact']}): {v['help']} – "
                   f"{[n['target'] for n in v['nodes']][:3]}" for v in bad]
        assert not bad, f"{label}: " + "\n".join(details)
        return result

    return check


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take
