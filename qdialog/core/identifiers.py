"""A check of free text for obvious identifiers of children, families or reporters.

It finds what a careful reader would strike out before a text leaves its authors: personal names
(from a list of common first names, and words after "Frau", "Herr", "Familie" …), dates that look
like birth dates, street addresses, phone numbers, e-mail addresses and file numbers
(Aktenzeichen). It is a help, not a guarantee: it warns while writing and makes a reviewer look at
each finding before anything is published; people stay responsible for what they write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

KINDS = {
    "name": _("personal name"),
    "date": _("date (possibly a birth date)"),
    "address": _("address"),
    "phone": _("phone number"),
    "email": _("e-mail address"),
    "file_number": _("file number"),
}

# common first names in Germany (children and parents), lower case; words that are also ordinary
# German nouns or adjectives (e.g. "Mark", "Frank", "Hoffnung") are left out to avoid noise
FIRST_NAMES = frozenset("""
aaliyah adam ahmad ahmed aleksandra alexander alexandra ali alina amelie amir andrea andreas
anja anna anne annika anton antonia ayse aylin ben benjamin bernd birgit britta carla carolin
charlotte christian christina christine claudia clara daniel daniela david deniz dennis dirk
elias elif elena elisabeth ella emil emilia emily emma erik eva fabian felix finn florian frieda
friedrich gabriele georg greta hannah hanna hans harald heike helga helmut henri henry ida ines
isabella jan jana jannik jasmin jens jessica johanna johannes jonas jonathan josef julia julian
juliane jürgen justus kai karin karl katharina kathrin katja kerstin kevin klaus konstantin lara
lars laura lea lena leni leo leon leonie liam lina linus louis luca lucas luis luisa lukas mads
maja malte manuel mara marcel maria marie marina mario markus martin martina mats matthias max
maximilian mehmet melanie mia michael michaela milan mila mira mohammed moritz nadine natalie
nico niklas nils noah nora ole olga oliver oskar patrick paul paula peter petra philipp pia
rafael ralf rebecca rene robert ronja sabine sandra sarah sebastian selin simon sofia sophia
sophie stefan stefanie susanne sven svenja thomas tim timo tobias tom torsten ulrich ursula uwe
valentina valerie vanessa viktoria walter werner yusuf zoe
""".split())

_TITLE = r"(?:Frau|Herrn?|Familie|Fam\.|Kind|Mutter|Vater|Oma|Opa|Tante|Onkel)"
PATTERNS = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")),
    ("phone", re.compile(r"(?<!\w)(?:\+49|0)\s?\d{2,5}[\s/-]?\d{3,}(?:[\s-]?\d{2,})?")),
    ("date", re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.\s?(?:19|20)?\d{2}\b")),
    ("address", re.compile(
        r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm)\s+\d+\w?\b",
        re.IGNORECASE)),
    ("address", re.compile(r"\b\d{5}\s+[A-ZÄÖÜ][a-zäöüß]+")),
    ("file_number", re.compile(
        r"\b(?:Az\.?|Aktenzeichen|AZ|Akte|Fall-?Nr\.?|Fallnummer)\s*:?\s*[\w/.-]*\d[\w/.-]*",
        re.IGNORECASE)),
    ("file_number", re.compile(r"\b\d{1,4}\s?F\s?\d{1,5}/\d{2,4}\b")),  # family court, 12 F 345/26
    ("name", re.compile(rf"\b{_TITLE}\s+[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?")),
]
_WORD = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß]+\b")


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])


def find_identifiers(text: str) -> list[Finding]:
    """Every obvious identifier in `text`, in reading order, without overlaps."""
    if not text:
        return []
    found: list[Finding] = []
    taken: list[range] = []

    def add(kind, match_text, start):
        span = range(start, start + len(match_text))
        if any(span.start < t.stop and t.start < span.stop for t in taken):
            return
        taken.append(span)
        found.append(Finding(kind, match_text.strip(), start))

    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            add(kind, match.group(0), match.start())
    for match in _WORD.finditer(text):
        if match.group(0).lower() in FIRST_NAMES:
            add("name", match.group(0), match.start())
    return sorted(found, key=lambda f: f.start)


def find_in_fields(texts: dict[str, str]) -> dict[str, list[Finding]]:
    """{field name: findings} for the fields that have any."""
    return {name: found for name, text in texts.items() if (found := find_identifiers(text))}
