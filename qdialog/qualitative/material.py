"""The material of a coding project: what can be taken into it, and taking it.

Every piece becomes one document through `services.document_add`, named by its `source`, so
that the same material is taken only once per project:

- released survey free texts ("text:<wave>:<municipality>:<fingerprint>"), read through the
  registry `released_texts` (the reports app, above this one, registers its source);
- minutes and decisions of events ("event:<pk>:minutes", "decision:<pk>") the person may see;
- published near-miss reports ("incident:<pk>"), as published – never the reporter's wording;
- case-review material ("casereview:<pk>:<part>"), for seat holders only, and readable later by
  seat holders only (the document keeps its review).

A project reaches the material of its level: a municipality's project that of the
municipality, a cluster's that of its municipalities and the cluster's own processes, a
programme's all of the programme.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from qdialog.casereviews import services as review_services
from qdialog.casereviews.models import CaseReview
from qdialog.casereviews.rules import is_member
from qdialog.core.registry import released_texts as released_text_sources
from qdialog.incidents.models import IncidentReport, IncidentStatus, ReportingSystem
from qdialog.processes.models import Event, Process
from qdialog.surveys import schema
from qdialog.surveys.models import Response, Wave
from qdialog.tenancy.models import Municipality

from . import services
from .models import DocumentKind, Project


@dataclass
class Item:
    """One piece of material, ready to become a document."""

    source: str
    kind: str
    title: str
    text: str
    municipality: Municipality | None = None
    case_review: CaseReview | None = None
    attributes: dict = field(default_factory=dict)


@dataclass
class Gathered:
    added: int = 0
    present: int = 0


@dataclass
class Offer:
    """A source the project can take material from: how much it holds, how much is in."""

    obj: object
    count: int
    present: int
    detail: str = ""

    @property
    def missing(self) -> int:
        return self.count - self.present


# --- reach -------------------------------------------------------------------------------------
def reach(project: Project):
    """The municipalities whose material the project takes."""
    municipalities = Municipality.objects.filter(programme_id=project.programme_id)
    if project.municipality_id:
        return municipalities.filter(pk=project.municipality_id)
    if project.cluster_id:
        return municipalities.filter(cluster_id=project.cluster_id)
    return municipalities


def _reach_ids(project: Project) -> list[int] | None:
    """The ids of the reach, or None for a programme's project (everything of it)."""
    if not (project.municipality_id or project.cluster_id):
        return None
    return list(reach(project).values_list("pk", flat=True))


def _in_reach(project: Project, municipality) -> bool:
    ids = _reach_ids(project)
    return municipality.programme_id == project.programme_id and (
        ids is None or municipality.pk in ids)


def _present(project: Project, sources) -> set[str]:
    sources = list(sources)
    if not sources:
        return set()
    return set(project.documents.filter(source__in=sources).values_list("source", flat=True))


#: material that has not been checked for identifiers on its way into qdialog: minutes,
#: decisions and case-review texts are written by professionals for their own group; released
#: free texts and published near-miss reports have been checked by a person already
CHECKED_KINDS = {DocumentKind.MINUTES, DocumentKind.DECISION, DocumentKind.CASE_REVIEW}


@transaction.atomic
def gather(*, actor, project: Project, items: list[Item]) -> Gathered:
    """Add the items that are not in the project yet, all or none."""
    result = Gathered()
    present = _present(project, (i.source for i in items))
    for item in items:
        if item.source in present:
            result.present += 1
            continue
        services.document_add(actor=actor, project=project, kind=item.kind, title=item.title,
                              text=item.text, source=item.source,
                              municipality=item.municipality, case_review=item.case_review,
                              attributes=item.attributes, check=item.kind in CHECKED_KINDS)
        present.add(item.source)
        result.added += 1
    return result


def _language() -> str:
    return (get_language() or "de")[:2]


def _date(value) -> str:
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATE_FORMAT")


# --- released free texts -----------------------------------------------------------------------
def _released(project: Project, waves, municipality=None, groups=False) -> list[dict]:
    ids = [municipality.pk] if municipality is not None else _reach_ids(project)
    entries = []
    for source in released_text_sources:
        entries += source(waves=waves, municipality_ids=ids, groups=groups)
    return entries


def _text_source(entry: dict) -> str:
    return f"text:{entry['wave_id']}:{entry['municipality_id'] or 0}:{entry['fingerprint']}"


def _labels(item) -> dict[str, str]:
    if item is None:
        return {}
    return {str(c.value): c.label(_language()) for c in item.choices}


def _group_sizes(wave: Wave, municipality_ids) -> dict:
    """(municipality id, perspective, professional system) -> number of answer sets."""
    where = Q(municipality_id__in=[m for m in municipality_ids if m is not None])
    if None in municipality_ids:
        where |= Q(municipality__isnull=True)
    cells = Response.objects.filter(where, wave=wave)
    return {(row["municipality_id"], row["perspective"], row["professional_system"]): row["n"]
            for row in cells.values("municipality_id", "perspective", "professional_system")
            .annotate(n=Count("id")).order_by()}


def _shown_groups(entry: dict, sizes: dict, least: int) -> tuple[str, str]:
    """The perspective and professional system of a text's answer set, each only when its
    group (and, with both, the two together) holds at least `least` answer sets – else ""."""
    municipality = entry["municipality_id"]
    perspectives = {p for p, _s in entry["groups"]}
    systems = {s for _p, s in entry["groups"]}
    perspective = next(iter(perspectives)) if len(perspectives) == 1 else ""
    system = next(iter(systems)) if len(systems) == 1 else ""

    def size(p=None, s=None):
        return sum(n for (m, pp, ss), n in sizes.items() if m == municipality
                   and (p is None or pp == p) and (s is None or ss == s))

    if perspective and size(p=perspective) < least:
        perspective = ""
    if system and (size(s=system) < least
                   or (perspective and size(p=perspective, s=system) < least)):
        system = ""
    return perspective, system


def free_text_items(*, project: Project, actor, wave: Wave, municipality=None) -> list[Item]:
    """The released free texts of a wave (of one municipality of the reach, or all of it): one
    document per answer, titled by its question, sorted by question and text so that nothing
    keeps the order in which the answers came in."""
    if wave.programme_id != project.programme_id:
        raise ValidationError(_("The survey belongs to another programme."))
    if municipality is not None and not _in_reach(project, municipality):
        raise ValidationError(_("The municipality is not covered by this project."))
    entries = _released(project, [wave], municipality, groups=True)
    instrument = schema.compiled(wave.instrument)
    order = {v.name: i for i, v in enumerate(instrument.variables)}
    perspectives = _labels(instrument.role_item("perspective"))
    systems = _labels(instrument.role_item("professional_system"))
    sizes = _group_sizes(wave, {e["municipality_id"] for e in entries})
    least = max(3, wave.min_group_size)
    municipalities = Municipality.objects.in_bulk({e["municipality_id"] for e in entries
                                                  if e["municipality_id"]})
    entries.sort(key=lambda e: (order.get(e["variable"], len(order)), e["variable"],
                                e["text"].casefold(), e["text"]))
    items = []
    for entry in entries:
        variable = instrument.variable_by_name.get(entry["variable"])
        question = (variable.label(_language()) if variable else "") or entry["variable"]
        attributes = {"wave": str(wave), "question": question}
        perspective, system = _shown_groups(entry, sizes, least)
        if perspective:
            attributes["perspective"] = perspectives.get(perspective, perspective)
        if system:
            attributes["professional_system"] = systems.get(system, system)
        items.append(Item(source=_text_source(entry), kind=DocumentKind.FREE_TEXT,
                          title=question, text=entry["text"],
                          municipality=municipalities.get(entry["municipality_id"]),
                          attributes=attributes))
    return items


def gather_free_texts(*, actor, project: Project, wave: Wave, municipality=None) -> Gathered:
    return gather(actor=actor, project=project, items=free_text_items(
        project=project, actor=actor, wave=wave, municipality=municipality))


def wave_offers(*, project: Project) -> list[Offer]:
    """The project's programme's waves with released free texts in the reach."""
    waves = Wave.objects.filter(programme_id=project.programme_id).select_related("instrument")
    entries = _released(project, waves)
    by_wave = Counter(e["wave_id"] for e in entries)
    present = _present(project, (_text_source(e) for e in entries))
    done = Counter(e["wave_id"] for e in entries if _text_source(e) in present)
    return [Offer(wave, by_wave[wave.pk], done[wave.pk]) for wave in waves
            if by_wave[wave.pk]]


# --- minutes and decisions ---------------------------------------------------------------------
def processes_in_reach(project: Project):
    processes = Process.objects.filter(programme_id=project.programme_id)
    if project.municipality_id:
        return processes.filter(municipality_id=project.municipality_id)
    if project.cluster_id:
        return processes.filter(Q(municipality__cluster_id=project.cluster_id)
                                | Q(cluster_id=project.cluster_id))
    return processes


def _events(project: Project, actor, process=None) -> list[Event]:
    processes = processes_in_reach(project)
    if process is not None:
        if not processes.filter(pk=process.pk).exists():
            raise ValidationError(_("The process is not covered by this project."))
        processes = processes.filter(pk=process.pk)
    events = Event.objects.filter(process__in=processes).select_related(
        "process__municipality", "process__cluster").prefetch_related("decisions")
    return [e for e in events if rules.test_rule("processes.view_event", actor, e)]


def _event_items(event: Event) -> list[Item]:
    process = event.process
    attributes = {"process": process.title, "event": event.title,
                  "event_kind": str(event.get_kind_display()),
                  "date": timezone.localtime(event.starts_at).date().isoformat()}
    items = []
    if event.minutes.strip():
        items.append(Item(source=f"event:{event.pk}:minutes", kind=DocumentKind.MINUTES,
                          title=_("Minutes of %(event)s (%(date)s)") % {
                              "event": event.title, "date": _date(event.starts_at)},
                          text=event.minutes, municipality=process.municipality,
                          attributes=attributes))
    for number, decision in enumerate(event.decisions.all(), start=1):
        if decision.text.strip():
            items.append(Item(source=f"decision:{decision.pk}", kind=DocumentKind.DECISION,
                              title=_("Decision %(number)s of %(event)s (%(date)s)") % {
                                  "number": number, "event": event.title,
                                  "date": _date(event.starts_at)},
                              text=decision.text, municipality=process.municipality,
                              attributes=attributes))
    return items


def event_items(*, project: Project, actor, process=None) -> list[Item]:
    """Minutes and decisions of the events in the reach (of one process) the person may see.
    Minutes have no approval state in the processes app: whatever is written counts."""
    return [item for event in _events(project, actor, process) for item in _event_items(event)]


def gather_events(*, actor, project: Project, process=None) -> Gathered:
    return gather(actor=actor, project=project,
                  items=event_items(project=project, actor=actor, process=process))


def process_offers(*, project: Project, actor) -> list[Offer]:
    by_process: dict[int, list[Item]] = {}
    processes = {}
    for event in _events(project, actor):
        processes[event.process_id] = event.process
        by_process.setdefault(event.process_id, []).extend(_event_items(event))
    present = _present(project, (i.source for items in by_process.values() for i in items))
    offers = [Offer(processes[pk], len(items), sum(i.source in present for i in items))
              for pk, items in by_process.items() if items]
    return sorted(offers, key=lambda o: o.obj.title.casefold())


# --- published near-miss reports ---------------------------------------------------------------
def systems_in_reach(project: Project, actor) -> list[ReportingSystem]:
    systems = ReportingSystem.objects.filter(programme_id=project.programme_id).select_related(
        "municipality", "programme")
    ids = _reach_ids(project)
    if ids is not None:
        systems = systems.filter(municipality_id__in=ids)
    return [s for s in systems if rules.test_rule("incidents.view_published", actor, s)]


def _incident_items(systems: list[ReportingSystem]) -> list[Item]:
    by_pk = {s.pk: s for s in systems}
    reports = IncidentReport.objects.filter(
        system__in=list(by_pk), status=IncidentStatus.PUBLISHED).only(
        "id", "number", "system_id", "received_on", "category", "publication_title",
        "publication_text")
    items = []
    for report in reports:
        if not report.publication_text.strip():
            continue
        attributes = {"reporting_system": str(by_pk[report.system_id])}
        if report.category:
            attributes["category"] = str(report.get_category_display())
        items.append(Item(source=f"incident:{report.pk}", kind=DocumentKind.INCIDENT,
                          title=report.publication_title or str(report),
                          text=report.publication_text,
                          municipality=by_pk[report.system_id].municipality,
                          attributes=attributes))
    items.sort(key=lambda i: (i.title.casefold(), i.source))
    return items


def incident_items(*, project: Project, actor, system=None) -> list[Item]:
    """The published reports in the reach (of one reporting system), in their published
    wording: the reporter's own is never taken."""
    systems = systems_in_reach(project, actor)
    if system is not None:
        if system.pk not in {s.pk for s in systems}:
            raise ValidationError(_("The reporting system is not covered by this project."))
        systems = [s for s in systems if s.pk == system.pk]
    return _incident_items(systems)


def gather_incidents(*, actor, project: Project, system=None) -> Gathered:
    return gather(actor=actor, project=project,
                  items=incident_items(project=project, actor=actor, system=system))


def incident_offers(*, project: Project, actor) -> list[Offer]:
    offers = []
    for system in systems_in_reach(project, actor):
        items = _incident_items([system])
        if items:
            present = _present(project, (i.source for i in items))
            offers.append(Offer(system, len(items), len(present)))
    return offers


# --- case reviews ------------------------------------------------------------------------------
def reviews_in_reach(project: Project, actor) -> list[CaseReview]:
    """The case reviews in the reach on which the person holds a seat."""
    reviews = CaseReview.objects.filter(municipality__in=reach(project)).select_related(
        "municipality").prefetch_related("members")
    return [r for r in reviews if is_member(actor, r)]


def _paragraphs(*parts) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def case_review_items(*, project: Project, actor, review: CaseReview) -> list[Item]:
    """The parts of a case review that hold text, each one document kept to the review's seat
    holders. Refused unless the review lies in the reach and the person holds a seat."""
    if not _in_reach(project, review.municipality) or not is_member(actor, review):
        raise ValidationError(_("Only those who hold a seat on the case review take its "
                                "material into a project."))
    parts: list[tuple[str, str, str]] = [("context", _("Context"), review.context)]
    parts.append(("chronology", _("Chronology"), _paragraphs(*(
        f"{c.when} – {c.get_organisation_type_display()}: {c.action}"
        for c in review.chronology.all()))))
    for episode in review.episodes.prefetch_related("factors"):
        factors = [f"{f.get_level_display()} / {f.get_type_display()}: "
                   + _paragraphs(f.description, f.evidence) for f in episode.factors.all()]
        parts.append((f"episode-{episode.pk}", episode.title, _paragraphs(
            episode.what_happened,
            f"{_('Appraisal')}: {episode.appraisal}" if episode.appraisal.strip() else "",
            f"{_('Why it made sense at the time')}: {episode.explanation}"
            if episode.explanation.strip() else "", *factors)))
    parts.append(("hypotheses", _("Error hypotheses"), _paragraphs(*(
        _paragraphs(h.statement, h.statements) for h in review.hypotheses.all()))))
    parts.append(("patterns", _("Patterns and good practice"), _paragraphs(*(
        f"{p.get_kind_display()}: {p.description}" for p in review.patterns.all()))))
    parts.append(("recommendations", _("Recommendations"), _paragraphs(*(
        r.text for r in review.recommendations.all()))))
    parts.append(("summary", _("Published summary"), review.summary))
    return [Item(source=f"casereview:{review.pk}:{key}", kind=DocumentKind.CASE_REVIEW,
                 title=f"{review.title}: {label}", text=text.strip(),
                 municipality=review.municipality, case_review=review,
                 attributes={"case_review": review.title,
                             "method": str(review.get_kind_display()), "part": str(label)})
            for key, label, text in parts if text and text.strip()]


@transaction.atomic
def gather_case_review(*, actor, project: Project, review: CaseReview) -> Gathered:
    """Take a review's material in; reading it is recorded as an opening of the review."""
    items = case_review_items(project=project, actor=actor, review=review)
    review_services.review_open(actor=actor, review=review)
    return gather(actor=actor, project=project, items=items)


def review_offers(*, project: Project, actor) -> list[Offer]:
    offers = []
    for review in reviews_in_reach(project, actor):
        items = case_review_items(project=project, actor=actor, review=review)
        present = _present(project, (i.source for i in items))
        offers.append(Offer(review, len(items), len(present)))
    return offers


# --- uploads -----------------------------------------------------------------------------------
def upload_add(*, actor, project: Project, title: str, text: str, municipality=None):
    """An uploaded transcript: checked for identifiers, coded once each finding is replaced or
    confirmed. A municipality's project keeps its transcripts to the municipality."""
    if municipality is not None and not _in_reach(project, municipality):
        raise ValidationError({"municipality": _("Choose a municipality the project covers.")})
    if municipality is None and project.municipality_id:
        municipality = project.municipality
    return services.document_add(actor=actor, project=project, kind=DocumentKind.TRANSCRIPT,
                                 title=title, text=text, municipality=municipality,
                                 check=True)
