"""Records behind a figure (drill-down) and the aggregates the diagnosis pages need beyond `queries`.

Every record keeps its CRM id (`external_id`) so a sales leader can find it in the CRM. All SQL is
parameterised (SQLAlchemy Core); lists of ids are bound as expanding parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, case, func, literal, select

from breakthrough.store import cohort, open_pack, queries
from breakthrough.store.models import (
    Account,
    Activity,
    OpenStage,
    Opportunity,
    OpportunityHistory,
    Person,
)
from breakthrough.store.queries import as_date, read_frame
from breakthrough.store.rollups import MEETING_TYPES, NOT_HELD, is_target_account
from breakthrough.store.rows import as_dates, fetch

ACTIVITY_COLUMNS = ["CRM id", "Date", "Rep", "Type", "Outcome", "Account", "Subject", "Deal"]
DEAL_COLUMNS = [
    "CRM id",
    "Deal",
    "Rep",
    "Account",
    "Stage",
    "Status",
    "Amount",
    "Currency",
    "Created",
    "Close date",
    "In stage since",
]
LIMIT = 5_000  # a drill-down lists at most this many records (the figure says how many there are)
CHUNK = 900  # CRM ids bound per query


def _dates(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    for col in columns:
        frame[col] = frame[col].map(lambda d: as_date(d) if d is not None else None)
    return frame


def held_meeting():
    """A meeting or demo that took place (not a no-show, cancelled or only scheduled)."""
    return and_(Activity.type.in_(MEETING_TYPES), func.lower(func.coalesce(Activity.outcome, "")).not_in(NOT_HELD))


def activity_records(
    engine: Engine, rep_ids: Sequence[int], start: dt.date, end: dt.date, kind: str = "call", limit: int = LIMIT
) -> pd.DataFrame:
    """Calls (`kind="call"`) or meetings held (`kind="meeting"`) of the reps over [start, end], newest first."""
    what = Activity.type == "call" if kind == "call" else held_meeting()
    stmt = (
        select(Activity.external_id, Activity.day, Person.name, Activity.raw_type, Activity.outcome, Account.name,
               Activity.subject, Activity.opportunity_ref)
        .join(Person, Person.id == Activity.rep_id)
        .outerjoin(Account, Account.id == Activity.account_id)
        .where(Activity.rep_id.in_(list(rep_ids)), Activity.day.between(start, end), what)
        .order_by(Activity.ts.desc(), Activity.external_id)
        .limit(limit)
    )  # fmt: skip
    return _dates(read_frame(engine, stmt, ACTIVITY_COLUMNS), ["Date"])


def _deal_select():
    return (
        select(Opportunity.external_id, Opportunity.name, Person.name, Account.name, Opportunity.stage,
               Opportunity.status, Opportunity.amount, Opportunity.currency, Opportunity.created_date,
               Opportunity.close_date, Opportunity.stage_since)
        .join(Person, Person.id == Opportunity.owner_id)
        .outerjoin(Account, Account.id == Opportunity.account_id)
    )  # fmt: skip


def deal_records(
    engine: Engine,
    rep_ids: Sequence[int],
    status: str | None = None,
    closed: tuple[dt.date | None, dt.date | None] | None = None,
    created: tuple[dt.date, dt.date] | None = None,
    ids: Sequence[str] | None = None,
    limit: int = LIMIT,
) -> pd.DataFrame:
    """The reps' deals, filtered by status, close-date range, created range or CRM ids; latest close first.

    Many CRM ids are looked up in chunks (databases cap bound parameters); at most `limit` of them.
    """
    if ids is not None and len(ids) > CHUNK:
        ids = list(ids)[:limit]
        parts = [deal_records(engine, rep_ids, status, closed, created, ids[i: i + CHUNK], limit)
                 for i in range(0, len(ids), CHUNK)]  # fmt: skip
        return pd.concat(parts, ignore_index=True).sort_values(["Close date", "CRM id"], ascending=[False, True],
                                                               na_position="last", ignore_index=True)  # fmt: skip
    stmt = _deal_select().where(Opportunity.owner_id.in_(list(rep_ids)))
    if status is not None:
        stmt = stmt.where(Opportunity.status.in_(status.split("+")))
    if closed is not None:
        lo, hi = closed
        stmt = stmt.where(
            *([Opportunity.close_date >= lo] if lo else []), *([Opportunity.close_date <= hi] if hi else [])
        )
    if created is not None:
        stmt = stmt.where(Opportunity.created_date.between(*created))
    if ids is not None:
        stmt = stmt.where(Opportunity.external_id.in_(list(ids)))
    stmt = stmt.order_by(Opportunity.close_date.desc(), Opportunity.external_id).limit(limit)
    return _dates(read_frame(engine, stmt, DEAL_COLUMNS), ["Created", "Close date", "In stage since"])


def open_deals(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """Every open deal with an owner, with the last activity logged against it up to `as_of` (for hygiene).

    Read from the `open_deal_pack` rollup (one row per owner, `open_pack.deals`), its last activity from
    `deal_activity`; only a deal with activity after a past as-of date has its last day up to then looked
    up among its own activity rows (one index seek). A listing adds name and amount with `deal_details`.
    """
    return _last_up_to(engine, open_pack.deals(engine, as_of), as_of)


def open_deal_days(engine: Engine, as_of: dt.date) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """`open_deals`, and its dates (created, close_date, stage_since, last_activity) as ordinals in its order
    (floats, NaN where there is none: `open_pack.ordinals`), as the rollup holds them."""
    frame, days = open_pack.deal_days(engine, as_of)
    late = np.flatnonzero(days["last_activity"] > as_of.toordinal())  # the rows `_last_up_to` looks up again
    frame = _last_up_to(engine, frame, as_of, late)
    if len(late):
        found = frame["last_activity"].to_numpy(dtype=object)[late]
        days["last_activity"] = days["last_activity"].copy()
        days["last_activity"][late] = [np.nan if d is None else float(d.toordinal()) for d in found]
    return frame, days


def close_date_days(engine: Engine, as_of: dt.date) -> tuple[pd.DataFrame, np.ndarray]:
    """`close_date_history`, and its close dates as ordinals in its order (NaN where there is none)."""
    return open_pack.history_days(engine, as_of)


def open_deal_arrays(engine: Engine, as_of: dt.date) -> open_pack.OpenDeals:
    """`open_deal_days`' deals and `close_date_days`' history as arrays in the rollup's order, without texts or
    dates (`open_pack.deal_arrays`): the same last activity days up to `as_of`."""
    deals = open_pack.deal_arrays(engine, as_of)
    late = np.flatnonzero(deals.days["last_activity"] > as_of.toordinal())  # the rows `_last_up_to` looks up again
    if len(late):
        ids, last = deals.ids[late].tolist(), deals.days["last_activity"]
        found = {i: np.nan if d is None else float(d.toordinal()) for i, d in _last_days(engine, ids, as_of).items()}
        last[late] = [found.get(i, v) for i, v in zip(ids, last[late].tolist())]
    return deals


def open_deal_texts(engine: Engine, as_of: dt.date, rep_ids: Sequence[int]) -> pd.DataFrame:
    """The CRM id, stage and close date of these reps' open deals (of `open_deals`), by id: what a listing of the
    deals of `open_deal_arrays` shows, read for its reps only."""
    found = open_pack.deal_days(engine, as_of, rep_ids)[0][["id", "crm_id", "stage", "close_date"]]
    return found.astype({"id": np.int64}) if found.empty else found  # typed, so that it merges on `id`


DETAIL_COLUMNS = ["id", "deal", "amount", "currency"]


def deal_details(engine: Engine, ids: Sequence[int]) -> pd.DataFrame:
    """Name, amount and currency of these deals (by opportunity id), for a listing."""
    o, ids = Opportunity, [int(i) for i in ids]
    parts = [read_days(engine, select(o.id, o.name, o.amount, o.currency).where(o.id.in_(ids[i: i + CHUNK])),
                       DETAIL_COLUMNS, ()) for i in range(0, len(ids), CHUNK)]  # fmt: skip
    if not parts:  # typed, so that it merges with the flags on `id`
        return pd.DataFrame(
            {"id": np.array([], dtype=np.int64), "deal": [], "amount": np.array([], dtype=float), "currency": []},
            columns=DETAIL_COLUMNS,
        )
    return pd.concat(parts, ignore_index=True)


def read_days(engine: Engine, stmt, columns: list[str], days: Sequence[str]) -> pd.DataFrame:
    """`read_frame` through `rows.fetch`: the `days` columns become dates (or None) a column at a time."""
    rows = fetch(engine, stmt)
    values = list(zip(*rows)) if rows else [()] * len(columns)
    return pd.DataFrame({name: _column(name, v, days) for name, v in zip(columns, values)}, columns=columns)


def _column(name: str, values: tuple, days: Sequence[str]):
    """One column of driver values: days as dates, amounts as numbers, the rest as they come."""
    if name in days:
        return as_dates(values)
    if name == "amount":  # PostgreSQL gives decimals, SQLite numbers as stored (as the Money type gives them)
        return [float(v) if isinstance(v, Decimal) else v for v in values]
    return list(values)


def _last_up_to(engine: Engine, frame: pd.DataFrame, as_of: dt.date, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Deals whose last activity is after `as_of` get their last activity up to `as_of` from the raw rows (`rows`:
    the positions of those deals, when known)."""
    last = frame["last_activity"]
    if rows is None:
        late = [d for d in pd.unique(last.to_numpy(dtype=object)) if d is not None and d > as_of]  # each day once
        later = frame["id"][last.isin(late)].tolist() if late else []
    else:
        later = frame["id"].to_numpy()[rows].tolist()
    if later:
        found = _last_days(engine, later, as_of)
        frame["last_activity"] = [found.get(i, d) for i, d in zip(frame["id"], frame["last_activity"])]
    return frame


def _last_days(engine: Engine, ids: list[int], as_of: dt.date) -> dict[int, dt.date | None]:
    """Each of these deals' last activity day up to `as_of` (None: none), from its own activity rows."""
    found: dict[int, dt.date | None] = {}
    for part in (ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)):
        days = read_days(engine, _last_activity(part, as_of), ["id", "day"], ["day"])
        found.update(zip(days["id"].tolist(), days["day"].tolist()))
    return found


def _last_activity(ids: list[int], as_of: dt.date):
    """(deal id, its last activity day up to `as_of`) of these deals: one index seek each (ix_activity_deal_day)."""
    last = (
        select(func.max(Activity.day))
        .where(
            Activity.opportunity_ref == Opportunity.external_id,
            Activity.source == Opportunity.source,
            Activity.day <= as_of,
        )
        .correlate(Opportunity)
        .scalar_subquery()
    )
    return select(Opportunity.id, last).where(Opportunity.id.in_(ids))


def close_date_history(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """Earlier close dates of open deals with an owner, recorded up to `as_of`, oldest change first
    (`open_pack.history`)."""
    return open_pack.history(engine, as_of)


COHORT_COLUMNS = cohort.COLUMNS


def stage_cohort(engine: Engine, start: dt.date, end: dt.date, order: Sequence[str] | None = None) -> pd.DataFrame:
    """Deals created in [start, end] with an owner, counted per rep, currency and furthest stage reached.

    `reached` is the index (into `pipeline.stages(order)`) of the furthest stage, as `pipeline`'s docstring
    defines it: a won deal reached Won; an open deal its current stage; any deal the furthest stage
    recorded in its history; else the first stage. `deals` counts them and `amount` sums their amounts
    (NaN when none has one), read from the `stage_cohort` rollup (`cohort.read`: one row per owner). The
    deals behind a stage are listed by `deals_reaching`. `order`: `stage_order(engine)` unless given.
    """
    return cohort.read(engine, start, end, stage_order(engine) if order is None else order)


def deals_reaching(
    engine: Engine, start: dt.date, end: dt.date, order: Sequence[str], rep_ids: Sequence[int], level: int
) -> list[str]:
    """CRM ids of the reps' deals created in [start, end] that reached stage `level` of `pipeline.stages(order)`."""
    o, history = Opportunity, _history_reach(order)
    reached = _later(_current(order), func.coalesce(history.c.reached, 0))
    stmt = (select(o.external_id).outerjoin(history, history.c.id == o.id)
            .where(o.owner_id.in_([int(i) for i in rep_ids]), o.created_date.between(start, end), reached >= level)
            .order_by(o.id))  # fmt: skip
    with engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


def _current(order: Sequence[str]):
    """SQL: how far a deal's current stage and status take it (Won for a won deal, else its open stage)."""
    o = Opportunity
    return case((o.status == "won", len(order)), (o.status == "open", _position(o.stage, order)), else_=0)


def _later(a, b):
    """SQL: the greater of two stage indexes."""
    return case((a >= b, a), else_=b)


def _position(stage, order: Sequence[str]):
    """SQL: the stage's index in `order` (0 for a stage not in it)."""
    return case({name: i for i, name in enumerate(order)}, value=stage, else_=0) if order else literal(0)


def _history_reach(order: Sequence[str]):
    """Per deal with history: the furthest stage of `order` its history records (history is small: one
    row per change)."""
    h = OpportunityHistory
    return (
        select(h.opportunity_id.label("id"), func.max(_position(h.stage, order)).label("reached"))
        .group_by(h.opportunity_id)
        .subquery("history_reach")
    )


def stage_order(engine: Engine) -> list[str]:
    """Open stages in sales order: by their average probability (a missing one as 0), then by name — read from
    the `open_stage` rollup (a row per stage: its open deals and their probabilities summed)."""
    rows = fetch(engine, select(OpenStage.stage, OpenStage.deals, OpenStage.probability))
    return [stage for _, stage in sorted((p / n, stage) for stage, n, p in rows)]  # a stage once: no ties


def target_activity(engine: Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per rep over [start, end] (the reps with any, by id): activities with an account, and those on target
    accounts (`target_activity_day` summed over the window: two look-ups per rep in its running totals,
    `target_running`)."""
    found = queries.target_totals(engine, {"w": (start, end, ("with_account", "on_target"))})
    frame = pd.DataFrame({"rep_id": np.asarray(found["rep_id"], dtype=np.int64),
                          **{c: np.asarray(found[f"w_{c}"], dtype=float) for c in ("with_account", "on_target")}})  # fmt: skip
    return frame[frame["with_account"] > 0].sort_values("rep_id", kind="stable").set_index("rep_id")


def has_targets(engine: Engine) -> bool:
    """True when any account carries a target flag or a target tier."""
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(Account).where(is_target_account())).scalar())
