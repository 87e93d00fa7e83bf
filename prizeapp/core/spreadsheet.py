"""CSV as the spreadsheets of French administrations read it: UTF-8 with a BOM, semicolons, decimal commas.

Text cells that a spreadsheet would run as a formula are prefixed with a quote (OWASP's CSV injection guidance and
ASVS 5.0 requirement 1.2.10): those starting with =, +, -, @, tab, carriage return, line feed or a null
character, or with the full-width =, +, -, @ that some spreadsheets read as the same. Separators and quotes
inside a cell are quoted by the csv module (RFC 4180), so they cannot start a cell of their own. Numbers are
written as numbers, so a negative leniency stays a number.
"""
from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

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
    if isinstance(value, Decimal):  # already rounded as wanted (a score as the pages write it): its own decimals
        return format(value, "f").replace(".", ",")
    return defuse(str(value))


def to_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([defuse(str(h)) for h in headers])  # headers can be typed by people too (question labels)
    for row in rows:
        writer.writerow([cell_text(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


def open_data_cell(value) -> str:
    """A cell of an open-data file: numbers with a decimal point, dates in ISO 8601, text defused as above."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return defuse(str(value))


def to_open_data_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    """CSV as schema.data.gouv.fr recommends for open data (RFC 4180): UTF-8 without a BOM, commas between
    cells, a point in decimals, CRLF line ends; text cells defused like the spreadsheets' (see above)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",", lineterminator="\r\n")
    writer.writerow([defuse(str(h)) for h in headers])
    for row in rows:
        writer.writerow([open_data_cell(cell) for cell in row])
    return buffer.getvalue()
