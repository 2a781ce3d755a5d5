"""Analysis of a coding project: retrieval of the passages of a code, code frequencies overall
and by perspective and professional system, and code co-occurrence – with the disclosure
control of the survey figures.

What is counted
---------------
Only the codings of record (`selectors.codings_of_record`: a single-coded document's own
codings, a double-coded document's consensus codings) on the documents the reader may read
(`selectors.documents_readable`). Each code counts its own codings; codings of its sub-codes are
not added to it (the table shows the tree, so a reader can see where a sub-code sits).

* Overall, per code: the number of codings, of documents with at least one coding, and of
  free-text answers among those documents.
* By perspective and by professional system (the document attributes "perspective" and
  "professional_system"): per code and group the number of free-text answers with the code and
  the number of its codings on them; above the codes, the size of each group (the free-text
  answers of the group). Other material (minutes, transcripts …) is not broken down.
* Co-occurrence, per pair of codes: the number of documents in which a coding of one code
  overlaps a coding of the other by at least one character ("overlap", the default) – or, the
  coarser alternative, in which both codes occur anywhere ("document"; for free-text answers,
  whose unit is the whole answer, both rules are nearly the same).

Disclosure control
------------------
A free-text answer stems from one respondent, so every count of free-text answers (and of the
codings on them) counts people, and goes through the disclosure layer of the survey figures
(`qdialog.disclosure.tables`) with the same minimum (`minimum_size`: the largest
`min_group_size` of the survey waves the project's free texts come from, or the default of a
wave where none can be told; at least 3):

1. Fewer free-text answers in the reader's view than the minimum (but some): free-text answers
   are left out of every figure, which then counts the other material only (the page says so).
2. Group sizes: per breakdown, the row of group sizes is a table (groups plus the published
   total) protected by `tables.protect` – a group below the minimum is withheld, and further
   groups until no withheld size can be narrowed down to fewer than minimum + 1 values. A group
   withheld there is withheld in every code row of that breakdown ("no group below the minimum
   size").
3. Code rows: each code's row of a breakdown (its groups and its total) is a table of its own,
   protected by `tables.protect` starting from the withheld groups: a cell that counts someone
   but fewer than the minimum is withheld, a row whose total is below the minimum is withheld
   whole, and further cells – the last remaining group, or the total – until no withheld cell
   can be recovered by subtracting the published ones from the total (or the total by adding
   them up). A code's total is the same figure in both breakdowns and in the overall table: once
   withheld in one it is withheld in all, and the rows are protected again until nothing
   changes. A cell's number of codings is withheld with its number of answers. Where a code's
   free-text count is withheld, its overall numbers of codings and documents are withheld too
   (else the free-text part would follow by subtracting the other material).
4. Co-occurrence: a cell whose free-text part counts someone but fewer than the minimum is
   withheld, and so is every cell of a code whose free-text total is withheld. (Co-occurrence
   cells add up to nothing that is shown; the only bound they are under is the one between the
   published totals, ``a + b − n ≤ both ≤ min(a, b)``, which says no more than those totals.)

Retrieval shows passages only from documents the reader may read (the reader could open each
of them in full); a free-text quote is never shown beside its perspective, professional system
or municipality. A filter by perspective or professional system shows free-text passages only
where the selection's cell of that group is published under the same protection (rules 2 and 3,
on the selection), and any filter shows them only where the filtered free-text answers reach
the minimum – so no quote is tied to a group smaller than the minimum.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import log_action
from qdialog.core.models import AuditAction
from qdialog.core.notes import note
from qdialog.disclosure import tables
from qdialog.disclosure.tables import TOTAL
from qdialog.surveys.models import Wave

from . import selectors
from .models import Code, Document, DocumentKind, Project

BREAKDOWNS = (("perspective", _("perspective")),
              ("professional_system", _("professional system")))
FILTERS = ("wave", "perspective", "professional_system")
NOT_STATED = ""
CONTEXT_CHARS = 80
PAGE_SIZE = 50
FREE_TEXT = DocumentKind.FREE_TEXT
_ROW = "row"
_TREE = tables.Tree({_ROW: None}, frozenset({_ROW}))


# --- the minimum -------------------------------------------------------------------------------
def default_minimum() -> int:
    return max(3, int(Wave._meta.get_field("min_group_size").default))


def minimum_size(project: Project, wave_values=None) -> int:
    """The minimum group size of the project's free texts: the largest `min_group_size` of the
    programme's waves they name (`_wave_values`: the wave's pk, title or name), else the
    default of a wave. One query."""
    values = {str(v) for v in (wave_values or ()) if v not in (None, "")}
    if not values:
        return default_minimum()
    found = []
    for pk, title, timepoint, size in Wave.objects.filter(programme_id=project.programme_id) \
            .values_list("pk", "title", "timepoint", "min_group_size"):
        names = {str(pk), title.strip(), f"{title.strip()} (t{timepoint})"}
        if names & values:
            found.append(size)
    return max(3, max(found)) if found else default_minimum()


def _wave_values(attributes: dict, source: str = "") -> list:
    """What names a free text's wave: its attributes, or its source "text:<wave pk>:…"."""
    values = [attributes.get("wave_id"), attributes.get("wave")]
    if source.startswith("text:"):
        values.append(source.split(":")[1])
    return values


# --- protection --------------------------------------------------------------------------------
def _protect_row(counts: dict[str, int], groups: list[str], minimum: int,
                 hidden_groups=(), hide_total=False, publish_total=False) -> set[str]:
    """The groups (and TOTAL) withheld in one row: groups plus total, `tables.protect`."""
    table = tables.Table(_TREE, groups, {_ROW: {g: counts.get(g, 0) for g in groups}},
                         always_published=frozenset({(_ROW, TOTAL)}) if publish_total
                         else frozenset())
    start = {(_ROW, g) for g in hidden_groups} | ({(_ROW, TOTAL)} if hide_total else set())
    return {column for _, column in tables.protect(table, minimum, start)}


def protect_rows(rows: dict, sizes: dict[str, Counter], minimum: int):
    """rows: key → breakdown → Counter(group → answers); sizes: breakdown → Counter(group →
    answers of the group). Returns (withheld groups per breakdown, withheld cells per
    breakdown as {key: set of groups or TOTAL}, withheld totals) – rules 2 and 3 above."""
    groups = {b: sorted(sizes[b], key=lambda g: (g == NOT_STATED, g)) for b in sizes}
    withheld_groups = {b: {g for g in _protect_row(sizes[b], groups[b], minimum,
                                                   publish_total=True) if g != TOTAL}
                       for b in sizes}
    hidden_totals: set = set()
    cells: dict[str, dict] = {b: {} for b in sizes}
    cache: dict[tuple, set[str]] = {}
    changed = True
    while changed:
        changed = False
        for b in sizes:
            for key, by_breakdown in rows.items():
                counts = by_breakdown.get(b, Counter())
                signature = (b, tuple(counts.get(g, 0) for g in groups[b]), key in hidden_totals)
                if signature not in cache:
                    cache[signature] = _protect_row(counts, groups[b], minimum,
                                                    withheld_groups[b], key in hidden_totals)
                hidden = cache[signature]
                cells[b][key] = hidden
                if TOTAL in hidden and key not in hidden_totals:
                    hidden_totals.add(key)
                    changed = True
    return withheld_groups, cells, hidden_totals


# --- frequencies -------------------------------------------------------------------------------
@dataclass
class Figure:
    """A count as shown: `value` None when withheld."""

    value: int | None
    codings: int | None = None

    @property
    def withheld(self) -> bool:
        return self.value is None


@dataclass
class CodeRow:
    code: Code
    depth: int
    codings: int | None
    documents: int | None
    free_texts: int | None
    #: breakdown → group → Figure; breakdown → Figure of the row total
    groups: dict = field(default_factory=dict)
    totals: dict = field(default_factory=dict)

    @property
    def withheld(self) -> bool:
        return self.documents is None


@dataclass
class Breakdown:
    key: str
    label: str
    groups: list  # [(key, label)]
    sizes: dict  # group → int | None
    total: int
    rows: list  # [(CodeRow, [Figure per group], Figure of the total)]


@dataclass
class Cooccurrence:
    mode: str
    codes: list  # [CodeRow] of the codes that occur
    cells: dict  # (code pk, code pk) → int | None

    @property
    def rows(self):
        """[(CodeRow, [value per code, "self" on the diagonal])] for the table."""
        return [(a, ["self" if a is b else self.cells.get((a.code.pk, b.code.pk), 0)
                     for b in self.codes]) for a in self.codes]


@dataclass
class Frequencies:
    project: Project
    minimum: int
    documents: int
    free_texts: int
    free_texts_left_out: bool
    codings: int
    rows: list
    breakdowns: list
    cooccurrence: Cooccurrence
    withheld: bool


def _group_label(key: str):
    return key if key != NOT_STATED else _("not stated")


def visible_tree(*, scope, project: Project) -> list:
    """The project's code tree as the reader may see it: a municipality's local codes only for
    those who see that municipality (as on the category system's page)."""
    tree = selectors.code_tree(project.system, municipality=project.municipality)
    if scope.is_institute_staff(project.programme_id):
        return tree
    seen = set(scope.municipalities().values_list("pk", flat=True))
    return [n for n in tree if n.code.municipality_id is None or n.code.municipality_id in seen]


def _view(*, scope, user, project):
    """The reader's documents and codings of record, in three queries: {document: (kind,
    attributes)}, [(document, code, start, end)], the code tree."""
    readable = selectors.documents_readable(scope=scope, user=user, project=project)
    documents = {pk: (kind, attributes or {}, source) for pk, kind, attributes, source in
                 readable.values_list("pk", "kind", "attributes", "source")}
    codings = list(selectors.codings_of_record(project).filter(
        document__in=readable.values("pk")).values_list("document_id", "code_id", "start",
                                                        "end"))
    return documents, codings, visible_tree(scope=scope, project=project)


def _cooccurring(codings, mode: str) -> dict[tuple[int, int], set]:
    """(code a, code b) with a < b → the documents where they co-occur."""
    by_document = defaultdict(list)
    for document, code, start, end in codings:
        by_document[document].append((start, end, code))
    pairs: dict[tuple[int, int], set] = defaultdict(set)
    for document, spans in by_document.items():
        if mode == "document":
            codes = sorted({c for _, _, c in spans})
            for i, a in enumerate(codes):
                for b in codes[i + 1:]:
                    pairs[(a, b)].add(document)
            continue
        spans.sort()
        active: list[tuple[int, int]] = []  # (end, code) of the spans still open
        for start, end, code in spans:
            active = [(e, c) for e, c in active if e > start]
            for _end, other in active:
                if other != code:
                    pairs[(min(code, other), max(code, other))].add(document)
            active.append((end, code))
    return pairs


def frequencies(*, scope, user, project: Project, cooccurrence: str = "overlap") -> Frequencies:
    """The frequency tables and the co-occurrence of the reader's view, protected (module
    docstring). A fixed number of queries whatever the number of codings."""
    documents, codings, tree = _view(scope=scope, user=user, project=project)
    free = {pk for pk, (kind, _a, _s) in documents.items() if kind == FREE_TEXT}
    minimum = minimum_size(project, {v for pk in free
                                     for v in _wave_values(documents[pk][1], documents[pk][2])})
    left_out = 0 < len(free) < minimum
    if left_out:
        codings = [c for c in codings if c[0] not in free]
        free = set()
    known = {node.code.pk for node in tree}
    codings = [c for c in codings if c[1] in known]

    group_of = {pk: {b: str(documents[pk][1].get(b) or NOT_STATED) for b, _label in BREAKDOWNS}
                for pk in free}
    n_codings, n_docs, n_free = Counter(), Counter(), Counter()
    group_docs = {b: defaultdict(Counter) for b, _label in BREAKDOWNS}
    group_codings = {b: defaultdict(Counter) for b, _label in BREAKDOWNS}
    for (document, code), k in Counter((d, c) for d, c, _s, _e in codings).items():
        n_codings[code] += k
        n_docs[code] += 1
        groups = group_of.get(document)
        if groups is not None:
            n_free[code] += 1
            for b, group in groups.items():
                group_docs[b][code][group] += 1
                group_codings[b][code][group] += k
    sizes = {b: Counter(group_of[pk][b] for pk in free) for b, _label in BREAKDOWNS}
    rows_in = {node.code.pk: {b: group_docs[b][node.code.pk] for b, _label in BREAKDOWNS}
               for node in tree}
    if free:
        withheld_groups, cells, hidden_totals = protect_rows(rows_in, sizes, minimum)
    else:
        withheld_groups, cells, hidden_totals = {b: set() for b in sizes}, {}, set()

    rows, by_pk = [], {}
    for node in tree:
        pk = node.code.pk
        hidden = pk in hidden_totals
        row = CodeRow(node.code, node.depth, None if hidden else n_codings[pk],
                      None if hidden else n_docs[pk], None if hidden else n_free[pk])
        rows.append(row)
        by_pk[pk] = row
    breakdowns = []
    if free:
        for b, label in BREAKDOWNS:
            groups = sorted(sizes[b], key=lambda g: (g == NOT_STATED, g))
            table_rows = []
            for row in rows:
                pk = row.code.pk
                hidden = cells[b][pk]
                figures = [Figure(None) if g in hidden else Figure(
                    group_docs[b][pk][g], group_codings[b][pk][g]) for g in groups]
                total = Figure(None) if TOTAL in hidden else Figure(
                    n_free[pk], sum(group_codings[b][pk].values()))
                table_rows.append((row, figures, total))
            breakdowns.append(Breakdown(
                b, label, [(g, _group_label(g)) for g in groups],
                {g: None if g in withheld_groups[b] else sizes[b][g] for g in groups},
                len(free), table_rows))

    pairs = _cooccurring(codings, cooccurrence)
    # a withheld code is listed too: leaving it out would tell that it occurs nowhere
    occurring = [row for row in rows if n_docs[row.code.pk] or row.withheld]
    matrix = {}
    for (a, b), where in pairs.items():
        part = len(where & free)
        hidden = a in hidden_totals or b in hidden_totals or 0 < part < minimum
        matrix[(a, b)] = matrix[(b, a)] = None if hidden else len(where)
    for a in occurring:
        for b in occurring:
            if a is not b and (a.code.pk, b.code.pk) not in matrix:
                hidden = a.code.pk in hidden_totals or b.code.pk in hidden_totals
                matrix[(a.code.pk, b.code.pk)] = None if hidden else 0
    withheld = bool(hidden_totals) or any(v is None for v in matrix.values()) or any(
        g for g in withheld_groups.values())
    return Frequencies(project, minimum, len(documents), len(free), left_out, len(codings),
                       rows, breakdowns, Cooccurrence(cooccurrence, occurring, matrix),
                       withheld)


# --- retrieval ---------------------------------------------------------------------------------
@dataclass
class Passage:
    coding_id: int
    document: Document
    code: Code
    before: str
    text: str
    after: str
    start: int
    end: int

    @property
    def is_free_text(self) -> bool:
        return self.document.kind == FREE_TEXT


def _context(text: str, start: int, end: int, chars: int = CONTEXT_CHARS):
    """A little text before and after a passage, cut at a word boundary, with "…"."""
    before = text[max(0, start - chars):start]
    if start > chars and " " in before:
        before = "…" + before[before.index(" ") + 1:]
    after = text[end:end + chars]
    if end + chars < len(text) and " " in after:
        after = after[:after.rindex(" ")] + "…"
    return before, after


def codes_selected(project: Project, code: Code, with_children: bool, tree=None) -> list[int]:
    """The code, and with `with_children` its sub-codes (of `tree`, the reader's code tree)."""
    if not with_children:
        return [code.pk]
    chosen, depth = [], None
    for node in tree:
        if node.code.pk == code.pk:
            chosen, depth = [code.pk], node.depth
        elif depth is not None:
            if node.depth <= depth:
                break
            chosen.append(node.code.pk)
    return chosen or [code.pk]


def _filtered(documents, filters: dict):
    for key in FILTERS:
        if filters.get(key):
            documents = documents.filter(**{f"attributes__{key}": filters[key]})
    if filters.get("municipality"):
        documents = documents.filter(municipality_id=filters["municipality"])
    return documents


TOO_FEW = _("Fewer free-text answers than the minimum group size (%(n)s) match these filters; "
            "their passages are not shown.")
GIVES_AWAY = _("Too few free-text answers of this group have this code to show them without "
               "giving away who said what; their passages are not shown.")


def free_text_refusal(*, documents_view: dict, codes: list[int], codings, filters: dict,
                      minimum: int) -> str | None:
    """Why the free-text passages of a filtered selection are withheld, or None (module
    docstring). `documents_view`: the reader's free-text answers after the wave and
    municipality filters {pk: attributes}; `codings`: (document, code) of record on them."""
    if not any(filters.get(k) for k in (*FILTERS, "municipality")):
        return None
    chosen = {key: filters[key] for key, _label in BREAKDOWNS if filters.get(key)}
    matching = [pk for pk, attributes in documents_view.items() if all(
        str(attributes.get(k) or NOT_STATED) == v for k, v in chosen.items())]
    if 0 < len(matching) < minimum or 0 < len(documents_view) < minimum:
        return str(TOO_FEW % {"n": minimum})
    if not chosen or not matching:
        return None
    with_code = {d for d, c in codings if c in codes}
    sizes, row = {}, {}
    for b in chosen:
        sizes[b] = Counter(str(a.get(b) or NOT_STATED) for a in documents_view.values())
        row[b] = Counter(str(documents_view[d].get(b) or NOT_STATED) for d in with_code)
    _groups, cells, _totals = protect_rows({"selection": row}, sizes, minimum)
    if any(value in cells[b]["selection"] for b, value in chosen.items()):
        return str(GIVES_AWAY)
    return None


@dataclass
class Retrieval:
    page: object  # django Page of Passage
    count: int
    minimum: int
    free_texts_withheld: str | None


def retrieval(*, scope, user, project: Project, code: Code, with_children: bool = False,
              filters: dict | None = None, page: int | str = 1, tree=None) -> Retrieval:
    """The passages of a code (optionally with its sub-codes) on the documents the reader may
    read, filtered, a page at a time, each with a little context. A fixed number of queries."""
    filters = filters or {}
    if tree is None:
        tree = visible_tree(scope=scope, project=project)
    codes = codes_selected(project, code, with_children, tree)
    readable = selectors.documents_readable(scope=scope, user=user, project=project)
    base = {k: v for k, v in filters.items() if k in ("wave", "municipality")}
    free_view = _filtered(readable, base).filter(kind=FREE_TEXT)
    view, waves = {}, set()
    for pk, attributes, source in free_view.values_list("pk", "attributes", "source"):
        view[pk] = attributes or {}
        waves.update(_wave_values(view[pk], source))
    minimum = minimum_size(project, waves)
    record = selectors.codings_of_record(project)
    refusal = None
    if view and any(filters.get(k) for k in (*FILTERS, "municipality")):
        pairs = list(record.filter(document__in=free_view.values("pk"), code__in=codes).values_list(
            "document_id", "code_id")) if any(filters.get(k) for k, _label in BREAKDOWNS) else []
        refusal = free_text_refusal(documents_view=view, codes=codes, codings=pairs,
                                    filters=filters, minimum=minimum)
    documents = _filtered(readable, filters)
    if refusal:
        documents = documents.exclude(kind=FREE_TEXT)
    codings = record.filter(document__in=documents.values("pk"), code__in=codes).order_by(
        "document__title", "document_id", "start", "end", "pk").values_list(
        "pk", "document_id", "code_id", "start", "end")
    paginator = Paginator(codings, PAGE_SIZE)
    current = paginator.get_page(page)
    rows = list(current.object_list)
    texts = Document.objects.filter(pk__in={r[1] for r in rows}).select_related("municipality")
    by_pk = {d.pk: d for d in texts}
    code_by_pk = {c.pk: c for c in Code.objects.filter(pk__in=codes)}
    passages = []
    for pk, document_id, code_id, start, end in rows:
        document = by_pk[document_id]
        before, after = _context(document.text, start, end)
        passages.append(Passage(pk, document, code_by_pk[code_id], before,
                                document.text[start:end], after, start, end))
    current.object_list = passages
    return Retrieval(current, paginator.count, minimum, refusal)


def retrieval_read(*, actor, project: Project, code: Code, count: int) -> None:
    """Reading the passages of a code is a read of the material, recorded like a document's."""
    log_action(actor=actor, action=AuditAction.READ, obj=project, summary=note(
        gettext_noop("%(count)s passages of the code %(code)s read"), count=count,
        code=code.name))


def filter_choices(*, scope, user, project: Project) -> dict[str, list[str]]:
    """The values of wave, perspective and professional system among the readable documents,
    and their municipalities [(pk, name)]. One query."""
    readable = selectors.documents_readable(scope=scope, user=user, project=project)
    values: dict[str, set] = {k: set() for k in FILTERS}
    municipalities = {}
    for attributes, municipality_id, name in readable.values_list(
            "attributes", "municipality_id", "municipality__name"):
        for key in FILTERS:
            if (attributes or {}).get(key) not in (None, ""):
                values[key].add(str(attributes[key]))
        if municipality_id:
            municipalities[municipality_id] = name
    out = {k: sorted(v) for k, v in values.items()}
    out["municipality"] = sorted(municipalities.items(), key=lambda item: item[1])
    return out
