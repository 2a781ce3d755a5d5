"""The container image definition, the compose file and the entry script – checked without
containers: the files say what the operator guide promises, and deploy/entrypoint.sh starts
qdialog the same way outside a container (SQLite, configured only by environment variables).
bench/container.py runs the image itself, bench/cluster.py several nodes (.ci/run)."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENTRYPOINT = DEPLOY / "entrypoint.sh"


def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_has_two_web_nodes_two_workers_and_the_services():
    services = compose()["services"]
    commands = {name: (s.get("command") or [None])[0] for name, s in services.items()}
    assert sorted(n for n, c in commands.items() if c == "web") == ["web1", "web2"]
    assert sorted(n for n, c in commands.items() if c == "worker") == ["worker1", "worker2"]
    assert commands["migrate"] == "migrate"
    assert {"postgres", "redis", "haproxy"} <= set(services)
    qdialog = [s for n, s in services.items() if commands[n] in ("web", "worker", "migrate")]
    assert {s["image"] for s in qdialog} == {"localhost/qdialog:latest"}
    # one media volume for every node and worker: a file uploaded through one node is there for
    # the others, a report built by a worker for every node
    assert all("media:/var/lib/qdialog/media" in s["volumes"] for s in qdialog)
    for name in ("web1", "web2", "worker1", "worker2"):
        assert services[name]["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully"
        assert services[name]["env_file"] == "qdialog.env"


def test_compose_images_come_from_this_repository_only():
    for name, service in compose()["services"].items():
        assert service["image"].startswith("localhost/qdialog"), name


def test_haproxy_checks_readiness_and_sets_the_client_address():
    config = (DEPLOY / "haproxy.cfg").read_text()
    assert "uri /readyz" in config
    assert re.search(r"server web1 web1:8000 .*check", config)
    assert re.search(r"server web2 web2:8000 .*check", config)
    assert "http-request set-header X-Real-IP %[src]" in config
    env = (DEPLOY / "qdialog.env.example").read_text()
    assert "QDIALOG_CLIENT_IP_HEADER=HTTP_X_REAL_IP" in env
    assert "CACHE_URL=redis://" in env


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed")
def test_haproxy_accepts_the_configuration():
    done = subprocess.run(["haproxy", "-c", "-f", str(DEPLOY / "haproxy.cfg")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_containerfile_uses_only_the_local_debian_base_and_locked_packages():
    text = (ROOT / "Containerfile").read_text()
    instructions = [line for line in text.splitlines() if line and not line.startswith("#")]
    froms = [line for line in instructions if line.startswith("FROM")]
    assert froms == ["FROM ${BASE}"]
    assert "ARG BASE=localhost/qdialog-base:bookworm" in text
    assert not re.search(r"^ADD\s", text, re.M)  # ADD could fetch from anywhere
    assert not re.search(r"\b(curl|wget|apt-get)\b", "\n".join(instructions))
    assert "--require-hashes -r /opt/qdialog/requirements-runtime.lock" in text
    user = [line for line in instructions if line.startswith("USER")]
    assert user and user[-1].split()[1].split(":")[0] not in ("0", "root")
    assert 'CMD ["/opt/qdialog/entrypoint.sh", "health"]' in text
    assert 'ENTRYPOINT ["/opt/qdialog/entrypoint.sh"]' in text
    assert "QDIALOG_MODE=production" in text
    build = (DEPLOY / "build-image.sh").read_text()
    assert "mmdebstrap" in build and "podman import" in build.replace("$PODMAN", "podman")
    assert "python3,python3-venv,libpango-1.0-0" in build


def _pins(name):
    return dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", (ROOT / name).read_text(), re.M))


def test_the_images_lock_holds_the_same_pins_without_the_test_tools():
    """requirements-runtime.lock (the image's) is made from requirements.lock as a constraint
    (docs/development.md): every package at the very same version and hash, none of the test
    extras."""
    full, runtime = _pins("requirements.lock"), _pins("requirements-runtime.lock")
    assert runtime and all(full.get(name) == version for name, version in runtime.items())
    assert not {"pytest", "playwright", "hypothesis", "schemathesis", "ruff",
                "django-oauth-toolkit", "scikit-learn"} & set(runtime)
    assert {"django", "gunicorn", "psycopg", "numpy", "scipy", "weasyprint"} <= set(runtime)
    text = {name: (ROOT / name).read_text() for name in ("requirements.lock",
                                                         "requirements-runtime.lock")}
    for name in runtime:
        hashes = [set(re.findall(r"--hash=(sha256:[0-9a-f]{64})", re.search(
            rf"^{re.escape(name)}==.*?(?=^\S)", text[lock] + "\nend", re.M | re.S).group(0)))
            for lock in text]
        assert hashes[0] == hashes[1], name


def test_services_images_come_from_debian_packages():
    text = (DEPLOY / "services.Containerfile").read_text()
    froms = re.findall(r"^FROM (\S+)", text, re.M)
    assert froms and set(froms) == {"${BASE}"}
    assert {"postgres", "redis", "haproxy"} == set(re.findall(r"^FROM \S+ AS (\w+)", text,
                                                             re.M))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def production_env(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL",
                        "PROMETHEUS_MULTIPROC_DIR"}}
    env.update({"QDIALOG_MODE": "production", "DJANGO_DEBUG": "false",
                "SECRET_KEY": "entrypoint-test-key-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1",
                "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
                "QDIALOG_DATA_DIR": str(tmp_path / "data"), "MEDIA_ROOT": str(tmp_path / "media"),
                "STATIC_ROOT": str(tmp_path / "static"), "SECURE_SSL_REDIRECT": "false",
                "QDIALOG_ROLE_FILE": str(tmp_path / "role"), "LOG_LEVEL": "ERROR",
                "QDIALOG_BIN": f"{sys.executable} -m qdialog",
                "DJANGO_SETTINGS_MODULE": "qdialog.settings"})
    return env


def _entry(env, *args, timeout=600):
    return subprocess.run(["sh", str(ENTRYPOINT), *args], env=env, capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


def test_the_entry_script_runs_migrate_web_worker_and_one_off_commands(production_env,
                                                                      tmp_path):
    env = production_env
    assert _entry(env, "migrate", "-v0").returncode == 0
    done = _entry(env, "check-deploy")
    assert done.returncode == 0, done.stderr
    assert _entry(env, "collectstatic", "--noinput", "-v0").returncode == 0
    assert _entry(env, "health").returncode == 1  # nothing runs yet
    done = _entry(env, "backup", str(tmp_path / "backup.tar.gz"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "backup.tar.gz").stat().st_size > 0
    done = _entry(env, "worker", "--batch", "--no-startup-delay")
    assert done.returncode == 0, done.stderr
    assert _entry(env, "health").returncode == 0  # a worker is alive while it runs

    port = _free_port()
    web_env = {**env, "QDIALOG_BIND": f"127.0.0.1:{port}", "QDIALOG_WORKERS": "1"}
    web = subprocess.Popen(["sh", str(ENTRYPOINT), "web"], env=web_env, cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    try:
        status = None
        for _ in range(600):  # a bound, not a wait: the loop ends when the node answers
            assert web.poll() is None, "the web node stopped"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as r:
                    status = r.status
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200
        assert _entry(web_env, "health").returncode == 0
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=60)
    assert (tmp_path / "role").read_text().strip() == "web"


def test_a_short_secret_key_refuses_to_start(production_env):
    done = _entry({**production_env, "SECRET_KEY": "short"}, "migrate")
    assert done.returncode != 0
    assert "refuses to start in production mode" in done.stderr
