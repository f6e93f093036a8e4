"""Aggregates that page figures read instead of raw rows.

`activity_daily` holds activity counts per rep, day, type and outcome. Every
writer of activities (demo generator, importer, undo) calls `refresh_activity_daily`
inside its own transaction, for the reps and days it touched, so the rollup is
never out of step with the raw rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Connection, and_, delete, func, insert, literal, select

from breakthrough.models import Activity, ActivityDaily

NO_OUTCOME = ""  # rollup key for activities without an outcome


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


def _filters(rep_ids, day_from, day_to):
    rollup, raw = [], []
    if rep_ids is not None:
        ids = sorted(set(rep_ids))
        rollup.append(ActivityDaily.rep_id.in_(ids))
        raw.append(Activity.rep_id.in_(ids))
    if day_from is not None:
        rollup.append(ActivityDaily.day >= day_from)
        raw.append(Activity.day >= day_from)
    if day_to is not None:
        rollup.append(ActivityDaily.day <= day_to)
        raw.append(Activity.day <= day_to)
    return [and_(*rollup)] if rollup else [], raw
