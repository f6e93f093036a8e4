"""Data health (docs/importing.md#data-health): what weakens the figures, each with a count and the records behind it.

Counts of activities come from the `activity_daily` rollup; the records behind a
count are read from the raw tables, newest first, at most `LIMIT` of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from breakthrough.settings import Settings
from breakthrough.store.models import Activity, ActivityDaily, Opportunity, Person, Quota
from breakthrough.store.rollups import NO_OUTCOME

LIMIT = 1_000
OUTCOME_TYPES = ("call", "meeting", "demo")  # an email or other activity has no outcome to speak of


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    count: int
    why: str  # what it weakens, and what to do


def checks(engine: Engine, settings: Settings, as_of: dt.date) -> list[Check]:
    """Every data-health check with its count (zero counts included: a clean bill is news too)."""
    with engine.connect() as conn:
        counts = {key: int(conn.execute(stmt).scalar() or 0) for key, stmt in _counts(settings, as_of).items()}
    return [Check(key, label, counts[key], why) for key, (label, why) in CHECKS.items()]


CHECKS = {
    "no_outcome": (
        "Calls and meetings without an outcome",
        "Call → meeting and meetings held need outcomes. Map the outcome column (Call Result, "
        "Call outcome, Meeting outcome) or fill it in the CRM.",
    ),
    "no_close_date": (
        "Opportunities without a close date",
        "They count in no period's pipeline or won amount. Add close dates in the CRM.",
    ),
    "no_amount": (
        "Opportunities without an amount",
        "They add nothing to pipeline, won or deal size. Add amounts in the CRM.",
    ),
    "no_owner_deals": (
        "Opportunities owned by no known person",
        "Kept, but counted for no rep. Import the people, or fix the owner in the CRM.",
    ),
    "no_owner_activities": (
        "Activities owned by no known person",
        "Kept, but counted for no rep. Import the people, or fix the owner in the CRM.",
    ),
    "past_due": (
        "Open deals past their close date",
        "Not counted as coverage. Update the close date or close the deal in the CRM.",
    ),
    "no_rate_deals": (
        "Deals in a currency without a rate",
        "Left out of every total. Add the currency's rate in Settings.",
    ),
    "no_rate_quotas": (
        "Quotas in a currency without a rate",
        "Left out of every total. Add the currency's rate in Settings.",
    ),
}


def _counts(settings: Settings, as_of: dt.date) -> dict:
    count = func.count()
    rated = _rated(settings)
    return {
        "no_outcome": select(func.sum(ActivityDaily.n)).where(
            ActivityDaily.outcome == NO_OUTCOME, ActivityDaily.type.in_(OUTCOME_TYPES)
        ),
        "no_close_date": select(count).where(Opportunity.close_date.is_(None)),
        "no_amount": select(count).where(Opportunity.amount.is_(None)),
        "no_owner_deals": select(count).where(Opportunity.owner_id.is_(None)),
        "no_owner_activities": select(count).select_from(Activity).where(Activity.rep_id.is_(None)),
        "past_due": select(count).where(Opportunity.status == "open", Opportunity.close_date < as_of),
        "no_rate_deals": select(count).where(Opportunity.currency.not_in(rated)),
        "no_rate_quotas": select(count).select_from(Quota).where(Quota.currency.not_in(rated)),
    }


def _rated(settings: Settings) -> list[str]:
    """Currencies that convert to the reporting currency."""
    return sorted({c for c in settings.currency_rates if settings.rate(c) is not None} | {settings.reporting_currency})


def records(engine: Engine, key: str, settings: Settings, as_of: dt.date) -> pd.DataFrame:
    """The records behind one check (at most LIMIT, newest first), as a table for people."""
    stmt, columns = _records(key, settings, as_of)
    with engine.connect() as conn:
        rows = conn.execute(stmt.limit(LIMIT)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _records(key: str, settings: Settings, as_of: dt.date):
    owner = aliased(Person)
    deal_cols = [
        Opportunity.external_id,
        Opportunity.name,
        owner.name,
        Opportunity.stage,
        Opportunity.status,
        Opportunity.amount,
        Opportunity.currency,
        Opportunity.close_date,
    ]
    deal_names = ["CRM id", "Deal", "Owner", "Stage", "Status", "Amount", "Currency", "Close date"]
    deals = select(*deal_cols).outerjoin(owner, owner.id == Opportunity.owner_id)
    act_cols = [
        Activity.external_id,
        Activity.ts,
        owner.name,
        Activity.type,
        Activity.raw_type,
        Activity.outcome,
        Activity.subject,
    ]
    act_names = ["CRM id", "When", "Owner", "Type", "CRM type", "Outcome", "Subject"]
    acts = select(*act_cols).outerjoin(owner, owner.id == Activity.rep_id)
    rated = _rated(settings)
    quota_names = ["Person", "Period", "Starts", "Amount", "Currency"]
    quotas = select(owner.name, Quota.period, Quota.period_start, Quota.amount, Quota.currency).outerjoin(
        owner, owner.id == Quota.person_id
    )
    chosen = {
        "no_outcome": (
            acts.where(
                Activity.outcome.is_(None), Activity.rep_id.is_not(None), Activity.type.in_(OUTCOME_TYPES)
            ).order_by(Activity.ts.desc()),
            act_names,
        ),
        "no_close_date": (deals.where(Opportunity.close_date.is_(None)), deal_names),
        "no_amount": (deals.where(Opportunity.amount.is_(None)).order_by(Opportunity.close_date.desc()), deal_names),
        "no_owner_deals": (
            deals.where(Opportunity.owner_id.is_(None)).order_by(Opportunity.close_date.desc()),
            deal_names,
        ),
        "no_owner_activities": (acts.where(Activity.rep_id.is_(None)).order_by(Activity.ts.desc()), act_names),
        "past_due": (
            deals.where(Opportunity.status == "open", Opportunity.close_date < as_of).order_by(Opportunity.close_date),
            deal_names,
        ),
        "no_rate_deals": (
            deals.where(Opportunity.currency.not_in(rated)).order_by(Opportunity.close_date.desc()),
            deal_names,
        ),
        "no_rate_quotas": (quotas.where(Quota.currency.not_in(rated)).order_by(Quota.period_start.desc()), quota_names),
    }
    return chosen[key]
