"""Records behind a figure (drill-down) and the aggregates the diagnosis pages need beyond `queries`.

Every record keeps its CRM id (`external_id`) so a sales leader can find it in the CRM. All SQL is
parameterised (SQLAlchemy Core); lists of ids are bound as expanding parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Engine, and_, case, func, or_, select

from breakthrough.models import Account, Activity, Opportunity, OpportunityHistory, Person
from breakthrough.queries import as_date
from breakthrough.queries import read_frame
from breakthrough.rollups import MEETING_TYPES, NOT_HELD

ACTIVITY_COLUMNS = ["CRM id", "Date", "Rep", "Type", "Outcome", "Account", "Subject", "Deal"]
DEAL_COLUMNS = ["CRM id", "Deal", "Rep", "Account", "Stage", "Status", "Amount", "Currency", "Created",
                "Close date", "In stage since"]
TARGET_TIERS = ("a", "1", "tier 1", "tier a")  # an account in one of these tiers counts as a target
LIMIT = 5_000  # a drill-down lists at most this many records (the figure says how many there are)
CHUNK = 900  # CRM ids bound per query


def _dates(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    for col in columns:
        frame[col] = frame[col].map(lambda d: as_date(d) if d is not None else None)
    return frame


def held_meeting():
    """A meeting or demo that took place (not a no-show, cancelled or only scheduled)."""
    return and_(Activity.type.in_(MEETING_TYPES), func.lower(func.coalesce(Activity.outcome, "")).not_in(NOT_HELD))


def activity_records(engine: Engine, rep_ids: Sequence[int], start: dt.date, end: dt.date, kind: str = "call",
                     limit: int = LIMIT) -> pd.DataFrame:
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


def deal_records(engine: Engine, rep_ids: Sequence[int], status: str | None = None,
                 closed: tuple[dt.date | None, dt.date | None] | None = None,
                 created: tuple[dt.date, dt.date] | None = None, ids: Sequence[str] | None = None,
                 limit: int = LIMIT) -> pd.DataFrame:
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
        stmt = stmt.where(*([Opportunity.close_date >= lo] if lo else []), *([Opportunity.close_date <= hi] if hi else []))
    if created is not None:
        stmt = stmt.where(Opportunity.created_date.between(*created))
    if ids is not None:
        stmt = stmt.where(Opportunity.external_id.in_(list(ids)))
    stmt = stmt.order_by(Opportunity.close_date.desc(), Opportunity.external_id).limit(limit)
    return _dates(read_frame(engine, stmt, DEAL_COLUMNS), ["Created", "Close date", "In stage since"])


def open_deals(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """Every open deal with an owner, with the last activity logged against it up to `as_of` (for hygiene)."""
    last = (  # one index seek per open deal (ix_activity_deal_day), not a scan of every activity
        select(func.max(Activity.day))
        .where(Activity.opportunity_ref == Opportunity.external_id, Activity.source == Opportunity.source,
               Activity.day <= as_of)
        .correlate(Opportunity)
        .scalar_subquery()
    )
    stmt = (
        select(Opportunity.id, Opportunity.external_id, Opportunity.owner_id, Person.team_id, Opportunity.name,
               Opportunity.stage, Opportunity.amount, Opportunity.currency, Opportunity.created_date,
               Opportunity.close_date, Opportunity.stage_since, last)
        .join(Person, Person.id == Opportunity.owner_id)
        .where(Opportunity.status == "open", Opportunity.created_date <= as_of)
        .order_by(Opportunity.id)
    )  # fmt: skip
    cols = ["id", "crm_id", "rep_id", "team_id", "deal", "stage", "amount", "currency", "created", "close_date",
            "stage_since", "last_activity"]
    return _dates(read_frame(engine, stmt, cols), ["created", "close_date", "stage_since", "last_activity"])


def close_date_history(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """Earlier close dates of open deals, recorded up to `as_of`, oldest change first."""
    stmt = (
        select(OpportunityHistory.opportunity_id, OpportunityHistory.changed_at, OpportunityHistory.close_date)
        .join(Opportunity, Opportunity.id == OpportunityHistory.opportunity_id)
        .where(Opportunity.status == "open", OpportunityHistory.changed_at < as_of + dt.timedelta(days=1))
        .order_by(OpportunityHistory.opportunity_id, OpportunityHistory.changed_at)
    )
    return _dates(read_frame(engine, stmt, ["id", "changed_at", "close_date"]), ["close_date"])


def stage_cohort(engine: Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Deals created in [start, end]: current stage and status, and the stages recorded in their history."""
    stmt = (
        select(Opportunity.id, Opportunity.external_id, Opportunity.owner_id, Opportunity.stage, Opportunity.status,
               Opportunity.amount, Opportunity.currency)
        .where(Opportunity.owner_id.is_not(None), Opportunity.created_date.between(start, end))
    )  # fmt: skip
    cols = ["id", "crm_id", "rep_id", "stage", "status", "amount", "currency"]
    frame = read_frame(engine, stmt, cols)
    history = history_stages(engine, start, end)
    frame["history"] = frame["id"].map(history).map(lambda v: v if isinstance(v, list) else [])
    return frame


def history_stages(engine: Engine, start: dt.date, end: dt.date) -> dict[int, list[str]]:
    """Stages recorded in the history of deals created in [start, end] (a lost deal's earlier stages)."""
    stmt = (
        select(OpportunityHistory.opportunity_id, OpportunityHistory.stage)
        .join(Opportunity, Opportunity.id == OpportunityHistory.opportunity_id)
        .where(Opportunity.created_date.between(start, end))
        .distinct()
    )
    frame = read_frame(engine, stmt, ["id", "stage"])
    return _lists(frame["id"], frame["stage"])


def _lists(keys, values) -> dict:
    """`{key: [its values in row order]}` (what `groupby(key).agg(list)` gives, without a pandas call per group)."""
    found: dict = {}
    for key, value in zip(keys, values):
        found.setdefault(key, []).append(value)
    return found


def stage_order(engine: Engine) -> list[str]:
    """Open stages in sales order: by their average probability, then by name."""
    stmt = (
        select(Opportunity.stage, func.avg(func.coalesce(Opportunity.probability, 0.0)))
        .where(Opportunity.status == "open")
        .group_by(Opportunity.stage)
    )
    frame = read_frame(engine, stmt, ["stage", "p"])
    return frame.sort_values(["p", "stage"])["stage"].tolist()


def target_activity(engine: Engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per rep over [start, end]: activities with an account, and those on target accounts."""
    target = or_(Account.is_target.is_(True), func.lower(func.coalesce(Account.tier, "")).in_(TARGET_TIERS))
    stmt = (
        select(Activity.rep_id, func.count(), func.sum(case((target, 1), else_=0)))
        .join(Account, Account.id == Activity.account_id)
        .where(Activity.rep_id.is_not(None), Activity.day.between(start, end))
        .group_by(Activity.rep_id)
    )
    frame = read_frame(engine, stmt, ["rep_id", "with_account", "on_target"])
    return frame.set_index("rep_id").astype(float)


def has_targets(engine: Engine) -> bool:
    """True when any account carries a target flag or a target tier."""
    target = or_(Account.is_target.is_(True), func.lower(func.coalesce(Account.tier, "")).in_(TARGET_TIERS))
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(Account).where(target)).scalar())
