"""One cell of an export → a value, or a `CellError` saying why it is not one.

Dates: ISO (`2026-11-02`, `2026-11-02T09:30:00Z`), US `11/2/2026 9:30 AM`, European
`02.11.2026` and `02/11/2026`, and month names in English, German, French, Spanish, Italian,
Dutch or Portuguese (Babel's names: `Nov 2, 2026`, `2-Nov-2026`, `2. März 2026`); any other
layout with a month name and a four-digit year (`le 2 novembre 2026`, `Tue, 3 Nov 2026
09:30:00 +0100`) is read by python-dateutil with those names (`named_datetime`). A
slashed date whose day and month are both ≤ 12 reads either way: the order is
decided per column from the other values (`DateEvidence`) or asked, never guessed.
A time-zone suffix is ignored: times are kept as the export wrote them.

Amounts: `$12,345.00`, `USD 12,345.00`, `12.345,00 €`, `€100.000,00`, `1 234,50`, `"11015.0"`,
and with a scale: `195k` (195,000), `1.2M` (1,200,000), `$1.5MM`, `2 Mio €`, `1bn`. The
decimal mark is decided per column (`AmountEvidence`); a lone separator after one to
three digits and before exactly three (`1,234`) is a thousands separator unless the
column shows otherwise. A currency symbol or code in the amount is returned with it (symbols from
Babel's locale data, `SYMBOLS`). Babel does not parse the numbers themselves: its
`parse_decimal` needs the locale up front, which a CSV does not give, so the mark is
the column's evidence.

Yes/no: one table, `YES_NO` (Done/Undone, Completed/Not Started, Yes/No, TRUE/FALSE,
1/0, Ja/Nein, Oui/Non, Sí/No, x, checked/unchecked…), compared ignoring case and accents.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any


class CellError(ValueError):
    """A cell that cannot be read; the message is the reason, written for people."""


# ----------------------------------------------------------------------------- dates

ISO, MDY, DMY = "iso", "mdy", "dmy"
ORDER_WORDS = {MDY: "month first (US, 11/2/2026 = 2 Nov)", DMY: "day first (European, 2/11/2026 = 2 Nov)"}
MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        )
    )
    for name in names
}

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_SLASHED = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})(?!\d)")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?!\d)")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})\.?[ -]([^\W\d_]{3,9})\.?[ ,-]+(\d{4})")  # 2-Nov-2026, 2. März 2026
_MONTH_NAME_DAY = re.compile(r"([^\W\d_]{3,9})\.? +(\d{1,2}),? +(\d{4})")
_TIME = re.compile(
    r"(?:T|\s+|,\s*)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([AaPp])?\.?(?:[Mm]\.?)?"
    r"\s*(?:Z|[+-]\d{2}(?::?\d{2})?|[A-Z]{2,5})?$"
)


def classify_date(text: str) -> str:
    """How a date cell is written: iso, dmy (day first, proven), mdy (month first, proven), either, same, named or bad."""
    text = text.strip()
    if _ISO_DATE.match(text):
        return ISO
    if _DOTTED.match(text):
        return DMY
    found = _SLASHED.match(text)
    if found:
        first, second = int(found.group(1)), int(found.group(2))
        if first > 12 and second > 12:
            return "bad"
        if first > 12 and second <= 12:
            return DMY
        if second > 12 and first <= 12:
            return MDY
        if first == second:
            return "same"  # 3/3/2026 reads the same either way: no evidence
        return "either" if first <= 12 and second <= 12 else "bad"
    if _DAY_MONTH_NAME.match(text) or _MONTH_NAME_DAY.match(text) or named_datetime(text):
        return "named"
    return "bad"


_WORD = re.compile(r"[^\W\d_]+")
_YEAR4 = re.compile(r"(?<!\d)\d{4}(?!\d)")
NAME_LOCALES = ("en", "de", "fr", "es", "it", "nl", "pt")
JUMP_WORDS = ("de", "le", "den", "der", "el", "del", "di")  # "le 2 novembre", "2 de noviembre de 2026"
_NAMED: tuple | None = None  # (the dateutil parser, its month names → month numbers), made on first use


def _named_parser():
    """A dateutil parser knowing the month and day names of NAME_LOCALES (from Babel's locale data)."""
    global _NAMED
    if _NAMED is None:
        from babel.dates import get_day_names, get_month_names
        from dateutil import parser

        def names(get, keys) -> list[Any]:  # tuples of any length: dateutil reads them so, its stubs say 2 or 3
            found: dict[int, set[str]] = {k: set() for k in keys}
            for locale in NAME_LOCALES:
                for width in ("wide", "abbreviated"):
                    for context in ("format", "stand-alone"):
                        for key, name in get(width, context, locale).items():
                            found[key].add(name.lower().rstrip("."))
            return [tuple(sorted(found[k])) for k in keys]

        class Names(parser.parserinfo):
            MONTHS = names(get_month_names, range(1, 13))
            WEEKDAYS = names(get_day_names, range(7))
            JUMP = [*parser.parserinfo.JUMP, *JUMP_WORDS]

        _NAMED = (parser.parser(Names()), {n: i for i, month in enumerate(Names.MONTHS, start=1) for n in month})
    return _NAMED


def named_datetime(text: str) -> dt.datetime | None:
    """A date written with a month name and a four-digit year, read by dateutil; None when it is not one.

    Only text with a month name is given to dateutil, never slashed or dotted numbers (whose
    day/month order is the column's to decide, see `DateEvidence`); a date missing its day
    (`Nov 2026`) is not one. A time-zone suffix is ignored, as everywhere.
    """
    if not _YEAR4.search(text) or _SLASHED.search(text) or _DOTTED.search(text):
        return None
    reader, months = _named_parser()
    if not any(word in months for word in _WORD.findall(text.lower())):
        return None
    try:
        first = reader.parse(text, default=dt.datetime(2000, 1, 1), ignoretz=True)
        if first.year != 2000 and first.month != 1 and first.day != 1:
            return first  # nothing there can have come from the default
        second = reader.parse(text, default=dt.datetime(2001, 2, 2), ignoretz=True)
    except (ValueError, OverflowError):
        return None
    return first if first == second else None  # parts filled from the default: not a whole date


@dataclass
class DateEvidence:
    """What a column's values say about their day/month order (fed one value at a time)."""

    counts: dict[str, int] = field(
        default_factory=lambda: {ISO: 0, DMY: 0, MDY: 0, "either": 0, "same": 0, "named": 0, "bad": 0}
    )
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, text: str) -> None:
        if not text or not text.strip():
            return
        kind = classify_date(text)
        self.counts[kind] += 1
        self.examples.setdefault(kind, text.strip())

    def order(self) -> str | None:
        """ISO, DMY or MDY when the values decide it; None when the user must choose (ambiguous or mixed)."""
        dmy, mdy, either = self.counts[DMY], self.counts[MDY], self.counts["either"]
        if dmy and mdy:
            return None
        if dmy:
            return DMY
        if mdy:
            return MDY
        return None if either else ISO

    @property
    def ambiguous(self) -> bool:
        """Every slashed date reads either way (all days ≤ 12): the user is asked."""
        return self.counts["either"] > 0 and not self.counts[DMY] and not self.counts[MDY]

    @property
    def mixed(self) -> bool:
        """Some dates are provably day-first and others month-first: the user is asked which the column uses."""
        return self.counts[DMY] > 0 and self.counts[MDY] > 0


def parse_date(text: str, order: str | None = None) -> dt.date:
    """A date (any time part is dropped); `order` (mdy/dmy) reads slashed dates."""
    return parse_datetime(text, order).date()


def parse_datetime(text: str, order: str | None = None) -> dt.datetime:
    """A date with an optional time (midnight when none); raises CellError with the reason."""
    text = text.strip()
    if not text:
        raise CellError("no date")
    if len(text) >= 10 and text[4] == "-":
        try:
            found = dt.datetime.fromisoformat(text)  # fast path for ISO
            return found if found.tzinfo is None else found.replace(tzinfo=None)
        except ValueError:
            pass
    try:
        day, rest = _date_part(text, order)
        return dt.datetime.combine(day, _time_part(rest, text))
    except CellError:
        named = named_datetime(text)
        if named is None:
            raise
        return named


def _date_part(text: str, order: str | None) -> tuple[dt.date, str]:
    """The date at the start of `text` and what follows it."""
    for pattern, reader in (
        (_ISO_DATE, _iso),
        (_DOTTED, _dotted),
        (_SLASHED, _slashed),
        (_DAY_MONTH_NAME, _day_month_name),
        (_MONTH_NAME_DAY, _month_name_day),
    ):
        found = pattern.match(text)
        if found:
            return reader(found, order), text[found.end() :]
    raise CellError(f"“{text}” is not a date (write dates as YYYY-MM-DD, m/d/yyyy or dd.mm.yyyy)")


def _iso(found: re.Match, order: str | None) -> dt.date:
    return _ymd(int(found.group(1)), int(found.group(2)), int(found.group(3)), found.group(0))


def _dotted(found: re.Match, order: str | None) -> dt.date:
    return _ymd(_year(found.group(3)), int(found.group(2)), int(found.group(1)), found.group(0))


def _slashed(found: re.Match, order: str | None) -> dt.date:
    first, second, year = int(found.group(1)), int(found.group(2)), _year(found.group(3))
    if order not in (MDY, DMY):
        if first <= 12 and second <= 12 and first != second:
            raise CellError(f"“{found.group(0)}” reads as day-first or month-first: choose the column's date order")
        order = DMY if first > 12 else MDY
    month, day = (first, second) if order == MDY else (second, first)
    if month > 12:
        words = "month first (US)" if order == MDY else "day first (European)"
        raise CellError(f"“{found.group(0)}” has no month {month}: the column is read {words}")
    return _ymd(year, month, day, found.group(0))


def _day_month_name(found: re.Match, order: str | None) -> dt.date:
    return _ymd(int(found.group(3)), _month(found.group(2), found.group(0)), int(found.group(1)), found.group(0))


def _month_name_day(found: re.Match, order: str | None) -> dt.date:
    return _ymd(int(found.group(3)), _month(found.group(1), found.group(0)), int(found.group(2)), found.group(0))


def _month(name: str, text: str) -> int:
    month = MONTHS.get(name.lower()) or _named_parser()[1].get(name.lower())
    if month is None:
        raise CellError(f"“{text}”: “{name}” is not a month name")
    return month


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _ymd(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"“{text}” is not a real date (month {month}, day {day})") from None


def _time_part(rest: str, text: str) -> dt.time:
    if not rest.strip():
        return dt.time()
    found = _TIME.fullmatch(rest)
    if not found:
        raise CellError(f"“{text}” has something after the date that is not a time")
    hour, minute, second = int(found.group(1)), int(found.group(2)), int(found.group(3) or 0)
    half = (found.group(4) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise CellError(f"“{text}”: hour {hour} with AM/PM")
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise CellError(f"“{text}” is not a real time of day")
    return dt.time(hour, minute, second)


# ----------------------------------------------------------------------------- amounts and currencies


def _babel_symbols() -> dict[str, str]:
    """Currency symbols → codes as Babel writes them in English (`CA$`, `MX$`, `CN¥`, `₫`…): the symbols holding
    a currency sign, each naming one currency (`¤`, no currency, left out)."""
    from babel import Locale
    from babel.numbers import get_currency_symbol, list_currencies

    english = Locale.parse("en")
    found = {get_currency_symbol(code, english): code for code in sorted(list_currencies()) if code != "XXX"}
    return {
        symbol: code
        for symbol, code in found.items()
        if symbol != code and any(unicodedata.category(ch) == "Sc" for ch in symbol)
    }


# Babel's symbols, and those exports write that Babel's English ones lack.
SYMBOLS = {
    **_babel_symbols(),
    "US$": "USD",
    "C$": "CAD",
    "AU$": "AUD",
    "S$": "SGD",
    "₽": "RUB",
    "₺": "TRY",
    "zł": "PLN",
}
_CURRENCY_CODE = re.compile(r"[A-Za-z]{3}")
_AFFIX = re.compile(r"^(?P<pre>[^\d\-+(.,]*)(?P<num>[-+(]?\s*[\d.,\s'’]*\d[\d.,\s'’]*\)?-?)(?P<post>[^\d]*)$")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'’")
MAX_AMOUNT = Decimal("1e13")
SCALES = {"k": 1_000, "m": 1_000_000, "mm": 1_000_000, "mio": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000}
_SCALE = re.compile(r"^\s*(k|mm|mio|mn|m|bn)\b\.?", re.IGNORECASE)  # right after the number: `195k`, `1.2M USD`


def parse_currency(text: str) -> str:
    """A currency code (`usd` → `USD`) or symbol (`€` → `EUR`)."""
    text = text.strip()
    if text in SYMBOLS:
        return SYMBOLS[text]
    if _CURRENCY_CODE.fullmatch(text):
        return text.upper()
    raise CellError(f"“{text}” is not a currency (use a three-letter code such as USD, EUR, GBP)")


def parse_amount(text: str, decimal: str | None = None) -> tuple[float, str | None]:
    """(amount, currency written in the cell or None); negative, garbled and empty amounts raise CellError."""
    raw = text.strip()
    if raw.startswith(("-", "(", "−")) or raw.endswith((")", "-")):
        raise CellError(f"“{raw}” is negative: an amount cannot be below zero")
    found = _AFFIX.match(raw)
    if not raw or not found:
        raise CellError(f"“{raw}” is not an amount" if raw else "no amount")
    scale, post = _scale(found.group("post"))
    currency = _affix_currency(found.group("pre"), post, raw)
    number = found.group("num").translate(_SPACES)
    if number.startswith(("-", "(")) or number.endswith(("-", ")")):
        raise CellError(f"“{raw}” is negative: an amount cannot be below zero")
    value = _decimal(number.lstrip("+"), decimal, raw) * scale
    if value >= MAX_AMOUNT:
        raise CellError(f"“{raw}” is too large to be an amount")
    return float(value), currency


def with_scale(text: str, word: str) -> str:
    """The amount with the scale `word` (`k`, `M`) after its number, unless it has a scale of its own:
    a cell of a column headed “in thousands”. Text that is not an amount is returned as it is."""
    found = _AFFIX.match(text.strip())
    if not found or _SCALE.match(found.group("post")):
        return text
    number = found.group("num")
    bare = number.rstrip()
    return found.group("pre") + bare + word + number[len(bare) :] + found.group("post")


def _scale(post: str) -> tuple[int, str]:
    """The multiplier written right after the number (`k`, `M`, `MM`, `Mio`, `bn`; 1 when none) and what follows it."""
    found = _SCALE.match(post)
    if not found:
        return 1, post
    return SCALES[found.group(1).lower()], post[found.end() :]


def _affix_currency(pre: str, post: str, raw: str) -> str | None:
    """The currency named before or after the number (at most one, and the two must agree)."""
    found = (
        {parse_currency(part) for part in (pre.strip(), post.strip()) if part.strip()}
        if (pre + post).strip()
        else set()
    )
    if len(found) > 1:
        raise CellError(f"“{raw}” names two currencies")
    return found.pop() if found else None


def _decimal(number: str, mark: str | None, raw: str) -> Decimal:
    """The number written with `mark` as decimal mark (inferred from the value when None)."""
    mark = mark or _infer_mark(number)
    thousands = "," if mark == "." else "."
    whole, _, fraction = number.partition(mark)
    if mark in fraction or not _grouped(whole or "0", thousands) or thousands in fraction:
        raise CellError(f"“{raw}” is not an amount (its separators do not make a number)")
    try:
        return Decimal((whole or "0").replace(thousands, "") + ("." + fraction if fraction else ""))
    except InvalidOperation:
        raise CellError(f"“{raw}” is not an amount") from None


def _grouped(whole: str, thousands: str) -> bool:
    """Digits, optionally grouped by `thousands` in threes (`12,345,678`)."""
    if thousands not in whole:
        return whole.isdigit()
    head, *groups = whole.split(thousands)
    return head.isdigit() and len(head) <= 3 and all(len(g) == 3 and g.isdigit() for g in groups)


def _infer_mark(number: str) -> str:
    """The decimal mark of one value: the last of two kinds; a repeated one is thousands; `1,234` is thousands."""
    commas, dots = number.count(","), number.count(".")
    if commas and dots:
        return "." if number.rfind(".") > number.rfind(",") else ","
    sep = "," if commas else "."
    if number.count(sep) > 1:
        return "." if sep == "," else ","
    if sep in number and _thousands_like(number, sep):
        return "." if sep == "," else ","
    return sep if sep in number else "."


def _thousands_like(number: str, sep: str) -> bool:
    """`1,234` or `12.345`: one separator, 1–3 leading digits (not a lone 0), then exactly three digits."""
    head, _, tail = number.partition(sep)
    return len(tail) == 3 and 1 <= len(head) <= 3 and head != "0"


def amount_mark(text: str) -> str | None:
    """What one value proves about its column's decimal mark, or None when it proves nothing."""
    found = _AFFIX.match(text.strip())
    if not found:
        return None
    number = found.group("num").translate(_SPACES).strip("-+()")
    commas, dots = number.count(","), number.count(".")
    if commas and dots:
        return "." if number.rfind(".") > number.rfind(",") else ","
    sep = "," if commas else "." if dots else None
    if sep is None:
        return None
    if number.count(sep) > 1:
        return "." if sep == "," else ","
    return None if _thousands_like(number, sep) else sep


@dataclass
class AmountEvidence:
    """What a column's amounts say about the decimal mark."""

    counts: dict[str, int] = field(default_factory=lambda: {".": 0, ",": 0})

    def add(self, text: str) -> None:
        mark = amount_mark(text) if text else None
        if mark:
            self.counts[mark] += 1

    def mark(self) -> str | None:
        """The decimal mark most values prove (None when no value proves one: each value decides)."""
        dot, comma = self.counts["."], self.counts[","]
        if not dot and not comma:
            return None
        return "." if dot >= comma else ","


# ----------------------------------------------------------------------------- other kinds

_DURATION_CLOCK = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:\.\d+)?")
_DURATION_WORDS = re.compile(
    r"(?:(\d+)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:utes?|s)?)?)?\s*(?:(\d+)\s*s(?:ec(?:onds?|s)?)?)?"
)
UNITS = {"seconds": 1.0, "minutes": 60.0, "ms": 0.001}


def parse_duration(text: str, unit: str = "seconds") -> int:
    """Seconds, from `0:05:23`, `5:23` (m:ss; h:mm when `unit` is minutes), `1h 5m`, `45 min`, or a number in `unit`."""
    text = text.strip().lower()
    clock = _DURATION_CLOCK.fullmatch(text)
    if clock:
        if clock.group(1) is None and unit == "minutes":
            return int(clock.group(2)) * 3600 + int(clock.group(3)) * 60
        return int(clock.group(1) or 0) * 3600 + int(clock.group(2)) * 60 + int(clock.group(3))
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return _duration_words(text)
    if value < 0 or value != value or value > 1e9:
        raise CellError(f"“{text}” is not a duration")
    return int(round(value * UNITS[unit]))


def _duration_words(text: str) -> int:
    words = _DURATION_WORDS.fullmatch(text)
    if not text or not words or not any(words.groups()):
        raise CellError(f"“{text}” is not a duration (write 0:05:23, 5m 23s or a number of seconds)")
    hours, minutes, seconds = (int(g or 0) for g in words.groups())
    return hours * 3600 + minutes * 60 + seconds


def parse_percent(text: str) -> float:
    """A probability as a fraction: `10`, `10%` and `10,5` are percentages (0–100)."""
    raw = text.strip()
    try:
        value = float(raw.rstrip("%").strip().replace(",", "."))
    except ValueError:
        raise CellError(f"“{raw}” is not a percentage") from None
    if not 0 <= value <= 100:
        raise CellError(f"“{raw}” is not a percentage between 0 and 100")
    return value / 100


def parse_score(text: str) -> int:
    """A rubric score from 1 to 5."""
    raw = text.strip()
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise CellError(f"“{raw}” is not a score (1 to 5)") from None
    if value != int(value) or not 1 <= value <= 5:
        raise CellError(f"“{raw}” is not a score (a whole number from 1 to 5)")
    return int(value)


def parse_count(text: str) -> int:
    """A whole number of minutes or similar (not negative)."""
    raw = text.strip()
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise CellError(f"“{raw}” is not a number") from None
    if value < 0 or value != int(value) or value > 1e6:
        raise CellError(f"“{raw}” is not a whole number of zero or more")
    return int(value)


# Every word read as yes or no, in one table: CRM task statuses (Salesforce, HubSpot, Pipedrive), spreadsheet
# booleans (Excel writes TRUE/FALSE in the user's language: WAHR/FALSCH, VRAI/FAUX, VERDADERO/FALSO), and yes/no
# in English, German, French and Spanish. Compared ignoring case, accents and extra spaces (`Sí` is `si`).
# An empty cell is "no" only in a column of check marks (`x`, `✓`): see `FlagEvidence`.
YES_NO: dict[str, bool] = {
    **dict.fromkeys(
        (
            "yes",
            "y",
            "true",
            "1",
            "x",
            "✓",
            "✔",
            "☑",
            "checked",
            "done",
            "completed",
            "complete",
            "closed",
            "held",
            "ja",
            "j",
            "wahr",
            "erledigt",
            "oui",
            "vrai",
            "si",
            "s",
            "verdadero",
            "hecho",
        ),
        True,
    ),
    **dict.fromkeys(
        (
            "no",
            "n",
            "false",
            "0",
            "unchecked",
            "☐",
            "undone",
            "not done",
            "to do",
            "todo",
            "to-do",
            "not started",
            "in progress",
            "open",
            "waiting on someone else",
            "waiting",
            "deferred",
            "planned",
            "scheduled",
            "pending",
            "nein",
            "falsch",
            "nicht erledigt",
            "offen",
            "non",
            "faux",
            "falso",
            "pendiente",
        ),
        False,
    ),
}
MARKS = frozenset(("x", "✓", "✔", "☑"))  # a column of these marks leaves "no" empty


def flag_word(text: str) -> str:
    """A yes/no cell as compared: NFKC, lower case, accents, underscores and extra spaces dropped (`  Sí ` → `si`,
    HubSpot's `NOT_STARTED` → `not started`)."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return " ".join("".join(ch for ch in folded if not unicodedata.combining(ch)).replace("_", " ").split())


def parse_flag(text: str) -> bool:
    """Yes or no from any word of `YES_NO` (Done/Undone, Completed/Not Started, Ja/Nein, TRUE/FALSE, 1/0…)."""
    value = YES_NO.get(flag_word(text))
    if value is None:
        raise CellError(f"“{text.strip()}” is not yes or no (write yes/no, true/false, done/not done, 1/0 or x)")
    return value


@dataclass
class FlagEvidence:
    """A yes/no column's distinct words: when every filled cell is a check mark (`x`), an empty cell means no."""

    words: set[str] = field(default_factory=set)

    def add(self, text: str) -> None:
        if text and not text.isspace() and len(self.words) <= 20:
            self.words.add(flag_word(text))

    @property
    def empty_is_no(self) -> bool:
        return bool(self.words) and self.words <= MARKS
