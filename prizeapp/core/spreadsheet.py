"""CSV as the spreadsheets of French administrations read it: UTF-8 with a BOM, semicolons, decimal commas.

Text cells that a spreadsheet would run as a formula are prefixed with a quote (OWASP's CSV injection guidance and
ASVS 5.0 requirement 1.2.10): those starting with =, +, -, @, tab, carriage return, line feed or a null
character, or with the full-width =, +, -, @ that some spreadsheets read as the same. Separators and quotes
inside a cell are quoted by the csv module (RFC 4180), so they cannot start a cell of their own. Numbers are
written as numbers, so a negative leniency stays a number.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = frozenset("=+-@\t\r\n\x00\uff1d\uff0b\uff0d\uff20")


def defuse(cell: str) -> str:
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell


def cell_text(value, decimals: int = 3) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{decimals}f}".replace(".", ",")
    return defuse(str(value))


def to_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([defuse(str(h)) for h in headers])  # headers can be typed by people too (question labels)
    for row in rows:
        writer.writerow([cell_text(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()
