"""Benchmark: time the dashboards and lists of the demo programme, as each role sees them.

    .venv/bin/python bench/dashboards.py [--rounds 50] [--only results]

Loads the demo programme into a fresh SQLite file (or the database in DATABASE_URL, whose demo
programme is reset), requests each page once after clearing the cache (first ms) and then
`rounds` times through Django's test client (full middleware stack, no network) and prints per
page the median and 95th percentile in milliseconds and the number of queries. The last line is
one JSON object with all figures.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qdialog.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    warnings.filterwarnings("ignore", message="No directory at")

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    from qdialog.accounts.models import User
    from qdialog.tenancy import demo
    from qdialog.tenancy.models import Municipality

    if demo.demo_exists():
        demo.demo_remove()
    programme = demo.demo_load()
    first = Municipality.objects.get(programme=programme, name="Landkreis Ahrenmoor")
    pages = [
        ("institut", "home", reverse("home")),
        ("institut", "programme dashboard", reverse("tenancy:programme", args=[programme.slug])),
        ("institut", "programme audit log", reverse("tenancy:programme_audit",
                                                    args=[programme.slug])),
        ("cluster", "cluster dashboard", reverse("tenancy:cluster", args=[programme.slug, 1])),
        ("koordination", "municipality dashboard", reverse("tenancy:municipality",
                                                           args=[first.pk])),
        ("koordination", "organisations", reverse("tenancy:organisations", args=[first.pk])),
        ("koordination", "people", reverse("tenancy:members", args=[first.pk])),
        ("fachkraft", "municipality dashboard (participant)",
         reverse("tenancy:municipality", args=[first.pk])),
    ]
    from qdialog.surveys.models import Wave

    closed = Wave.objects.filter(programme=programme, municipality__isnull=True,
                                 status="closed").order_by("timepoint").last()
    pages += [
        ("institut", "programme results", reverse("analysis:results", args=[closed.pk])),
        ("institut", "overview of the municipalities",
         reverse("analysis:overview", args=[closed.pk])),
        ("koordination", "results of one municipality",
         reverse("analysis:results", args=[closed.pk]) + f"?municipality={first.pk}"),
    ]
    results = {}
    print(f"database: {connection.vendor}; rounds: {args.rounds}")
    print(f"{'page':<40} {'first ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for login, name, url in pages:
        if args.only not in name:
            continue
        client = Client()
        client.force_login(User.objects.get(email=demo.demo_email(login)))
        cache.clear()  # the first request draws what later ones read from the cache
        start = time.perf_counter()
        client.get(url)
        first = (time.perf_counter() - start) * 1000
        timings = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        p50 = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
        results[name] = {"first_ms": round(first, 2), "p50_ms": round(p50, 2),
                         "p95_ms": round(p95, 2), "queries": len(ctx)}
        print(f"{name:<40} {first:>8.2f} {p50:>8.2f} {p95:>8.2f} {len(ctx):>8}")
    print(json.dumps({"benchmark": "dashboards", "database": connection.vendor,
                      "rounds": args.rounds, "pages": results}))


if __name__ == "__main__":
    from qdialog.core.scoping import unscoped

    with unscoped("a script that arranges and measures data of its own"):
        main()
