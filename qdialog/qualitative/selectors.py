"""Reads of the qualitative analysis: the projects and documents a person may see, the codings
a coder may see (blind while double coding runs), the codings of record that analysis counts,
the code tree and the agreement of a project."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import rules
from django.db.models import Count, Exists, OuterRef, Q

from qdialog.casereviews.models import ReviewMember

from . import agreement, units
from .models import Code, CoderProgress, Coding, Document, Memo, Project, Round


def projects_visible(*, scope, user, programme=None, municipality=None):
    """Projects the person runs or codes in; of one programme or one municipality's level."""
    runs = (Q(programme_id__in=scope.institute_programmes)
            | Q(cluster_id__in=scope.coordinated_clusters)
            | Q(municipality_id__in=scope.coordinated_municipalities))
    projects = Project.objects.filter(runs | Q(coders=user)).distinct()
    if programme is not None:
        projects = projects.filter(programme=programme)
    if municipality is not None:
        projects = projects.filter(Q(municipality=municipality) | Q(
            municipality__isnull=True, cluster_id=municipality.cluster_id) | Q(
            municipality__isnull=True, cluster__isnull=True))
    return projects.select_related("programme", "cluster", "municipality", "system").annotate(
        document_count=Count("documents", distinct=True))


def documents_readable(*, scope, user, project):
    """The project's documents the person may read (rules.reads_document, as a query): those of
    municipalities they see, case-review material only for its seat holders."""
    documents = project.documents.all()
    seen = scope.municipalities().values("pk")
    documents = documents.filter(Q(municipality__isnull=True) | Q(municipality__in=seen))
    seat = ReviewMember.objects.filter(review=OuterRef("case_review"), user=user)
    return documents.filter(Q(case_review__isnull=True) | Q(Exists(seat)))


def document_list(*, scope, user, project):
    """The readable documents of a project with what the person needs to see of their state:
    their own codings, whether they finished a double-coded document, how many coders have."""
    mine = Q(codings__coder=user, codings__round=Round.OWN)
    finished = CoderProgress.objects.filter(document=OuterRef("pk"), coder=user,
                                            finished_at__isnull=False)
    return documents_readable(scope=scope, user=user, project=project).select_related(
        "municipality").annotate(
        my_codings=Count("codings", filter=mine, distinct=True),
        consensus_codings=Count("codings", filter=Q(codings__round=Round.CONSENSUS),
                                distinct=True),
        finished_coders=Count("progress", filter=Q(progress__finished_at__isnull=False),
                              distinct=True),
        finished_by_me=Exists(finished)).order_by("kind", "title", "id")


def code_origins(code, *, user):
    """What grew out of a code: actions of the action plan and comments on standards (the
    other direction of their "origin" link), as far as the person may see them."""
    comments = [o.comment for o in code.comment_origins.select_related(
        "comment__standard__municipality") if rules.test_rule(
        "standards.view", user, o.comment.standard.municipality)]
    actions = [a for a in code.actions.select_related("municipality")
               if rules.test_rule("actions.view", user, a.municipality)]
    return {"comments": comments, "actions": actions}


def is_blind(document: Document) -> bool:
    """While a double-coded document is being coded, each coder sees only their own codings."""
    if not document.double_coding:
        return False
    coders = set(document.project.coders.values_list("pk", flat=True))
    done = set(CoderProgress.objects.filter(document=document, finished_at__isnull=False)
               .values_list("coder_id", flat=True))
    return len(coders) < 2 or not coders <= done


def codings_shown(*, user, document: Document, round: str = Round.OWN):
    """The codings the person sees on the document in the given round."""
    codings = document.codings.filter(round=round).select_related("code", "coder")
    if round == Round.OWN and (document.double_coding and is_blind(document)):
        codings = codings.filter(coder=user)
    return codings


def codings_of_record(project: Project):
    """What analysis counts: a single-coded document's codings; a double-coded document's
    consensus codings. A double-coded document without consensus codings counts not at all."""
    return Coding.objects.filter(document__project=project).filter(
        Q(document__double_coding=False, round=Round.OWN)
        | Q(document__double_coding=True, round=Round.CONSENSUS))


@dataclass
class Node:
    code: Code
    depth: int
    children: list = field(default_factory=list)


def code_tree(system, *, municipality=None, active_only=True) -> list[Node]:
    """The codes of a system in their order, depth first, as a flat list of nodes with depth.
    With a municipality, local additions of other municipalities are left out."""
    codes = Code.objects.filter(system=system)
    if active_only:
        codes = codes.filter(active=True)
    if municipality is not None:
        codes = codes.filter(Q(municipality__isnull=True) | Q(municipality=municipality))
    by_parent = defaultdict(list)
    for code in codes.select_related("municipality"):
        by_parent[code.parent_id].append(code)
    flat: list[Node] = []

    def walk(parent_id, depth):
        for code in sorted(by_parent.get(parent_id, []), key=lambda c: (c.position, c.name)):
            flat.append(Node(code, depth))
            walk(code.pk, depth + 1)

    walk(None, 0)
    return flat


# --- agreement ---------------------------------------------------------------------------------
@dataclass
class DocumentAgreement:
    document: Document
    spans: list
    codings: agreement.Codings  # coder (str pk) -> unit (str index) -> codes (str pk)


def unit_codings(document: Document, spans, codings, min_overlap: int, finished: set[int]):
    """coder -> unit -> codes of one document; only coders who finished it take part."""
    ranges: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for c in codings:
        if c.coder_id in finished:
            ranges[c.coder_id][str(c.code_id)].append((c.start, c.end))
    result: agreement.Codings = {}
    for coder in finished:
        coded = units.coded_units(document.text, spans, ranges.get(coder, {}), min_overlap)
        result[str(coder)] = {f"{document.pk}:{i}": codes for i, codes in coded.items()}
    return result


def project_agreement(project: Project, documents=None):
    """The agreement of the coders on the project's double-coded documents that every coder
    has finished: (documents, per-code figures, overall figures, codes by pk)."""
    documents = list(documents if documents is not None else project.documents.filter(
        double_coding=True))
    progress = defaultdict(set)
    for p in CoderProgress.objects.filter(document__in=documents, finished_at__isnull=False):
        progress[p.document_id].add(p.coder_id)
    coders = set(project.coders.values_list("pk", flat=True))
    done = [d for d in documents if len(coders) >= 2 and coders <= progress[d.pk]]
    codings = defaultdict(list)
    for c in Coding.objects.filter(document__in=done, round=Round.OWN).only(
            "document_id", "code_id", "coder_id", "start", "end"):
        codings[c.document_id].append(c)
    pooled: agreement.Codings = defaultdict(dict)
    per_document = []
    for document in done:
        spans = units.units(document.text, project.unit)
        coded = unit_codings(document, spans, codings[document.pk], project.min_overlap,
                             progress[document.pk] & coders)
        for coder, by_unit in coded.items():
            pooled[coder].update(by_unit)
        per_document.append(DocumentAgreement(document, spans, coded))
    used = {code for by_unit in pooled.values() for given in by_unit.values() for code in given}
    codes = {c.pk: c for c in Code.objects.filter(pk__in=[int(x) for x in used])}
    keys = [str(pk) for pk in sorted(codes, key=lambda pk: (codes[pk].position, codes[pk].name))]
    return (per_document, agreement.per_code(pooled, keys), agreement.overall(pooled, keys),
            codes)


# --- the document page -------------------------------------------------------------------------
@dataclass
class Segment:
    start: int
    end: int
    text: str
    codings: list

    @property
    def colour(self) -> str:
        return self.codings[0].code.colour if self.codings else ""

    @property
    def count(self) -> int:
        return len({c.code_id for c in self.codings})

    @property
    def names(self) -> str:
        return ", ".join(dict.fromkeys(c.code.name for c in self.codings))


def segments(text: str, codings) -> list[Segment]:
    """The text cut at every coding's boundaries, each piece with the codings covering it."""
    cuts = {0, len(text)}
    for c in codings:
        cuts.update((c.start, c.end))
    points = sorted(p for p in cuts if 0 <= p <= len(text))
    ordered = sorted(codings, key=lambda c: (c.start, c.end))
    pieces = []
    for start, end in zip(points, points[1:], strict=False):
        if end <= start:
            continue
        covering = [c for c in ordered if c.start <= start and c.end >= end]
        pieces.append(Segment(start, end, text[start:end], covering))
    return pieces


@dataclass
class UnitRow:
    index: int
    start: int
    end: int
    text: str
    codes: list


def unit_rows(document: Document, unit: str, codings) -> list[UnitRow]:
    """The document's units (for coding whole sentences or answers without JavaScript) with the
    codes the shown codings give each."""
    spans = units.units(document.text, unit)
    rows = []
    for i, span in enumerate(spans):
        codes = {c.code_id: c.code for c in codings if c.start < span.end and c.end > span.start}
        rows.append(UnitRow(i, span.start, span.end, span.text(document.text),
                            list(codes.values())))
    return rows


def disagreements_of(document: Document):
    """For the consensus discussion: the units of a finished double-coded document on which the
    coders decided differently, side by side, and the agreed ones."""
    project = document.project
    per_document, _per_code, _overall, codes = project_agreement(project, [document])
    if not per_document:
        return None
    entry = per_document[0]
    coders = sorted(entry.codings)
    consensus = list(document.codings.filter(round=Round.CONSENSUS))
    rows, agreed = [], []
    for i, span in enumerate(entry.spans):
        key = f"{document.pk}:{i}"
        given = {coder: entry.codings[coder].get(key, set()) for coder in coders}
        for code_key in sorted(set().union(*given.values()) if given else set()):
            votes = {coder: code_key in given[coder] for coder in coders}
            code = codes[int(code_key)]
            settled = document.consensus.get(f"{span.start}:{span.end}:{code.pk}")
            if all(votes.values()):
                agreed.append((code, span))
            else:
                rows.append({"span": span, "text": span.text(document.text), "code": code,
                             "votes": [votes[c] for c in coders], "settled": settled})
    adopted = all(any(c.code_id == code.pk and c.start < span.end and c.end > span.start
                      for c in consensus) for code, span in agreed)
    return {"coders": coders, "rows": rows, "agreed": agreed, "consensus": consensus,
            "adopted": adopted, "decided": sum(1 for r in rows if r["settled"] is not None)}


# --- the reports' section "What participants say" -----------------------------------------------
@dataclass
class Voice:
    code: Code
    quotes: list  # [(text, source)]: the passage and the document's source key


def report_voices(*, wave, municipality_ids=None) -> list[Voice]:
    """The codes of the programme's projects shown in reports, as far as they were given to the
    released free-text answers of `wave` (of the municipalities `municipality_ids`), most
    frequent first, with the passages chosen as quotes.

    Disclosure: a free-text answer stems from one respondent, so a code's number of answers is
    a count of people. No number is shown – a code appears only when at least the wave's
    minimum group size of answers (and never fewer than 3) carry it, so that no small group can
    be recovered, not even by subtracting one report from another; the order says the rest."""
    floor = max(3, wave.min_group_size)
    documents = Document.objects.filter(
        project__programme_id=wave.programme_id, project__in_reports=True, kind="free_text",
        source__startswith=f"text:{wave.pk}:")
    if municipality_ids is not None:
        documents = documents.filter(municipality_id__in=municipality_ids)
    codings = Coding.objects.filter(document__in=documents).filter(
        Q(document__double_coding=False, round=Round.OWN)
        | Q(document__double_coding=True, round=Round.CONSENSUS)).select_related("code")
    answers: dict[int, set] = defaultdict(set)
    quotes: dict[int, list] = defaultdict(list)
    codes: dict[int, Code] = {}
    texts = dict(documents.values_list("pk", "text"))
    sources = dict(documents.values_list("pk", "source"))
    for c in codings:
        if c.code.municipality_id and municipality_ids is not None \
                and c.code.municipality_id not in municipality_ids:
            continue  # another municipality's local code
        codes[c.code_id] = c.code
        answers[c.code_id].add(c.document_id)
        if c.quote:
            quotes[c.code_id].append((texts[c.document_id][c.start:c.end].strip(),
                                      sources[c.document_id]))
    shown = [pk for pk, docs in answers.items() if len(docs) >= floor]
    shown.sort(key=lambda pk: (-len(answers[pk]), codes[pk].name))
    return [Voice(codes[pk], sorted(set(quotes[pk]))) for pk in shown]


def person_data(user) -> dict:
    """What the qualitative analysis holds about a person, for their data export
    (accounts/personal_data): the projects they code in, their memos, how many codings."""
    return {
        "coding_projects": [p.title for p in Project.objects.filter(coders=user)],
        "qualitative_memos": [{"project": m.project.title, "text": m.text,
                   "at": m.created_at.isoformat()}
                  for m in Memo.objects.filter(author=user).select_related("project")],
        "qualitative_codings": Coding.objects.filter(coder=user).count(),
    }
