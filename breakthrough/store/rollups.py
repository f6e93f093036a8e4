"""Aggregates that page figures read instead of raw rows.

`activity_daily` holds activity counts per rep, day, type and outcome;
`activity_rep_day` condenses it to what the pages count per rep and day (calls,
meetings held, emails, all activities). Every writer of activities keeps them in
step with the raw rows inside its own transaction: the demo generator and undo call
`refresh_activity_daily` for the reps and days they touched; the importer adds the
counts of what it wrote to `activity_daily` and calls `refresh_from_daily`.

Running totals make any date window two look-ups instead of a scan of one row per
rep and day: `activity_running` (each rep's counts through each day, kept with
`activity_rep_day`) and `opportunity_running` (each owner's won / lost / open deals
by close date and created deals, with their amount, by created date, per currency). `won_deal_cycles`
packs each owner's won-deal cycles into one row; `stage_cohort` (`breakthrough.store.cohort`) each owner's deals
by created day, currency, status, stage and history stages, for the stage funnel; `team_running`
(`breakthrough.store.team_running`) each team's running totals and `month_running` (`breakthrough.store.month_running`)
each key's totals through every month's end, rewritten with the packed rows. Every writer of opportunities
(demo generator, importer, undo) calls `refresh_opportunity_rollups` inside its
own transaction for the owners it touched.

The Pipeline page's rollups: `target_activity_day` (per rep and day, activities on an
account and on a target account; recounted with `activity_daily`, and for the reps
concerned when an account's flag or tier changes; the importer adds its counts) with its running totals
`target_running` (rewritten with it for the same reps), and `deal_activity` (per open deal with activity, its last activity day and
count; recounted deal by deal for the deals an activity or opportunity writer touched,
or for all of a source's open deals after a big activity load).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    union,
    union_all,
)

from breakthrough.store import cohort, month_running, open_pack, team_running
from breakthrough.store.models import (
    Account,
    Activity,
    ActivityDaily,
    ActivityRepDay,
    ActivityRunning,
    Base,
    DealActivity,
    MonthRunning,
    OpenStage,
    Opportunity,
    OpportunityRunning,
    RunningPacked,
    TargetActivityDay,
    TargetRunning,
    WonDealCycles,
)
from breakthrough.store.packing import DAYS, EPOCH, TOTALS, day_number, key_rows

NO_OUTCOME = ""  # rollup key for activities without an outcome
MEETING_TYPES = ("meeting", "demo")
NOT_HELD = ("no show", "no-show", "no_show", "cancelled", "canceled", "scheduled", "rescheduled")
TARGET_TIERS = ("a", "1", "tier 1", "tier a")  # an account in one of these tiers counts as a target
CHUNK = 900  # keys bound per statement (databases cap bound parameters)


def refresh_activity_daily(
    conn: Connection,
    rep_ids: Iterable[int] | None = None,
    day_from: dt.date | None = None,
    day_to: dt.date | None = None,
) -> None:
    """Recount `activity_daily` from `activity` for the given reps and day range (all if None)."""
    rollup_filter, raw_filter = _filters(rep_ids, day_from, day_to)
    conn.execute(delete(ActivityDaily).where(*rollup_filter))
    outcome = func.coalesce(Activity.outcome, literal(NO_OUTCOME))
    counts = (
        select(Activity.rep_id, Activity.day, Activity.type, outcome, func.count())
        .where(Activity.rep_id.is_not(None), *raw_filter)
        .group_by(Activity.rep_id, Activity.day, Activity.type, outcome)
    )
    columns = ["rep_id", "day", "type", "outcome", "n"]
    conn.execute(insert(ActivityDaily).from_select(columns, counts))
    _refresh_rep_day(conn, rep_ids, day_from, day_to)
    refresh_target_activity(conn, rep_ids, day_from, day_to)


def held() -> ColumnElement[bool]:
    """SQL condition on `activity_daily`: a meeting or demo that took place."""
    return and_(ActivityDaily.type.in_(MEETING_TYPES), func.lower(ActivityDaily.outcome).not_in(NOT_HELD))


def refresh_from_daily(conn: Connection, rep_ids, day_from, day_to) -> None:
    """Recount what follows from `activity_daily` (after a writer added to it directly) for these reps and days."""
    _refresh_rep_day(conn, rep_ids, day_from, day_to)


def _refresh_rep_day(conn: Connection, rep_ids, day_from, day_to) -> None:
    """Recount `activity_rep_day` from `activity_daily` (and the running totals that follow from it)."""
    daily = ActivityDaily
    rep_day_filter = _conditions(ActivityRepDay, rep_ids, day_from, day_to)
    conn.execute(delete(ActivityRepDay).where(*rep_day_filter))
    counts = (
        select(
            daily.rep_id,
            daily.day,
            func.sum(case((daily.type == "call", daily.n), else_=0)),
            func.sum(case((held(), daily.n), else_=0)),
            func.sum(case((daily.type == "email", daily.n), else_=0)),
            func.sum(daily.n),
        )
        .where(*_conditions(daily, rep_ids, day_from, day_to))
        .group_by(daily.rep_id, daily.day)
    )
    columns = ["rep_id", "day", "calls", "meetings_held", "emails", "activities"]
    conn.execute(insert(ActivityRepDay).from_select(columns, counts))
    refresh_running(conn, ACTIVITY_RUNNING, rep_ids)


def _conditions(table, rep_ids, day_from, day_to) -> list:
    """Filters on a table's `rep_id` and `day` columns (none when every argument is None)."""
    found = []
    if rep_ids is not None:
        found.append(table.rep_id.in_(sorted(set(rep_ids))))
    if day_from is not None:
        found.append(table.day >= day_from)
    if day_to is not None:
        found.append(table.day <= day_to)
    return found


def _filters(rep_ids, day_from, day_to):
    rollup = _conditions(ActivityDaily, rep_ids, day_from, day_to)
    return [and_(*rollup)] if rollup else [], _conditions(Activity, rep_ids, day_from, day_to)


# --- running totals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Running:
    """A running-totals table: its key columns (the first names the person), the totals it keeps,
    `daily(ids)`: what happened per key and day for those people (everyone when None), and
    `days()`: a statement whose `day` column holds every day with data (repeats allowed)."""

    table: type[Base]  # a model of a running-totals table
    keys: tuple[str, ...]
    values: tuple[str, ...]
    daily: Callable[[list[int] | None], Select]
    days: Callable[[], Select]
    packed: bool = True  # also packed per key (`running_packed`, `month_running`, `team_running`)


def refresh_opportunity_rollups(conn: Connection, owner_ids: Iterable[int] | None = None) -> None:
    """Recount `opportunity_running`, `won_deal_cycles`, `stage_cohort` and `open_deal_pack` from `opportunity`
    (and its history) for these owners (all if None), and `open_stage` for every stage."""
    owner_ids = None if owner_ids is None else sorted(set(owner_ids))
    refresh_running(conn, OPPORTUNITY_RUNNING, owner_ids)
    refresh_won_cycles(conn, owner_ids)
    cohort.refresh(conn, owner_ids)
    open_pack.refresh(conn, owner_ids)
    refresh_open_stages(conn)


def open_stages() -> Select:
    """Per stage of the open deals: (stage, deals, probabilities summed with a missing one as 0), what
    `open_stage` holds — summed as the database's `avg` sums, so that sum ÷ deals is that mean to the last bit."""
    o = Opportunity
    return (
        select(o.stage, func.count(), func.sum(func.coalesce(o.probability, 0.0)))
        .where(o.status == "open")
        .group_by(o.stage)
    )


def refresh_open_stages(conn: Connection) -> None:
    """Rewrite `open_stage` from the open deals (a row per stage: one read of the open deals' index, ~0.1 s at L)."""
    conn.execute(delete(OpenStage))
    rows = [{"stage": s, "deals": int(n), "probability": float(p)} for s, n, p in conn.execute(open_stages())]
    if rows:
        conn.execute(insert(OpenStage), rows)


def refresh_running(conn: Connection, spec: Running, ids: Iterable[int] | None = None) -> None:
    """Rewrite the running totals of these people (everyone if None) over the table's days.

    The table's days are exactly the days that have data, and every key has a row on each of them,
    so the table follows from the data alone. When the days change (a first or a last event on
    some day), everyone is rewritten; otherwise only these people.
    """
    ids = None if ids is None else sorted(set(ids))
    table = spec.table.__table__
    if ids is not None and _days(conn, select(table.c.day)) != _days(conn, spec.days()):
        ids = None
    conn.execute(delete(table).where(*_people(table, spec, ids)))
    conn.execute(insert(table).from_select(["day", *spec.keys, *spec.values], _totals(spec, ids)))
    if spec.packed:
        refresh_packed(conn, spec, ids)


# --- running totals packed per key (`running_packed`) ---------------------------------------------


def refresh_packed(conn: Connection, spec: Running, ids: Iterable[int] | None = None) -> None:
    """Rewrite `running_packed` for these people's keys of `spec`'s table (everyone if None), from the table, with
    their `month_running` rows and the `team_running` rows of their teams."""
    ids = None if ids is None else sorted(set(ids))
    table, t = spec.table.__table__, RunningPacked
    name = table.name
    conn.execute(delete(t).where(t.rollup == name, *([] if ids is None else [t.person_id.in_(ids)])))
    currency = table.c[spec.keys[1]] if len(spec.keys) > 1 else literal("")
    result = conn.execute(
        select(table.c[spec.keys[0]], currency, table.c.day, *(table.c[v] for v in spec.values))
        .where(*_people(table, spec, ids))
        .order_by(table.c[spec.keys[0]], currency, table.c.day)
    )
    try:
        rows = result.cursor.fetchall()  # plain tuples (days may be ISO text): many rows at a full rewrite
    finally:
        result.close()
    packed = packed_rows(name, rows)
    if packed:
        conn.execute(insert(t), packed)
    m = MonthRunning
    conn.execute(delete(m).where(m.rollup == name, *([] if ids is None else [m.person_id.in_(ids)])))
    by_month = month_running.month_rows(name, rows)  # the same rows through each month's end
    if by_month:
        conn.execute(insert(m), by_month)
    team_running.refresh(conn, name, len(spec.values), ids)  # their teams' sums (`team_running`)


def packed_rows(rollup: str, rows: Sequence[Sequence]) -> list[dict]:
    """`running_packed` rows from (person, currency, day, *values) rows ordered by person, currency and day
    (days as dates or ISO text; values as numbers or decimals)."""
    if not rows:
        return []
    k = key_rows(rows)
    cut = np.flatnonzero(np.r_[True, k.new_key()])
    ends = np.r_[cut[1:], len(rows)]
    return [
        {"rollup": rollup, "person_id": int(k.people[a]), "currency": str(k.currencies[k.codes[a]]),
         "days": k.days[a:b].astype(DAYS).tobytes(), "totals": np.ascontiguousarray(k.totals[a:b]).tobytes()}
        for a, b in zip(cut, ends)
    ]  # fmt: skip


@dataclass(frozen=True)
class Packed:
    """One key's running totals: `days` (ordinals, ascending) and `totals[i, j]`: value j through days[i]."""

    person_id: int
    currency: str
    days: np.ndarray
    totals: np.ndarray


def unpack_running(rows: Iterable[Sequence], width: int) -> list[Packed]:
    """`Packed` keys from (person, currency, days, totals) rows of `running_packed` (`width` values each)."""
    found = []
    for person, currency, days, totals in rows:
        ordinals = np.frombuffer(days, dtype=DAYS).astype(np.int64) + EPOCH
        found.append(Packed(int(person), currency, ordinals, np.frombuffer(totals, dtype=TOTALS).reshape(-1, width)))
    return found


def _totals(spec: Running, ids: list[int] | None) -> Select:
    """Every key of these people on every day: its values summed up to that day (0 before its first)."""
    daily = spec.daily(ids).cte("daily")
    table = spec.table.__table__  # after the delete: the other people's days, which are every day with data
    calendar = union(select(table.c.day), select(daily.c.day)).subquery("calendar")
    keys = select(*(daily.c[k] for k in spec.keys)).distinct().subquery("keys")
    part = [keys.c[k] for k in spec.keys]
    same_day = and_(*(daily.c[k] == keys.c[k] for k in spec.keys), daily.c.day == calendar.c.day)
    totals = [func.sum(func.coalesce(daily.c[v], 0)).over(partition_by=part, order_by=calendar.c.day)
              for v in spec.values]  # fmt: skip
    stmt = select(calendar.c.day, *part, *totals).select_from(keys.join(calendar, true()).outerjoin(daily, same_day))
    return stmt.order_by(calendar.c.day, *part)  # stored day by day: a look-up reads adjacent rows


def _days(conn: Connection, rows: Select) -> set:
    """The distinct days of a statement with a `day` column."""
    found = rows.subquery()
    return set(conn.execute(select(found.c.day).distinct()).scalars())


def _people(table, spec: Running, ids: list[int] | None) -> list:
    return [] if ids is None else [table.c[spec.keys[0]].in_(ids)]


def _activity_days(ids: list[int] | None) -> Select:
    """Per rep and day: calls, meetings held, emails and all activities (from `activity_rep_day`)."""
    t = ActivityRepDay
    chosen = [] if ids is None else [t.rep_id.in_(ids)]
    return select(t.rep_id, t.day, t.calls, t.meetings_held, t.emails, t.activities).where(*chosen)


DEAL_VALUES = ("won", "won_amount", "lost", "open", "open_amount", "created", "created_amount")


def _deal_days(ids: list[int] | None) -> Select:
    """Per owner, currency and day: deals won, lost and open by close date (with amounts), created by created date
    (with their amount: the pipeline created)."""
    both = _deal_events(ids).subquery()
    sums = [func.sum(both.c[v]).label(v) for v in DEAL_VALUES]
    return select(both.c.owner_id, both.c.currency, both.c.day, *sums).group_by(
        both.c.owner_id, both.c.currency, both.c.day
    )


def _deal_events(ids: list[int] | None):
    """Each owned deal twice: on its close day (won, lost or open, with its amount) and on its created day (with
    its amount, whatever its status)."""
    o = Opportunity
    owned = [o.owner_id.is_not(None)] + ([] if ids is None else [o.owner_id.in_(ids)])
    count = lambda status: case((o.status == status, 1), else_=0)  # noqa: E731
    amount = lambda status: case((o.status == status, func.coalesce(o.amount, 0)), else_=0)  # noqa: E731
    closed = select(o.owner_id, o.currency, o.close_date.label("day"), count("won").label("won"),
                    amount("won").label("won_amount"), count("lost").label("lost"), count("open").label("open"),
                    amount("open").label("open_amount"), literal(0).label("created"),
                    literal(0).label("created_amount")).where(*owned, o.close_date.is_not(None))  # fmt: skip
    created = select(o.owner_id, o.currency, o.created_date, literal(0), literal(0), literal(0), literal(0),
                     literal(0), literal(1), func.coalesce(o.amount, 0)).where(*owned)  # fmt: skip
    return union_all(closed, created)


def _deal_event_days():
    """Every close day and created day of an owned deal."""
    o = Opportunity
    return union_all(
        select(o.close_date.label("day")).where(o.owner_id.is_not(None), o.close_date.is_not(None)),
        select(o.created_date).where(o.owner_id.is_not(None)),
    )


ACTIVITY_RUNNING = Running(
    ActivityRunning,
    ("rep_id",),
    ("calls", "meetings_held", "emails", "activities"),
    _activity_days,
    lambda: select(ActivityRepDay.day),
)
OPPORTUNITY_RUNNING = Running(OpportunityRunning, ("owner_id", "currency"), DEAL_VALUES, _deal_days, _deal_event_days)


def _target_days(ids: list[int] | None) -> Select:
    """Per rep and day: activities on an account and on a target account (from `target_activity_day`)."""
    t = TargetActivityDay
    return select(t.rep_id, t.day, t.with_account, t.on_target).where(*([] if ids is None else [t.rep_id.in_(ids)]))


TARGET_RUNNING = Running(
    TargetRunning, ("rep_id",), ("with_account", "on_target"), _target_days, lambda: select(TargetActivityDay.day),
    packed=False,  # right prospects read a window's two look-ups, never a rep's days one by one
)  # fmt: skip


# --- won-deal cycles, packed per owner ------------------------------------------------------------


def refresh_won_cycles(conn: Connection, owner_ids: Iterable[int] | None = None) -> None:
    """Rewrite `won_deal_cycles` for these owners (all if None) from their won deals."""
    o, t = Opportunity, WonDealCycles
    ids = None if owner_ids is None else sorted(set(owner_ids))
    conn.execute(delete(t).where(*([] if ids is None else [t.owner_id.in_(ids)])))
    won = select(o.owner_id, o.close_date, o.created_date).where(
        o.owner_id.is_not(None),
        o.status == "won",
        o.close_date.is_not(None),
        *([] if ids is None else [o.owner_id.in_(ids)]),
    )
    rows = conn.execute(won).all()
    if rows:
        conn.execute(insert(t), cycle_rows(rows))


def cycle_rows(deals: Sequence[Sequence]) -> list[dict]:
    """`won_deal_cycles` rows from (owner id, close date, created date) of won deals."""
    owners = np.array([d[0] for d in deals], dtype=np.int64)
    close = np.array([day_number(d[1]) for d in deals], dtype=np.int64)
    cycle = close - np.array([day_number(d[2]) for d in deals], dtype=np.int64)
    order = np.lexsort((cycle, close, owners))
    owners, close, cycle = owners[order], close[order], cycle[order]
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    ends = np.r_[starts[1:], len(owners)]
    return [{"owner_id": int(owners[a]), "deals": int(b - a), **pack_cycles(close[a:b], cycle[a:b])}
            for a, b in zip(starts, ends)]  # fmt: skip


def pack_cycles(close_days: np.ndarray, cycle_days: np.ndarray) -> dict[str, bytes]:
    """One owner's won deals as the two packed columns of `won_deal_cycles`."""
    return {"close_days": close_days.astype(DAYS).tobytes(), "cycle_days": cycle_days.astype(DAYS).tobytes()}


def unpack_cycles(close_days: bytes, cycle_days: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(close days since 1 Jan 1970, cycle days) of one owner's won deals, in close-date order."""
    return np.frombuffer(close_days, dtype=DAYS), np.frombuffer(cycle_days, dtype=DAYS)


# --- the Pipeline page: activity on target accounts, each deal's last activity ---------------------


def is_target_account():
    """SQL condition on `account`: flagged as a target, or in a target tier."""
    return or_(Account.is_target.is_(True), func.lower(func.coalesce(Account.tier, "")).in_(TARGET_TIERS))


def refresh_target_activity(
    conn: Connection,
    rep_ids: Iterable[int] | None = None,
    day_from: dt.date | None = None,
    day_to: dt.date | None = None,
) -> None:
    """Recount `target_activity_day` from `activity` and `account` for these reps and days (all if None), and
    rewrite their running totals (`target_running`)."""
    _recount_targets(conn, rep_ids, day_from, day_to)
    refresh_running(conn, TARGET_RUNNING, rep_ids)


def _recount_targets(conn: Connection, rep_ids, day_from, day_to) -> None:
    """`target_activity_day` for these reps and days (all if None), from `activity` and `account`."""
    conn.execute(delete(TargetActivityDay).where(*_conditions(TargetActivityDay, rep_ids, day_from, day_to)))
    counts = (
        select(Activity.rep_id, Activity.day, func.count(), func.sum(case((is_target_account(), 1), else_=0)))
        .join(Account, Account.id == Activity.account_id)
        .where(Activity.rep_id.is_not(None), *_conditions(Activity, rep_ids, day_from, day_to))
        .group_by(Activity.rep_id, Activity.day)
    )
    conn.execute(insert(TargetActivityDay).from_select(["rep_id", "day", "with_account", "on_target"], counts))


def refresh_target_accounts(conn: Connection, account_ids: Iterable[int]) -> None:
    """Recount `target_activity_day` for the reps and days with activity on these accounts (a flag or tier changed),
    and those reps' running totals (`target_running`) once."""
    ids, reps = sorted(set(account_ids)), set()
    for part in (ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)):
        span = (
            select(Activity.rep_id, func.min(Activity.day), func.max(Activity.day))
            .where(Activity.account_id.in_(part), Activity.rep_id.is_not(None))
            .group_by(Activity.rep_id)
        )
        for rep_id, first, last in conn.execute(span).all():
            assert rep_id is not None  # the span keeps rows with a rep
            _recount_targets(conn, [rep_id], _day(first), _day(last))
            reps.add(int(rep_id))
    if reps:
        refresh_running(conn, TARGET_RUNNING, sorted(reps))


def refresh_deal_activity(
    conn: Connection, refs: Iterable[str | None] | None = None, source: str | None = None
) -> None:
    """Recount `deal_activity` for these deal references (of `source` when given), or one source's deals
    (all if neither): a row for each open deal with activity, counted from its own activity rows (an index
    range per deal), so the cost follows the open deals, not the activities.

    Every writer of activities calls it for the references it wrote, and every writer of opportunities
    for the deals it wrote (a deal that opens gets its row, one that closes loses it). The owners of those
    deals have their `open_deal_pack` row rewritten with the new last days."""
    if refs is None:
        conn.execute(delete(DealActivity).where(*([] if source is None else [DealActivity.source == source])))
        conn.execute(
            insert(DealActivity).from_select(
                _DEAL_COLUMNS, _deal_counts([] if source is None else [Opportunity.source == source])
            )
        )
        open_pack.refresh(conn)  # their owners' last activity days
        return
    wanted = sorted({r for r in refs if r is not None})
    if len(wanted) > MANY_REFS:  # each chunk reads the open deals' index: past this, count them all at once
        refresh_deal_activity(conn, source=source)
        return
    same = ([], []) if source is None else ([DealActivity.source == source], [Opportunity.source == source])
    for part in (wanted[i : i + CHUNK] for i in range(0, len(wanted), CHUNK)):
        conn.execute(delete(DealActivity).where(DealActivity.opportunity_ref.in_(part), *same[0]))
        conn.execute(
            insert(DealActivity).from_select(_DEAL_COLUMNS, _deal_counts([Opportunity.external_id.in_(part), *same[1]]))
        )
    open_pack.refresh(conn, open_pack.owners_of(conn, wanted, source))  # their owners' last activity days


_DEAL_COLUMNS = ["opportunity_ref", "source", "last_day", "activities"]
MANY_REFS = 4 * CHUNK


def _deal_counts(where: list) -> Select:
    """Per open deal (of those `where` picks) with activity: its CRM id, source, last activity day and
    activities — looked up deal by deal (ix_activity_deal_day), never by scanning the activities."""
    a, o = Activity, Opportunity
    mine = [a.opportunity_ref == o.external_id, a.source == o.source]
    last = select(func.max(a.day)).where(*mine).correlate(o).scalar_subquery()
    n = select(func.count()).select_from(a).where(*mine).correlate(o).scalar_subquery()
    deals = (
        select(o.external_id.label("ref"), o.source.label("source"), last.label("last_day"), n.label("n"))
        .where(o.status == "open", *where)
        .subquery("open_deals")
    )
    return select(deals.c.ref, deals.c.source, deals.c.last_day, deals.c.n).where(deals.c.last_day.is_not(None))


def _day(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
