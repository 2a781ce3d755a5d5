"""Printable code sheets: CSV, one SVG, and a PDF with a QR code per respondent."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

import qrcode
import qrcode.image.svg
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

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


def as_pdf(wave, codes, base) -> HttpResponse:
    from weasyprint import HTML  # imported late: it loads the system's Pango

    html = render_to_string("surveys/codesheet.html", {
        "wave": wave, "cards": _cards(wave, codes, base), "entry": base})
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


def as_svg(wave, codes, base) -> HttpResponse:
    """All codes on one SVG (3 columns of cards), e.g. for a print shop."""
    columns, width, height = 3, 70, 45
    rows = max(1, -(-len(codes) // columns))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{columns * width}mm" '
             f'height="{rows * height}mm" viewBox="0 0 {columns * width} {rows * height}" '
             f'font-family="Fira Sans, DejaVu Sans, sans-serif">',
             f"<title>{escape(wave.title)}</title>"]
    for index, code in enumerate(codes):
        x, y = (index % columns) * width, (index // columns) * height
        qr = qrcode.make(_link(base, code), image_factory=qrcode.image.svg.SvgPathImage,
                         box_size=10, border=1).to_string(encoding="unicode")
        qr = _place(re.sub(r'\sid="[^"]*"', "", qr), x=2, y=2, size=30)
        parts.append(f'<g transform="translate({x + 3},{y + 3})">'
                     f'<rect width="{width - 6}" height="{height - 6}" fill="none" '
                     f'stroke="#999" stroke-width="0.2" stroke-dasharray="1,1"/>{qr}'
                     f'<text x="35" y="12" font-size="4">{escape(wave.title[:30])}</text>'
                     f'<text x="35" y="22" font-size="6" font-weight="bold" '
                     f'letter-spacing="0.5">{code.code}</text>'
                     f'<text x="35" y="30" font-size="3">{escape(base)}</text></g>')
    parts.append("</svg>")
    response = HttpResponse("".join(parts), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{_filename(wave, "svg")}"'
    return response
