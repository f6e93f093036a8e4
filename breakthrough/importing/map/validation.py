"""One row of an export → a record ready to write, or the reasons it is rejected.

Each mapped column is parsed by its field's kind (`cells`); the entity's builder
then checks what needs more than one cell (required values, close date before
created date, the owner) and returns the table row. Every problem is a `Reject`
with the file line, the column, the value and the reason, written for people.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from breakthrough.formatting import day
from breakthrough.importing.map import wide
from breakthrough.importing.map.people import Directory, name_key, owner_label, unknown_reason, visible
from breakthrough.importing.map.plan import ADD_ROLES, Plan
from breakthrough.importing.map.profiles import field_map, missing_fields, stage_status
from breakthrough.importing.read import cells as c
from breakthrough.metrics.drivers import KEYS
from breakthrough.store.models import RUBRIC

SKIP = "skip"  # a row left out on purpose (an activity not done yet, a deleted deal)
LIMITS = {
    "name": 300,
    "account": 300,
    "stage": 100,
    "lead_source": 100,
    "crm_id": 100,
    "opportunity": 100,
    "type": 100,
    "subtype": 100,
    "team": 200,
    "tier": 40,
    "crm_user_id": 200,
    "email": 320,
    "owner": 200,
    "person": 200,
    "person_email": 320,
    "manager": 200,
    "rep": 200,
    "scored_by": 200,
    "owner_email": 320,
    "session_id": 100,
    "submitted": 100,
}
DRIVERS = KEYS  # the drivers of breakthrough.metrics.drivers
ROLES = {
    "rep": "rep",
    "sales rep": "rep",
    "sales representative": "rep",
    "account executive": "rep",
    "ae": "rep",
    "sdr": "rep",
    "bdr": "rep",
    "manager": "manager",
    "sales manager": "manager",
    "team lead": "manager",
    "leader": "leader",
    "vp": "leader",
    "vp sales": "leader",
    "head of sales": "leader",
    "director": "leader",
    "cro": "leader",
    "sales ops": "sales_ops",
    "salesops": "sales_ops",
    "sales operations": "sales_ops",
    "revops": "sales_ops",
    "rev ops": "sales_ops",
    "revenue operations": "sales_ops",
}
SESSION_WORDS = (
    ("one on one", "one_on_one"),
    ("1:1", "one_on_one"),
    ("1 on 1", "one_on_one"),
    ("1on1", "one_on_one"),
    ("joint", "joint_call"),
    ("ride", "joint_call"),
    ("debrief", "debrief"),
    ("pipeline", "pipeline_review"),
    ("deal", "deal_review"),
)
TYPE_WORDS = (
    ("demo", "demo"),
    ("voicemail", "call"),
    ("meeting", "meeting"),
    ("event", "meeting"),
    ("appointment", "meeting"),
    ("email", "email"),
    ("e-mail", "email"),
    ("call", "call"),
    ("phone", "call"),
)
OUTCOMES = {
    "completed": "held",
    "complete": "held",
    "no-show": "no show",
    "no_show": "no show",
    "noshow": "no show",
    "voicemail": "left voicemail",
    "canceled": "cancelled",
}
STATUS_WORDS = {"open": "open", "won": "won", "lost": "lost", "deleted": SKIP}
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp])?\.?(?:[Mm]\.?)?")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})|(\d{1,2})/(\d{4})|([A-Za-z]{3,9})\.? (\d{4})")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[A-Za-z]{2,}")
CENT = Decimal("0.01")
TOTAL_ROWS = {"total", "totals", "grand total", "sum", "team total", "gesamt", "summe", "total général"}


@dataclass(frozen=True)
class Reject:
    line: int
    column: str
    value: str
    reason: str
    owner: str = ""  # held for this unknown owner (its label in `Builder.unknown`); "" for any other reason


@dataclass
class UnknownOwner:
    """A person cell that matches no one: its rows are held until the person is added (`Plan.add_people`)."""

    label: str  # the key to add them by: `Ann Lee`, `ann@x.com` or `Ann Lee <ann@x.com>` (cleaned)
    name: str  # the name the person would get
    email: str
    shown: str  # the cell as written in the file, invisible characters made visible
    column: str  # the file's column it was found in (first seen)
    role: str  # what adding them makes them: rep, or manager for a session's manager
    rows: int = 0  # rows held for them


class RowError(Exception):
    def __init__(self, column: str, value: str, reason: str, owner: str = "") -> None:
        super().__init__(reason)
        self.column, self.value, self.reason, self.owner = column, value, reason, owner

    def reject(self, line: int) -> Reject:
        return Reject(line, self.column, self.value, self.reason, self.owner)


class RowErrors(Exception):
    """Several problems with one row (a session whose manager and rep are both unknown)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.reason for e in errors))
        self.errors = errors


def content_key(*parts: object) -> str:
    """A stable key for a record without a CRM id: a digest of the cells that identify it."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return "k:" + hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


# ----------------------------------------------------------------------------- cell kinds


def activity_type(raw: str) -> str:
    """call / email / meeting / demo from a CRM's label; anything else is other."""
    kind = _TYPES.get(raw)
    if kind is None:
        low = raw.lower()
        kind = next((k for word, k in TYPE_WORDS if word in low), "other")
        if len(_TYPES) < 10_000:
            _TYPES[raw] = kind
    return kind


_TYPES: dict[str, str] = {}


def outcome(raw: str) -> str:
    key = " ".join(raw.lower().split())
    return OUTCOMES.get(key, key)[:60]


def session_type(raw: str) -> str:
    low = " ".join(raw.lower().replace("-", " ").replace("_", " ").split())
    return next((kind for word, kind in SESSION_WORDS if word in low), "other")


def role(raw: str) -> str:
    key = " ".join(raw.lower().replace("_", " ").split())
    if key not in ROLES:
        raise c.CellError(f"“{raw}” is not a role (use rep, manager, leader or sales ops)")
    return ROLES[key]


def driver(raw: str) -> str:
    key = "_".join(raw.lower().replace("→", " to ").replace("-", " ").split()).replace("opportunity", "opp")
    if key not in DRIVERS:
        raise c.CellError(f"“{raw}” is not a driver (use one of {', '.join(DRIVERS)})")
    return key


def status_word(raw: str) -> str:
    key = raw.strip().lower()
    if key not in STATUS_WORDS:
        raise c.CellError(f"“{raw}” is not a status (open, won or lost)")
    return STATUS_WORDS[key]


def time_of_day(raw: str) -> dt.time:
    found = _TIME.fullmatch(raw.strip())
    if not found:
        raise c.CellError(f"“{raw}” is not a time of day (write 14:30 or 2:30 PM)")
    hour, minute, second = int(found.group(1)), int(found.group(2)), int(found.group(3) or 0)
    if found.group(4):
        hour = hour % 12 + (12 if found.group(4).lower() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise c.CellError(f"“{raw}” is not a real time of day")
    return dt.time(hour, minute, second)


def month_start(raw: str, order: str | None) -> dt.date:
    """The first day of the month a period cell names: `2026-11`, `11/2026`, `Nov 2026` or any date in it."""
    text = raw.strip()
    found = _MONTH.fullmatch(text)
    if found:
        if found.group(1):
            year, month = int(found.group(1)), int(found.group(2))
        elif found.group(3):
            year, month = int(found.group(4)), int(found.group(3))
        else:
            year, month = int(found.group(6)), c.MONTHS.get(found.group(5).lower(), 0)
        if not 1 <= month <= 12:
            raise c.CellError(f"“{raw}” is not a month")
        return dt.date(year, month, 1)
    return c.parse_date(text, order).replace(day=1)


def email(raw: str) -> str:
    text = raw.strip().lower()
    if not _EMAIL.fullmatch(text):
        raise c.CellError(f"“{raw}” is not an email address")
    return text


def money(raw: str, mark: str | None) -> tuple[float, str | None]:
    value, currency = c.parse_amount(raw, mark)
    return float(Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)), currency


# ----------------------------------------------------------------------------- parsing a row


class Columns:
    """The mapped columns of a plan: (field, column index, header, parser), built once per file.

    A chunk is parsed a column at a time: each distinct cell of a column is parsed
    once (owners, types, outcomes and dates repeat), and a cell that cannot be read
    becomes a `CellError` in its place.
    """

    def __init__(self, plan: Plan, headers: list[str]) -> None:
        index = {h: i for i, h in enumerate(headers)}
        fields = field_map(plan.entity)
        self.parsers: list[tuple[str, int, str, Callable[[str], object]]] = []
        for key, header in plan.mapping.items():
            if header and header in index and key in fields and fields[key].kind != "info":
                self.parsers.append((key, index[header], header, _parser(fields[key].kind, key, plan)))
        self.header = {key: header for key, _, header, _ in self.parsers}
        self.index = {key: i for key, i, _, _ in self.parsers}
        self.keys = [key for key, _, _, _ in self.parsers]

    def parse(self, rows: list[list[str]]) -> tuple[list[list[object]], set[int]]:
        """Each mapped column parsed (None for an empty cell), and the rows with a cell that cannot be read."""
        columns: list[list[object]] = []
        bad: set[int] = set()
        for _, i, _, parse in self.parsers:
            texts = [row[i] for row in rows]
            parsed = {t: parse_cell(parse, t) for t in set(texts)}
            columns.append([parsed[t] for t in texts])
            if any(v.__class__ is c.CellError for v in parsed.values()):
                bad.update(j for j, t in enumerate(texts) if parsed[t].__class__ is c.CellError)
        return columns, bad

    def rejects(self, cells: list[str], values: tuple, line: int) -> list[Reject]:
        """The unreadable cells of one row, with their reasons."""
        return [
            Reject(line, header, cells[i], str(v))
            for (_, i, header, _), v in zip(self.parsers, values)
            if v.__class__ is c.CellError
        ]


def parse_cell(parse: Callable[[str], object], text: str) -> object:
    """One cell through `parse`: None when empty (or the parser's `empty` value), the CellError (not raised) when
    it cannot be read."""
    if not text or text.isspace():
        return getattr(parse, "empty", None)
    try:
        return parse(text)
    except c.CellError as err:
        return err


PARSED_KINDS = frozenset(
    {
        "date",
        "datetime",
        "time",
        "amount",
        "currency",
        "percent",
        "duration",
        "flag",
        "score",
        "count",
        "outcome",
        "role",
        "session_type",
        "driver",
        "status",
        "period",
        "period_type",
        "email",
    }
)  # kinds with a parser of their own; every other kind is trimmed text


def _parser(kind: str, key: str, plan: Plan) -> Callable[[str], object]:
    order = plan.date_orders.get(key)
    mark = plan.decimal_marks.get(key)
    limit = LIMITS.get(key)
    parsers = {
        "date": lambda t: c.parse_date(t, order),
        "datetime": lambda t: c.parse_datetime(t, order),
        "time": time_of_day,
        "amount": lambda t: money(t, mark),
        "currency": c.parse_currency,
        "percent": c.parse_percent,
        "duration": lambda t: c.parse_duration(t, plan.duration_unit),
        "flag": c.parse_flag,
        "score": c.parse_score,
        "count": c.parse_count,
        "outcome": outcome,
        "role": role,
        "session_type": session_type,
        "driver": driver,
        "status": status_word,
        "period": lambda t: month_start(t, order),
        "period_type": _period_type,
        "email": email,
    }
    if kind == "flag" and key in plan.empty_is_no:
        return _marks
    return parsers[kind] if kind in PARSED_KINDS else (lambda t: _text(t, limit))


def _marks(text: str) -> bool:
    """A yes/no cell of a column of check marks (`x`): an empty cell is no."""
    return c.parse_flag(text)


_marks.empty = False  # type: ignore[attr-defined]  # the value `parse_cell` gives an empty cell


def _text(raw: str, limit: int | None) -> str:
    text = raw.strip()
    if limit and len(text) > limit:
        raise c.CellError(f"is {len(text)} characters long; at most {limit} fit")
    return text


def _period_type(raw: str) -> str:
    key = raw.strip().lower()
    if key not in ("month", "quarter"):
        raise c.CellError(f"“{raw}” is not month or quarter")
    return key


# ----------------------------------------------------------------------------- building records


class Builder:
    """Rows → records for one plan. `people` matches persons; `create` adds the ones the plan asks for.

    A person cell that matches no one is an unknown owner: the row is rejected with a
    reason naming the cell, and the owner is listed in `unknown` (with the rows held),
    unless the plan adds that person (`add_people`, or `add_unknown_owners` for all).
    """

    def __init__(
        self,
        plan: Plan,
        headers: list[str],
        people: Directory,
        create: Callable[[str, str, str], int],
        stages: dict[str, str],
    ) -> None:
        self.plan, self.people, self.create = plan, people, create
        self.columns = Columns(plan, headers)
        self.stages = {**stages, **{k.lower(): v for k, v in plan.stages.items()}}
        self.build = getattr(self, "_" + plan.entity.replace(" ", "_"))
        self.new_people: dict[str, int] = {}
        self.unknown: dict[str, UnknownOwner] = {}
        self._headers = headers if wide.COLUMN_HEADER in headers else None  # long rows of a wide sheet

    def problems(self) -> list[str]:
        """What stops the whole file: required fields with no column."""
        missing = missing_fields(self.plan.entity, self.plan.mapping, self.plan.constants)
        return [
            f"The file has no column for **{label}**, which {self.plan.entity} need. "
            f"Choose the column in the mapping, or add it to the export."
            for label in missing
        ]

    def records(self, rows: list[list[str]], lines: list[int]) -> Iterator[tuple[int, dict | str | None, list[Reject]]]:
        """(line, record, rejects) per row: the record is None when rejected, SKIP when left out on purpose.

        Cells that cannot be read are all reported; only a row whose cells all read is
        checked as a whole (required values, dates in order, the owner), so an owner is
        never created for a row that is rejected.
        """
        columns, bad = self.columns.parse(rows)
        keys = self.columns.keys
        for j, values in enumerate(zip(*columns) if columns else ((),) * len(rows)):
            cells, line = rows[j], lines[j]
            if j in bad:
                yield line, None, self._named(cells, self.columns.rejects(cells, values, line))
                continue
            self._cells = cells
            try:
                yield line, self.build({k: v for k, v in zip(keys, values) if v is not None}), []
            except RowError as err:
                yield line, None, self._named(cells, [err.reject(line)])
            except RowErrors as errs:
                yield line, None, self._named(cells, [err.reject(line) for err in errs.errors])

    def _named(self, cells: list[str], rejects: list[Reject]) -> list[Reject]:
        """Rejects of a wide sheet's long row name the sheet's own column (`Q2 2025`)."""
        if self._headers is None:
            return rejects
        return [relabel(r, cells, self._headers) for r in rejects]

    # --- helpers ------------------------------------------------------------------------------

    def _need(self, values: dict, key: str) -> Any:  # the parsed value, of the field's kind
        if key not in values:
            label = field_map(self.plan.entity)[key].label
            raise RowError(self.columns.header.get(key, label), "", f"{label} is empty")
        return values[key]

    def _person(self, values: dict, key: str, email_key: str | None = None, role: str = "rep") -> int | None:
        """The person a cell names; None when empty. An unknown one is added only when the plan says so;
        otherwise the row is held (a RowError naming the cell, the owner listed in `unknown`)."""
        text = str(values.get(key, ""))
        address = str(values.get(email_key, "")) if email_key else ""
        if not text and not address:
            return None
        found = self.people.match(text, address)
        if found.person_id is not None:
            return found.person_id
        header = self.columns.header.get(key) or self.columns.header.get(email_key or "", key)
        if found.problem:
            raise RowError(header, text or address, found.problem)
        label = owner_label(found.name, found.email)
        choice = self.plan.add_people.get(label) or (role if self.plan.add_unknown_owners else None)
        if choice not in ADD_ROLES:
            if label not in self.unknown:
                self.unknown[label] = UnknownOwner(
                    label, found.name or found.email, found.email, visible(text or address), header, role
                )
            raise RowError(header, text or address, unknown_reason(text or address), owner=label)
        if label not in self.new_people:
            self.new_people[label] = self.create(found.name or found.email, found.email, choice)
        return self.new_people[label]

    def _persons(self, values: dict, cells: tuple[tuple[str, str], ...]) -> dict[str, int | None]:
        """Several person cells of one row (field → role), every problem reported at once."""
        found, errors = {}, []
        for key, role in cells:
            try:
                found[key] = self._person(values, key, role=role)
            except RowError as err:
                errors.append(err)
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise RowErrors(errors)
        return found

    # --- entities -----------------------------------------------------------------------------

    def _opportunities(self, v: dict) -> dict | str:
        status = v.get("status")
        if status == SKIP:
            return SKIP
        name, created = self._need(v, "name"), self._need(v, "created_date")
        stage = v.get("stage") or (status.capitalize() if status else self._need(v, "stage"))
        status = status or stage_status(stage, self.stages)
        close = {"won": v.get("won_time"), "lost": v.get("lost_time")}.get(status) or v.get("close_date")
        if close is None and status == "won":
            raise RowError(
                self.columns.header.get("won_time") or self._close_header(status),
                "",
                "won deal with no close date: give its close date, or it counts in no period",
            )
        if close is not None and close < created:
            raise RowError(
                self._close_header(status),
                self._raw(self._close_key(status)),
                f"closes on {day(close)}, before it was created on {day(created)}",
            )
        amount, currency = self._money(v)
        key = v.get("crm_id") or content_key(name, v.get("account"), created)
        return {
            "source": self.plan.source,
            "external_id": key,
            "owner_id": self._person(v, "owner", "owner_email"),
            "_account": v.get("account"),
            "name": name,
            "created_date": created,
            "close_date": close,
            "stage": stage,
            "status": status,
            "amount": amount,
            "currency": currency,
            "probability": v.get("probability"),
            "lead_source": v.get("lead_source"),
        }

    def _close_key(self, status: str) -> str:
        key = {"won": "won_time", "lost": "lost_time"}.get(status)
        return key if key in self.columns.header and self._raw(key) else "close_date"

    def _close_header(self, status: str) -> str:
        """The column a deal's close date is read from (its won / lost date when that is the column given)."""
        key = self._close_key(status)
        if key not in self.columns.header:
            key = next((k for k in (key, "close_date", "won_time", "lost_time") if k in self.columns.header), key)
        return self.columns.header.get(key, "Close date")

    def _raw(self, key: str) -> str:
        """The cell as written in the file for `key`."""
        i = self.columns.index.get(key)
        return self._cells[i].strip() if i is not None else ""

    def _money(self, v: dict) -> tuple[float | None, str]:
        amount, written = v.get("amount") or (None, None)
        column = v.get("currency")
        if written and column and written != column:
            raise RowError(
                self.columns.header.get("currency", "Currency"),
                column,
                f"the amount is written in {written} but the currency column says {column}",
            )
        return amount, column or written or self.plan.default_currency

    def _activities(self, v: dict) -> dict | str:
        if v.get("done") is False:
            return SKIP
        ts = self._need(v, "date")
        if "time" in v and ts.time() == dt.time():
            ts = dt.datetime.combine(ts.date(), v["time"])
        raw = v.get("type") or v.get("subtype") or self.plan.constants.get("type")
        key = v.get("crm_id") or content_key(
            v.get("owner"), v.get("owner_email"), ts, raw, v.get("subject"), v.get("account")
        )
        return {
            "source": self.plan.source,
            "external_id": key,
            "rep_id": self._person(v, "owner", "owner_email"),
            "ts": ts,
            "day": ts.date(),
            "type": activity_type(raw) if raw else "other",
            "raw_type": raw,
            "outcome": v.get("outcome"),
            "duration_s": v.get("duration"),
            "_account": v.get("account"),
            "opportunity_ref": v.get("opportunity"),
            "subject": v.get("subject"),
        }

    def _people(self, v: dict) -> dict:
        name = self._need(v, "name")
        hired, left = v.get("hire_date"), v.get("end_date")
        if hired and left and left < hired:
            raise RowError(
                self.columns.header.get("end_date", "End date"),
                day(left),
                f"{name}'s end date {day(left)} is before their hire date {day(hired)}: correct one of them",
            )
        return {
            "name": name,
            "email": v.get("email"),
            "role": v.get("role", "rep"),
            "_team": v.get("team"),
            "_manager": v.get("manager"),
            "hire_date": hired,
            "end_date": left,
            "active": v.get("active", still_here(left, dt.date.today())),
            "_alias": v.get("crm_user_id"),
        }

    def _accounts(self, v: dict) -> dict:
        return {"name": self._need(v, "name"), "tier": v.get("tier"), "is_target": v.get("is_target", False)}

    def _quotas(self, v: dict) -> dict | str:
        if not v.keys() & {"person", "person_email", "team"}:
            raise RowError(self.columns.header.get("person", "Person"), "", "give a person or a team for the quota")
        if str(v.get("person", "")).casefold() in TOTAL_ROWS:
            return SKIP  # a sheet's totals row: the sum of the rows above, not a person
        start, _ = self._need(v, "period_start"), self._need(v, "amount")
        amount, currency = self._money(v)
        person = self._person(v, "person", "person_email")
        return {
            "person_id": person,
            "_team": v.get("team") if person is None else None,
            "period": v.get("period", "month"),
            "period_start": start,
            "amount": amount,
            "currency": currency,
            "_person": owner_label(v.get("person", ""), v.get("person_email", "")) or v.get("team"),
        }

    def _coaching_sessions(self, v: dict) -> dict:
        day, kind = self._need(v, "date"), self._need(v, "type")
        self._need(v, "manager"), self._need(v, "rep")
        people = self._persons(v, (("manager", "manager"), ("rep", "rep"), ("scored_by", "manager")))
        scores = {d: v.get(d) for d in RUBRIC}
        row_id = v.get("session_id")
        return {
            "source": self.plan.source,
            "external_id": row_id or session_key(v),
            "_row_id": bool(row_id),
            "_manager": v["manager"],
            "_rep": v["rep"],
            "manager_id": people["manager"],
            "rep_id": people["rep"],
            "date": day,
            "type": kind,
            "duration_min": v.get("duration_min", 30),
            "focus_driver": v.get("focus_driver"),
            "focus_text": v.get("focus_text"),
            **scores,
            "scored_by_id": people["scored_by"],
            "notes": v.get("notes"),
        }


SESSION_PEOPLE = ("manager", "rep", "scored_by")


def session_key(values: dict) -> str:
    """An imported session without a row id: a digest of every field the file gives (people by name key),
    so only rows identical in every imported field are the same session."""
    parts = []
    for key in sorted(values):
        value = values[key]
        if key in SESSION_PEOPLE:
            value = name_key(str(value))
        elif isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        parts += [key, value]
    return content_key(*parts)


def still_here(end_date: dt.date | None, today: dt.date) -> bool:
    """A person's `active` when the file gives an end date but no Active value: no end date, or one not yet
    past on the day of the import (an Active value in the file wins)."""
    return end_date is None or end_date >= today


def written_columns(plan: Plan) -> set[str]:
    """The table columns an update may change: those the file has a column for (others keep their value)."""
    mapped = {k for k, h in plan.mapping.items() if h} | set(plan.constants)
    entity = plan.entity
    if entity == "opportunities":
        cols = {"owner_id", "name", "created_date", "stage", "status"}
        cols |= {"close_date"} if mapped & {"close_date", "won_time", "lost_time"} else set()
        cols |= {"amount", "currency"} if "amount" in mapped else set()
        cols |= {"currency"} if "currency" in mapped else set()
        return cols | {f for f in ("probability", "lead_source") if f in mapped} | _account(mapped)
    if entity == "activities":
        cols = {"rep_id", "ts", "day"} | ({"type", "raw_type"} if mapped & {"type", "subtype"} else set())
        cols |= {"duration_s"} if "duration" in mapped else set()
        cols |= {"opportunity_ref"} if "opportunity" in mapped else set()
        return cols | {f for f in ("outcome", "subject") if f in mapped} | _account(mapped)
    if entity == "people":
        extra = {"team": "team_id", "manager": "manager_id"}
        cols = {"name", "name_key"} | {
            extra.get(k, k) for k in mapped & {"email", "role", "team", "manager", "hire_date", "end_date", "active"}
        }
        return cols | ({"active"} if "end_date" in mapped else set())  # a leaver is no longer active
    if entity == "accounts":
        return mapped & {"tier", "is_target"}
    if entity == "quotas":
        return {"amount", "currency"}
    cols = {"manager_id", "rep_id", "date", "type"}  # a newer export of the same row id may correct them
    cols |= mapped & {"duration_min", "focus_driver", "focus_text", "notes", *RUBRIC}
    return cols | ({"scored_by_id"} if "scored_by" in mapped else set())


def _account(mapped: set[str]) -> set[str]:
    return {"account_id"} if "account" in mapped else set()


def relabel(reject: Reject, cells: list[str], headers: list[str]) -> Reject:
    """A reject of a long row named by the sheet's own column (`Q2 2025`, or the currency column), not a reshaped one."""
    if reject.column not in wide.SYNTHETIC:
        return reject
    where = wide.CURRENCY_FROM if reject.column == wide.CURRENCY_HEADER else wide.COLUMN_HEADER
    value = cells[headers.index(wide.CELL_HEADER)] if reject.column == wide.AMOUNT_HEADER else reject.value
    return dataclasses.replace(reject, column=cells[headers.index(where)], value=value)
