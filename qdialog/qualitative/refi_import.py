"""Reading REFI-QDA files made elsewhere: a codebook (.qdc) into a category system, a project
(.qdpx) into a coding project (see refi.py for the rules both sides follow)."""

from __future__ import annotations

import bisect
import io
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as parse_xml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qdialog.core.audit import log_action
from qdialog.core.models import AuditAction
from qdialog.core.notes import note
from qdialog.tenancy.models import Municipality

from . import services
from . import system as system_writes
from .models import Code, CodeOrigin, Coding, Document, Memo, Round
from .refi import (
    _COLOUR,
    _MUNICIPALITY_NAMES,
    _UNSAFE,
    CONSENSUS_ID,
    CONSENSUS_NAMES,
    MAX_DEPTH,
    MAX_ERRORS,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_QDC_BYTES,
    MAX_QDPX_BYTES,
    MAX_UNPACKED_BYTES,
    MB,
    NS_CODEBOOK,
    NS_PROJECT,
    ImportResult,
    _guid,
    split_description,
)
from .rules import keeps_system


def _refuse(errors: list[str]):
    shown = errors[:MAX_ERRORS]
    if len(errors) > MAX_ERRORS:
        shown.append(_("… and %(n)s more problems.") % {"n": len(errors) - MAX_ERRORS})
    raise ValidationError(shown)


def _root(data: bytes, ns: str, name: str) -> ET.Element:
    try:
        root = parse_xml(data, forbid_dtd=True)
    except DefusedXmlException:
        raise ValidationError(_("The file declares a document type or entities (a DTD). "
                                "REFI-QDA files have none; such files are refused for "
                                "safety.")) from None
    except ParseError as error:
        raise ValidationError(_("The file is not well-formed XML (%(error)s).")
                              % {"error": error}) from None
    if root.tag != f"{{{ns}}}{name}":
        if root.tag == f"{{{NS_PROJECT}}}Project":
            raise ValidationError(_("This is a REFI-QDA project, not a codebook: import it on "
                                    "a coding project's exchange page."))
        raise ValidationError(_("This is not a REFI-QDA file of the expected kind: its root "
                                "element should be %(name)s in the namespace %(ns)s.")
                              % {"name": name, "ns": ns})
    return root


class _Reader:
    """Reads the elements the import uses and collects what breaks the schema's rules."""

    def __init__(self, ns: str):
        self.ns, self.errors = ns, []

    def q(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}"

    def children(self, element, tag):
        return element.findall(self.q(tag)) if element is not None else []

    def _fail(self, element, attr, kind):
        where = element.tag.split("}")[-1]
        label = element.get("name")
        self.errors.append(_("%(element)s%(name)s: the attribute %(attr)s is missing or not "
                             "%(kind)s.") % {"element": where, "attr": attr, "kind": kind,
                                             "name": f" „{label}“" if label else ""})

    def guid(self, element, attr="guid") -> uuid.UUID | None:
        found = _guid(element.get(attr))
        if found is None:
            self._fail(element, attr, _("a GUID"))
        return found

    def integer(self, element, attr) -> int | None:
        try:
            return int((element.get(attr) or "").strip())
        except ValueError:
            self._fail(element, attr, _("a whole number"))
            return None

    def boolean(self, element, attr) -> bool:
        value = (element.get(attr) or "").strip()
        if value not in ("true", "false", "1", "0"):
            self._fail(element, attr, "true/false")
        return value in ("true", "1")

    def required(self, element, attr) -> str:
        value = element.get(attr)
        if value is None:
            self._fail(element, attr, _("given"))
        return value or ""


@dataclass
class _CodeIn:
    guid: uuid.UUID | None
    name: str
    colour: str
    fields: dict
    notes: list
    children: list


def _read_codes(reader: _Reader, holder, depth=0) -> list[_CodeIn]:
    if depth > MAX_DEPTH:
        reader.errors.append(_("The codes are nested too deeply."))
        return []
    codes = []
    for element in reader.children(holder, "Code"):
        guid = reader.guid(element)
        name = reader.required(element, "name").strip()
        reader.boolean(element, "isCodable")
        colour = element.get("color", "").strip()
        if colour and not _COLOUR.match(colour):
            reader._fail(element, "color", _("a colour like #2a9d8f"))
        if len(colour) == 4:
            colour = "#" + "".join(ch * 2 for ch in colour[1:])
        codes.append(_CodeIn(guid, name, colour.lower() if _COLOUR.match(colour) else "",
                             split_description(element.findtext(reader.q("Description"))),
                             [reader.guid(r, "targetGUID") for r in
                              reader.children(element, "NoteRef")],
                             _read_codes(reader, element, depth + 1)))
    return codes


def _active(code: Code | None, by_pk: dict) -> Code | None:
    for _step in range(50):
        if code is None or code.active:
            return code
        code = by_pk.get(code.merged_into_id)
    return None


def _merge_codes(*, actor, system, codes_in, municipality, result: ImportResult,
                 create=True) -> tuple[dict, list[str]]:
    """Match the file's codes to the system's (GUID, then name under the same parent) and add
    the missing ones (unless `create` is False). Returns (file GUID → code, missing names)."""
    existing = list(Code.objects.filter(system=system))
    by_pk = {c.pk: c for c in existing}
    by_guid = {c.guid: c for c in existing}
    mapping: dict = {}
    missing: list[str] = []

    def by_name(name, parent):
        for code in existing:
            if (code.active and code.parent_id == (parent.pk if parent else None)
                    and code.name.casefold() == name.casefold()
                    and (municipality is None or code.municipality_id in (None,
                                                                          municipality.pk))):
                return code
        return None

    def walk(items, parent):
        for item in items:
            name = item.name[:120]
            code = _active(by_guid.get(item.guid), by_pk) or (by_name(name, parent) if name
                                                              else None)
            if code is not None:
                result.codes_skipped += 1
            elif not name:
                result.codes_skipped += 1
                result.warnings.append(_("A code without a name was left out."))
            elif not create:
                missing.append(name)
            else:
                fields = {k: v for k, v in item.fields.items() if v}
                if item.colour:
                    fields["colour"] = item.colour
                try:
                    code = system_writes.code_create(actor=actor, system=system, name=name,
                                                     parent=parent, municipality=municipality,
                                                     origin=CodeOrigin.DEDUCTIVE, **fields)
                except ValidationError as error:
                    result.codes_skipped += 1
                    result.warnings.append(_("The code „%(name)s“ was left out: %(error)s")
                                           % {"name": name, "error": " ".join(error.messages)})
                else:
                    existing.append(code)
                    by_pk[code.pk] = code
                    result.codes_created += 1
            if item.guid is not None and code is not None:
                mapping[item.guid] = code
            walk(item.children, code if code is not None else parent)

    walk(codes_in, None)
    return mapping, missing


@transaction.atomic
def codebook_import(*, actor, system, data: bytes, municipality=None) -> ImportResult:
    """Add the codes of a REFI-QDA codebook (.qdc) that the category system lacks (as local
    additions of `municipality` if given); codes already there are left as they are."""
    if len(data) > MAX_QDC_BYTES:
        raise ValidationError(_("The codebook is larger than %(n)s MB.")
                              % {"n": MAX_QDC_BYTES // MB})
    reader = _Reader(NS_CODEBOOK)
    root = _root(data, NS_CODEBOOK, "CodeBook")
    holder = root.find(reader.q("Codes"))
    codes_in = _read_codes(reader, holder)
    if holder is None or not codes_in:
        reader.errors.append(_("The codebook has no codes."))
    if reader.errors:
        _refuse(reader.errors)
    result = ImportResult()
    _merge_codes(actor=actor, system=system, codes_in=codes_in, municipality=municipality,
                 result=result)
    log_action(actor=actor, action=AuditAction.IMPORT, obj=system, summary=note(
        gettext_noop("REFI-QDA codebook imported into %(name)s: %(created)s codes added, "
                     "%(skipped)s already there"), name=system.name,
        created=result.codes_created, skipped=result.codes_skipped))
    return result


class _Archive:
    """A .qdpx read within limits: member count, sizes, no unsafe paths."""

    def __init__(self, data: bytes):
        if len(data) > MAX_QDPX_BYTES:
            raise ValidationError(_("The file is larger than %(n)s MB.")
                                  % {"n": MAX_QDPX_BYTES // MB})
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
            raise ValidationError(_("This is not a REFI-QDA project file (.qdpx): it is not a "
                                    "zip archive.")) from None
        if len(infos) > MAX_MEMBERS:
            raise ValidationError(_("The archive has more than %(n)s files.")
                                  % {"n": MAX_MEMBERS})
        self.members, self.read_bytes = {}, 0
        for info in infos:
            name = info.filename
            if (_UNSAFE.search(name) or ".." in PurePosixPath(name).parts
                    or (info.external_attr >> 16) & 0o170000 == 0o120000):
                raise ValidationError(_("The archive holds a file with an unsafe path "
                                        "(„%(name)s“) and is refused.") % {"name": name[:80]})
            if info.flag_bits & 0x1:
                raise ValidationError(_("The archive is encrypted."))
            if not info.is_dir():
                self.members[name.lower()] = info

    def read(self, name: str) -> bytes | None:
        info = self.members.get(name.lower())
        if info is None:
            return None
        too_big = ValidationError(_("„%(name)s“ in the archive is too large (at most %(n)s MB "
                                    "unpacked).") % {"name": name[:80],
                                                     "n": MAX_MEMBER_BYTES // MB})
        if info.file_size > MAX_MEMBER_BYTES:
            raise too_big
        try:
            with self.zip.open(info) as member:
                body = member.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError, EOFError):
            raise ValidationError(_("„%(name)s“ in the archive cannot be unpacked.")
                                  % {"name": name[:80]}) from None
        if len(body) > MAX_MEMBER_BYTES:
            raise too_big
        self.read_bytes += len(body)
        if self.read_bytes > MAX_UNPACKED_BYTES:
            raise ValidationError(_("The archive unpacks to more than %(n)s MB.")
                                  % {"n": MAX_UNPACKED_BYTES // MB})
        return body

    def qde(self) -> bytes:
        body = self.read("project.qde")
        if body is None:
            raise ValidationError(_("The archive has no project.qde: it is not a REFI-QDA "
                                    "project file."))
        return body


def _internal(archive: _Archive, path: str, what: str) -> str | None:
    """The text of an internal:// file; None for a source outside the archive."""
    if not path.lower().startswith("internal://"):
        return None
    name = path[len("internal://"):].lstrip("/")
    if _UNSAFE.search(name) or "/" in name or name in ("", ".", ".."):
        raise ValidationError(_("%(what)s names an unsafe path („%(name)s“).")
                              % {"what": what, "name": name[:80]})
    body = archive.read(f"sources/{name}")
    if body is None:
        raise ValidationError(_("%(what)s names the file sources/%(name)s, which is not in the "
                                "archive.") % {"what": what, "name": name[:80]})
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("„%(name)s“ is not UTF-8 text.") % {"name": name[:80]}) from None


def _normalised(text: str):
    """The text as documents store it (line ends as \\n) and a function that moves an offset of
    the original text onto it."""
    crlf = [m.start() for m in re.finditer("\r\n", text)]
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    return normal, lambda i: i - bisect.bisect_left(crlf, i)


@dataclass
class _Source:
    guid: uuid.UUID | None
    name: str
    text: str | None
    selections: list   # (start, end, user, [(code guid, user)], note guids)
    notes: list
    values: dict       # variable guid -> value


def _codings_in(reader: _Reader, holder, user=None) -> list:
    """(code GUID, coder GUID) of the Coding elements in `holder`."""
    found = []
    for coding in reader.children(holder, "Coding"):
        ref = coding.find(reader.q("CodeRef"))
        if ref is None:
            reader.errors.append(_("A coding has no CodeRef."))
        found.append((reader.guid(ref, "targetGUID") if ref is not None else None,
                      _guid(coding.get("creatingUser")) or user))
    return found


def _read_project(reader: _Reader, root, archive: _Archive):
    users = {}
    for element in reader.children(root.find(reader.q("Users")), "User"):
        guid = reader.guid(element)
        users[guid] = ((element.get("name") or "").strip(),
                       (element.get("id") or "").strip())
    codes_in = _read_codes(reader, root.find(f"{reader.q('CodeBook')}/{reader.q('Codes')}"))
    variables = {}
    for element in reader.children(root.find(reader.q("Variables")), "Variable"):
        variables[reader.guid(element)] = reader.required(element, "name").strip()
        reader.required(element, "typeOfVariable")
    notes = {}
    for element in reader.children(root.find(reader.q("Notes")), "Note"):
        guid = reader.guid(element)
        content = element.find(reader.q("PlainTextContent"))
        text = (content.text or "") if content is not None else _internal(
            archive, element.get("plainTextPath") or "", _("A note"))
        notes[guid] = (text or "").strip()
    sources, skipped = [], 0
    holder = root.find(reader.q("Sources"))
    for element in list(holder) if holder is not None else []:
        if element.tag != reader.q("TextSource"):
            skipped += 1
            continue
        guid = reader.guid(element)
        name = (element.get("name") or "").strip()
        content = element.find(reader.q("PlainTextContent"))
        what = _("The source „%(name)s“") % {"name": name[:80]}
        text = (content.text or "") if content is not None else _internal(
            archive, element.get("plainTextPath") or "", what)
        selections = []
        for sel in reader.children(element, "PlainTextSelection"):
            reader.guid(sel)
            start, end = reader.integer(sel, "startPosition"), reader.integer(sel, "endPosition")
            selections.append((start, end, _codings_in(reader, sel, _guid(sel.get("creatingUser"))),
                               [reader.guid(r, "targetGUID")
                                for r in reader.children(sel, "NoteRef")]))
        whole = _codings_in(reader, element)
        if whole:
            selections.append((0, None, whole, []))
        values = {}
        for value in reader.children(element, "VariableValue"):
            ref = value.find(reader.q("VariableRef"))
            found = [child.text for child in value if child is not ref and child.text]
            if ref is not None and found:
                values[_guid(ref.get("targetGUID"))] = found[0].strip()
        sources.append(_Source(guid, name, text, selections,
                               [reader.guid(r, "targetGUID")
                                for r in reader.children(element, "NoteRef")], values))
    project_notes = [reader.guid(e, "targetGUID") for e in reader.children(root, "NoteRef")]
    return users, codes_in, variables, notes, sources, skipped, project_notes


def _municipality(project, name: str):
    if project.municipality_id:
        return project.municipality
    if not name:
        return None
    found = Municipality.objects.filter(programme_id=project.programme_id, name__iexact=name)
    if project.cluster_id:
        found = found.filter(cluster_id=project.cluster_id)
    return found.first()


@transaction.atomic
def project_import(*, actor, project, data: bytes) -> ImportResult:
    """Import a REFI-QDA project (.qdpx) into a coding project: its codes into the project's
    category system, its plain-text sources as transcripts (identifier check included), their
    codings and the notes on them. Nothing is stored if the file is refused."""
    archive = _Archive(data)
    reader = _Reader(NS_PROJECT)
    root = _root(archive.qde(), NS_PROJECT, "Project")
    (users, codes_in, variables, notes, sources, skipped,
     project_notes) = _read_project(reader, root, archive)
    if reader.errors:
        _refuse(reader.errors)
    result = ImportResult(sources_skipped=skipped)

    system = project.system
    keeper = keeps_system(actor, system)
    local = None if keeper else project.municipality
    if not keeper and local is None:
        _mapping, missing = _merge_codes(actor=actor, system=system, codes_in=codes_in,
                                         municipality=None, result=ImportResult(), create=False)
        if missing:
            raise ValidationError(_("The file has codes the category system lacks (%(names)s). "
                                    "Only the institute adds codes to the programme's category "
                                    "system: ask it to import the codebook first.")
                                  % {"names": ", ".join(missing[:10])})
    mapping, _missing = _merge_codes(actor=actor, system=system, codes_in=codes_in,
                                     municipality=local, result=result)
    note_targets: dict = {}

    def refer(guids, **target):
        for guid in guids:
            if guid in notes:
                note_targets.setdefault(guid, target)

    def flatten(items):
        for item in items:
            yield item
            yield from flatten(item.children)

    for code_in in flatten(codes_in):
        if code_in.guid in mapping:
            refer(code_in.notes, code=mapping[code_in.guid])
    refer(project_notes)

    ignored = set()  # notes on sources not imported
    for number, source in enumerate(sources, 1):
        key = f"refi:{source.guid}"
        if source.text is None or Document.objects.filter(project=project, source=key).exists():
            if source.text is None:
                result.sources_skipped += 1
            else:
                result.documents_existing += 1
            ignored.update(source.notes, *(s[3] for s in source.selections))
            continue
        text, moved = _normalised(source.text)
        values = {variables.get(guid, ""): value for guid, value in source.values.items()}
        municipality = _municipality(project, next(
            (v for k, v in values.items() if k.casefold() in _MUNICIPALITY_NAMES), ""))
        attributes = {k[:60]: v[:200] for k, v in values.items()
                      if k and k.casefold() not in _MUNICIPALITY_NAMES}
        try:
            document = services.document_add(
                actor=actor, project=project, kind="transcript", check=True,
                title=source.name or _("Source %(n)s") % {"n": number}, text=text, source=key,
                municipality=municipality, attributes=dict(list(attributes.items())[:30]))
        except ValidationError as error:
            result.sources_skipped += 1
            ignored.update(source.notes, *(s[3] for s in source.selections))
            result.warnings.append(_("The source „%(name)s“ was left out: %(error)s")
                                   % {"name": source.name[:80], "error": " ".join(error.messages)})
            continue
        result.documents_created += 1
        result.flagged += not document.cleared
        refer(source.notes, document=document)
        consensus = False
        for start, end, codings, selection_notes in source.selections:
            start, end = moved(start), (len(text) if end is None else moved(end))
            first = None
            for code_guid, user in codings:
                code = mapping.get(code_guid)
                if (code is None or not 0 <= start < end <= len(text) or (
                        code.municipality_id and document.municipality_id
                        and code.municipality_id != document.municipality_id)):
                    result.codings_skipped += 1
                    continue
                name, ident = users.get(user, ("", ""))
                round_ = (Round.CONSENSUS if ident == CONSENSUS_ID
                          or name.casefold() in CONSENSUS_NAMES else Round.OWN)
                consensus |= round_ == Round.CONSENSUS
                made = Coding.objects.create(document=document, code=code, coder=actor,
                                             round=round_, start=start, end=end)
                first = first or made
                result.codings_created += 1
                result.coders[name or _("unnamed coder")] += 1
            if first is not None:
                refer(selection_notes, document=document, coding=first)
            elif selection_notes:
                refer(selection_notes, document=document)
        if consensus:
            services.document_update(actor=actor, document=document, double_coding=True)

    for guid, text in notes.items():
        target = note_targets.get(guid, {})
        if text and guid not in ignored and not Memo.objects.filter(
                project=project, text=text, **{f"{k}__isnull": True for k in (
                    "document", "coding", "code") if k not in target}, **target).exists():
            Memo.objects.create(project=project, text=text, author=actor, **target)
            result.memos_created += 1
    log_action(actor=actor, action=AuditAction.IMPORT, obj=project, summary=note(
        gettext_noop("REFI-QDA project imported into %(title)s: %(documents)s documents, "
                     "%(codes)s new codes, %(codings)s codings (%(coders)s), %(memos)s memos"),
        title=project.title, documents=result.documents_created, codes=result.codes_created,
        codings=result.codings_created, memos=result.memos_created,
        coders=", ".join(f"{name}: {n}" for name, n in result.coders.most_common()) or "–"))
    return result

