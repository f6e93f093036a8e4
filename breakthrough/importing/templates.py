"""Downloadable template CSVs (one per entity) and safe CSV downloads.

A template is the header row of the Breakthrough template profile: one column
per field, named by the field's key, so the importer recognises it at once.
Every download neutralises cells a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from breakthrough.importing.map.profiles import FIELDS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def template_csv(entity: str) -> bytes:
    """The template for `entity`: UTF-8 with a BOM (so Excel opens it as UTF-8), header only."""
    return csv_bytes([[f.key for f in FIELDS[entity]]])


def template_name(entity: str) -> str:
    return f"breakthrough_{entity.replace(' ', '_')}_template.csv"


def safe_cell(value: object) -> object:
    """A value a spreadsheet shows as text: one starting with = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """Rows as a UTF-8 (with BOM) CSV, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
