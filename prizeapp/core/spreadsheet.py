"""CSV as the spreadsheets of French administrations read it: UTF-8 with a BOM, semicolons, decimal commas.

Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) are prefixed with
a quote; numbers are written as numbers, so a negative leniency stays a number.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence


def defuse(cell: str) -> str:
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


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
