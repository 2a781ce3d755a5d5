"""Reads for the survey pages: answer counts and code figures."""

from __future__ import annotations

import rules
from django.db.models import Count, Q
from django.urls import reverse

from .models import AccessCode, CodeKind, Instrument, Response, Wave


def wave_counts(*, wave: Wave) -> dict:
    """How many answer sets have come in, in all and per municipality of the wave.

    No breakdown by perspective or professional system while a wave runs: two states of it
    would tell who answered in between. The sizes of the groups are part of the results, which
    exist once the wave is closed (analysis.engine, through the wave's disclosure plan)."""
    per_municipality = dict(Response.objects.filter(wave=wave).values_list("municipality_id")
                            .annotate(n=Count("id")).values_list("municipality_id", "n"))
    return {"total": sum(per_municipality.values()), "per_municipality": per_municipality}


def code_figures(*, wave: Wave) -> dict:
    figures = AccessCode.objects.filter(wave=wave).aggregate(
        personal=Count("id", filter=Q(kind=CodeKind.PERSONAL)),
        personal_used=Count("id", filter=Q(kind=CodeKind.PERSONAL, used=True)),
        invitations=Count("id", filter=Q(kind=CodeKind.INVITATION)),
        invitations_used=Count("id", filter=Q(kind=CodeKind.INVITATION, used=True)),
        invitations_open_with_address=Count(
            "id", filter=Q(kind=CodeKind.INVITATION, used=False) & ~Q(email="")),
    )
    figures["group_codes"] = list(AccessCode.objects.filter(wave=wave, kind=CodeKind.GROUP)
                                  .select_related("municipality"))
    return figures


def waves_for(queryset) -> list[Wave]:
    return list(queryset.select_related("instrument", "municipality", "cluster", "programme")
                .annotate(n_responses=Count("responses", distinct=True))
                .order_by("-opens_on", "title"))


# --- what a person may see (their Scope, tenancy/scope.py, applied to surveys) -----------------
def waves_followed(scope):
    """Survey waves the person may follow and manage (not participants)."""
    return Wave.objects.filter(
        Q(programme_id__in=scope.institute_programmes)
        | Q(cluster_id__in=scope.coordinated_clusters)
        | Q(municipality__cluster_id__in=scope.coordinated_clusters)
        | Q(municipality_id__in=scope.coordinated_municipalities))


def result_waves(scope):
    """Waves whose results the person may read: those they follow, and the programme- or
    cluster-wide waves that cover a municipality they coordinate (its part only)."""
    covering = Q(municipality__isnull=True) & (
        Q(cluster__isnull=True, programme_id__in=scope.coordinated_programmes)
        | Q(cluster_id__in=scope.coordinated_clusters)
        | Q(cluster__municipalities__in=scope.coordinated_municipalities))
    return Wave.objects.filter(Q(pk__in=waves_followed(scope).values("pk")) | covering) \
        .distinct()


def instruments_visible(scope):
    """Instruments the person may see: the programme's own, and their municipalities'."""
    return Instrument.objects.filter(
        Q(programme_id__in=scope.institute_programmes)
        | Q(programme_id__in=scope.coordinated_programmes, municipality__isnull=True)
        | Q(municipality__cluster_id__in=scope.coordinated_clusters)
        | Q(municipality_id__in=scope.coordinated_municipalities))


def timeline_entries(process) -> list[dict]:
    """The survey waves a process's municipality takes part in: its own, its cluster's common
    ones and the programme's (a cluster's process: the cluster's and the programme's). Each
    entry says where the wave comes from ("origin": "", "cluster" or "programme")."""
    programme_wide = Q(programme_id=process.programme_id, cluster__isnull=True,
                       municipality__isnull=True)
    if process.municipality_id:
        cluster_id = process.municipality.cluster_id
        waves = Q(municipality_id=process.municipality_id) | programme_wide
        if cluster_id:
            waves |= Q(cluster_id=cluster_id, municipality__isnull=True)
    else:
        waves = Q(cluster_id=process.cluster_id, municipality__isnull=True) | programme_wide

    def origin(wave):
        if wave.municipality_id or (process.cluster_id and not process.municipality_id
                                    and wave.cluster_id):
            return ""
        return "cluster" if wave.cluster_id else "programme"

    def href(wave):
        def for_user(user) -> str:
            """The wave's page, or the municipality's part of it, as far as `user` may open
            them ("" shows the title and dates only)."""
            if user is None or rules.test_rule("surveys.view_wave", user, wave):
                return reverse("surveys:wave", args=[wave.pk])
            if process.municipality_id and rules.test_rule(
                    "surveys.manage_part", user, (wave, process.municipality)):
                return reverse("surveys:wave_part", args=[wave.pk, process.municipality_id])
            return ""
        return for_user

    return [{"date": w.opens_on, "end": w.closes_on, "kind": "wave", "object": w,
             "origin": origin(w), "href": href(w)}
            for w in Wave.objects.filter(waves).select_related("instrument", "cluster")]


def part_figures(*, wave, municipality) -> dict:
    """One municipality's part of a wave: its personal codes (made, used), its group code and
    its answer sets so far (the count the wave's own page shows for the whole wave)."""
    codes = AccessCode.objects.filter(wave=wave, municipality=municipality)
    counts = codes.exclude(kind=CodeKind.GROUP).aggregate(
        made=Count("id"), used=Count("id", filter=Q(used=True)))
    return {"codes_made": counts["made"], "codes_used": counts["used"],
            "codes_unused": counts["made"] - counts["used"],
            "group_code": codes.filter(kind=CodeKind.GROUP).first(),
            "answer_sets": wave.responses.filter(municipality=municipality).count()}


# --- the respondent's code: one statement written once (core/rows.py) ------------------------
_CODE_ROWS = _WAVE_ROWS = _INSTRUMENT_ROWS = None
_CODE_SQL = None


def _code_statement():
    global _CODE_ROWS, _WAVE_ROWS, _INSTRUMENT_ROWS, _CODE_SQL
    if _CODE_SQL is None:
        from django.db import connection

        from qdialog.core.rows import Rows

        quote = connection.ops.quote_name
        _CODE_ROWS, _WAVE_ROWS = Rows(AccessCode, "c"), Rows(Wave, "w")
        _INSTRUMENT_ROWS = Rows(Instrument, "i")
        column = {"code": AccessCode._meta.get_field("code").column,
                  "wave": AccessCode._meta.get_field("wave").column,
                  "wave_pk": Wave._meta.pk.column,
                  "instrument": Wave._meta.get_field("instrument").column,
                  "instrument_pk": Instrument._meta.pk.column}
        q = {k: quote(v) for k, v in column.items()}
        _CODE_SQL = (
            f"SELECT {_CODE_ROWS.columns()}, {_WAVE_ROWS.columns()}, "
            f"{_INSTRUMENT_ROWS.columns()} "
            f"FROM {quote(AccessCode._meta.db_table)} c "
            f"JOIN {quote(Wave._meta.db_table)} w ON w.{q['wave_pk']} = c.{q['wave']} "
            f"JOIN {quote(Instrument._meta.db_table)} i "
            f"ON i.{q['instrument_pk']} = w.{q['instrument']} "
            f"WHERE c.{q['code']} = %s")
    return _CODE_SQL


def respondent_access(code: str) -> AccessCode | None:
    """The access code with its wave and the wave's instrument, or None: what
    `AccessCode.objects.select_related("wave__instrument").get(code=code)` returns, read with
    one statement whose SQL is built once per process. The caller has checked the code's form
    and extends the tenant fence to the wave's programme."""
    from django.db import connection

    sql = _code_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [code])
        row = cursor.fetchone()
    if row is None:
        return None
    n_code, n_wave = len(_CODE_ROWS), len(_WAVE_ROWS)
    access = _CODE_ROWS.instance(row[:n_code])
    wave = _WAVE_ROWS.instance(row[n_code:n_code + n_wave])
    wave.instrument = _INSTRUMENT_ROWS.instance(row[n_code + n_wave:])
    access.wave = wave
    return access
