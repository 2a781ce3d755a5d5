"""Tenant isolation, proven over every URL of the product.

The test walks the URL configuration (not a hand-kept list), fills each route's parameters with
real objects of municipality M1 (programme A, cluster 1), and requests it as people of another
municipality, another cluster and another programme, and anonymously. Each request must be
refused – 404, a redirect to a login page, 401/403 from the API, or 405 for a GET on a POST-only
view (then the POST is tried too) – and never answer with M1's data. A route whose parameters
this test cannot fill fails the test, so a new URL cannot slip past it.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from qdialog.tenancy.models import Membership, Role
from tests.conftest import make_user

#: routes open to anyone by design, with the reason
PUBLIC = {
    "home": "landing page, no tenant data",
    "healthz": "health check for the load balancer",
    "livez": "liveness: the process answers, no data",
    "readyz": "readiness: which checks pass (database, cache, migrations), no data",
    "set_language": "language switch",
    "surveys:entry": "code entry page",
    "surveys:respond": "the access code is the secret; the page shows only the questions",
    "surveys:answer": "the questionnaire of the code in the respondent's own signed cookie",
    "surveys:done": "thank-you page, no data",
    "incidents:report": "the form's key is the secret; it shows only the municipality's name",
    "incidents:followup": "answers only with the reporter's follow-up code",
    "processes:reply": "the signed link names one invitation; shows only its event",
    "processes:register": "the signed address of an event open for registration",
    "favicon": "the site icon",
    "api-v1:openapi-json": "the API description, no data",
    "api-v1:api-root": "API index, no data",
    "openid_connect_login": "single sign-on: sends the browser to a connection's provider",
    "openid_connect_callback": "single sign-on: the provider's answer, checked by the adapter",
    "socialaccount_login_cancelled": "single sign-on cancelled, no data",
    "socialaccount_login_error": "single sign-on failed, no data",
    "socialaccount_signup": "closed (invitation only): back to the log-in page",
    "socialaccount_connections": "a person's own sign-on links: redirects to the profile",
}
#: routes that hold no tenant data at all (for any logged-in person)
NO_TENANT_DATA = {
    "casereviews:identifiers": "checks the text posted to it for identifiers; stores nothing",
}


def _api_waves_without_m1(response, t) -> bool:
    ids = {row.get("id") for row in response.json()}
    return t.wave.pk not in ids and t.wave2.pk not in ids


#: routes that answer everyone with their own scope's data: M1's must not be in it
OWN_SCOPE = {"api-v1:waves": _api_waves_without_m1}
#: whole families of routes that are not tenant data: a person's own account, and their own
#: notices (only ever their own: tests/notifications/test_notifications.py)
PUBLIC_PREFIXES = ("account_", "mfa_", "profile", "notifications:")
#: route parameters and the object (or value) that fills them, by the segment before them
ROOT = {"m": "municipality", "c": "cluster", "processes": "process", "events": "event",
        "waves": "wave", "instruments": "instrument", "reports": "report",
        "incident-reports": "incident", "reporting": "system", "case-reviews": "review",
        "actions": "action", "standards": "standard", "exports": "shredder",
        "systems": "qsystem", "codes": "qcode", "projects": "qproject",
        "documents": "qdocument", "codings": "qcoding", "memos": "qmemo"}
BY_NAME = {"phase_pk": "phase", "group_pk": "group", "member_pk": "group_member",
           "event_pk": "event", "file_pk": "event_file", "decision_pk": "decision",
           "org_pk": "organisation", "membership_pk": "membership", "relation_pk": "relation",
           "contact_pk": "contact", "other_pk": "wave2", "section_pk": "section",
           "element_pk": "item", "report_pk": "report", "episode_pk": "episode",
           "factor_pk": "factor", "amendment_pk": "amendment", "template_pk": "template",
           "wave_id": "wave", "export_pk": "shredder", "municipality_pk": "municipality"}
SPECIAL = {  # (route name, parameter) -> value
    ("surveys:wave_action", "action"): "close", ("surveys:element_action", "kind"): "item",
    ("surveys:element_action", "action"): "delete", ("casereviews:part_add", "kind"): "source",
    ("casereviews:part_edit", "kind"): "episode", ("casereviews:part_delete", "kind"): "episode",
    ("casereviews:part_edit", "item_pk"): "episode",
    ("casereviews:part_delete", "item_pk"): "episode",
    ("surveys:item_edit", "item_pk"): "item", ("standards:version", "number"): 1,
}


def routes():
    def walk(patterns, prefix="", namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            else:
                name = f"{namespace}:{p.name}" if namespace and p.name else p.name
                yield name, prefix + str(p.pattern), p.default_args

    seen = {}
    for name, route, defaults in walk(get_resolver().url_patterns):
        if name is None or name.startswith("admin:") or name == "django.views.static.serve":
            continue
        seen.setdefault((name, route), defaults)
    return sorted(seen.items())


def fill(name, route, t):
    """The path of a route with M1's objects, or raise KeyError for an unknown parameter."""
    path = route.lstrip("^").rstrip("$")

    def value(match):
        param = match.group("name")
        before = path[:match.start()].rstrip("/").split("/")[-1]
        if (name, param) in SPECIAL:
            v = SPECIAL[(name, param)]
            return str(getattr(t, v).pk if isinstance(v, str) and hasattr(t, v) else v)
        if param == "slug":
            return "alpha"
        if param == "number" and before == "clusters":
            return str(t.cluster.number)
        if param == "fmt":
            return "csv"
        if param == "code":
            return t.code
        if param == "key":
            return t.system.key
        if param == "token":
            return t.token
        if param in BY_NAME:
            return str(getattr(t, BY_NAME[param]).pk)
        if param == "pk" and before in ROOT:
            return str(getattr(t, ROOT[before]).pk)
        raise KeyError(f"{name}: cannot fill <{param}> in {route}")

    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, path)
    path = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", value, path)
    return "/" + path.replace("\\.", ".")


@pytest.fixture
def target(world, settings, tmp_path):
    """One object of every kind, all in municipality M1 of programme A."""
    settings.MEDIA_ROOT = tmp_path
    from qdialog.actions import services as actions
    from qdialog.casereviews import services as reviews
    from qdialog.casereviews.models import ContributingFactor, Episode
    from qdialog.incidents import services as incidents
    from qdialog.network.models import ContactPerson, Relation
    from qdialog.processes import services as processes
    from qdialog.processes.models import EventFile
    from qdialog.reports.models import Report
    from qdialog.standards import services as standards
    from qdialog.standards.models import Amendment
    from qdialog.surveys import services as surveys
    from tests.casereviews.test_casereviews import BASICS
    from tests.standards.test_standards import FIELDS
    from tests.surveys.conftest import SMALL

    alice, mia, m1 = world.people["alice"], world.people["mia"], world.m1
    today = timezone.localdate()
    programme_instrument = surveys.instrument_create_from_spec(actor=alice, programme=world.a,
                                                               spec=SMALL)
    instrument = surveys.instrument_copy(actor=mia, instrument=programme_instrument,
                                         municipality=m1)
    section = instrument.sections.first()
    waves = []
    for title in ("t0", "t1"):
        wave = surveys.wave_create(actor=alice, instrument=programme_instrument, fields={
            "title": title, "municipality": m1, "opens_on": today - dt.timedelta(days=1),
            "closes_on": today + dt.timedelta(days=9)})
        surveys.wave_open(actor=alice, wave=wave)
        waves.append(wave)
    code = surveys.codes_generate(actor=alice, wave=waves[0], count=1)[0].code
    process = processes.process_create(actor=mia, municipality=m1, fields={"title": "QE"})
    group = processes.group_save(actor=mia, process=process,
                                 fields={"kind": "steering", "name": "SG"})
    member = processes.group_member_add(actor=mia, group=group,
                                        organisation=world.orgs[m1.pk])
    start = timezone.now()
    event = processes.event_save(actor=mia, process=process, fields={
        "kind": "workshop", "title": "Werkstatt", "starts_at": start,
        "ends_at": start + dt.timedelta(hours=3)})
    event_file = EventFile.objects.create(event=event, title="Folien",
                                          file=ContentFile(b"%PDF-1.4", name="folien.pdf"))
    decision = processes.decision_add(actor=mia, event=event, text="Beschluss")
    contact = ContactPerson.objects.create(organisation=world.orgs[m1.pk], name="Frau Beispiel")
    relation = Relation.objects.create(municipality=m1, source=world.orgs[m1.pk],
                                       target=world.orgs[m1.pk], kind="informal", strength=2)
    system = incidents.system_create(actor=mia, programme=world.a, municipality=m1)
    incident, _ = incidents.report_submit(system=system, fields={
        "professional_group": "school", "phase": "referral", "child_age_band": "6-9",
        "what_happened": "x", "outcome": "y", "harm": "none", "frequency": "rare"},
        code=incidents._new_code())
    review = reviews.review_create(actor=mia, municipality=m1, fields=BASICS)
    episode = Episode.objects.create(review=review, title="E", what_happened="…")
    factor = ContributingFactor.objects.create(episode=episode, level="frontline",
                                               type="team", description="…")
    standard = standards.standard_create(actor=mia, municipality=m1, fields=FIELDS)
    template = standards.standard_create(actor=mia, municipality=world.m2,
                                         fields={**FIELDS, "shared": True})
    amendment = Amendment.objects.create(standard=standard, version=1, field="text",
                                         paragraph=0, original="a", proposal="b")
    report = Report.objects.create(wave=waves[0], kind="municipality", file_format="pdf",
                                   municipality=m1)
    action = actions.action_create(actor=mia, municipality=m1, fields={"title": "A"})
    from qdialog.retention.models import ShredderExport

    shredder = ShredderExport.objects.create(programme=world.a, municipality=m1,
                                             file=ContentFile(b"PK", name="export.zip"))
    from qdialog.qualitative import services as qualitative
    from qdialog.qualitative import system as qsystems

    qsystem = qsystems.system_create(actor=alice, programme=world.a, name="Kategorien")
    qcode = qsystems.code_create(actor=mia, system=qsystem, name="Lokal", municipality=m1)
    qproject = qualitative.project_create(actor=mia, programme=world.a, system=qsystem,
                                          municipality=m1, title="Freitexte", coders=[mia])
    qdocument = qualitative.document_add(actor=mia, project=qproject, kind="transcript",
                                         title="Interview", text="Wir reden miteinander.",
                                         municipality=m1)
    [qcoding] = qualitative.codings_add(actor=mia, document=qdocument, codes=[qcode], start=0,
                                        end=8)
    qmemo = qualitative.memo_save(actor=mia, project=qproject, text="Notiz",
                                  document=qdocument)
    return SimpleNamespace(
        municipality=m1, cluster=world.a1, process=process, phase=process.phases.first(),
        group=group, group_member=member, event=event, event_file=event_file,
        decision=decision, organisation=world.orgs[m1.pk], membership=world.memberships["paul"],
        relation=relation, contact=contact, instrument=instrument, section=section,
        item=section.items.first(), wave=waves[0], wave2=waves[1], code=code, report=report,
        system=system, incident=incident, review=review, episode=episode, factor=factor,
        standard=standard, template=template, amendment=amendment, action=action,
        shredder=shredder, token="", qsystem=qsystem, qcode=qcode, qproject=qproject,
        qdocument=qdocument, qcoding=qcoding, qmemo=qmemo)


@pytest.fixture
def outsiders(world):
    """Every role of another municipality (M3), another cluster (2) and another programme (B),
    and an anonymous visitor."""
    people = {"oscar": world.people["oscar"], "zoe": world.people["zoe"]}
    people["petra"] = make_user("petra@example.org", "Petra Andere")
    Membership.objects.create(user=people["petra"], role=Role.PARTICIPANT, programme=world.a,
                              municipality=world.m3)
    people["conrad"] = make_user("conrad@example.org", "Conrad Cluster")
    Membership.objects.create(user=people["conrad"], role=Role.CLUSTER_COORDINATOR,
                              programme=world.a, cluster=world.a2)
    clients = {"anon": (None, Client())}
    for key, user in people.items():
        client = Client()
        client.force_login(user)
        clients[key] = (user, client)
    return clients


#: people who belong to programme A: routes addressed by the programme's slug are theirs to see
#: in part (e.g. the programme's instruments for its coordinators), so only the other programme's
#: people and anonymous visitors are outsiders there
SAME_PROGRAMME = {"oscar", "petra", "conrad"}
#: routes of things the whole programme shares though their address does not start with p/:
#: a programme's category system (its municipalities' local codes are shown only to those who
#: see the municipality: tests/qualitative)
PROGRAMME_LEVEL = {"qualitative:system", "qualitative:code_create", "qualitative:export_qdc",
                   "qualitative:import_qdc"}


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code == 302:
        location = response["Location"]
        return "/accounts/login/" in location or "/admin/login/" in location
    return False


def test_every_route_refuses_people_of_other_tenants(world, target, outsiders):
    from qdialog.processes import services as processes

    checked, leaks, unknown = 0, [], []
    for (name, route), _defaults in routes():
        if name in PUBLIC or name.startswith(PUBLIC_PREFIXES):
            continue
        programme_level = route.startswith("p/") or name in PROGRAMME_LEVEL
        for key, (user, client) in outsiders.items():
            if programme_level and key in SAME_PROGRAMME:
                continue
            if name == "processes:feed":  # a valid signature, but for someone without access
                if user is None:
                    continue
                target.token = processes.feed_token(user, world.m1)
            try:
                path = fill(name, route, target)
            except KeyError as error:
                unknown.append(str(error))
                break
            response = client.get(path)
            if response.status_code == 405:
                response = client.post(path, {})
            checked += 1
            if name in OWN_SCOPE and response.status_code == 200:
                if not OWN_SCOPE[name](response, target):
                    leaks.append(f"{key} {path} shows M1's data")
            elif name in NO_TENANT_DATA and response.status_code == 200:
                continue
            elif not _refused(response):
                leaks.append(f"{key} {path} -> {response.status_code}")
    assert not unknown, "routes without a case in this test:\n" + "\n".join(unknown)
    assert not leaks, "\n".join(leaks)
    assert checked > 400
    print(f"isolation: {checked} requests refused")


def test_public_routes_are_explained():
    names = {name for (name, _route), _ in routes()}
    for listed in (PUBLIC, NO_TENANT_DATA, OWN_SCOPE):
        assert set(listed) <= names, set(listed) - names


#: unmistakable names for what belongs to M1, cluster 1 and each programme
MARKERS = {
    "M1": "Kommune-Marker-M1", "M2": "Kommune-Marker-M2", "M3": "Kommune-Marker-M3",
    "MB": "Kommune-Marker-MB", "C1": "Cluster-Marker-1", "C2": "Cluster-Marker-2",
    "PA": "Programm-Marker-A", "PB": "Programm-Marker-B",
    "wave": "Welle-Marker-M1", "process": "Prozess-Marker-M1", "event": "Werkstatt-Marker-M1",
    "standard": "Standard-Marker-M1", "action": "Massnahme-Marker-M1",
    "instrument": "Bogen-Marker-M1", "review": "Fallanalyse-Marker-M1",
    "programme_wave": "Programmwelle-Marker", "programme_instrument": "Programmbogen-Marker",
}
M1_SIDE = ["M1", "M2", "C1", "wave", "process", "event", "standard", "action", "instrument",
           "review"]
#: what each outsider must never read, on any page they may open
FOREIGN = {
    "zoe": [*M1_SIDE, "M3", "C2", "PA"],
    "oscar": [*M1_SIDE, "MB", "PB"],
    # a participant sees events, drafts and tasks – not the programme's questionnaires; the
    # programme's wave, which covers their municipality, is on its process timeline (title
    # and dates, without a link)
    "petra": [*M1_SIDE, "MB", "PB", "programme_instrument"],
    "conrad": [*M1_SIDE, "MB", "PB"], "anon": list(MARKERS),
}
SKIP_LINKS = ("/static/", "/media/", "/accounts/logout", "/i18n/", "/admin/", "/api/",
              # public by their key (see PUBLIC): the report form names its municipality
              "/melden/", "/s/")
#: (part of an address, marker): shown on purpose, and why
SHOWN_ON_PURPOSE = {
    ("/standards/", "M2"): "M2 shared its document with the programme as a template "
                           "(standards.Standard.shared); a template names where it comes from",
}


def _mark(world, target):
    from qdialog.casereviews.models import CaseReview
    from qdialog.tenancy.models import Cluster, Municipality, Programme

    for key, m in (("M1", world.m1), ("M2", world.m2), ("M3", world.m3), ("MB", world.mb)):
        Municipality.objects.filter(pk=m.pk).update(name=MARKERS[key])
    Cluster.objects.filter(pk=world.a1.pk).update(name=MARKERS["C1"])
    Cluster.objects.filter(pk=world.a2.pk).update(name=MARKERS["C2"])
    Programme.objects.filter(pk=world.a.pk).update(name=MARKERS["PA"])
    Programme.objects.filter(pk=world.b.pk).update(name=MARKERS["PB"])
    for obj, field, key in ((target.wave, "title", "wave"), (target.wave2, "title", "wave"),
                            (target.process, "title", "process"),
                            (target.event, "title", "event"),
                            (target.standard, "title", "standard"),
                            (target.action, "title", "action"),
                            (target.instrument, "title_de", "instrument")):
        type(obj).objects.filter(pk=obj.pk).update(**{field: MARKERS[key]})
    CaseReview.objects.filter(pk=target.review.pk).update(title=MARKERS["review"])


def test_permitted_pages_show_nothing_of_other_tenants(world, target, outsiders):
    """Not only the addresses: every page an outsider *may* open – found from the product's
    routes filled with M1's objects and by following the links from the start page – must not
    show the name of a municipality, cluster or programme outside their scope, nor a title of
    M1's records. Programme pages open to M3's people are checked like any other."""
    from qdialog.processes import services as processes
    from qdialog.surveys import services as surveys
    from qdialog.surveys.models import Instrument

    # M3, where the outsiders work, has records of its own; the programme runs a wave
    processes.process_create(actor=world.people["oscar"], municipality=world.m3,
                             fields={"title": "QE in Drei"})
    programme_instrument = Instrument.objects.get(pk=target.wave.instrument_id)
    today = timezone.localdate()
    for fields in ({"title": "Eigene Welle", "municipality": world.m3},
                   {"title": MARKERS["programme_wave"]}):
        wave = surveys.wave_create(actor=world.people["alice"],
                                   instrument=programme_instrument, fields={
                                       **fields, "opens_on": today,
                                       "closes_on": today + dt.timedelta(days=9)})
        surveys.wave_open(actor=world.people["alice"], wave=wave)
    Instrument.objects.filter(pk=programme_instrument.pk).update(
        title_de=MARKERS["programme_instrument"])
    _mark(world, target)
    seeds = []
    for (name, route), _defaults in routes():
        try:
            seeds.append(fill(name, route, target))
        except KeyError:
            continue
    leaks, pages = [], 0
    for key, (user, client) in outsiders.items():
        if user is not None:
            target.token = processes.feed_token(user, world.m3)
        queue, seen = ["/", *seeds], set()
        while queue and len(seen) < 400:
            path = queue.pop(0)
            if path in seen or path.startswith(SKIP_LINKS):
                continue
            seen.add(path)
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            html = response.content.decode()
            for marker in FOREIGN[key]:
                if any(part in path and m == marker for part, m in SHOWN_ON_PURPOSE):
                    continue
                if MARKERS[marker] in html:
                    leaks.append(f"{key} {path} shows {MARKERS[marker]}")
            for link in re.findall(r'href="(/[^"#?]*)(?:\?[^"]*)?"', html):
                if link not in seen and not link.startswith(SKIP_LINKS):
                    queue.append(link)
    assert not leaks, "\n".join(sorted(set(leaks)))
    assert pages > 40
    print(f"isolation of content: {pages} permitted pages read, no foreign name on any")
