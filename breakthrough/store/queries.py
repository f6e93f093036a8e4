"""Read-only queries the pages need, as small DataFrames.

Figures over a window of dates come from running totals (`activity_running`,
`opportunity_running`): each window is two look-ups per rep, whatever its length.
Won-deal cycles come packed, one row per owner (`won_deal_cycles`). Only raw-record
queries (`*_records`) read individual rows, for drill-down. All SQL is parameterised.

The statements every Overview reads run straight on the driver's cursor (`driver_rows`), and their
text columns become pandas' `str` columns straight from Arrow (`text_column`): the same values and
dtypes, without SQLAlchemy's and pandas' work per row and per value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any, overload

import numpy as np
import pandas as pd
from sqlalchemy import (
    BigInteger,
    Connection,
    Date,
    Engine,
    Float,
    Numeric,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from breakthrough.metrics import tenure
from breakthrough.store.models import (
    ActivityDaily,
    ActivityRepDay,
    ActivityRunning,
    Opportunity,
    OpportunityRunning,
    Person,
    Quota,
    Setting,
    TargetRunning,
    Team,
    WonDealCycles,
)
from breakthrough.store.packing import EPOCH
from breakthrough.store.rollups import unpack_cycles
from breakthrough.store.text import text_column

Window = tuple[dt.date | None, dt.date, tuple[str, ...]]  # first day (None: from the start), last day, totals
Bind = Engine | Connection  # query functions take an engine, or a connection to share between several


@contextmanager
def connected(bind: Bind, autocommit: bool = True) -> Iterator[Connection]:
    """A connection to read with: the one given, or a new one from the engine, returned to its pool afterwards.

    On PostgreSQL a new one reads in autocommit mode unless asked otherwise, sparing the round trips of
    opening and rolling back a transaction around a single query (SQLite has none to spare). A transaction
    it opens ends with a commit, not a rollback: psycopg forgets its prepared statements on a rollback.
    """
    if isinstance(bind, Connection):
        yield bind
    else:
        with bind.connect() as conn:
            if autocommit and conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn
            conn.commit()


def driver_rows(conn: Connection, stmt, params: Mapping | None = None, binary: bool = False) -> list[tuple]:
    """The rows of `stmt` (with bound `params`) as the database driver gives them: plain tuples, no
    SQLAlchemy rows and no result conversions (SQLite gives dates as ISO text and booleans as 0 or 1).

    The statement is compiled once per dialect and run on the driver's cursor, which spares SQLAlchemy's
    work on every execution (about 0.15 ms a statement). Its parameters are bound as SQLAlchemy binds them:
    the values of every bind (literal ones included), dates as ISO text for SQLite. `binary`: PostgreSQL
    sends the values in binary (bytes as they are, not as hex text to decode).
    """
    compiled = _compiled(stmt, conn.dialect)
    bound = compiled.construct_params(dict(params or {}))
    args = tuple(_sqlite_value(bound[name]) for name in compiled.positiontup) if compiled.positional else bound
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None  # None only once the connection is closed or invalidated
    cursor = dbapi.cursor()
    try:
        cursor.execute(compiled.string, args, **({"binary": True} if binary else {}))
        return cursor.fetchall()  # type: ignore[return-value]  # the drivers give a list
    finally:
        cursor.close()


@lru_cache(maxsize=256)
def _compiled(stmt, dialect):
    """`stmt` compiled for `dialect` (statements and dialects are long-lived objects: each compiled once)."""
    compiled = stmt.compile(dialect=dialect)
    if compiled.literal_execute_params or compiled.post_compile_params:
        raise ValueError("driver_rows takes statements whose parameters are all bound at execution")
    return compiled


def _sqlite_value(value):
    """A bound value as SQLAlchemy hands it to SQLite: a date as ISO text, anything else as it is."""
    return value.isoformat() if type(value) is dt.date else value


def read_frame(engine: Bind, stmt, columns: list[str], params: dict | None = None) -> pd.DataFrame:
    """The rows of `stmt` (with bound `params`) as a DataFrame with `columns`."""
    with connected(engine) as conn:
        rows = conn.execute(stmt, params or {}).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def read_columns(
    engine: Bind, stmt, columns: list[str], params: dict | None = None, joins_as_written: bool = False
) -> dict[str, np.ndarray]:
    """The rows of `stmt` as one array per column (text as Python strings), for figures worked out with numpy.

    `joins_as_written`: PostgreSQL runs the joins in the written order instead of planning every order
    (seven joined look-ups take it ~4 ms to plan, ~1 ms to run). Only numbers and text: the rows come
    straight from the driver (`driver_rows`).
    """
    with connected(engine, autocommit=not joins_as_written) as conn:
        if joins_as_written and conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL join_collapse_limit = 1")  # this transaction only
        rows = driver_rows(conn, stmt, params)
    values = list(zip(*rows)) if rows else [()] * len(columns)
    return {name: _array(column) for name, column in zip(columns, values)}


def _array(values: tuple) -> np.ndarray:
    found = np.array(values)
    return found.astype(object) if found.dtype.kind == "U" else found


def _people_statement():
    manager = aliased(Person)
    return (
        select(
            Person.id,
            Person.name,
            Person.email,
            Person.role,
            Person.team_id,
            Team.name.label("team"),
            Person.manager_id,
            manager.name.label("manager"),
            Person.hire_date,
            Person.end_date,
            Person.active,
        )
        .outerjoin(Team, Team.id == Person.team_id)
        .outerjoin(manager, manager.id == Person.manager_id)
        .order_by(Person.name)
    )


PEOPLE = _people_statement()  # built once: the statement is the same on every call
PEOPLE_COLUMNS = [
    "id",
    "name",
    "email",
    "role",
    "team_id",
    "team",
    "manager_id",
    "manager",
    "hire_date",
    "end_date",
    "active",
]
REPS = PEOPLE.where(Person.role == "rep")  # leavers too: who is in a span's figures is `tenure.present`'s to say


PEOPLE_TEXT = ("name", "email", "role", "team", "manager")


def people(engine: Bind) -> pd.DataFrame:
    """Everyone, with team and manager names; indexed by person id."""
    with connected(engine) as conn:
        rows = driver_rows(conn, PEOPLE)
    if not rows:
        return pd.DataFrame([], columns=PEOPLE_COLUMNS).set_index("id")
    values: dict[str, Sequence] = dict(zip(PEOPLE_COLUMNS, zip(*rows)))  # by column: the frame rows give, faster
    values["hire_date"] = [as_date(d) for d in values["hire_date"]]  # SQLite: ISO text
    values["end_date"] = [as_date(d) for d in values["end_date"]]
    values["active"] = [None if a is None else bool(a) for a in values["active"]]  # SQLite: 0 or 1
    columns = {name: text_column(v) if name in PEOPLE_TEXT else v for name, v in values.items() if name != "id"}
    return pd.DataFrame(columns, index=pd.Index(np.array(values["id"], dtype=np.int64), name="id"))


def period_reps(engine: Bind, first: dt.date, last: dt.date) -> list:
    """The reps in the figures of the days [first, last] (who worked here during some part of them:
    `tenure.present`) as rows with `people`'s columns (`id`, `name`, `team_id`, `team`, `manager`…), in its
    order (as the driver gives them: see `driver_rows`)."""
    return present_rows(rep_rows(engine), first, last)


def rep_rows(engine: Bind) -> list:
    """Every rep, leavers too, as rows with `people`'s columns in its order (what `period_reps` keeps from)."""
    with connected(engine) as conn:
        return driver_rows(conn, REPS)


def present_rows(rows: list, first: dt.date, last: dt.date) -> list:
    """The `rep_rows` of the reps in the figures of the days [first, last] (`tenure.present`)."""
    if not rows:
        return rows
    hire, end, active = (PEOPLE_COLUMNS.index(c) for c in ("hire_date", "end_date", "active"))
    kept = tenure.present([r[hire] for r in rows], [r[end] for r in rows], [r[active] for r in rows], first, last)
    return [row for row, keep in zip(rows, kept.tolist()) if keep]


TEAMS = select(Team.id, Team.name, Team.parent_id).order_by(Team.name)


def teams(engine: Bind) -> pd.DataFrame:
    """Every team (`id`, `name`, `parent_id`), by name."""
    with connected(engine) as conn:
        rows = driver_rows(conn, TEAMS)
    if not rows:
        return pd.DataFrame([], columns=["id", "name", "parent_id"])
    ids, names, parents = zip(*rows)  # column by column, as `people`
    return pd.DataFrame({"id": ids, "name": text_column(names), "parent_id": parents})


def last_data_day(engine: Bind) -> dt.date | None:
    """The latest day any activity or opportunity event is dated."""
    days = _both(engine, func.max(ActivityDaily.day), func.max(Opportunity.created_date))
    return max(days) if days else None


def first_data_day(engine: Bind) -> dt.date | None:
    """The earliest day any activity or opportunity event is dated."""
    days = _both(engine, func.min(ActivityDaily.day), func.min(Opportunity.created_date))
    return min(days) if days else None


def _both(engine: Bind, *aggregates) -> list[dt.date]:
    """The values of these one-row aggregates, in one round trip (missing ones left out)."""
    with connected(engine) as conn:
        row = conn.execute(select(*(select(a).scalar_subquery() for a in aggregates))).one()
    return [d for d in map(as_date, row) if d is not None]


@overload
def as_date(value: str | dt.date) -> dt.date: ...
@overload
def as_date(value: object) -> dt.date | None: ...
def as_date(value) -> dt.date | None:
    """A date from what a driver returns (SQLite gives ISO text); None for a missing value."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def is_demo(engine: Bind) -> bool:
    with connected(engine) as conn:
        return bool(conn.execute(select(Setting.value).where(Setting.key == "demo")).scalar())


@dataclass(frozen=True)
class FrameFacts:
    """What the frame around every page reads: people, teams, the data's first and last day, the demo flag."""

    people: pd.DataFrame
    teams: pd.DataFrame
    first_day: dt.date | None
    last_day: dt.date | None
    demo: bool


SPAN_AND_DEMO = select(
    *(
        select(a).scalar_subquery()
        for a in (
            func.min(ActivityDaily.day),
            func.min(Opportunity.created_date),
            func.max(ActivityDaily.day),
            func.max(Opportunity.created_date),
            select(Setting.value).where(Setting.key == "demo").scalar_subquery(),
        )
    )
)


def frame_facts(engine: Bind) -> FrameFacts:
    """`people`, `teams`, `first_data_day`, `last_data_day` and `is_demo` in three reads on one connection."""
    with connected(engine) as conn:
        found_people, found_teams = people(conn), teams(conn)
        first_activity, first_deal, last_activity, last_deal, demo = conn.execute(SPAN_AND_DEMO).one()
    first = [d for d in (as_date(first_activity), as_date(first_deal)) if d is not None]
    last = [d for d in (as_date(last_activity), as_date(last_deal)) if d is not None]
    return FrameFacts(found_people, found_teams, min(first, default=None), max(last, default=None), bool(demo))


def quota_parts(
    engine: Bind,
    ends: list[dt.date],
    quarters: list[dt.date],
    start: dt.date,
    currencies: list[str],
    through: dt.date | None = None,
) -> dict[str, np.ndarray]:
    """Person quota amounts starting in [start, ends[-1]], summed per key and currency, as columns:

    - `key` = ((person id × len(ends) + period) × len(quarters) + quarter) × 2 + (1 for a quarter row, 0 for a
      month row), where `period` is the index of the first of `ends` on or after the row's start and `quarter`
      the index of the last of `quarters` (quarter starts) on or before it;
    - `amount`, and `currency`: its index in `currencies` (−1 for any other);
    - `start`, `hire`, `end`: for a person hired after `start` or leaving before `through` (the last day of
      any row's span; `ends[-1]` when None), each row apart with its own first day and the person's hire
      and end dates inside the window, for `tenure.employed_share`; None on everyone else's rows.
    """
    stmt = _quota_statement(len(ends), len(quarters), len(currencies))
    params: dict[str, object] = {"start": start, "through": through or ends[-1]}
    params |= {f"end_{i}": d for i, d in enumerate(ends)}
    params |= {f"q_{i}": d for i, d in enumerate(quarters)} | {f"c_{i}": c for i, c in enumerate(currencies)}
    return read_columns(engine, stmt, ["key", "amount", "currency", "start", "hire", "end"], params)


@lru_cache(maxsize=16)
def _quota_statement(n_ends: int, n_quarters: int, n_currencies: int):
    day = lambda name: bindparam(name, type_=Date)  # noqa: E731
    q = Quota
    period = case(*[(q.period_start <= day(f"end_{i}"), i) for i in range(n_ends)], else_=n_ends)
    steps = [(q.period_start < day(f"q_{i}"), i - 1) for i in range(1, n_quarters)]
    quarter = case(*steps, else_=n_quarters - 1) if steps else literal(0)
    key = ((cast(q.person_id, BigInteger) * n_ends + period) * n_quarters + quarter) * 2 + case(
        (q.period == "quarter", 1), else_=0
    )
    found = [(q.currency == bindparam(f"c_{i}"), i) for i in range(n_currencies)]
    currency = case(*found, else_=-1) if found else literal(-1)
    hired, left = Person.hire_date > day("start"), Person.end_date < day("through")  # employed part of the window
    row_start = case((or_(hired, left), q.period_start), else_=None)
    hire, end = case((hired, Person.hire_date), else_=None), case((left, Person.end_date), else_=None)
    # each row's key and parts worked out once (a materialised CTE: grouped and ordered by the expressions
    # themselves, SQLite works each out three times a row)
    rows = (
        select(key.label("key"), q.amount.label("amount"), currency.label("currency"), row_start.label("row_start"),
               hire.label("hire"), end.label("end"))
        .join(Person, Person.id == q.person_id)
        .where(q.period_start.between(day("start"), day(f"end_{n_ends - 1}")))
        .cte("quota_rows")
        .prefix_with("MATERIALIZED")
    )  # fmt: skip
    r = rows.c
    return (
        select(r.key, cast(func.sum(r.amount), Float), r.currency, r.row_start, r.hire, r.end)  # PostgreSQL: a float
        .group_by(r.key, r.currency, r.row_start, r.hire, r.end)  # a quarter's months in one row per currency, but a
        .order_by(r.key, r.currency, r.row_start)  # leaver's or new hire's months apart: each prorated on its own
    )


def activity_totals(engine: Bind, windows: Mapping[str, Window]) -> dict[str, np.ndarray]:
    """Per rep (`rep_id`), each window's totals (`calls`, `meetings_held`, `emails`, `activities`) as
    columns `<window>_<total>`."""
    return read_columns(engine, *_window_totals(ActivityRunning, ("rep_id",), windows), joins_as_written=True)


def target_totals(engine: Bind, windows: Mapping[str, Window]) -> dict[str, np.ndarray]:
    """Per rep (`rep_id`), each window's activities on an account and on a target account (`with_account`,
    `on_target`, from `target_running`) as columns `<window>_<total>`."""
    return read_columns(engine, *_window_totals(TargetRunning, ("rep_id",), windows), joins_as_written=True)


def deal_totals(engine: Bind, windows: Mapping[str, Window]) -> dict[str, np.ndarray]:
    """Per owner (`rep_id`) and `currency`, each window's deal totals as columns `<window>_<total>`.

    Totals: `won`, `lost`, `open` (deals with that status and close date in the window), `won_amount`,
    `open_amount` (their amounts, in the deal's currency) and `created` (deals created in the window).
    """
    columns = read_columns(
        engine, *_window_totals(OpportunityRunning, ("owner_id", "currency"), windows), joins_as_written=True
    )
    return {"rep_id" if name == "owner_id" else name: values for name, values in columns.items()}


def _window_totals(model, keys: tuple[str, ...], windows: Mapping[str, Window]) -> tuple[Any, list[str], dict]:
    """(statement, columns, parameters): one row per key, each window's totals.

    The statement depends only on the windows' shape, so it is built once and reused with new days.
    """
    days: list[dt.date] = []
    shape = tuple((name, _day_index(days, first, last, lower=True), _day_index(days, first, last, lower=False),
                   totals) for name, (first, last, totals) in windows.items())  # fmt: skip
    stmt, columns = _totals_statement(model, keys, shape, len(days))
    return stmt, columns, {f"day_{i}": day for i, day in enumerate(days)}


def _day_index(days: list[dt.date], first: dt.date | None, last: dt.date, lower: bool) -> int | None:
    """Which boundary day a window subtracts (the day before its first) or adds (its last); None for none."""
    if first is not None and first > last:
        return None  # an empty window
    day = (None if first is None else first - dt.timedelta(days=1)) if lower else last
    if day is None:
        return None
    if day not in days:
        days.append(day)
    return days.index(day)


@lru_cache(maxsize=64)
def _totals_statement(model, keys: tuple[str, ...], shape: tuple, n_days: int) -> tuple:
    """Each window's total as (total through its last day) − (total through the day before its first).

    Every key has a row on every day of a running table: the rows of the table's last day list the keys,
    and the total through a day is the row of the last table day on or before it (none before the first).
    """
    t = model.__table__
    through = [t.alias(f"through_{i}") for i in range(n_days)]
    everyone = t.alias("everyone")
    columns = [_difference(through, upper, lower, total).label(f"{name}_{total}")
               for name, lower, upper, totals in shape for total in totals]  # fmt: skip
    stmt = select(*(everyone.c[k] for k in keys), *columns).select_from(everyone)
    for i, rows in enumerate(through):
        day = bindparam(f"day_{i}", type_=Date)
        on_or_before = select(func.max(t.c.day)).where(t.c.day <= day).scalar_subquery()
        stmt = stmt.outerjoin(rows, and_(rows.c.day == on_or_before, *(rows.c[k] == everyone.c[k] for k in keys)))
    stmt = stmt.where(everyone.c.day == select(func.max(t.c.day)).scalar_subquery())
    return stmt, [*keys, *(f"{name}_{total}" for name, _, _, totals in shape for total in totals)]


def _difference(through: list, upper: int | None, lower: int | None, total: str):
    """Total through the upper day minus the total through the lower one (0 where a side has no row)."""
    if upper is None:
        return literal(0)
    high = func.coalesce(through[upper].c[total], 0)
    found = high if lower is None else high - func.coalesce(through[lower].c[total], 0)
    return cast(found, Float) if isinstance(through[upper].c[total].type, Numeric) else found  # no Decimals


def weekly_activity(engine: Engine, rep_id: int, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One rep's calls and meetings held per day over [start, end] (from the rollup)."""
    t = ActivityRepDay
    stmt = select(t.day, t.calls, t.meetings_held).where(t.rep_id == rep_id, t.day.between(start, end))
    frame = read_frame(engine, stmt, ["day", "calls", "meetings"])
    frame["day"] = frame["day"].map(as_date)
    return frame


def won_cycles(engine: Bind, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Days from created to closed of every won deal closed in [start, end], per owner (from `won_deal_cycles`)."""
    return cycles_frame(*won_cycle_arrays(engine, start, end))


def won_cycle_arrays(engine: Bind, start: dt.date, end: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """`won_cycles` as two arrays: each deal's owner id (int64) and its cycle in days (float)."""
    return won_cycles_inside(won_cycles_unpacked(engine), start, end)


@dataclass(frozen=True)
class WonCycles:
    """Every won deal of `won_deal_cycles`, owner by owner (ascending id): close day (days since EPOCH), cycle."""

    owners: np.ndarray  # int64, each owner once
    deals: np.ndarray  # int64, how many deals each owner has
    close: np.ndarray
    cycle: np.ndarray


def won_cycles_unpacked(engine: Bind) -> WonCycles:
    """The whole `won_deal_cycles` rollup unpacked, to cut several windows from (`won_cycles_inside`)."""
    with connected(engine) as conn:
        rows = _packed_cycles(conn)
    close, cycle = unpack_cycles(b"".join(r[2] for r in rows), b"".join(r[3] for r in rows))
    owners, deals = (np.array([r[i] for r in rows], dtype=np.int64) for i in (0, 1))
    return WonCycles(owners, deals, close, cycle)


def won_cycles_inside(found: WonCycles, start: dt.date, end: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """`won_cycle_arrays` for the deals closed in [start, end] among `found`."""
    inside = (found.close >= start.toordinal() - EPOCH) & (found.close <= end.toordinal() - EPOCH)
    ends = np.cumsum(found.deals)  # where each owner's deals end
    kept = np.diff(np.r_[0, np.cumsum(inside)][np.r_[0, ends]])  # each owner's deals inside the window
    return np.repeat(found.owners, kept), found.cycle[inside].astype(float)


def cycles_frame(owners: np.ndarray, days: np.ndarray) -> pd.DataFrame:
    """The `won_cycles` frame of these arrays (an empty frame keeps its two columns)."""
    if not len(owners):
        return pd.DataFrame({"rep_id": pd.Series(dtype=object), "days": pd.Series(dtype=float)})
    return pd.DataFrame({"rep_id": owners, "days": days}, copy=False)  # the arrays as they are: nothing changes them


WON_CYCLES = select(WonDealCycles.owner_id, WonDealCycles.deals, WonDealCycles.close_days, WonDealCycles.cycle_days)


def _packed_cycles(conn: Connection) -> list:
    """`won_deal_cycles` rows by owner id; PostgreSQL sends them in binary (bytes as they are, not as hex text).

    Sorted here, not by the database: PostgreSQL would sort the wide rows (~0.2 ms of its time)."""
    return sorted(driver_rows(conn, WON_CYCLES, binary=conn.dialect.name == "postgresql"), key=itemgetter(0))


def opportunity_records(engine: Engine, rep_id: int, status: str | None = None) -> pd.DataFrame:
    """One rep's deals, newest close date first (drill-down to records)."""
    stmt = select(
        Opportunity.external_id,
        Opportunity.name,
        Opportunity.stage,
        Opportunity.status,
        Opportunity.amount,
        Opportunity.currency,
        Opportunity.created_date,
        Opportunity.close_date,
    ).where(Opportunity.owner_id == rep_id)
    if status is not None:
        stmt = stmt.where(Opportunity.status == status)
    stmt = stmt.order_by(Opportunity.close_date.desc())
    cols = ["CRM id", "Deal", "Stage", "Status", "Amount", "Currency", "Created", "Close date"]
    frame = read_frame(engine, stmt, cols)
    for col in ("Created", "Close date"):
        frame[col] = frame[col].map(lambda d: as_date(d) if d is not None else None)
    return frame
