"""Exchange with MAXQDA, ATLAS.ti, QualCoder and NVivo through the REFI-QDA standard
(QDA-XML 1.0, https://www.qdasoftware.org): a category system as a codebook (.qdc), a coding
project as a project file (.qdpx: a zip with `project.qde` and its plain-text sources).

- A code's definition, anchor example and coding rule share its `Description` as paragraphs
  labelled "Definition:", "Ankerbeispiel:", "Codierregel:" ("Kodierregel:" and English labels
  are read too; text without a label is the definition).
- Coders are `User`s with a name only, never an e-mail address, their GUID derived from the
  project's and the person's key. Consensus codings belong to a user of their own ("Konsens", id
  "qdialog:consensus"); on import that id, or a user named "Konsens"/"Consensus", marks them.
- Positions are character offsets (code points) of the plain text, `endPosition` exclusive.
- Import: codes are matched by GUID, then by name under the same parent, missing ones added
  (deductive). Plain-text sources become transcripts through `services.document_add(...,
  check=True)`; other sources are counted and left out. Every imported coding is stored as the
  importing person's (own round, or consensus); which coder of the file made how many codings is
  kept in the audit entry. A document with consensus codings becomes double-coded, so that its
  consensus counts as of record.
- Files are parsed with defusedxml (no DTD, no entities, nothing fetched) and checked against
  the rules of the schema the import relies on; a zip is read within limits of size and member
  count, and a member with an unsafe path refuses the whole file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import log_action
from qdialog.core.models import AuditAction
from qdialog.core.notes import note
from qdialog.tenancy.scope import scope_for

from . import selectors
from .models import Code, Coding, Memo, Round

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
ORIGIN = "qdialog"
MB = 1024 * 1024
MAX_QDC_BYTES = 2 * MB
MAX_QDPX_BYTES = 20 * MB
MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 10 * MB      # project.qde or one source as unpacked
MAX_UNPACKED_BYTES = 100 * MB   # everything read from one archive
MAX_DEPTH = 40
MAX_ERRORS = 8
CONSENSUS_ID = "qdialog:consensus"
CONSENSUS_NAMES = {"konsens", "consensus"}
#: the labelled paragraphs of a code's Description, in their order
LABELS = (("definition", "Definition"), ("anchor_example", "Ankerbeispiel"),
          ("coding_rule", "Codierregel"))
_LABEL_FIELDS = {"definition": "definition", "ankerbeispiel": "anchor_example",
                 "anchor example": "anchor_example", "kodierregel": "coding_rule",
                 "codierregel": "coding_rule", "coding rule": "coding_rule"}
_LABEL_RE = re.compile(r"^(definition|ankerbeispiel|anchor example|[kc]odierregel|coding rule)"
                       r"[ \t]*:[ \t]*", re.I | re.M)
#: the variables qdialog writes: a document's attributes, and its municipality
VARIABLES = {"wave": gettext_noop("wave"), "perspective": gettext_noop("perspective"),
             "professional_system": gettext_noop("professional system"),
             "municipality": gettext_noop("municipality")}
_MUNICIPALITY_NAMES = {"municipality", "kommune", "gemeinde", "jugendamt"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_COLOUR = re.compile(r"^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
_UNSAFE = re.compile(r"^([A-Za-z]:|/)|\\")


@dataclass
class ImportResult:
    codes_created: int = 0
    codes_skipped: int = 0
    documents_created: int = 0
    documents_existing: int = 0
    sources_skipped: int = 0
    codings_created: int = 0
    codings_skipped: int = 0
    memos_created: int = 0
    flagged: int = 0
    #: the file's coders (by their name there) and how many codings each made
    coders: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    def message(self) -> str:
        """What a person reads after the import."""
        lines = [
            (True, _("%(codes_created)s new codes, %(codes_skipped)s already there.")),
            (self.documents_created, _("%(documents_created)s documents with %(codings_created)s "
                                       "codings and %(memos_created)s memos imported.")),
            (self.documents_existing, _("%(documents_existing)s documents were imported before "
                                        "and stay as they are.")),
            (self.sources_skipped, _("%(sources_skipped)s sources are not plain text inside the "
                                     "file and were left out.")),
            (self.codings_skipped, _("%(codings_skipped)s codings could not be placed and were "
                                     "left out.")),
            (self.flagged, _("%(flagged)s documents have passages flagged by the identifier "
                             "check: replace or confirm them before coding goes on."))]
        return " ".join([text % vars(self) for shown, text in lines if shown]
                        + self.warnings[:3])


# --- small helpers -----------------------------------------------------------------------------
def _guid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value).strip().strip("{}"))
    except (TypeError, ValueError, AttributeError):
        return None


def _text(value) -> str:
    return _NOT_XML.sub("", str(value or ""))


def _stamp(moment) -> str:
    if moment is None:
        moment = timezone.now()
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{moment.isoformat()}T00:00:00Z"


def _el(parent, ns: str, tag: str, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{tag}")
    for key, value in attrs.items():
        if value is not None and value != "":
            element.set(key, _text(value))
    return element


def _serialise(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def describe(code: Code) -> str:
    """A code's Description: its definition, anchor example and coding rule as labelled
    paragraphs (split again by `split_description`)."""
    return "\n\n".join(f"{label}: {getattr(code, name).strip()}" for name, label in LABELS
                       if getattr(code, name).strip())


def split_description(text: str) -> dict[str, str]:
    """The definition, anchor example and coding rule of a Description (see `describe`)."""
    text = (text or "").replace("\r\n", "\n").strip()
    parts = {name: [] for name, _label in LABELS}
    matches = list(_LABEL_RE.finditer(text))
    head = text[:matches[0].start()] if matches else text
    if head.strip():
        parts["definition"].append(head.strip())
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[match.end():end].strip()
        if body:
            parts[_LABEL_FIELDS[match.group(1).lower()]].append(body)
    return {name: "\n\n".join(values) for name, values in parts.items()}


# --- export ------------------------------------------------------------------------------------
def _code_element(parent, ns, code: Code, notes=()) -> ET.Element:
    element = _el(parent, ns, "Code", guid=str(code.guid), name=code.name, isCodable="true",
                  color=code.colour if _COLOUR.match(code.colour or "") else None)
    description = describe(code)
    if description:
        _el(element, ns, "Description").text = _text(description)
    for memo in notes:
        _el(element, ns, "NoteRef", targetGUID=str(memo.guid))
    return element


def _codes(parent, ns, nodes, extra=(), notes=None) -> int:
    """Nest the code tree (selectors.code_tree) under `parent`; `extra` codes go to the top."""
    codes = _el(parent, ns, "Codes")
    stack: list[ET.Element] = []
    for node in nodes:
        del stack[node.depth:]
        holder = stack[-1] if stack else codes
        stack.append(_code_element(holder, ns, node.code, (notes or {}).get(node.code.pk, ())))
    for code in extra:
        _code_element(codes, ns, code, (notes or {}).get(code.pk, ()))
    return len(nodes) + len(extra)


def _visible_nodes(system, municipality, local_seen):
    nodes, skip_below = [], None
    for node in selectors.code_tree(system, municipality=municipality):
        if skip_below is not None and node.depth > skip_below:
            continue
        skip_below = None
        local = node.code.municipality_id
        if local_seen is not None and local and local not in local_seen:
            skip_below = node.depth
            continue
        nodes.append(node)
    return nodes


def codebook_export(system, *, municipality=None, local_seen=None) -> bytes:
    """The active codes of a category system in their hierarchy as a REFI-QDA codebook (.qdc).
    With `municipality`: the programme's codes and that municipality's local additions only;
    `local_seen` (municipality keys) leaves out local additions of municipalities not in it."""
    nodes = _visible_nodes(system, municipality, local_seen)
    if not nodes:
        raise ValidationError(_("The category system has no codes yet."))
    root = ET.Element(f"{{{NS_CODEBOOK}}}CodeBook", {"origin": ORIGIN})
    _codes(root, NS_CODEBOOK, nodes)
    return _serialise(root, NS_CODEBOOK)


def user_guid(project, user_pk) -> str:
    """A coder's GUID in the exports of a project: stable, and no e-mail address in it."""
    return str(uuid.uuid5(project.guid, f"user:{user_pk}"))


def _exported_codings(project, user, documents):
    codings = list(Coding.objects.filter(document__in=documents).select_related("code", "coder")
                   .order_by("document_id", "start", "end", "pk"))
    coder_ids = set(project.coders.values_list("pk", flat=True))
    blind = {d.pk for d in documents if user.pk in coder_ids and selectors.is_blind(d)}
    return [c for c in codings if c.document_id not in blind or c.round != Round.OWN
            or c.coder_id == user.pk]


def _variables(project, documents) -> list[str]:
    keys: list[str] = []
    for document in documents:
        for key in document.attributes or {}:
            if key not in keys and key != "municipality":
                keys.append(key)
    known = [k for k in VARIABLES if k in keys]
    keys = known + sorted(k for k in keys if k not in known)
    if project.municipality_id or any(d.municipality_id for d in documents):
        keys.append("municipality")
    return keys


def _variable_values(document, project) -> dict[str, str]:
    values = {k: str(v) for k, v in (document.attributes or {}).items()
              if v not in (None, "") and not isinstance(v, (dict, list))}
    municipality = document.municipality or project.municipality
    if municipality is not None:
        values["municipality"] = municipality.name
    return values


def _memo_target(memo) -> tuple:
    if memo.coding_id:
        return ("coding", memo.coding_id)
    if memo.document_id:
        return ("document", memo.document_id)
    return ("code", memo.code_id) if memo.code_id else ("project", None)


def project_export(project, *, user) -> bytes:
    """A coding project as a REFI-QDA project (.qdpx) with the documents `user` may read, their
    codings (while a double-coded document is blind to `user`, only their own), codes, memos and
    variables. The export is recorded in the audit log."""
    documents = list(selectors.documents_readable(scope=scope_for(user), user=user,
                                                  project=project)
                     .select_related("municipality", "added_by").order_by("title", "id"))
    codings = _exported_codings(project, user, documents)
    coding_ids = {c.pk for c in codings}
    memos = [m for m in Memo.objects.filter(project=project).filter(
        Q(document__isnull=True) | Q(document__in=documents)).select_related("author")
        if m.coding_id is None or m.coding_id in coding_ids]
    memos_of = defaultdict(list)
    for memo in memos:
        memos_of[_memo_target(memo)].append(memo)
    people = {c.coder_id: c.coder for c in codings if c.round == Round.OWN and c.coder_id}
    people.update({m.author_id: m.author for m in memos if m.author_id})
    people.update({d.added_by_id: d.added_by for d in documents if d.added_by_id})
    people.update({u.pk: u for u in project.coders.all()} | {user.pk: user})

    def add(parent, tag, text=None, **attrs):
        element = _el(parent, NS_PROJECT, tag, **attrs)
        if text is not None:
            element.text = _text(text)
        return element

    def person(pk):
        return user_guid(project, pk) if pk else None

    def refs(parent, target):
        for memo in memos_of[target]:
            add(parent, "NoteRef", targetGUID=str(memo.guid))

    root = ET.Element(f"{{{NS_PROJECT}}}Project", {
        "name": _text(project.title), "origin": ORIGIN, "creatingUserGUID": person(user.pk),
        "creationDateTime": _stamp(None)})
    users = add(root, "Users")
    for number, (pk, someone) in enumerate(sorted(people.items()), 1):
        add(users, "User", guid=person(pk), name=someone.display_name or _("Coder %(n)s") % {
            "n": number})
    consensus = str(uuid.uuid5(project.guid, "consensus"))
    if any(c.round == Round.CONSENSUS for c in codings):
        add(users, "User", guid=consensus, name="Konsens", id=CONSENSUS_ID)

    nodes = selectors.code_tree(project.system, municipality=project.municipality)
    in_tree = {n.code.pk for n in nodes}
    extra = list({c.code.pk: c.code for c in codings if c.code.pk not in in_tree}.values())
    code_notes = {pk: memos_of[("code", pk)] for kind, pk in list(memos_of) if kind == "code"}
    if nodes or extra:
        _codes(add(root, "CodeBook"), NS_PROJECT, nodes, extra, code_notes)
    else:
        memos_of[("project", None)].extend(m for ms in code_notes.values() for m in ms)

    keys = _variables(project, documents)
    variable_guids = {k: str(uuid.uuid5(project.guid, f"variable:{k}")) for k in keys}
    if keys:
        variables = add(root, "Variables")
        for key in keys:
            variable = add(variables, "Variable", guid=variable_guids[key], name=key,
                           typeOfVariable="Text")
            if key in VARIABLES:
                add(variable, "Description", _(VARIABLES[key]))
    by_municipality = defaultdict(list)
    for document in documents:
        if document.municipality or project.municipality:
            by_municipality[document.municipality or project.municipality].append(document)
    if by_municipality:
        cases = add(root, "Cases")
        for municipality, members in sorted(by_municipality.items(), key=lambda i: i[0].name):
            case = add(cases, "Case", name=municipality.name,
                       guid=str(uuid.uuid5(project.guid, f"municipality:{municipality.pk}")))
            for document in members:
                add(case, "SourceRef", targetGUID=str(document.guid))

    codings_of = defaultdict(list)
    for coding in codings:
        codings_of[coding.document_id].append(coding)
    files = {}
    sources = add(root, "Sources") if documents else None
    for document in documents:
        name = f"{document.guid}.txt"
        files[f"sources/{name}"] = document.text.encode("utf-8")
        source = add(sources, "TextSource", guid=str(document.guid), name=document.title,
                     plainTextPath=f"internal://{name}", creatingUser=person(
                         document.added_by_id), creationDateTime=_stamp(document.added_on))
        add(source, "Description", document.get_kind_display())
        for coding in codings_of[document.pk]:
            coder = consensus if coding.round == Round.CONSENSUS else person(coding.coder_id)
            when = _stamp(coding.created_at)
            selection = add(source, "PlainTextSelection", guid=str(coding.guid),
                            startPosition=str(coding.start), endPosition=str(coding.end),
                            creatingUser=coder, creationDateTime=when)
            add(add(selection, "Coding", guid=str(uuid.uuid5(coding.guid, "coding")),
                    creatingUser=coder, creationDateTime=when),
                "CodeRef", targetGUID=str(coding.code.guid))
            refs(selection, ("coding", coding.pk))
        refs(source, ("document", document.pk))
        for key, value in _variable_values(document, project).items():
            if key in variable_guids:
                holder = add(source, "VariableValue")
                add(holder, "VariableRef", targetGUID=variable_guids[key])
                add(holder, "TextValue", value)
    if memos:
        notes = add(root, "Notes")
        for memo in memos:
            entry = add(notes, "Note", guid=str(memo.guid), name=_("Memo"),
                        creatingUser=person(memo.author_id),
                        creationDateTime=_stamp(memo.created_at))
            add(entry, "PlainTextContent", memo.text)
    if project.question.strip():
        add(root, "Description", project.question)
    refs(root, ("project", None))

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", _serialise(root, NS_PROJECT))
        for name, body in files.items():
            archive.writestr(name, body)
    log_action(actor=user, action=AuditAction.EXPORT, obj=project, summary=note(
        gettext_noop("coding project %(title)s exported as REFI-QDA (%(documents)s documents, "
                     "%(codings)s codings)"), title=project.title, documents=len(documents),
        codings=len(codings)))
    return buffer.getvalue()


# --- reading files -----------------------------------------------------------------------------
