"""Benchmark: the qualitative analysis at the size the issue names.

    .venv/bin/python bench/qualitative.py [--rounds 20]       # SQLite (a fresh file)
    DATABASE_URL=postgres://… .venv/bin/python bench/qualitative.py

Builds a coding project of one programme with 20 codes and 10,000 codings of record on 2,000
free-text answers (four perspectives, three professional systems, 10 municipalities) plus one
transcript with 200 codings, then times through Django's test client (full middleware stack,
as institute staff): (a) the frequencies page (frequencies by perspective and professional
system, co-occurrence, disclosure control), the analysis selector alone, and a retrieval page;
(b) the document page of the transcript with its 200 codings (GET) and coding one more passage
(POST to coding_add, followed by the redirect's GET not counted). Prints the median and 95th
percentile in milliseconds and the number of queries; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
CODES, ANSWERS, CODINGS, DOCUMENT_CODINGS = 20, 2000, 10_000, 200
PERSPECTIVES = ["Leitung", "Fachkraft", "Klient:in", "Kooperationspartner"]
SYSTEMS = ["Kinder- und Jugendhilfe", "Schule", "Gesundheitswesen"]
WORDS = ["Jugendamt", "Schule", "Kita", "Familie", "Rückmeldung", "Gespräch", "Hilfeplan",
         "Übergabe", "Kooperation", "Beteiligung", "Netzwerk", "Kinderschutz", "Fachkraft",
         "Eltern", "Termin", "Fallberatung"]


def sentence(rng) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."


def build(rng):
    from qdialog.accounts.models import User
    from qdialog.qualitative.models import CategorySystem, Code, Coding, Document, Project
    from qdialog.tenancy.models import Cluster, Membership, Municipality, Organisation, Programme

    programme = Programme.objects.create(name="Bench", slug=f"bench-{secrets.token_hex(4)}")
    cluster = Cluster.objects.create(programme=programme, number=1)
    municipalities = [Municipality.objects.create(
        programme=programme, cluster=cluster, name=f"Kommune {n}", kind="landkreis",
        state="NI") for n in range(10)]
    institute = Organisation.objects.create(programme=programme, name="Institut",
                                            professional_system="institute")
    user = User.objects.create_user(email=f"{secrets.token_hex(4)}@bench.example",
                                    password=secrets.token_hex(8), display_name="Bench")
    Membership.objects.create(user=user, role="institute_staff", programme=programme,
                              organisation=institute)
    category_system = CategorySystem.objects.create(programme=programme, name="Bench")
    codes = []
    for n in range(CODES):
        parent = codes[n // 4 * 4] if n % 4 else None
        codes.append(Code.objects.create(system=category_system, parent=parent,
                                         name=f"Code {n:02d}", position=n))
    project = Project.objects.create(programme=programme, system=category_system,
                                     title="Bench", unit="sentence")
    project.coders.add(user)
    documents = Document.objects.bulk_create(Document(
        project=project, kind="free_text", title=f"Antwort {n}",
        text=" ".join(sentence(rng) for _ in range(rng.randint(2, 5))),
        municipality=municipalities[n % 10], source=f"text:0:{n % 10}:{n}",
        attributes={"wave": "Baseline (t0)", "perspective": rng.choices(
            PERSPECTIVES, [10, 50, 25, 15])[0], "professional_system": rng.choice(SYSTEMS)})
        for n in range(ANSWERS))
    transcript = Document.objects.create(
        project=project, kind="transcript", title="Gruppendiskussion",
        text="\n\n".join(" ".join(sentence(rng) for _ in range(4)) for _ in range(120)),
        municipality=municipalities[0])
    rows = []
    for n in range(CODINGS - DOCUMENT_CODINGS):
        document = documents[n % ANSWERS]
        start = rng.randrange(0, len(document.text) - 10)
        rows.append(Coding(document=document, code=rng.choice(codes), coder=user, start=start,
                           end=min(len(document.text), start + rng.randint(10, 80))))
    for _ in range(DOCUMENT_CODINGS):
        start = rng.randrange(0, len(transcript.text) - 100)
        rows.append(Coding(document=transcript, code=rng.choice(codes), coder=user,
                           start=start, end=start + rng.randint(20, 100)))
    Coding.objects.bulk_create(rows, batch_size=2000)
    return programme, user, project, transcript, codes


def timed(client, method, url, rounds, data=None, status=200):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = client.post if method == "post" else client.get
    timings = []
    for n in range(rounds + 1):
        start = time.perf_counter()
        response = call(url, data(n) if callable(data) else data) if data is not None \
            else call(url)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == status, (url, response.status_code)
        if n:  # the first request warms the caches of the process
            timings.append(elapsed)
    with CaptureQueriesContext(connection) as ctx:
        call(url, data(rounds + 1) if callable(data) else data) if data is not None \
            else call(url)
    return {"p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(statistics.quantiles(timings, n=20)[-1], 1),
            "queries": len(ctx.captured_queries)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="qdialog-bench-qualitative-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qdialog.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    warnings.filterwarnings("ignore")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    from qdialog.qualitative import analysis
    from qdialog.qualitative.models import Coding
    from qdialog.tenancy.scope import scope_for

    rng = random.Random(17)
    start = time.perf_counter()
    programme, user, project, transcript, codes = build(rng)
    generated = time.perf_counter() - start
    # the objects this script made while generating stay alive in its process (a server worker
    # does not hold them); without this, Python's full collections over them land in the timed
    # requests as 150 ms spikes that belong to the bench, not to qdialog
    gc.collect()
    gc.freeze()
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    figures = {"benchmark": "qualitative", "database": connection.vendor,
               "codings": Coding.objects.filter(document__project=project).count(),
               "codes": CODES, "documents": ANSWERS + 1, "rounds": args.rounds,
               "generate_s": round(generated, 1)}

    scope = scope_for(user)
    selector = []
    for _ in range(args.rounds):
        t = time.perf_counter()
        analysis.frequencies(scope=scope, user=user, project=project)
        selector.append((time.perf_counter() - t) * 1000)
    figures["frequencies_selector"] = {"p50_ms": round(statistics.median(selector), 1)}
    figures["frequencies_page"] = timed(client, "get", reverse(
        "qualitative:frequencies", args=[project.pk]), args.rounds)
    figures["retrieval_page"] = timed(client, "get", reverse(
        "qualitative:retrieval", args=[project.pk]) + f"?code={codes[0].pk}&children=on",
        args.rounds)
    document_url = reverse("qualitative:document", args=[transcript.pk])
    figures["document_page"] = timed(client, "get", document_url, args.rounds)

    def one_more(n):
        begin = 7 + 11 * n
        return {"codes": [codes[n % CODES].pk], "start": begin, "end": begin + 40}

    figures["coding_add"] = timed(client, "post", reverse(
        "qualitative:coding_add", args=[transcript.pk]), args.rounds, data=one_more,
        status=302)
    figures["document_codings_after"] = Coding.objects.filter(document=transcript).count()

    print(f"database: {connection.vendor}; {figures['codings']:,} codings, {CODES} codes, "
          f"{ANSWERS:,} free-text answers + 1 transcript with {DOCUMENT_CODINGS} codings; "
          f"generated in {generated:.1f} s; {args.rounds} rounds")
    print(f"{'what':<36} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for name in ("frequencies_page", "retrieval_page", "document_page", "coding_add"):
        f = figures[name]
        print(f"{name:<36} {f['p50_ms']:>8} {f['p95_ms']:>8} {f['queries']:>8}")
    print(f"{'frequencies (selector only)':<36} {figures['frequencies_selector']['p50_ms']:>8}")
    print("targets: frequencies page and coding a document with 200 codings ≤ 200 ms each")
    if connection.vendor == "postgresql":
        programme.delete()
    print(json.dumps(figures))


if __name__ == "__main__":
    from qdialog.core.scoping import unscoped

    with unscoped("a script that arranges and measures data of its own"):
        main()
