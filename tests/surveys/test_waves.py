"""A wave's life: creating it, live counts without groups, opening and closing."""


import pytest
from django.urls import reverse

from qdialog.surveys import services
from qdialog.surveys.models import AccessCode, Response, SubmissionToken, Wave
from tests.surveys.conftest import fresh_token, post_data
from tests.surveys.test_respond import post as submit


def test_live_counts_show_no_groups_while_the_wave_runs(client_for, world, survey,
                                                        respondent):
    """Per perspective, two states of the counts would tell who answered in between: while
    the wave runs only the totals are shown; the group sizes come with the results."""
    for n in range(7):
        code = survey.codes[n % 5].code if n < 5 else survey.group.code
        submit(respondent, code,
                        post_data(fresh_token(), q_perspective="2" if n < 6 else "1"))
    assert Response.objects.count() == 7
    body = client_for("mia").get(reverse("surveys:wave", args=[survey.wave.pk])).content.decode()
    assert "Leitung" not in body and "Fachkraft" not in body
    assert "shown with the results, once the survey has ended" in body


def test_wave_life_cycle_and_anonymity_settings_fixed(client_for, world, survey):
    client = client_for("mia")
    wave = survey.wave
    response = client.post(reverse("surveys:wave_edit", args=[wave.pk]), {
        "title": "Neu", "instrument": str(wave.instrument_id), "timepoint": "0",
        "opens_on": wave.opens_on.isoformat(), "closes_on": wave.closes_on.isoformat(),
        "min_group_size": "3", "scope": f"m{world.m1.pk}"})
    wave.refresh_from_db()
    assert wave.min_group_size == 5 and wave.title == "Neu"  # disabled field ignored
    AccessCode.objects.filter(pk=survey.codes[1].pk).update(email="x@example.org",
                                                            draft={"answers": {}})
    SubmissionToken.objects.create(wave=wave, token=fresh_token())
    client.post(reverse("surveys:wave_action", args=[wave.pk, "close"]))
    wave.refresh_from_db()
    assert wave.status == "closed"
    assert not AccessCode.objects.filter(wave=wave).exclude(email="").exists()
    assert not AccessCode.objects.filter(wave=wave, draft__isnull=False).exists()
    assert not SubmissionToken.objects.filter(wave=wave).exists()
    response = client.post(reverse("surveys:wave_action", args=[wave.pk, "reopen"]),
                           {"closes_on": (wave.closes_on.replace(year=wave.closes_on.year + 1))
                            .isoformat()})
    wave.refresh_from_db()
    assert response.status_code == 302 and wave.status == "open"
    bad = client.post(reverse("surveys:wave_action", args=[wave.pk, "extend"]),
                      {"closes_on": "gestern"}, follow=True)
    assert "valid closing date" in bad.content.decode()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.wave_update(actor=None, wave=wave, fields={"min_group_size": 3})


def test_create_wave_through_the_form(client_for, world, survey):
    client = client_for("alice")
    url = reverse("surveys:wave_create_programme", args=["alpha"])
    # the instrument chooser says whose each version is and whether it is fixed
    page = client.get(url).content.decode()
    assert f"{survey.instrument} · whole programme · in use – fixed" in page
    data = {"title": "Cluster-Welle", "instrument": str(survey.instrument.pk), "timepoint": "1",
            "opens_on": "2026-12-01", "closes_on": "2026-11-01", "min_group_size": "2",
            "scope": f"c{world.a1.pk}"}
    bad = client.post(url, data)
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "must not close before it opens" in body and "greater than or equal to 3" in body
    assert Wave.objects.count() == 1
    ok = client.post(url, {**data, "closes_on": "2027-01-31", "min_group_size": "5",
                           "title": "Cluster-Welle (t1)"})
    assert ok.status_code == 302
    wave = Wave.objects.get(title="Cluster-Welle")  # the typed time point is not doubled
    assert str(wave) == "Cluster-Welle (t1)"
    assert wave.cluster == world.a1 and wave.municipality is None and wave.status == "draft"
    foreign = client.post(url, {**data, "closes_on": "2027-01-31", "min_group_size": "5",
                                "scope": f"m{world.mb.pk}"})
    assert foreign.status_code == 400  # another programme's municipality is not offered
