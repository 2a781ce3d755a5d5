"""Units of a document and the rule that turns free passages into decisions per unit.

Agreement is computed on units, never on raw character ranges (docs/qualitative.md):

- *document*: the whole text is one unit (a free-text answer);
- *paragraph*: text between blank lines (one or more empty lines);
- *sentence*: a paragraph split after ".", "!", "?" or "…" followed by white space and an upper
  case letter, a digit or an opening quote; abbreviations such as "z. B." or "Dr." do not end a
  sentence.

A coder has coded a unit with a code when the coder's codings of that code cover at least
`min_overlap` per cent of the unit's characters that are not white space (overlapping codings
of the same code count once). This is the unit-based form of MAXQDA's "segment overlap" rule.
A coder who has finished a document decided every unit of it (an uncoded unit is "no code"); a
unit of a document a coder has not finished is missing for that coder, not "no code".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'“”»)]?\s+(?=[A-ZÄÖÜ0-9\"„“«(])")
_ABBREVIATIONS = ("z. B.", "z.B.", "d. h.", "d.h.", "u. a.", "u.a.", "Dr.", "Hr.", "Fr.",
                  "bzw.", "ggf.", "vgl.", "evtl.", "ca.", "Nr.", "S.", "Abs.", "e.g.", "i.e.")


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def text(self, source: str) -> str:
        return source[self.start:self.end]


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def paragraphs(text: str) -> list[Span]:
    spans, start = [], 0
    for match in _PARAGRAPH.finditer(text):
        if span := _trimmed(text, start, match.start()):
            spans.append(span)
        start = match.end()
    if span := _trimmed(text, start, len(text)):
        spans.append(span)
    return spans


def sentences(text: str) -> list[Span]:
    spans = []
    for paragraph in paragraphs(text):
        start = paragraph.start
        for match in _SENTENCE_END.finditer(text, paragraph.start, paragraph.end):
            before = text[paragraph.start:match.start()]
            if before.endswith(_ABBREVIATIONS):
                continue
            if span := _trimmed(text, start, match.start()):
                spans.append(span)
            start = match.end()
        if span := _trimmed(text, start, paragraph.end):
            spans.append(span)
    return spans


def units(text: str, unit: str) -> list[Span]:
    if unit == "paragraph":
        return paragraphs(text)
    if unit == "sentence":
        return sentences(text)
    span = _trimmed(text, 0, len(text))
    return [span] if span else []


def _covered(text: str, span: Span, ranges: Iterable[tuple[int, int]]) -> float:
    marked = [False] * (span.end - span.start)
    for start, end in ranges:
        for i in range(max(start, span.start), min(end, span.end)):
            marked[i - span.start] = True
    solid = [i for i in range(span.end - span.start) if not text[span.start + i].isspace()]
    if not solid:
        return 0.0
    return sum(1 for i in solid if marked[i]) / len(solid)


def coded_units(text: str, spans: list[Span], ranges_by_code: dict[str, list[tuple[int, int]]],
                min_overlap: int) -> dict[int, set[str]]:
    """unit index -> the codes that cover it by at least `min_overlap` per cent."""
    threshold = max(1, min_overlap) / 100
    result: dict[int, set[str]] = {i: set() for i in range(len(spans))}
    for code, ranges in ranges_by_code.items():
        for i, span in enumerate(spans):
            if any(start < span.end and end > span.start for start, end in ranges) \
                    and _covered(text, span, ranges) >= threshold - 1e-9:
                result[i].add(code)
    return result
