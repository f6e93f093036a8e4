"""Read-only queries the pages need, as small DataFrames.

Activity figures come from the `activity_daily` rollup; opportunity figures are
grouped in SQL with the owner/status/close-date index. Only raw-record queries
(`*_records`) read individual rows, for drill-down. All SQL is parameterised.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from breakthrough.models import ActivityDaily, ActivityRepDay, Opportunity, Person, Quota, Setting, Team


def read_frame(engine: Engine, stmt, columns: list[str]) -> pd.DataFrame:
    """The rows of `stmt` as a DataFrame with `columns`."""
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def people(engine: Engine) -> pd.DataFrame:
    """Everyone, with team and manager names; indexed by person id."""
    manager = aliased(Person)
    stmt = (
        select(
            Person.id, Person.name, Person.email, Person.role, Person.team_id, Team.name,
            Person.manager_id, manager.name, Person.hire_date, Person.active,
        )
        .outerjoin(Team, Team.id == Person.team_id)
        .outerjoin(manager, manager.id == Person.manager_id)
        .order_by(Person.name)
    )
    cols = ["id", "name", "email", "role", "team_id", "team", "manager_id", "manager", "hire_date", "active"]
    return read_frame(engine, stmt, cols).set_index("id")


def teams(engine: Engine) -> pd.DataFrame:
    return read_frame(engine, select(Team.id, Team.name, Team.parent_id).order_by(Team.name), ["id", "name", "parent_id"])


def last_data_day(engine: Engine) -> dt.date | None:
    """The latest day any activity or opportunity event is dated."""
    with engine.connect() as conn:
        days = [
            conn.execute(select(func.max(ActivityDaily.day))).scalar(),
            conn.execute(select(func.max(Opportunity.created_date))).scalar(),
        ]
    days = [as_date(d) for d in days if d is not None]
    return max(days) if days else None


def first_data_day(engine: Engine) -> dt.date | None:
    with engine.connect() as conn:
        days = [
            conn.execute(select(func.min(ActivityDaily.day))).scalar(),
            conn.execute(select(func.min(Opportunity.created_date))).scalar(),
        ]
    days = [as_date(d) for d in days if d is not None]
    return min(days) if days else None


def as_date(value) -> dt.date | None:
    """A date from what a driver returns (SQLite gives ISO text); None for a missing value."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def is_demo(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(select(Setting.value).where(Setting.key == "demo")).scalar())


def quota_rows(engine: Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Person quota rows (month or quarter) starting inside [start, end]."""
    stmt = select(Quota.person_id, Quota.period, Quota.period_start, Quota.amount, Quota.currency).where(
        Quota.person_id.is_not(None), Quota.period_start.between(start, end)
    )
    frame = read_frame(engine, stmt, ["person_id", "period", "period_start", "amount", "currency"])
    frame["period_start"] = frame["period_start"].map(as_date)
    return frame


def activity_counts(engine: Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Calls, meetings held, emails and all activities per rep over [start, end] (from the rollup)."""
    t = ActivityRepDay
    stmt = (
        select(t.rep_id, func.sum(t.calls), func.sum(t.meetings_held), func.sum(t.emails), func.sum(t.activities))
        .where(t.day.between(start, end))
        .group_by(t.rep_id)
    )
    frame = read_frame(engine, stmt, ["rep_id", "calls", "meetings", "emails", "activities"])
    return frame.set_index("rep_id").astype(float)


def weekly_activity(engine: Engine, rep_id: int, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One rep's calls and meetings held per day over [start, end] (from the rollup)."""
    t = ActivityRepDay
    stmt = select(t.day, t.calls, t.meetings_held).where(t.rep_id == rep_id, t.day.between(start, end))
    frame = read_frame(engine, stmt, ["day", "calls", "meetings"])
    frame["day"] = frame["day"].map(as_date)
    return frame


def opportunities_created(engine: Engine, start: dt.date, end: dt.date) -> pd.Series:
    """Opportunities created per owner over [start, end]."""
    stmt = (
        select(Opportunity.owner_id, func.count())
        .where(Opportunity.owner_id.is_not(None), Opportunity.created_date.between(start, end))
        .group_by(Opportunity.owner_id)
    )
    frame = read_frame(engine, stmt, ["rep_id", "n"])
    return frame.set_index("rep_id")["n"].astype(float)


def amounts_by_owner(engine: Engine, status: str, start: dt.date | None, end: dt.date | None) -> pd.DataFrame:
    """Count and amount per owner and currency of deals with `status` and close date in [start, end]."""
    conditions = [Opportunity.owner_id.is_not(None), Opportunity.status == status]
    if start is not None:
        conditions.append(Opportunity.close_date >= start)
    if end is not None:
        conditions.append(Opportunity.close_date <= end)
    stmt = (
        select(Opportunity.owner_id, Opportunity.currency, func.count(), func.coalesce(func.sum(Opportunity.amount), 0))
        .where(*conditions)
        .group_by(Opportunity.owner_id, Opportunity.currency)
    )
    frame = read_frame(engine, stmt, ["rep_id", "currency", "n", "amount"])
    return frame.astype({"n": float, "amount": float})


def won_cycles(engine: Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Days from created to closed of every won deal closed in [start, end], per owner."""
    days = _days_between(engine, Opportunity.created_date, Opportunity.close_date)
    stmt = select(Opportunity.owner_id, days).where(
        Opportunity.owner_id.is_not(None),
        Opportunity.status == "won",
        Opportunity.close_date.between(start, end),
    )
    frame = read_frame(engine, stmt, ["rep_id", "days"])
    return pd.DataFrame({"rep_id": frame["rep_id"], "days": frame["days"].astype(float)})


def _days_between(engine: Engine, first, last):
    """Whole days from date column `first` to `last`, computed by the database (no per-row parsing here)."""
    if engine.dialect.name == "sqlite":
        return func.julianday(last) - func.julianday(first)
    return last - first  # PostgreSQL: date − date is an integer number of days


def opportunity_records(engine: Engine, rep_id: int, status: str | None = None) -> pd.DataFrame:
    """One rep's deals, newest close date first (drill-down to records)."""
    stmt = select(
        Opportunity.external_id, Opportunity.name, Opportunity.stage, Opportunity.status,
        Opportunity.amount, Opportunity.currency, Opportunity.created_date, Opportunity.close_date,
    ).where(Opportunity.owner_id == rep_id)
    if status is not None:
        stmt = stmt.where(Opportunity.status == status)
    stmt = stmt.order_by(Opportunity.close_date.desc())
    cols = ["CRM id", "Deal", "Stage", "Status", "Amount", "Currency", "Created", "Close date"]
    frame = read_frame(engine, stmt, cols)
    for col in ("Created", "Close date"):
        frame[col] = frame[col].map(lambda d: as_date(d) if d is not None else None)
    return frame
