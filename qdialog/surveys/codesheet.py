"""Printable code sheets: CSV, one SVG, and a PDF with a QR code per respondent."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

import qrcode
import qrcode.image.svg
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import get_language

from qdialog.core.spreadsheets import csv_text


def qr_svg(data: str, size_mm: float = 30) -> str:
    """An inline SVG of a QR code (vector, so it prints sharply)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10,
                        border=1)
    svg = re.sub(r'\sid="[^"]*"', "", image.to_string(encoding="unicode"))
    return svg.replace("<svg ", f'<svg role="img" aria-label="QR" width="{size_mm}mm" '
                                f'height="{size_mm}mm" ', 1)


def _filename(wave, ext):
    return f"codes-{slugify(wave.title)[:40]}-{wave.pk}.{ext}"


def _link(base, code):
    return f"{base}{code.code}/"


def as_csv(wave, codes, base) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(wave, "csv")}"'
    rows = [["code", "municipality", "link"]]
    rows += [[code.code, str(code.municipality or wave.municipality or ""), _link(base, code)]
             for code in codes]
    response.write(csv_text(rows))  # a byte order mark for Excel, no cell a formula
    return response


def _cards(wave, codes, base):
    return [{"code": c.code, "link": _link(base, c), "qr": qr_svg(_link(base, c)),
             "municipality": str(c.municipality or wave.municipality or "")} for c in codes]


SLIPS_PER_ROW, ROWS_PER_PAGE = 2, 5


def as_pdf(wave, codes, base) -> HttpResponse:
    """Slips of 90 × 54 mm, ten to an A4 page, cut along the dashed lines."""
    from weasyprint import HTML  # imported late: it loads the system's Pango

    cards = _cards(wave, codes, base)
    per_page = SLIPS_PER_ROW * ROWS_PER_PAGE
    pages = []
    for start in range(0, max(len(cards), 1), per_page):
        chunk = cards[start:start + per_page]
        chunk += [None] * (-len(chunk) % SLIPS_PER_ROW)
        pages.append([chunk[i:i + SLIPS_PER_ROW] for i in range(0, len(chunk), SLIPS_PER_ROW)])
    language = (get_language() or "de")[:2]
    html = render_to_string("surveys/codesheet.html", {
        "wave": wave, "pages": pages, "entry": base, "language": language,
        "title": wave.instrument.title_en if language == "en" and getattr(
            wave.instrument, "title_en", "") else wave.instrument.title_de})
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(wave, "pdf")}"'
    return response


def _place(svg: str, *, x, y, size) -> str:
    """Nest a QR code's SVG at (x, y) with the given size (its root tag's size replaced)."""
    svg = svg[svg.index("<svg"):]
    head_end = svg.index(">")
    head = re.sub(r'\s(?:width|height|x|y)="[^"]*"', "", svg[:head_end])
    return (head.replace("<svg", f'<svg x="{x}" y="{y}" width="{size}" height="{size}"', 1)
            + svg[head_end:])


#: the advance of a character as a share of the font size: DejaVu Sans Mono's (0.602), and a
#: generous one for the proportional fonts (most of their letters are narrower)
MONO_ADVANCE, TEXT_ADVANCE = 0.602, 0.62


def _fitted(text: str, *, x, y, size, room, bold=False, mono=False) -> str:
    """A line of text that never runs past `room` mm: squeezed with textLength where an
    estimate of its width says it would."""
    width = len(text) * size * (MONO_ADVANCE if mono else TEXT_ADVANCE)
    fit = f' textLength="{room}" lengthAdjust="spacingAndGlyphs"' if width > room else ""
    family = ' font-family="DejaVu Sans Mono, monospace"' if mono else ""
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x}" y="{y}" font-size="{size}"{family}{weight}{fit}>'
            f"{escape(text)}</text>")


def as_svg(wave, codes, base) -> HttpResponse:
    """All codes on one SVG (3 columns of slips of 70 × 45 mm), e.g. for a print shop: the QR
    code at the left, the survey and the address beside it, the code across the slip below."""
    columns, width, height = 3, 70, 45
    inner = width - 6
    rows = max(1, -(-len(codes) // columns))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{columns * width}mm" '
             f'height="{rows * height}mm" viewBox="0 0 {columns * width} {rows * height}" '
             f'font-family="Fira Sans, DejaVu Sans, sans-serif">',
             f"<title>{escape(wave.title)}</title>"]
    for index, code in enumerate(codes):
        x, y = (index % columns) * width, (index // columns) * height
        qr = qrcode.make(_link(base, code), image_factory=qrcode.image.svg.SvgPathImage,
                         box_size=10, border=1).to_string(encoding="unicode")
        qr = _place(re.sub(r'\sid="[^"]*"', "", qr), x=2, y=2, size=28)
        municipality = str(code.municipality or wave.municipality or "")
        parts.append(
            f'<g transform="translate({x + 3},{y + 3})">'
            f'<rect width="{inner}" height="{height - 6}" fill="none" '
            f'stroke="#999" stroke-width="0.2" stroke-dasharray="1,1"/>{qr}'
            + _fitted(wave.title, x=32, y=9, size=3.2, room=inner - 34, bold=True)
            + _fitted(municipality, x=32, y=15, size=3, room=inner - 34)
            + _fitted(base, x=32, y=21, size=2.6, room=inner - 34)
            + _fitted(code.code, x=3, y=36.5, size=6, room=inner - 6, bold=True, mono=True)
            + "</g>")
    parts.append("</svg>")
    response = HttpResponse("".join(parts), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{_filename(wave, "svg")}"'
    return response
