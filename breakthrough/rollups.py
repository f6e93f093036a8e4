"""Aggregates that page figures read instead of raw rows.

`activity_daily` holds activity counts per rep, day, type and outcome;
`activity_rep_day` condenses it to what the pages count per rep and day (calls,
meetings held, emails, all activities). Every writer of activities (demo
generator, importer, undo) calls `refresh_activity_daily` inside its own
transaction, for the reps and days it touched, so both rollups are never out of
step with the raw rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Connection, and_, case, delete, func, insert, literal, select

from breakthrough.models import Activity, ActivityDaily, ActivityRepDay

NO_OUTCOME = ""  # rollup key for activities without an outcome
MEETING_TYPES = ("meeting", "demo")
NOT_HELD = ("no show", "no-show", "no_show", "cancelled", "canceled", "scheduled", "rescheduled")


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


def held() -> object:
    """SQL condition on `activity_daily`: a meeting or demo that took place."""
    return and_(ActivityDaily.type.in_(MEETING_TYPES), func.lower(ActivityDaily.outcome).not_in(NOT_HELD))


def _refresh_rep_day(conn: Connection, rep_ids, day_from, day_to) -> None:
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
