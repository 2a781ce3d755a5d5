"""Who may follow, run and change surveys (django-rules predicates over the central Scope)."""

import rules

from qdialog.tenancy.scope import scope_for


@rules.predicate
def manages_wave(user, wave):
    """Institute staff; the coordinator of the wave's municipality or cluster."""
    if wave is None:
        return False
    scope = scope_for(user)
    return (wave.programme_id in scope.institute_programmes
            or (wave.cluster_id is not None and wave.cluster_id in scope.coordinated_clusters)
            or (wave.municipality_id is not None
                and wave.municipality_id in scope.coordinated_municipalities))


@rules.predicate
def follows_wave(user, wave):
    """Manage it, or coordinate the cluster its municipality belongs to (read only)."""
    if wave is None:
        return False
    scope = scope_for(user)
    return manages_wave(user, wave) or (
        wave.municipality_id is not None
        and wave.municipality.cluster_id in scope.coordinated_clusters)


@rules.predicate
def exports_wave(user, wave):
    """Answer-level exports: institute staff, and the coordinator of a municipality's wave."""
    if wave is None:
        return False
    scope = scope_for(user)
    return (wave.programme_id in scope.institute_programmes
            or (wave.municipality_id is not None
                and wave.municipality_id in scope.coordinated_municipalities))


@rules.predicate
def edits_instrument(user, instrument):
    if instrument is None:
        return False
    scope = scope_for(user)
    if instrument.municipality_id is None:
        return instrument.programme_id in scope.institute_programmes
    return (instrument.programme_id in scope.institute_programmes
            or instrument.municipality_id in scope.coordinated_municipalities)


@rules.predicate
def creates_surveys_in_programme(user, programme):
    return programme is not None and programme.pk in scope_for(user).institute_programmes


@rules.predicate
def manages_part(user, target):
    """`target` is (wave, municipality): the municipality's part of a programme- or
    cluster-wide wave – its codes, its group code, its response count – for institute staff,
    the municipality's coordinators and its cluster's coordinators."""
    wave, municipality = target
    if wave is None or municipality is None or wave.municipality_id is not None:
        return False
    if municipality.programme_id != wave.programme_id or (
            wave.cluster_id is not None and municipality.cluster_id != wave.cluster_id):
        return False
    scope = scope_for(user)
    return (wave.programme_id in scope.institute_programmes
            or municipality.pk in scope.coordinated_municipalities
            or (municipality.cluster_id is not None
                and municipality.cluster_id in scope.coordinated_clusters))


rules.add_rule("surveys.view_wave", follows_wave)
rules.add_rule("surveys.manage_part", manages_part)
rules.add_rule("surveys.manage_wave", manages_wave)
rules.add_rule("surveys.export_wave", exports_wave)
rules.add_rule("surveys.edit_instrument", edits_instrument)
rules.add_rule("surveys.create_in_programme", creates_surveys_in_programme)
