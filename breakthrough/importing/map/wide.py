"""Quota sheets kept with one column per month or quarter ("wide"), read as the long rows they stand for.

A spreadsheet quota sheet looks like `Sales Rep, Team, Q1 2025, Q2 2025, …`: one row per
person, one column per period. Its period columns are recognised from the headers
(`read_header`), resolved to periods with the fiscal-year-start setting (`period_columns`,
stored in the plan as `Plan.periods`), and each filled cell becomes one long quota row
(person, period type, period start, amount, currency) between reading and validation
(`reshape`, `long_plan`), so the cells are checked and written by the one quota path.

- A blank cell is "no quota for that period": no row, never 0.
- Quarters are fiscal. A fiscal year is named by the calendar year it ends in (as everywhere
  in Breakthrough): `Q1 2025`, `2025-Q1`, `FY25 Q1`, `FY2025 Q1` and `Q1 FY24/25` all name
  Q1 of FY2025. With the fiscal year starting in April that is 1 Apr 2024 – 30 Jun 2024;
  with a January start, Jan – Mar 2025. Months (`Jan 2025`, `2025-01`) are calendar months.
- A currency in a header (`Q1 2025 (EUR)`) is the currency of that column's cells unless the
  row's currency column says otherwise; a unit in a header (`Q1 2025 ($k)`, `(in thousands)`,
  `(TEUR)`, `(Mio €)`) scales the column's plain numbers (`195` there is 195,000).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from breakthrough.formatting import day
from breakthrough.importing.read.cells import MONTHS, SYMBOLS, with_scale
from breakthrough.metrics import periods

if TYPE_CHECKING:
    from breakthrough.importing.map.plan import Plan
    from breakthrough.importing.map.validation import Reject
    from breakthrough.importing.read.reading import Reader

WIDE = "wide"
# The columns a long row gets in place of the period columns (never names a sheet would use).
TYPE_HEADER, START_HEADER, AMOUNT_HEADER = "⟨period type⟩", "⟨period start⟩", "⟨amount⟩"
CURRENCY_HEADER, COLUMN_HEADER, CURRENCY_FROM = "⟨currency⟩", "⟨sheet column⟩", "⟨currency column⟩"
CELL_HEADER = "⟨cell as written⟩"
SYNTHETIC = (TYPE_HEADER, START_HEADER, AMOUNT_HEADER, CURRENCY_HEADER)

# Month names a sheet's headers are written with, beyond the English ones dates use (German, French).
HEADER_MONTHS = {
    **MONTHS,
    **{
        name: i + 1
        for i, names in enumerate(
            (
                ("januar", "janv", "janvier", "jän", "jänner"),
                ("februar", "févr", "fevr", "février", "fevrier"),
                ("märz", "mär", "maerz", "mrz", "mars"),
                ("avr", "avril"),
                ("mai",),
                ("juni", "juin"),
                ("juli", "juil", "juillet"),
                ("août", "aout"),
                ("septembre",),
                ("okt", "oktober", "octobre"),
                ("novembre",),
                ("dez", "dezember", "déc", "décembre", "decembre"),
            )
        )
        for name in names
    },
}
_DECORATION = re.compile(r"\b(quotas?|targets?|plan|goals?|budget|soll|ziel|objectif|amount|total|sum|kpi)\b")
_PAREN = re.compile(r"[(\[]([^)\]]*)[)\]]")
_YEAR = r"'?(\d{4}|\d{2})"
_FY = r"fy\s*'?(\d{4}|\d{2})(?:\s*[/-]\s*(\d{4}|\d{2})(?!\d))?"
_QUARTER_PATTERNS = (
    re.compile(rf"q([1-4])\s*[-/ ]?\s*{_FY}"),  # Q1 FY25, Q1 FY24/25
    re.compile(rf"{_FY}\s*[-/ ]?\s*q([1-4])"),  # FY25 Q1, FY2025-Q1
    re.compile(rf"q([1-4])\s*[-/ ]?\s*{_YEAR}"),  # Q1 2025, Q3-2025, Q1'25
    re.compile(rf"{_YEAR}\s*[-/ ]?\s*q([1-4])"),  # 2025-Q2, 2025 Q2
    re.compile(rf"([1-4])q\s*{_YEAR}"),  # 1Q25, 1Q 2025
)
_MONTH_NAME = re.compile(rf"([^\W\d_]{{3,9}})\.?\s*[-/ ]?\s*{_YEAR}")  # Jan 2025, January 2025, Jan-25
_YEAR_MONTH = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})")  # 2025-01, 2025/01
_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{4})")  # 01/2025, 01.2025
MIN_YEAR, MAX_YEAR = 1990, 2200


@dataclass(frozen=True)
class Heading:
    """What a period column's header names: a calendar month, or a quarter of a fiscal year."""

    kind: str  # "month" | "quarter"
    year: int  # the calendar year (month) or the fiscal year, named by the year it ends in (quarter)
    number: int  # 1–12 (month) or 1–4 (quarter)
    currency: str | None = None  # a currency the header names: `Q1 2025 (EUR)`
    scale: str | None = None  # "k" or "M" when the header says the amounts are in thousands or millions

    def period(self, fy_start_month: int) -> periods.Period:
        if self.kind == "month":
            return periods.parse_period(f"{self.year:04d}-{self.number:02d}", fy_start_month)
        return periods.parse_period(f"FY{self.year:04d}-Q{self.number}", fy_start_month)


def read_header(header: str) -> Heading | None:
    """The month or fiscal quarter a header names (`Q1 2025`, `FY25 Q1 Quota`, `Jan 2025`…), or None."""
    text = " ".join(header.replace("\ufeff", "").replace("_", " ").casefold().split())
    currency = scale = None
    for inside in _PAREN.findall(text):  # `(EUR)`, `($k)`, `(in thousands)`
        found_currency, found_scale, _ = _unit(inside)
        currency, scale = currency or found_currency, scale or found_scale
    words = []
    for word in _PAREN.sub(" ", text).split():  # `Quota Q2 2025 €`, `Q1 2025 TEUR`
        found_currency, found_scale, rest = _unit(word, bare=True)
        currency, scale = currency or found_currency, scale or found_scale
        words += rest
    text = " ".join(_DECORATION.sub(" ", " ".join(words)).split()).strip(" -:/")
    text = re.sub(r"\bquarter\s*", "q", text)  # Quarter 2 2025
    heading = _quarter(text) or _month(text)
    return dataclasses.replace(heading, currency=currency, scale=scale) if heading else None


KNOWN_CODES = frozenset({*SYMBOLS.values(), "CHF", "SEK", "NOK", "DKK", "CZK", "HUF", "MXN", "ZAR", "CNY"})
UNIT_WORDS = {
    "k": "k",
    "000": "k",
    "'000": "k",
    "000s": "k",
    "'000s": "k",
    "thousand": "k",
    "thousands": "k",
    "tsd": "k",
    "m": "M",
    "mm": "M",
    "mio": "M",
    "mn": "M",
    "million": "M",
    "millions": "M",
}
_SYMBOLS_LONGEST = sorted((s for s in SYMBOLS if not s.isalpha()), key=len, reverse=True)


def _unit(text: str, bare: bool = False) -> tuple[str | None, str | None, list[str]]:
    """(currency, scale, the other words) of a header's decoration: `$k`, `in thousands`, `TEUR`, `Mio €`.

    Outside brackets (`bare`) only a currency symbol or code, or a scaled code (`TEUR`, `kUSD`), counts:
    a lone `m` there is a word, not millions.
    """
    currency, written = None, text
    for symbol in _SYMBOLS_LONGEST:
        if symbol.casefold() in text:
            currency, text = SYMBOLS[symbol], text.replace(symbol.casefold(), " ")
            break
    scale, rest = None, []
    for word in text.replace(".", " ").split():
        code = word.upper()
        if not bare and word in UNIT_WORDS:
            scale = UNIT_WORDS[word]
        elif code in KNOWN_CODES and len(code) == 3:
            currency = currency or code
        elif len(code) == 4 and code[0] in "TKM" and code[1:] in KNOWN_CODES:  # TEUR, kUSD: thousands; MEUR
            scale, currency = ("M" if code[0] == "M" else "k"), currency or code[1:]
        elif word == "in" and not bare:
            continue
        else:
            rest.append(word)
    if bare and currency is None and scale is None:
        return None, None, [written]  # an ordinary word of the header (`12.2025`, `Quota`)
    return currency, scale, rest


def _full_year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _quarter(text: str) -> Heading | None:
    for pattern in _QUARTER_PATTERNS:
        found = pattern.fullmatch(text)
        if not found:
            continue
        groups = [g for g in found.groups()]
        number = int(next(g for g in groups if g is not None and len(g) == 1))
        years = [_full_year(g) for g in groups if g is not None and len(g) != 1]
        if len(years) == 2 and years[1] != years[0] + 1:
            return None  # FY24/26 is not a fiscal year
        year = years[-1]  # FY24/25 ends in 2025
        return Heading("quarter", year, number) if MIN_YEAR <= year <= MAX_YEAR else None
    return None


def _month(text: str) -> Heading | None:
    found = _MONTH_NAME.fullmatch(text)
    if found and found.group(1) in HEADER_MONTHS:
        year, month = _full_year(found.group(2)), HEADER_MONTHS[found.group(1)]
    elif found := _YEAR_MONTH.fullmatch(text):
        year, month = int(found.group(1)), int(found.group(2))
    elif found := _MONTH_YEAR.fullmatch(text):
        year, month = int(found.group(2)), int(found.group(1))
    else:
        return None
    return Heading("month", year, month) if 1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR else None


# ----------------------------------------------------------------------------- a sheet's period columns


def period_headers(headers: list[str]) -> list[str]:
    """The headers that name a month or a quarter."""
    return [h for h in headers if read_header(h)]


def period_columns(headers: list[str], fy_start_month: int) -> dict[str, list[str]]:
    """Header → [period type, period start (ISO), currency and scale named in the header or ""], in file order."""
    out = {}
    for header in headers:
        heading = read_header(header)
        if heading:
            out[header] = [
                heading.kind,
                heading.period(fy_start_month).start.isoformat(),
                heading.currency or "",
                heading.scale or "",
            ]
    return out


def convention(fy_start_month: int, year: int | None = None) -> str:
    """How quarter headers are read under this fiscal year, in words, with an example."""
    year = year or dt.date.today().year
    q1 = periods.parse_period(f"FY{year}-Q1", fy_start_month)
    start_month = calendar.month_name[fy_start_month]
    return (
        f"Quarter columns are fiscal quarters. The fiscal year starts in {start_month} (Settings) and is named "
        f"by the calendar year it ends in, so “Q1 {year}”, “{year}-Q1” and “FY{year % 100:02d} Q1” all mean "
        f"Q1 FY{year}: {day(q1.start)} – {day(q1.end)}. Month columns are calendar months. "
        "A blank cell means no quota for that period (no row, not 0)."
    )


def example_year(plan: Plan, fy_start_month: int) -> int | None:
    """The fiscal year of the sheet's first quarter column (None without one): the convention's example."""
    for kind, start, *_ in plan.periods.values():
        if kind == "quarter":
            return periods.fiscal_year_of(dt.date.fromisoformat(start), fy_start_month)
    return None


def described(plan: Plan, fy_start_month: int) -> pd.DataFrame:
    """Each period column of a wide plan: the period it is read as, and its first and last day."""
    rows = []
    for header, (kind, start, currency, scale) in plan.periods.items():
        period = periods.period_containing(dt.date.fromisoformat(start), kind, fy_start_month)
        unit = {"k": "thousands", "M": "millions"}.get(scale)
        rows.append((header, kind, period.label, period.start, period.end, currency or None, unit))
    return pd.DataFrame(rows, columns=["Column", "Period type", "Period", "Starts", "Ends", "Currency", "Amounts in"])


def long_rows(records: list[dict], fy_start_month: int) -> pd.DataFrame:
    """The quota rows a wide sheet becomes (as validation built them): person, period type, period, start, amount."""
    rows = []
    for r in records:
        period = periods.period_containing(r["period_start"], r["period"], fy_start_month)
        rows.append((r.get("_person"), r["period"], period.label, r["period_start"], r["amount"], r["currency"]))
    return pd.DataFrame(rows, columns=["Person", "Period type", "Period", "Period start", "Amount", "Currency"])


# ----------------------------------------------------------------------------- reshaping


def long_plan(plan: Plan) -> Plan:
    """The plan validation reads the reshaped rows with (the plan itself for a long file)."""
    if not plan.periods:
        return plan
    mapping = {
        **plan.mapping,
        "period": TYPE_HEADER,
        "period_start": START_HEADER,
        "amount": AMOUNT_HEADER,
        "currency": CURRENCY_HEADER,
    }
    return dataclasses.replace(plan, mapping=mapping, constants={}, periods={})


def reshape(reader: Reader, plan: Plan) -> Reader | WideRows:
    """The reader itself for a long file; for a wide quota sheet, its rows as long rows."""
    return WideRows(reader, plan) if plan.periods else reader


class WideRows:
    """A `Reader` whose rows are the long rows of a wide sheet: one per filled period cell, on the sheet's line.

    A long row keeps the sheet's other columns and adds the period type, period start, the cell
    as written, the currency (the row's currency column, else the header's) and the column's name.
    """

    def __init__(self, reader: Reader, plan: Plan) -> None:
        self.reader, self.stream, self.stats, self.delimiter = reader, reader.stream, reader.stats, reader.delimiter
        self.header_line = reader.header_line
        index = {h: i for i, h in enumerate(reader.headers)}
        self._periods = [
            (index[h], h, kind, start, currency, scale)
            for h, (kind, start, currency, scale) in plan.periods.items()
            if h in index
        ]
        period_at = {i for i, *_ in self._periods}
        self._kept = [i for i in range(len(reader.headers)) if i not in period_at]
        self._currency_header = plan.mapping.get("currency")
        self._currency = index.get(self._currency_header) if self._currency_header else None
        self.headers = [reader.headers[i] for i in self._kept] + [*SYNTHETIC, COLUMN_HEADER, CURRENCY_FROM, CELL_HEADER]

    def chunks(self) -> Iterator:
        from breakthrough.importing.read.reading import Chunk

        for chunk in self.reader.chunks():
            rows, lines = [], []
            for cells, line in zip(chunk.rows, chunk.lines):
                kept = [cells[i] for i in self._kept]
                own = cells[self._currency].strip() if self._currency is not None else ""
                for i, header, kind, start, currency, scale in self._periods:
                    text = cells[i]
                    if text and not text.isspace():
                        rows.append(
                            [
                                *kept,
                                kind,
                                start,
                                with_scale(text, scale) if scale else text,
                                own or currency,
                                header,
                                (self._currency_header or header) if own else header,
                                text,
                            ]
                        )
                        lines.append(line)
            yield Chunk(rows, lines, chunk.problems)


def relabel(reject: Reject, cells: list[str], headers: list[str]) -> Reject:
    """A reject of a long row named by the sheet's own column (`Q2 2025`, or the currency column), not a reshaped one."""
    if reject.column not in SYNTHETIC:
        return reject
    where = CURRENCY_FROM if reject.column == CURRENCY_HEADER else COLUMN_HEADER
    value = cells[headers.index(CELL_HEADER)] if reject.column == AMOUNT_HEADER else reject.value
    return dataclasses.replace(reject, column=cells[headers.index(where)], value=value)
