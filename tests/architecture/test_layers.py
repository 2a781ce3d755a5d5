"""The dependency rule (docs/architecture.md): an app's domain modules – models, services,
selectors, rules, tasks and everything else that is not wiring – import only the apps below it.
Wiring (views, forms, URLs, template tags, documents, the admin, management commands, the demo
steps, AppConfig)
sits on top of its app and may read from any app. Higher apps reach lower ones through
registries (core/registry.py) or signals, never the other way round.

The imports are read from the source (also those inside functions). What still runs against the
rule is listed in DEBTS, each with the way out; the list may only shrink: an entry that no
longer occurs fails too, so that it is struck off when it is paid.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2] / "qdialog"

#: low to high; an app may import the apps on its own level only where noted in DEBTS
LAYERS = [
    {"core"},
    {"tenancy"},
    {"accounts"},
    {"notifications"},
    {"surveys", "network", "incidents"},
    {"disclosure"},
    {"analysis"},
    {"standards", "casereviews"},
    {"processes"},
    {"qualitative"},
    {"actions"},
    {"reports", "retention", "api"},
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}
WIRING_NAMES = {"views", "urls", "demo", "admin", "apps", "cli", "documents", "forms"}
WIRING_DIRS = {"templatetags", "management", "views", "migrations"}

#: (module, app it imports) -> the way out
DEBTS: dict = {}


def _app_of(module: str):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "qdialog" else None


def _is_wiring(path: pathlib.Path) -> bool:
    rel = path.relative_to(ROOT).parts
    return (rel[-1].removesuffix(".py") in WIRING_NAMES
            or rel[-1].startswith("views_") or any(d in WIRING_DIRS for d in rel[1:-1]))


def imports_against_the_rule():
    found = set()
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).parts
        if len(rel) < 2 or rel[0] not in LEVEL or _is_wiring(path):
            continue
        app = rel[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                other = _app_of(module)
                if other in LEVEL and other != app and LEVEL[other] >= LEVEL[app]:
                    found.add((f"qdialog/{'/'.join(rel)}", other))
    return found


def test_every_app_has_a_layer():
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    assert apps == set(LEVEL)


def test_imports_point_down():
    found = imports_against_the_rule()
    assert sorted(found - set(DEBTS)) == [], "imports against the layers (docs/architecture.md)"


def test_paid_debts_are_struck_off():
    assert sorted(set(DEBTS) - imports_against_the_rule()) == []


def test_views_leave_the_audit_log_to_services():
    """A view parses, calls a service or selector and renders; what is audited – writes, reads of
    sensitive pages, exports – is recorded by the service, in its transaction."""
    writers = []
    for path in sorted(ROOT.rglob("*.py")):
        in_views = path.name.startswith("views") or "views" in path.relative_to(ROOT).parts[:-1]
        if in_views and "log_action" in path.read_text():
            writers.append(str(path.relative_to(ROOT)))
    assert writers == []
