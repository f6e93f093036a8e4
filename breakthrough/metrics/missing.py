"""What the data in view lacks, in plain words: the empty states the pages show (issue #14).

A page drawn on thin data — a first import with no quotas yet, no activities, no coaching log, a
period with nothing in it — must say what is missing and what to do, not show zeros that read like
figures. `facts` reads what the database holds for the reps in view (one small query per table);
`notices` turns it into sentences, one per gap, for the topics a page is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Engine, or_, select

from breakthrough.metrics.periods import Period
from breakthrough.store.models import ActivityDaily, Opportunity

DATA_PAGE = "on the Data page"
NO_DATA = (
    "No data yet. Import your CRM exports on the Data page, starting with a people roster (who is a rep, "
    "their team and manager), then quotas, deals, activities and the coaching log."
)


@dataclass(frozen=True)
class Facts:
    """What the database holds for the reps in view, for one period and as-of date."""

    period: Period
    reps: dict[int, str]  # the reps in view: id → name
    with_quota: frozenset[int]  # a quota above zero for the period
    with_deals: frozenset[int]  # any deal created up to the as-of date
    with_open_deals: frozenset[int]  # an open deal
    with_activities: frozenset[int]  # any activity up to the as-of date
    in_period: bool  # a deal created or closing in the period, an activity in it up to as-of, or a quota


def facts(
    engine: Engine, period: Period, as_of: dt.date, reps: Mapping[int, str], quotas: Mapping[int, float]
) -> Facts:
    """What the database holds for `reps` (id → name); `quotas`: each rep's quota for `period` (the scorecard's)."""
    ids = [int(i) for i in reps]
    o, a = Opportunity, ActivityDaily
    with engine.connect() as conn:

        def owners(*where) -> set[int]:
            query = select(o.owner_id).distinct().where(o.owner_id.in_(ids), *where)
            return {int(r) for r in conn.execute(query).scalars() if r is not None}

        deals = owners(o.created_date <= as_of)
        open_deals = owners(o.status == "open")
        active = {
            int(r) for r in conn.execute(select(a.rep_id).distinct().where(a.rep_id.in_(ids), a.day <= as_of)).scalars()
        }
        dated = conn.execute(
            select(
                select(o.id)
                .where(
                    o.owner_id.in_(ids),
                    or_(o.created_date.between(period.start, as_of), o.close_date.between(period.start, period.end)),
                )
                .limit(1)
                .exists(),
                select(a.rep_id).where(a.rep_id.in_(ids), a.day.between(period.start, as_of)).limit(1).exists(),
            )
        ).one()
    with_quota = frozenset(i for i in ids if (quotas.get(i) or 0) > 0)
    return Facts(
        period,
        {int(i): n for i, n in reps.items()},
        with_quota,
        frozenset(deals),
        frozenset(open_deals),
        frozenset(active),
        bool(with_quota) or any(dated),
    )


@dataclass(frozen=True)
class Notice:
    topic: str  # "period", "quotas", "deals", "open deals", "activities"
    text: str  # what is missing, what it does to the figures, and what to do (plain text: names from data)


def notices(
    found: Facts, topics: Iterable[str] = ("period", "quotas", "deals", "open deals", "activities")
) -> list[Notice]:
    """The gaps of `found` among `topics`, each in words. Nothing in the period says only that."""
    topics = set(topics)
    label, n = found.period.label, len(found.reps)
    if not found.reps:
        return []
    if "period" in topics and not found.in_period and (found.with_deals or found.with_activities):
        return [
            Notice(
                "period",
                f"Nothing in {label} for {_who(n)}: no quota, no deal created or closing, no "
                "activity. Choose another period in the sidebar.",
            )
        ]
    out = []
    if "quotas" in topics:
        out += _quotas(found, label, n)
    if "deals" in topics and not found.with_deals:
        out.append(
            Notice(
                "deals",
                f"No deals for {_who(n)} yet, so won, pipeline and win rates are empty. Import an "
                f"opportunity export (Salesforce, HubSpot, Pipedrive or the template) {DATA_PAGE}.",
            )
        )
    elif "open deals" in topics and not found.with_open_deals:
        out.append(
            Notice(
                "open deals",
                f"No open deals for {_who(n)}, so there is no pipeline to cover the gap. If "
                f"deals are missing, import a newer opportunity export {DATA_PAGE}.",
            )
        )
    if "activities" in topics:
        out += _activities(found, n)
    return out


def _quotas(found: Facts, label: str, n: int) -> list[Notice]:
    missing = _names(found, set(found.reps) - found.with_quota)
    if not missing:
        return []
    if len(missing) == n:
        return [
            Notice(
                "quotas",
                f"No quota for {label} for {_who(n)}, so attainment, the gap and the pace "
                f"quota needs cannot be worked out. Import a quota sheet {DATA_PAGE}.",
            )
        ]
    return [
        Notice(
            "quotas",
            f"{len(missing)} of {n} reps have no quota for {label}: {', '.join(missing)}. "
            "Their attainment and needed pace cannot be worked out, and what they won counts in "
            f"the team's attainment with no quota beside it. Import their quotas {DATA_PAGE}.",
        )
    ]


def _activities(found: Facts, n: int) -> list[Notice]:
    if not found.with_activities:
        return [
            Notice(
                "activities",
                f"No activities (calls, meetings, e-mails) for {_who(n)} yet, so the actual "
                f"pace is zero and conversion rates are empty. Import an activity export {DATA_PAGE}.",
            )
        ]
    idle = _names(found, found.with_deals - found.with_activities)
    if not idle:
        return []
    return [
        Notice(
            "activities",
            f"{', '.join(idle)} {'has' if len(idle) == 1 else 'have'} deals but no "
            "activities, so their actual pace is zero. Check that the activity export names "
            f"them as its owners, or import theirs {DATA_PAGE}.",
        )
    ]


def _names(found: Facts, ids: Iterable[int]) -> list[str]:
    return sorted(found.reps[i] for i in ids if i in found.reps)


def _who(n: int) -> str:
    return "this rep" if n == 1 else "any rep in this view"


def coaching_notices(sessions: int, commitments: int, lookback_days: int, reps: int) -> list[Notice]:
    """What the coaching figures lack: sessions in the look-back window, or commitments agreed in them."""
    if not sessions:
        return [
            Notice(
                "coaching",
                f"No coaching sessions in the last {lookback_days} days for {_who(reps)}, so "
                "cadence, hours, coverage and quality read zero. Log one under “Log a coaching "
                f"session”, or import a coaching log {DATA_PAGE}.",
            )
        ]
    if not commitments:
        return [
            Notice(
                "commitments",
                f"No commitments agreed in the last {lookback_days} days, so follow-through "
                "cannot be measured yet. A coaching log import carries none: add commitments "
                "when you log or edit a session here.",
            )
        ]
    return []
