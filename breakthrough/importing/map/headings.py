"""How a quota sheet's column headings name periods and units: `Q1 2025`, `FY25 Q1`, `Jan 2025`, `(EUR)`, `($k)`.

`read_header` reads one heading, `period_headers` picks a sheet's period columns, `period_columns`
resolves them to periods with the fiscal-year-start setting, and `convention` says in words how quarter
headings are read. The sheet's cells are turned into long quota rows by `wide`.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from breakthrough.formatting import day
from breakthrough.importing.read.cells import MONTHS, SYMBOLS
from breakthrough.metrics import periods

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
