"""The Pipeline page's figures as they were computed before issue #7's third round: the reference.

Open deals' last activity and right prospects read the raw activity rows; the stage funnel works deal
by deal in Python. The tests check the rollup-based, vectorised versions in `breakthrough` against
these on hand-built cases and on the demo, on SQLite and PostgreSQL. Copied unchanged from
`breakthrough/store/records.py`, `pipeline.py` and `hygiene.py` as they were.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Engine, case, func, or_, select

from breakthrough.diagnosis.hygiene import PUSH_LIMIT, QUIET_DAYS, RULES, STALL_QUANTILE
from breakthrough.diagnosis.pipeline import _quantile, in_reporting, stages, step_conversion, step_names
from breakthrough.settings import Settings
from breakthrough.store.models import Account, Activity, Opportunity, OpportunityHistory, Person
from breakthrough.store.queries import as_date, read_frame

TARGET_TIERS = ("a", "1", "tier 1", "tier a")


# --- records --------------------------------------------------------------------------------------


def _dates(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    for col in columns:
        frame[col] = frame[col].map(lambda d: as_date(d) if d is not None else None)
    return frame


def open_deals(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """Every open deal with an owner, with the last activity logged against it up to `as_of` (for hygiene)."""
    last = (  # one index seek per open deal (ix_activity_deal_day), not a scan of every activity
        select(func.max(Activity.day))
        .where(
            Activity.opportunity_ref == Opportunity.external_id,
            Activity.source == Opportunity.source,
            Activity.day <= as_of,
        )
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
    cols = [
        "id",
        "crm_id",
        "rep_id",
        "team_id",
        "deal",
        "stage",
        "amount",
        "currency",
        "created",
        "close_date",
        "stage_since",
        "last_activity",
    ]
    return _dates(read_frame(engine, stmt, cols), ["created", "close_date", "stage_since", "last_activity"])


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


# --- pipeline -------------------------------------------------------------------------------------


def furthest(cohort: pd.DataFrame, order: Sequence[str]) -> pd.Series:
    """Index (into `stages(order)`) of the furthest stage each deal reached."""
    position = {stage: i for i, stage in enumerate(order)}
    current = cohort["stage"].map(position).where(cohort["status"] == "open").fillna(0)
    earlier = [max((position[s] for s in h if s in position), default=0) if h else 0 for h in cohort["history"]]
    reached = np.maximum(current.to_numpy(dtype=int), np.asarray(earlier, dtype=int))
    return pd.Series(np.where(cohort["status"] == "won", len(order), reached), index=cohort.index, dtype=int)


def counts(cohort: pd.DataFrame, order: Sequence[str]) -> list[int]:
    """Deals reaching each stage of `stages(order)`."""
    reached = furthest(cohort, order)
    return [int((reached >= i).sum()) for i in range(len(order) + 1)]


def funnel(cohort: pd.DataFrame, order: Sequence[str], settings: Settings) -> pd.DataFrame:
    """Per stage: deals reaching it, their value, conversion to the next stage and drop-off."""
    reached = furthest(cohort, order)
    value = in_reporting(cohort, settings)
    n = counts(cohort, order)
    conversion = [*step_conversion(n), math.nan]  # nothing after Won
    return pd.DataFrame({
        "Stage": stages(order), "Deals": n,
        "Value": [float(value[reached >= i].sum()) for i in range(len(n))],
        "Conversion to next": conversion, "Drop-off": [math.nan if c is None else 1 - c for c in conversion],
    })  # fmt: skip


def conversions(cohort: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Per rep (rows) and step (columns "A → B"): the rep's own stage-to-stage conversion."""
    reached = furthest(cohort, order)
    steps = {}
    for i, name in enumerate(step_names(order)):
        at = (reached >= i).groupby(cohort["rep_id"]).sum()
        nxt = (reached >= i + 1).groupby(cohort["rep_id"]).sum()
        steps[name] = (nxt / at.where(at > 0)).astype(float)
    return pd.DataFrame(steps)


def comparison(
    cohort: pd.DataFrame, order: Sequence[str], scope: Sequence[int], peers: Sequence[int], level: float = 0.75
) -> pd.DataFrame:
    """Each step's conversion for the reps in `scope` (pooled), their peers pooled, and the peers' top quartile."""
    own = step_conversion(counts(cohort[cohort["rep_id"].isin(scope)], order))
    team = step_conversion(counts(cohort[cohort["rep_id"].isin(peers)], order))
    per_rep = conversions(cohort[cohort["rep_id"].isin(peers)], order)
    steps = step_names(order)
    top = [_quantile(per_rep[s], level) if s in per_rep else None for s in steps]
    return pd.DataFrame({"Step": steps, "Selected": own, "Team": team, "Top quartile": top})


def deals_at(cohort: pd.DataFrame, order: Sequence[str], stage: str) -> list[str]:
    """CRM ids of the deals that reached `stage` (what a click on that stage lists)."""
    names = stages(order)
    if stage not in names:
        return []
    reached = furthest(cohort, order)
    return cohort.loc[reached >= names.index(stage), "crm_id"].tolist()


# --- hygiene --------------------------------------------------------------------------------------


def past_due(deals: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Open deals whose close date is before the as-of date."""
    return deals["close_date"].map(lambda d: d is not None and d < as_of).astype(bool)


def quiet_days(deals: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Days since the last activity on each deal (since it was created when there was none)."""
    since = [a if a is not None else c for a, c in zip(deals["last_activity"], deals["created"])]
    return pd.Series([(as_of - d).days for d in since], index=deals.index, dtype=float)


def days_in_stage(deals: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Days each deal has been in its current stage (from its created date when that is unknown)."""
    since = [s if s is not None else c for s, c in zip(deals["stage_since"], deals["created"])]
    return pd.Series([(as_of - d).days for d in since], index=deals.index, dtype=float)


def stall_limits(deals: pd.DataFrame, as_of: dt.date, q: float = STALL_QUANTILE) -> pd.Series:
    """The team's `q` quantile of days in stage, for each deal's team and stage."""
    days = days_in_stage(deals, as_of)
    team = deals["team_id"].fillna(-1)
    return days.groupby([team, deals["stage"]]).transform(lambda d: float(np.quantile(d, q)))


def pushes(close_dates: Sequence[dt.date | None]) -> int:
    """How many times a close date was moved later, over the dates oldest first (the current one last)."""
    known = [d for d in close_dates if d is not None]
    return sum(1 for before, after in zip(known, known[1:]) if after > before)


def push_counts(deals: pd.DataFrame, history: pd.DataFrame) -> pd.Series:
    """Pushes of each deal: its earlier close dates (history, oldest first) then its current one."""
    earlier: dict = {}
    for i, close in zip(history["id"], history["close_date"]):  # oldest first, as `history` is ordered
        earlier.setdefault(i, []).append(close)
    counts = [pushes([*earlier.get(i, []), close]) for i, close in zip(deals["id"], deals["close_date"])]
    return pd.Series(counts, index=deals.index, dtype=int)


def flag(deals: pd.DataFrame, history: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The deals with a column per rule (True when it breaks it) and the figures behind each rule."""
    out = deals.copy()
    out["days_quiet"] = quiet_days(deals, as_of)
    out["days_in_stage"] = days_in_stage(deals, as_of)
    out["stall_limit"] = stall_limits(deals, as_of) if not deals.empty else pd.Series(dtype=float)
    out["pushes"] = push_counts(deals, history)
    out["past_due"] = past_due(deals, as_of)
    out["no_activity"] = out["days_quiet"] >= QUIET_DAYS
    out["stalled"] = out["days_in_stage"] > out["stall_limit"]
    out["pushed"] = out["pushes"] > PUSH_LIMIT
    out["any"] = out[list(RULES)].any(axis=1)
    return out
