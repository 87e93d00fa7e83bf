"""The demo's files: a minimal valid PDF, and the call for projects' financing plans drawn with it."""
from __future__ import annotations

import textwrap

from .resources import load
from .texts import number

_WORDS = load("aap_projects")
FINANCING_FILENAME: str = _WORDS["financing_filename"]


def minimal_pdf(lines: list[str]) -> bytes:
    """A small valid PDF: one A4 page with the given lines in Helvetica (Windows-1252 for the accents),
    and an exact cross-reference table."""
    def literal(text: str) -> bytes:
        raw = text.encode("cp1252", "replace")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    content = b"BT /F1 11 Tf 56 780 Td 16 TL " + b" ".join(literal(line) + b" '" for line in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
         b"/Contents 5 0 R >>"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def financing_pdf(title: str, financing: tuple[tuple[str, int], ...]) -> bytes:
    """A project's financing plan: its title, then a line per expense or resource with its amount."""
    lines = [_WORDS["financing_title"], *textwrap.wrap(title, 85), ""]
    lines += [_WORDS["financing_line"].format(label=label, amount=number(amount)) for label, amount in financing]
    return minimal_pdf(lines)
