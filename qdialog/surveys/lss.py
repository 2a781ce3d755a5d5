"""Import an instrument from a LimeSurvey structure file (.lss).

Reads groups, questions of the common types, subquestions, answer options and the German and
English texts, for both the older layout (texts in the rows) and the newer one (*_l10ns tables).
Question types qdialog does not have are reported by name and code, never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

from defusedxml import ElementTree
from django.utils.translation import gettext as _

TYPE_NAMES = {
    "1": "Array dual scale", "5": "5 point choice", "A": "Array (5 point choice)",
    "B": "Array (10 point choice)", "C": "Array (Yes/No/Uncertain)",
    "D": "Date/Time", "E": "Array (Increase/Same/Decrease)", "F": "Array",
    "G": "Gender", "H": "Array by column", "I": "Language switch",
    "K": "Multiple numerical input", "L": "List (radio)", "M": "Multiple choice",
    "N": "Numerical input", "O": "List with comment", "P": "Multiple choice with comments",
    "Q": "Multiple short text", "R": "Ranking", "S": "Short free text", "T": "Long free text",
    "U": "Huge free text", "X": "Text display", "Y": "Yes/No", "!": "List (dropdown)",
    ":": "Array (Numbers)", ";": "Array (Texts)", "|": "File upload", "*": "Equation",
}
SUPPORTED = {"5", "A", "F", "H", "G", "L", "M", "N", "O", "P", "S", "T", "U", "Y", "!"}


@dataclass
class LssResult:
    spec: dict
    unsupported: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # as the file names them

    @property
    def questions(self) -> int:
        return sum(len(s["items"]) for s in self.spec["sections"])


class LssError(ValueError):
    pass


def _text(value: str | None) -> str:
    """LimeSurvey stores HTML; keep the plain text."""
    value = unescape(re.sub(r"<[^>]+>", " ", value or ""))
    return re.sub(r"\s+", " ", value).strip()


def _rows(root, table: str) -> list[dict]:
    node = root.find(table)
    if node is None or node.find("rows") is None:
        return []
    return [{child.tag: (child.text or "") for child in row} for row in node.find("rows")]


def _code(title: str, seen: set) -> str:
    code = re.sub(r"[^A-Za-z0-9_]", "_", title or "q")
    if not code[:1].isalpha():
        code = "q_" + code
    code = code[:36]
    base, n = code, 2
    while code in seen:
        code, n = f"{base}_{n}", n + 1
    seen.add(code)
    return code


def parse_lss(data: bytes) -> LssResult:
    try:
        root = ElementTree.fromstring(data)
    except Exception as error:  # noqa: BLE001 - any parse failure is a bad file
        raise LssError(_("This is not a LimeSurvey structure file (.lss): %(error)s")
                       % {"error": str(error)[:200]}) from None
    if root.tag != "document" or root.findtext("LimeSurveyDocType") != "Survey":
        raise LssError(_("This is not a LimeSurvey survey structure file (.lss)."))

    def localised(table, l10n_table, key):
        """{id: {language: row}} from the row itself (old layout) or the l10ns table."""
        out: dict[str, dict] = {}
        for row in _rows(root, table) + _rows(root, l10n_table):
            # the survey's settings name it surveyls_language, the other tables language
            language = row.get("language") or row.get("surveyls_language") or ""
            if language:
                out.setdefault(row.get(key, ""), {})[language[:2]] = row
        return out

    groups = sorted({r["gid"]: r for r in _rows(root, "groups")}.values(),
                    key=lambda r: int(r.get("group_order") or 0))
    group_texts = localised("groups", "group_l10ns", "gid")
    questions = {r["qid"]: r for r in _rows(root, "questions")}
    question_texts = localised("questions", "question_l10ns", "qid")
    subquestions = _rows(root, "subquestions")
    sub_texts = localised("subquestions", "question_l10ns", "qid")
    answers = _rows(root, "answers")
    answer_texts = localised("answers", "answer_l10ns", "aid") if any(
        "aid" in a for a in answers) else {}
    survey_texts = localised("surveys", "surveys_languagesettings", "surveyls_survey_id")

    languages = [node.text.strip() for node in root.iterfind("languages/language")
                 if node.text and node.text.strip()]
    for survey in _rows(root, "surveys"):
        for language in [survey.get("language", ""),
                         *(survey.get("additional_languages") or "").split()]:
            if language and language not in languages:
                languages.append(language)
    title = {}
    for texts in survey_texts.values():
        for lang, row in texts.items():
            title[lang] = _text(row.get("surveyls_title"))
    result = LssResult(spec={
        "family": re.sub(r"[^a-z0-9-]", "-", (title.get("de") or title.get("en")
                                              or "limesurvey").lower())[:60].strip("-")
        or "limesurvey",
        "title_de": title.get("de") or title.get("en") or "LimeSurvey-Import",
        "title_en": title.get("en", ""), "paged": True, "sections": []})
    result.languages = languages
    missing = [lang for lang in languages if lang[:2] not in ("de", "en")]
    if missing:
        result.notes.append(_("The file's texts in %(languages)s were not imported: qdialog "
                              "keeps German and English.") % {"languages": ", ".join(missing)})
    seen: set[str] = set()
    relevance_count = 0
    for g in groups:
        texts = group_texts.get(g["gid"], {})
        section = {"code": f"g{g['gid']}"[:40],
                   "title_de": _text((texts.get("de") or texts.get("en") or {}).get(
                       "group_name")) or f"Gruppe {g['gid']}",
                   "title_en": _text(texts.get("en", {}).get("group_name")),
                   "items": []}
        group_questions = sorted((q for q in questions.values()
                                  if q.get("gid") == g["gid"] and q.get("parent_qid", "0")
                                  in ("0", "")),
                                 key=lambda q: int(q.get("question_order") or 0))
        for q in group_questions:
            qtype, qtexts = q.get("type", ""), question_texts.get(q["qid"], {})
            de = _text((qtexts.get("de") or qtexts.get("en") or {}).get("question"))
            en = _text(qtexts.get("en", {}).get("question"))
            if qtype not in SUPPORTED:
                result.unsupported.append(
                    _("%(code)s (“%(text)s”): question type %(type)s is not supported")
                    % {"code": q.get("title"), "text": de[:60],
                       "type": f"{qtype} – {TYPE_NAMES.get(qtype, 'unknown')}"})
                continue
            if (q.get("relevance") or "1").strip() not in ("", "1"):
                relevance_count += 1
            item = {"code": _code(q.get("title"), seen), "text_de": de, "text_en": en,
                    "required": q.get("mandatory") == "Y",
                    "help_de": _text((qtexts.get("de") or {}).get("help"))[:300],
                    "help_en": _text(qtexts.get("en", {}).get("help"))[:300]}
            options = []
            for a in sorted((a for a in answers if a.get("qid") == q["qid"]
                             and a.get("scale_id", "0") in ("0", "")),
                            key=lambda a: int(a.get("sortorder") or 0)):
                texts = answer_texts.get(a.get("aid"), {}) if answer_texts else {}
                if not texts:
                    texts = {a["language"][:2]: a} if a.get("language") else {}
                    for other in answers:
                        if (other.get("qid") == q["qid"] and other.get("code") == a.get("code")
                                and other.get("language")):
                            texts[other["language"][:2]] = other
                option = {"value": len(options) + 1,
                          "de": _text((texts.get("de") or texts.get("en") or {}).get("answer")),
                          "en": _text(texts.get("en", {}).get("answer"))}
                if option not in options and option["de"] not in [o["de"] for o in options]:
                    options.append(option)
            subs = sorted({s["qid"]: s for s in subquestions
                           if s.get("parent_qid") == q["qid"]
                           and s.get("scale_id", "0") in ("0", "")}.values(),
                          key=lambda s: int(s.get("question_order") or 0))
            if qtype in ("L", "!", "O", "G"):
                item.update(kind="single", options=options or [
                    {"value": 1, "de": "weiblich", "en": "female"},
                    {"value": 2, "de": "männlich", "en": "male"}], allow_other=q.get(
                        "other") == "Y")
            elif qtype == "Y":
                item.update(kind="single", options=[{"value": 1, "de": "Ja", "en": "Yes"},
                                                    {"value": 2, "de": "Nein", "en": "No"}])
            elif qtype == "5":
                item.update(kind="likert", scale_points=5)
            elif qtype in ("M", "P"):
                item.update(kind="multi", allow_other=q.get("other") == "Y", options=[
                    {"value": n, "de": _text((sub_texts.get(s["qid"], {}).get("de")
                                              or sub_texts.get(s["qid"], {}).get("en")
                                              or {}).get("question")),
                     "en": _text(sub_texts.get(s["qid"], {}).get("en", {}).get("question"))}
                    for n, s in enumerate(subs, start=1)])
            elif qtype in ("A", "F", "H"):
                item.update(kind="matrix", scale_points=5 if qtype == "A" else None,
                            options=[] if qtype == "A" else options,
                            rows=[{"code": _code(s.get("title"), set())[:20],
                                   "de": _text((sub_texts.get(s["qid"], {}).get("de")
                                                or sub_texts.get(s["qid"], {}).get("en")
                                                or {}).get("question")),
                                   "en": _text(sub_texts.get(s["qid"], {}).get("en", {})
                                               .get("question"))} for s in subs])
                if qtype != "A" and len(options) in (4, 5, 7):
                    item["scale_points"] = len(options)
            elif qtype == "N":
                item.update(kind="number")
            elif qtype == "S":
                item.update(kind="short_text")
            else:
                item.update(kind="long_text")
            if item["kind"] in ("single", "multi") and not item.get("options"):
                result.unsupported.append(
                    _("%(code)s: a choice question without options was skipped")
                    % {"code": q.get("title")})
                seen.discard(item["code"])
                continue
            section["items"].append(item)
        if section["items"]:
            result.spec["sections"].append(section)
    if relevance_count:
        result.notes.append(_("%(n)s conditions (relevance equations) were not imported; "
                              "set them again in the editor.") % {"n": relevance_count})
    if not result.spec["sections"]:
        if result.unsupported:
            raise LssError(_("The file contains no question qdialog can import. Left out: "
                             "%(list)s.") % {"list": "; ".join(result.unsupported)})
        raise LssError(_("The file contains no question qdialog can import."))
    return result
