"""The fictional demo programme, modelled on "Aus Fehlern lernen" (2009–2010).

12 clusters with one model municipality each and 31 partner municipalities (43 in all); six model
municipalities are evaluated externally, six evaluate themselves. Every name is invented: no real
municipality, organisation or person is meant. Later capabilities extend this demo with their data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation

from qdialog.core.registry import demo_steps

from .models import (
    Bundesland,
    Cluster,
    ClusterRole,
    EvaluationMode,
    Membership,
    Municipality,
    MunicipalityKind,
    Organisation,
    ProfessionalSystem,
    Programme,
    Role,
)
from .services import municipality_update, organisation_create


@dataclass
class DemoContext:
    """What each app's demo step gets: the programme and the people to act as."""

    programme: Programme
    institute: Organisation
    first_model: Municipality
    coordinator: object
    participant: object
    staff: object

DEMO_SLUG = "aus-fehlern-lernen-demo"
DEMO_PASSWORD = "qdialog-demo"
DEMO_DOMAIN = "demo.qdialog.invalid"

MODEL_MUNICIPALITIES = [
    ("Landkreis Ahrenmoor", MunicipalityKind.LANDKREIS, Bundesland.NI, 182_000),
    ("Stadt Birkwinkel", MunicipalityKind.KREISFREIE_STADT, Bundesland.NW, 231_000),
    ("Landkreis Dornheide", MunicipalityKind.LANDKREIS, Bundesland.BB, 154_000),
    ("Stadt Eulenbruch", MunicipalityKind.KREISFREIE_STADT, Bundesland.RP, 98_000),
    ("Landkreis Fichtenau", MunicipalityKind.LANDKREIS, Bundesland.TH, 121_000),
    ("Stadt Glimmerstedt", MunicipalityKind.KREISFREIE_STADT, Bundesland.ST, 87_000),
    ("Landkreis Haselgrund", MunicipalityKind.LANDKREIS, Bundesland.BY, 143_000),
    ("Stadt Immenfurt", MunicipalityKind.KREISFREIE_STADT, Bundesland.HE, 176_000),
    ("Landkreis Kranichsee", MunicipalityKind.LANDKREIS, Bundesland.MV, 209_000),
    ("Stadt Lerchenbrück", MunicipalityKind.KREISANGEHOERIGE_STADT, Bundesland.BW, 64_000),
    ("Landkreis Mühlenrode", MunicipalityKind.LANDKREIS, Bundesland.SN, 238_000),
    ("Stadt Nesselwerth", MunicipalityKind.KREISFREIE_STADT, Bundesland.SH, 112_000),
]

PARTNER_NAMES = [
    "Ottersfeld", "Pappelhain", "Quendelberg", "Rabenmoor", "Sperlingsau", "Tannengrund",
    "Ulmenried", "Veilchenau", "Weidenbruch", "Zederstedt", "Ammerwinkel", "Buchenrode",
    "Distelfeld", "Erlenbruch", "Farnwerth", "Ginsterheide", "Holunderhain", "Ilexfurt",
    "Kiefernmoor", "Lupinenau", "Malvental", "Nelkenried", "Ockerbach", "Primelstedt",
    "Quittenhain", "Rosmarinfeld", "Salbeiwerth", "Thymianrode", "Vogelbeerau",
    "Wacholderbrück", "Zypressenau",
]

CLUSTER_NAMES = [
    "Nord-West", "Rhein-Ruhr", "Havelland", "Mittelrhein", "Thüringer Wald", "Elbe-Saale",
    "Oberland", "Main-Kinzig", "Vorpommern", "Neckar-Alb", "Erzgebirge", "Förde",
]

# (template, system, in partner municipalities: "always", "often" or "never")
ORGANISATIONS = [
    ("Jugendamt {n} – Allgemeiner Sozialer Dienst", ProfessionalSystem.YOUTH_OFFICE, "always"),
    ("Kinder- und Jugendhilfe {n} e. V.", ProfessionalSystem.INDEPENDENT_PROVIDER, "always"),
    ("Familienzentrum Regenbogen {n}", ProfessionalSystem.INDEPENDENT_PROVIDER, "never"),
    ("Klinikum {n}, Klinik für Kinder- und Jugendmedizin", ProfessionalSystem.HEALTH, "often"),
    ("Grundschule am Lindenplatz {n}", ProfessionalSystem.SCHOOL, "often"),
    ("Kita Sonnenblume {n}", ProfessionalSystem.KITA, "often"),
    ("Polizeiinspektion {n}", ProfessionalSystem.POLICE, "never"),
    ("Amtsgericht {n} – Familiengericht", ProfessionalSystem.FAMILY_COURT, "never"),
    ("Erziehungs- und Familienberatung {n}", ProfessionalSystem.COUNSELLING, "often"),
    ("Netzwerk Frühe Hilfen {n}", ProfessionalSystem.EARLY_HELP, "never"),
]

#: one login per role; printed by `qdialog demo-logins` and `make demo`
DEMO_LOGINS = [
    ("institut", "Dr. Paula Beispiel", Role.INSTITUTE_STAFF),
    ("cluster", "Jonas Muster", Role.CLUSTER_COORDINATOR),
    ("koordination", "Aylin Probe", Role.MUNICIPAL_COORDINATOR),
    ("fachkraft", "Malte Exempel", Role.PARTICIPANT),
]
OPERATOR_LOGIN = "betrieb"


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def _short(name: str) -> str:
    return name.split(" ", 1)[1] if name.startswith(("Stadt ", "Landkreis ")) else name


def demo_exists() -> bool:
    return Programme.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def demo_remove() -> None:
    Programme.objects.filter(slug=DEMO_SLUG).delete()
    get_user_model().objects.filter(email__endswith="@" + DEMO_DOMAIN).delete()


def demo_load() -> Programme:
    """Load the demo; its stored texts (phase names and the like) are German."""
    with translation.override("de"):
        return _demo_load()


@transaction.atomic
def _demo_load() -> Programme:
    rng = random.Random(79)  # § 79a: the demo is the same every time
    programme = Programme.objects.create(
        name="Aus Fehlern lernen (Demo)", slug=DEMO_SLUG,
        description=("Fiktives Demo-Programm nach dem Vorbild des Modellprojekts „Aus Fehlern "
                     "lernen“: Qualitätsmanagement im Kinderschutz in 12 Kinderschutz-Clustern."),
        funder="Bundesministerium für Familie (fiktiv)",
        carrier="Demo-Verbund Kinderschutz e. V. (fiktiv)",
        starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2028, 2, 29),
    )
    institute = Organisation.objects.create(
        programme=programme, name="Institut für Kinderschutz und Qualitätsentwicklung (fiktiv)",
        professional_system=ProfessionalSystem.INSTITUTE)
    clusters = Cluster.objects.bulk_create(
        Cluster(programme=programme, number=i + 1, name=name)
        for i, name in enumerate(CLUSTER_NAMES))

    partners = iter(PARTNER_NAMES)
    municipalities: list[Municipality] = []
    for i, (cluster, model) in enumerate(zip(clusters, MODEL_MUNICIPALITIES)):
        name, kind, state, population = model
        municipalities.append(Municipality(
            programme=programme, cluster=cluster, name=name, kind=kind, state=state,
            population=population, cluster_role=ClusterRole.MODEL,
            evaluation_mode=EvaluationMode.EXTERNAL if i % 2 == 0 else EvaluationMode.SELF))
        # 7 clusters with three partners, 5 with two: 31 partner municipalities
        for _ in range(3 if i < 7 else 2):
            partner = next(partners)
            municipalities.append(Municipality(
                programme=programme, cluster=cluster, name=f"Landkreis {partner}"
                if rng.random() < 0.6 else f"Stadt {partner}",
                kind=MunicipalityKind.LANDKREIS, state=state,
                population=rng.randrange(45_000, 260_000, 1000),
                cluster_role=ClusterRole.PARTNER, evaluation_mode=EvaluationMode.NONE))
    for m in municipalities:
        if m.name.startswith("Stadt ") and m.cluster_role == ClusterRole.PARTNER:
            m.kind = MunicipalityKind.KREISFREIE_STADT
    municipalities = Municipality.objects.bulk_create(municipalities)

    organisations = []
    for m in municipalities:
        model = m.cluster_role == ClusterRole.MODEL
        for template, system, in_partners in ORGANISATIONS:
            if model or in_partners == "always" or (in_partners == "often"
                                                    and rng.random() < 0.8):
                organisations.append(Organisation(programme=programme, municipality=m,
                                                  name=template.format(n=_short(m.name)),
                                                  professional_system=system))
    Organisation.objects.bulk_create(organisations)

    first_model = municipalities[0]
    people = _demo_people(programme, clusters[0], first_model, institute)
    # A few real changes through the services, so the audit log shows how it reads.
    coordinator = people[Role.MUNICIPAL_COORDINATOR]
    municipality_update(actor=coordinator, municipality=first_model,
                        fields={"population": first_model.population + 1200})
    organisation_create(actor=coordinator, municipality=first_model, fields={
        "name": "Schulsozialarbeit Ahrenmoor", "professional_system": ProfessionalSystem.SCHOOL,
        "description": "Schulsozialarbeit an vier Schulen des Landkreises"})
    # every app adds its part (registered in its apps.py: qdialog/core/registry.py)
    context = DemoContext(programme=programme, institute=institute, first_model=first_model,
                          coordinator=coordinator, participant=people[Role.PARTICIPANT],
                          staff=people[Role.INSTITUTE_STAFF])
    for step in demo_steps:
        step(context)
    return programme


def _demo_people(programme, cluster, municipality, institute):
    User = get_user_model()
    people = {}
    youth_office = municipality.organisations.filter(
        professional_system=ProfessionalSystem.YOUTH_OFFICE).first()
    for local, name, role in DEMO_LOGINS:
        user = User.objects.create_user(email=demo_email(local), password=DEMO_PASSWORD,
                                        display_name=name)
        Membership.objects.create(
            user=user, role=role, programme=programme,
            cluster=cluster if role == Role.CLUSTER_COORDINATOR else None,
            municipality=municipality if role in (Role.MUNICIPAL_COORDINATOR,
                                                  Role.PARTICIPANT) else None,
            organisation=institute if role == Role.INSTITUTE_STAFF else youth_office,
        )
        people[role] = user
    User.objects.create_superuser(email=demo_email(OPERATOR_LOGIN), password=DEMO_PASSWORD,
                                  display_name="Betrieb (Demo)")
    return people


def demo_login_lines() -> list[str]:
    lines = [f"  {'role':<24} {'e-mail':<38} password"]
    for local, _, role in DEMO_LOGINS:
        lines.append(f"  {Role(role).label!s:<24} {demo_email(local):<38} {DEMO_PASSWORD}")
    lines.append(f"  {'Operator (admin site)':<24} {demo_email(OPERATOR_LOGIN):<38} "
                 f"{DEMO_PASSWORD}")
    return lines
