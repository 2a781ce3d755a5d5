"""Text out of an uploaded transcript: plain text (.txt), Word (.docx) and OpenDocument (.odt).

Paragraphs come out separated by a blank line (what `units.paragraphs` splits on), a line
break inside a paragraph as a single line break, table rows one per paragraph with their cells
joined by " | ". Files larger than `MAX_BYTES` are refused before they are read; of a DOCX or
ODT (both ZIP archives) the unpacked sizes are checked before anything is unpacked, so that a
zip bomb is refused unread. ODT's XML is parsed without DTDs or entities.
"""

from __future__ import annotations

import io
import pathlib
import re
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
#: the most an archive may unpack to, in all, and the most its largest part may compress by
MAX_UNPACKED = 40 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 2000
EXTENSIONS = (".txt", ".docx", ".odt")

_CELL = " | "
_SPACES = re.compile(r"[ \t\u00a0]+\n")


def _refuse(message: str):
    raise ValidationError(message, code="invalid")


def _unreadable():
    _refuse(_("The file could not be read. Upload a text file (.txt), a Word document (.docx) "
              "or an OpenDocument text (.odt)."))


# --- plain text --------------------------------------------------------------------------------
def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            _unreadable()
    if b"\x00" in data:
        _unreadable()  # a binary file with a .txt name
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


# --- archives ----------------------------------------------------------------------------------
def _archive(data: bytes) -> zipfile.ZipFile:
    """The ZIP archive, once its declared sizes are within bounds (nothing unpacked yet)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        _unreadable()
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
        _refuse(_("The file unpacks to more than %(limit)s MB; it is refused.")
                % {"limit": MAX_UNPACKED // (1024 * 1024)})
    for member in members:
        if member.file_size > MAX_RATIO * max(member.compress_size, 1) + 1024 * 1024:
            _refuse(_("The file unpacks to more than %(limit)s MB; it is refused.")
                    % {"limit": MAX_UNPACKED // (1024 * 1024)})
    return archive


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """A member, read no further than its declared size allows (a forged header cannot make
    it unpack more)."""
    try:
        info = archive.getinfo(name)
        with archive.open(info) as stream:
            data = stream.read(info.file_size + 1)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        _unreadable()
    if len(data) > info.file_size:
        _unreadable()
    return data


def _docx(data: bytes) -> str:
    archive = _archive(data)
    if "word/document.xml" not in archive.namelist():
        _unreadable()
    _read_member(archive, "word/document.xml")  # checks the main part's real size
    try:
        from docx import Document
        from docx.table import Table

        document = Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
    except Exception:  # noqa: BLE001 - python-docx raises many kinds on a broken file
        _unreadable()
    paragraphs = []
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell appears once per grid column
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()))
                if any(cells):
                    paragraphs.append(_CELL.join(cells))
        else:
            paragraphs.append(block.text)
    return "\n\n".join(p for p in paragraphs if p.strip())


# --- OpenDocument ------------------------------------------------------------------------------
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


_P, _H = _tag(_TEXT, "p"), _tag(_TEXT, "h")
_S, _TAB, _BREAK = _tag(_TEXT, "s"), _tag(_TEXT, "tab"), _tag(_TEXT, "line-break")
_SKIP = {_tag(_TEXT, "note"), _tag(_OFFICE, "annotation"), _tag(_OFFICE, "annotation-end"),
         _tag(_TEXT, "tracked-changes"), _tag(_TEXT, "sequence-decls")}
_ROW, _CELL_TAG = _tag(_TABLE, "table-row"), _tag(_TABLE, "table-cell")


def _parse_xml(data: bytes):
    try:
        from defusedxml import ElementTree as safe

        return safe.fromstring(data, forbid_dtd=True)
    except ImportError:  # pragma: no cover - defusedxml is a dependency
        pass
    except Exception:  # noqa: BLE001 - defusedxml raises its own and expat's errors
        _unreadable()
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        _unreadable()  # no DTD, so no entity can expand
    from xml.etree import ElementTree

    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        _unreadable()


_WHITE = re.compile(r"[ \t\r\n]+")


def _inline(element, out: list[str]):
    """The text of a paragraph's content: white space in the XML counts as one space (as ODF
    says), text:s, text:tab and text:line-break stand for the spaces, tabs and breaks."""
    if element.text:
        out.append(_WHITE.sub(" ", element.text))
    for child in element:
        if child.tag == _S:
            try:
                count = int(child.get(_tag(_TEXT, "c"), "1"))
            except ValueError:
                count = 1
            out.append(" " * max(1, min(count, 1000)))
        elif child.tag == _TAB:
            out.append("\t")
        elif child.tag == _BREAK:
            out.append("\n")
        elif child.tag not in _SKIP:
            _inline(child, out)
        if child.tail:
            out.append(_WHITE.sub(" ", child.tail))


def _paragraph_text(element) -> str:
    out: list[str] = []
    _inline(element, out)
    return "\n".join(line.strip(" ") for line in "".join(out).split("\n"))


def _odt_blocks(element, paragraphs: list[str]):
    for child in element:
        if child.tag in _SKIP:
            continue
        if child.tag in (_P, _H):
            paragraphs.append(_paragraph_text(child))
        elif child.tag == _ROW:
            cells = []
            for cell in child.iter(_CELL_TAG):
                parts = [_paragraph_text(p) for p in cell.iter() if p.tag in (_P, _H)]
                cells.append(" ".join(" ".join(parts).split()))
            if any(cells):
                paragraphs.append(_CELL.join(cells))
        else:
            _odt_blocks(child, paragraphs)


def _odt(data: bytes) -> str:
    archive = _archive(data)
    root = _parse_xml(_read_member(archive, "content.xml"))
    body = root.find(f"{_tag(_OFFICE, 'body')}/{_tag(_OFFICE, 'text')}")
    if body is None:
        _unreadable()
    paragraphs: list[str] = []
    _odt_blocks(body, paragraphs)
    return "\n\n".join(p for p in paragraphs if p.strip())


# --- the one entry point -----------------------------------------------------------------------
def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _SPACES.sub("\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def text_from_upload(uploaded_file) -> tuple[str, str]:
    """(title, text) of an uploaded TXT, DOCX or ODT file; the title is the file's name.
    Raises a ValidationError for another type, a file that is too large or holds no text."""
    name = pathlib.PurePath(getattr(uploaded_file, "name", "") or "").name
    suffix = pathlib.PurePath(name).suffix.lower()
    if suffix not in EXTENSIONS:
        _refuse(_("Upload a text file (.txt), a Word document (.docx) or an OpenDocument text "
                  "(.odt)."))
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_BYTES:
        _refuse(_("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // (1024 * 1024)})
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        _refuse(_("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // (1024 * 1024)})
    reader = {".txt": _decode, ".docx": _docx, ".odt": _odt}[suffix]
    text = _tidy(reader(data))
    if not text:
        _refuse(_("The file holds no text."))
    title = pathlib.PurePath(name).stem.replace("_", " ").strip()[:200] or _("Transcript")
    return title, text
