"""Benchmark: analysis and reports for a whole programme.

    .venv/bin/python bench/analysis.py                        # SQLite (a fresh file)
    DATABASE_URL=postgres://… .venv/bin/python bench/analysis.py

Generates 43 municipalities × 300 respondents × 60 rating items (774,000 answers) in one wave,
then measures: the full programme results (all items, dimensions, groups, suppression) through
analysis.engine; the floor – the same counts by one hand-written SQL GROUP BY over the answers;
one municipality's PDF report; all 43 reports as a ZIP (parallel processes); the peak memory.
The last line is one JSON object with the figures.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import secrets
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
MUNICIPALITIES, RESPONDENTS, ITEMS = 43, 300, 60


def spec():
    return {"family": "bench-analysis", "title_de": "Bench", "paged": False, "sections": [
        {"code": "about", "title_de": "Rolle", "items": [
            {"code": "perspective", "kind": "single", "role": "perspective", "text_de": "P",
             "options": [{"de": "Leitung"}, {"de": "Fachkraft"}, {"de": "Klient:in"},
                         {"de": "Kooperation"}]}]},
        {"code": "main", "title_de": "Fragen", "items": [
            {"code": f"i{n:02d}", "kind": "likert", "scale_points": 5, "dont_know": True,
             "text_de": f"Aussage {n}", "dimension": f"d{(n - 1) // 6}",
             "reverse_coded": n % 7 == 0} for n in range(1, ITEMS + 1)]}]}


def generate(programme, wave):
    from qdialog.surveys import schema
    from qdialog.surveys.models import Response
    from qdialog.tenancy.models import Cluster, Municipality

    instrument = schema.compiled(wave.instrument)
    rng = random.Random(43)
    clusters = [Cluster.objects.create(programme=programme, number=n + 1) for n in range(12)]
    municipalities = Municipality.objects.bulk_create(
        Municipality(programme=programme, cluster=clusters[n % 12], name=f"Kommune {n:02d}",
                     kind="landkreis", state="NI") for n in range(MUNICIPALITIES))
    rows = []
    for m in municipalities:
        level = rng.uniform(2.5, 3.7)
        for _ in range(RESPONDENTS):
            perspective = rng.choices([1, 2, 3, 4], [15, 55, 12, 18])[0]
            person = level + rng.gauss(0, 0.7) + (0.4 if perspective == 1 else 0)
            answers = {"perspective": perspective}
            for n in range(1, ITEMS + 1):
                if rng.random() < 0.04:
                    answers[f"i{n:02d}"] = "_dk"
                else:
                    mu = person if n % 7 else 6 - person
                    answers[f"i{n:02d}"] = max(1, min(5, round(rng.gauss(mu, 0.7))))
            rows.append(Response(wave=wave, municipality=m, submitted_on=wave.opens_on,
                                 language="de", perspective=str(perspective), answers=answers,
                                 vector=schema.vectorize(instrument, answers)))
            if len(rows) >= 2000:
                Response.objects.bulk_create(rows)
                rows = []
    Response.objects.bulk_create(rows)
    return municipalities


def floor_query(wave_id):
    """Counts per perspective, variable and value: one GROUP BY over the answers."""
    from django.db import connection

    if connection.vendor == "postgresql":
        sql = ("SELECT r.perspective, a.key, a.value, count(*) FROM surveys_response r, "
               "jsonb_each_text(r.answers) a WHERE r.wave_id = %s GROUP BY 1, 2, 3")
    else:
        sql = ("SELECT r.perspective, a.key, a.value, count(*) FROM surveys_response r, "
               "json_each(r.answers) a WHERE r.wave_id = %s GROUP BY 1, 2, 3")
    with connection.cursor() as cursor:
        cursor.execute(sql, [wave_id])
        return cursor.fetchall()


def timed(fn, repeat=3):
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def main():
    tmp = Path(tempfile.mkdtemp(prefix="qdialog-bench-analysis-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qdialog.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    warnings.filterwarnings("ignore")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from qdialog.analysis.engine import wave_results
    from qdialog.reports import builder, jobs
    from qdialog.reports.models import Report, ReportPart
    from qdialog.surveys import services as surveys
    from qdialog.tenancy.models import Programme

    programme = Programme.objects.create(name="Bench", slug=f"bench-{secrets.token_hex(4)}")
    instrument = surveys.instrument_create_from_spec(actor=None, programme=programme,
                                                     spec=spec())
    today = dt.date.today()
    wave = surveys.wave_create(actor=None, instrument=instrument, fields={
        "title": "t0", "opens_on": today, "closes_on": today})
    surveys.wave_open(actor=None, wave=wave)
    wave.refresh_from_db()
    start = time.perf_counter()
    municipalities = generate(programme, wave)
    generated = time.perf_counter() - start
    answers = MUNICIPALITIES * RESPONDENTS * ITEMS
    from qdialog.disclosure.services import release_make

    # results exist once a wave is closed: closing mixes the answer sets, then the disclosure
    # plan for all units of the wave is made
    closing, _ = timed(lambda: surveys.wave_close(actor=None, wave=wave), repeat=1)
    wave.refresh_from_db()
    release, _ = timed(lambda: release_make(wave=wave), repeat=1)

    full, result = timed(lambda: wave_results(wave))
    floor, rows = timed(lambda: floor_query(wave.pk))
    one, _ = timed(lambda: wave_results(wave, municipality_ids=[municipalities[0].pk]))
    pdf, data = timed(lambda: builder.render_pdf(builder.build_content(
        wave, municipality=municipalities[0])), repeat=2)
    report = Report.objects.create(wave=wave, kind="all", file_format="zip")
    parts = ReportPart.objects.bulk_create(ReportPart(report=report, municipality=m)
                                           for m in municipalities)
    start = time.perf_counter()  # one worker takes the 43 part tasks one after the other
    for part in parts:
        jobs.part_build(part.pk)
    report.refresh_from_db()
    bundle = time.perf_counter() - start
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures = {
        "benchmark": "analysis", "database": connection.vendor, "answers": answers,
        "respondents": MUNICIPALITIES * RESPONDENTS, "generate_s": round(generated, 1),
        "close_and_mix_s": round(closing, 2), "disclosure_plan_s": round(release, 2),
        "programme_results_s": round(full, 3), "sql_floor_s": round(floor, 3),
        "ratio_to_floor": round(full / floor, 2), "one_municipality_results_s": round(one, 3),
        "municipality_pdf_s": round(pdf, 2), "all_43_reports_s": round(bundle, 1),
        "bundle_status": report.status, "pdf_bytes": len(data),
        "peak_memory_mb": round(peak_self, 0), "peak_memory_report_process_mb":
            round(peak_children, 0), "items_in_result": len(result.items),
        "floor_rows": len(rows)}
    print(f"database: {connection.vendor}; {answers:,} answers "
          f"({MUNICIPALITIES} municipalities × {RESPONDENTS} respondents × {ITEMS} items), "
          f"generated in {generated:.1f} s")
    print(f"programme results (engine):  {full:.3f} s   (target ≤ 1 s on PostgreSQL)")
    print(f"SQL GROUP BY floor:          {floor:.3f} s   ratio {full / floor:.2f} (target ≤ 2)")
    print(f"one municipality's results:  {one:.3f} s")
    print(f"one municipality PDF report: {pdf:.2f} s   (target ≤ 2 s)")
    print(f"all 43 reports (ZIP):        {bundle:.1f} s   (target ≤ 60 s), {report.status}")
    print(f"peak memory: {peak_self:.0f} MB (this process), {peak_children:.0f} MB (largest "
          f"report process)   (target ≤ 500 MB)")
    if connection.vendor == "postgresql":
        programme.delete()
    print(json.dumps(figures))


if __name__ == "__main__":
    from qdialog.core.scoping import unscoped

    with unscoped("a script that arranges and measures data of its own"):
        main()
