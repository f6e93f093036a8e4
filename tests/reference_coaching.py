"""The Coaching figures worked out the slow, obvious way, session by session: the reference the fast versions in breakthrough.coaching.managers and breakthrough.coaching.impact are checked against.

Moved unchanged from `breakthrough/coaching/managers/managers.py` and `breakthrough/coaching/managers/impact.py`, where the Coaching and Rep
pages now use `every_manager`, `focused_effects`, `with_quality`, `running_ledger` and `effects_at_once`.
The one change: `impact.Ledger` is now a plain container, so building one from daily counts
(`daily_ledger`) and summing a window of it (`covers`, `window_sums`) are functions here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from breakthrough.coaching import cadence, impact, rubric
from breakthrough.coaching import managers as coaching
from breakthrough.coaching.impact import EFFECT_COLUMNS, MEASURED, MEASURES, Effect, Ledger, summarise, windows
from breakthrough.coaching.managers import (
    COVERAGE_DAYS,
    ONE_ON_ONE_DAYS,
    WINDOW_DAYS,
    FollowThrough,
    ManagerFigures,
    on_track,
    tiers,
    with_quality,
)
from breakthrough.metrics.scorecard import Scorecard
from breakthrough.settings import Settings
from breakthrough.store.models import RUBRIC, ActivityRepDay, Opportunity

# --- daily counts and window sums (impact) ---------------------------------------------------------


def daily_ledger(daily: pd.DataFrame, start: dt.date, end: dt.date) -> Ledger:
    """The ledger of daily counts per rep over [start, end] (`daily_counts` rows), summed day by day."""
    reps = sorted(set(int(r) for r in daily["rep_id"])) if not daily.empty else []
    column = {r: i for i, r in enumerate(reps)}
    days = max((end - start).days + 1, 0)  # none when the data starts after the as-of date
    cum = {m: np.zeros((days + 1, len(reps))) for m in MEASURES}
    if not daily.empty:
        rows = np.array([(d - start).days for d in daily["day"]]) + 1
        cols = np.array([column[int(r)] for r in daily["rep_id"]])
        for m in MEASURES:
            np.add.at(cum[m], (rows, cols), daily[m].to_numpy(dtype=float))
            cum[m] = cum[m].cumsum(axis=0)
    return Ledger(start, end, column, cum)


def covers(ledger: Ledger, first: dt.date, last: dt.date) -> bool:
    return ledger.start <= first and last <= ledger.end


def window_sums(
    ledger: Ledger, rep_ids: Iterable[int], first: dt.date, last: dt.date, measures: Iterable[str] = MEASURES
) -> dict[str, float]:
    """`measures` summed over `rep_ids` and the days first…last (inside the ledger); others are 0."""
    cols = [ledger.column[r] for r in rep_ids if r in ledger.column]
    lo, hi = (first - ledger.start).days, (last - ledger.start).days + 1
    found = dict.fromkeys(MEASURES, 0.0)
    for m in measures:
        found[m] = float((ledger.cum[m][hi, cols] - ledger.cum[m][lo, cols]).sum())
    return found


def daily_counts(
    engine: Engine, settings: Settings, start: dt.date, end: dt.date, rep_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Per rep and day: calls, meetings held (rollup), opportunities created, won, lost, won amount.

    `rep_ids` limits the reps read (all when None).
    """
    frames = [
        _activity(engine, start, end, rep_ids),
        _created(engine, start, end, rep_ids),
        _closed(engine, settings, start, end, rep_ids),
    ]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["rep_id", "day", *MEASURES])
    daily = pd.concat(frames).groupby(["rep_id", "day"], as_index=False).sum()
    for m in MEASURES:
        daily[m] = daily[m].astype(float) if m in daily else 0.0
    return daily


def _rows(engine: Engine, stmt, columns: list[str]) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.DataFrame([tuple(r) for r in conn.execute(stmt).all()], columns=columns)  # one fetch
    frame["day"] = pd.to_datetime(frame["day"]).dt.date if len(frame) else frame["day"]
    return frame


def _only(column, rep_ids: Sequence[int] | None) -> list:
    """A condition limiting `column` to `rep_ids` (none when all reps are wanted)."""
    return [] if rep_ids is None else [column.in_([int(r) for r in rep_ids])]


def _activity(engine: Engine, start: dt.date, end: dt.date, rep_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Calls and meetings held per rep and day (the `activity_rep_day` rollup)."""
    t = ActivityRepDay
    stmt = select(t.rep_id, t.day, t.calls, t.meetings_held).where(t.day.between(start, end), *_only(t.rep_id, rep_ids))
    return _rows(engine, stmt, ["rep_id", "day", "calls", "meetings"])


def _created(engine: Engine, start: dt.date, end: dt.date, rep_ids: Sequence[int] | None = None) -> pd.DataFrame:
    o = Opportunity
    stmt = (
        select(o.owner_id, o.created_date, func.count())
        .where(o.owner_id.is_not(None), o.created_date.between(start, end), *_only(o.owner_id, rep_ids))
        .group_by(o.owner_id, o.created_date)
    )
    return _rows(engine, stmt, ["rep_id", "day", "opps"])


def _closed(
    engine: Engine, settings: Settings, start: dt.date, end: dt.date, rep_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Won and lost deals per owner and close day; won amounts in the reporting currency."""
    o = Opportunity
    stmt = (
        select(o.owner_id, o.close_date, o.status, o.currency, func.count(), func.coalesce(func.sum(o.amount), 0))
        .where(
            o.owner_id.is_not(None),
            o.status.in_(("won", "lost")),
            o.close_date.between(start, end),
            *_only(o.owner_id, rep_ids),
        )
        .group_by(o.owner_id, o.close_date, o.status, o.currency)
    )
    frame = _rows(engine, stmt, ["rep_id", "day", "status", "currency", "n", "amount"])
    rate = frame["currency"].map(settings.rate).astype(float)  # no rate: the amount is left out (NaN → 0)
    won = frame["status"] == "won"
    frame["won"] = frame["n"].where(won, 0).astype(float)
    frame["lost"] = frame["n"].where(~won, 0).astype(float)
    frame["won_amount"] = (frame["amount"].astype(float) * rate).where(won, 0.0).fillna(0.0)
    return frame[["rep_id", "day", "won", "lost", "won_amount"]]


# --- per session (impact) --------------------------------------------------------------------------

NEEDS = {  # the measures each driver is worked out from
    "activity": ("calls",),
    "call_to_meeting": ("meetings", "calls"),
    "meeting_to_opp": ("opps", "meetings"),
    "win_rate": ("won", "lost"),
    "deal_size": ("won_amount", "won"),
}


def driver_value(driver: str, sums: Mapping[str, float], reps: int = 1) -> float | None:
    """A driver's value from window sums: calls per rep per week, or a ratio (None when it divides by 0)."""
    if driver == "activity":
        return sums["calls"] / reps / impact.WEEKS if reps else None
    parts = {
        "call_to_meeting": ("meetings", "calls"),
        "meeting_to_opp": ("opps", "meetings"),
        "win_rate": ("won", "closed"),
        "deal_size": ("won_amount", "won"),
    }
    num, den = parts[driver]
    denominator = sums["won"] + sums["lost"] if den == "closed" else sums[den]
    return sums[num] / denominator if denominator > 0 else None


def did(rep_before, rep_after, team_before, team_after) -> float | None:
    """(rep after − rep before) − (team after − team before); None when any value is missing."""
    values = (rep_before, rep_after, team_before, team_after)
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
        return None
    return (rep_after - rep_before) - (team_after - team_before)


def _value(ledger: Ledger, driver: str, reps: Sequence[int], span) -> float | None:
    if not reps or not covers(ledger, *span):
        return None
    return driver_value(driver, window_sums(ledger, reps, *span, NEEDS[driver]), len(reps))


def session_effects(sessions: pd.DataFrame, ledger: Ledger, peers: Mapping[int, Sequence[int]]) -> pd.DataFrame:
    """One row per session with a measured focus driver: rep and team values before/after, and the effect.

    `peers[rep]` are the rep's colleagues (the rest of the team). A window outside the ledger
    (before the data starts, or not over by the as-of date) leaves its values empty, and the effect too.
    """
    rows = []
    for s in sessions[sessions["focus_driver"].isin(MEASURED)].itertuples():
        before, after = windows(s.date)
        rep, team = [int(s.rep_id)], list(peers.get(int(s.rep_id), ()))
        values = [
            _value(ledger, s.focus_driver, rep, before),
            _value(ledger, s.focus_driver, rep, after),
            _value(ledger, s.focus_driver, team, before),
            _value(ledger, s.focus_driver, team, after),
        ]
        rows.append([int(s.id), int(s.manager_id), int(s.rep_id), s.date, s.focus_driver, *values, did(*values)])
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


def by_driver(effects: pd.DataFrame) -> dict[str, Effect]:
    """The summary per driver over the sessions whose effect could be measured."""
    measured = effects.dropna(subset=["effect"])
    return {
        d: summarise(measured.loc[measured["driver"] == d, "effect"].tolist())
        for d in MEASURED
        if (measured["driver"] == d).any()
    }


def focused_effects_per_session(
    engine: Engine, settings: Settings, sessions: pd.DataFrame, people: pd.DataFrame, as_of: dt.date
) -> pd.DataFrame:
    """The reference for `managers.focused_effects`: daily counts, then one session at a time."""
    focused, first, needed = coaching._focused(engine, settings, sessions, people, as_of)
    if focused.empty:
        return pd.DataFrame(columns=EFFECT_COLUMNS)
    ledger = daily_ledger(daily_counts(engine, settings, first, as_of, needed), first, as_of)
    return session_effects(focused, ledger, coaching.peers(people))


# --- quality and the objective signals (coaching) --------------------------------------------------


def with_quality_per_session(sessions: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """The reference for `managers.with_quality`: `rubric.session_quality` one session at a time."""
    out = sessions.copy()
    out["quality"] = [
        rubric.session_quality(dict(zip(RUBRIC, row)), weights) for row in out[list(RUBRIC)].itertuples(index=False)
    ]
    return out


def quality(sessions: pd.DataFrame, weights: Mapping[str, float]) -> tuple[float | None, int]:
    """Mean session quality over the scored sessions, and how many sessions that is (`n`).

    Uses the `quality` column when `with_quality` has added it already.
    """
    rated = sessions if "quality" in sessions else with_quality(sessions, weights)
    scored = pd.to_numeric(rated["quality"], errors="coerce").dropna()
    return (float(scored.mean()) if len(scored) else None), int(len(scored))


def focus_share(sessions: pd.DataFrame) -> float | None:
    """Share of sessions that name a focus driver."""
    return float(sessions["focus_driver"].notna().mean()) if len(sessions) else None


def dated_commitment_share(sessions: pd.DataFrame, commitments: pd.DataFrame) -> float | None:
    """Share of sessions with at least one commitment that has a due date."""
    if not len(sessions):
        return None
    dated = set(commitments.loc[commitments["due_date"].notna(), "session_id"])
    return float(sessions["id"].isin(dated).mean())


def follow_through(commitments: pd.DataFrame, as_of: dt.date, days: int = WINDOW_DAYS) -> FollowThrough:
    """Commitments reviewed by their due date ÷ commitments due (due date in the window, not after as-of)."""
    start = cadence.window_start(as_of, days)
    due = commitments[commitments["due_date"].map(lambda d: d is not None and start <= d <= as_of)]
    on_time = due.apply(lambda c: c["reviewed_date"] is not None and c["reviewed_date"] <= c["due_date"], axis=1)
    return FollowThrough(int(on_time.sum()) if len(due) else 0, int(len(due)))


def time_by_tier(sessions: pd.DataFrame, rep_tiers: Mapping[int, str]) -> pd.DataFrame:
    """Per tier: reps, sessions, hours, per rep, and the tier's share of reps and of coaching time."""
    frame = sessions[sessions["rep_id"].isin(list(rep_tiers))]
    tier_of = frame["rep_id"].map(rep_tiers)
    total_minutes, total_reps = frame["duration_min"].sum(), len(rep_tiers)
    rows = []
    for tier in [*coaching.TIERS, coaching.NO_QUOTA]:
        reps = sum(1 for t in rep_tiers.values() if t == tier)
        mine = frame[tier_of == tier]
        if reps == 0 and mine.empty:
            continue
        minutes = float(mine["duration_min"].sum())
        rows.append(
            {
                "Tier": tier,
                "Reps": reps,
                "Sessions": len(mine),
                "Hours": minutes / 60,
                "Sessions per rep": len(mine) / reps if reps else None,
                "Hours per rep": minutes / 60 / reps if reps else None,
                "Share of reps": reps / total_reps if total_reps else None,
                "Share of coaching time": minutes / total_minutes if total_minutes else None,
            }
        )
    return pd.DataFrame(rows)


# --- one manager at a time (coaching) ---------------------------------------------------------------


def manager_figures(
    manager_id: int,
    name: str,
    reps: pd.DataFrame,
    sessions: pd.DataFrame,
    commitments: pd.DataFrame,
    effects: pd.DataFrame,
    card: Scorecard,
    settings: Settings,
    as_of: dt.date,
) -> ManagerFigures:
    """Every coaching figure for one manager over their reps in view (`reps` indexed by rep id)."""
    ids = [int(i) for i in reps.index]
    hires = {int(i): h for i, h in reps["hire_date"].items()}
    mine = sessions[(sessions["manager_id"] == manager_id) & sessions["rep_id"].isin(ids)]
    window = cadence.in_window(mine, as_of, WINDOW_DAYS)
    agreed = commitments[commitments["session_id"].isin(set(mine["id"]))]
    q, q_n = quality(window, settings.rubric_weights)
    attainment = {r: card.reps[r].funnel.attainment if r in card.reps else None for r in ids}
    on, with_quota = on_track(card, ids, settings.on_track_threshold)
    return ManagerFigures(
        manager_id=manager_id,
        name=name,
        teams=", ".join(sorted(reps["team"].dropna().unique())),
        rep_ids=tuple(ids),
        on_track=on,
        with_quota=with_quota,
        frequency=cadence.frequency(mine, hires, settings, as_of, WINDOW_DAYS),
        hours_per_rep=cadence.hours_per_rep(mine, hires, as_of, WINDOW_DAYS),
        coverage=cadence.coverage(mine, ids, as_of, COVERAGE_DAYS),
        without_one_on_one=cadence.without_one_on_one(mine, ids, as_of, ONE_ON_ONE_DAYS),
        debriefs=cadence.debriefs(mine, as_of, settings, WINDOW_DAYS),
        quality=q,
        quality_n=q_n,
        sessions_n=len(window),
        focus_share=focus_share(window),
        dated_commitment_share=dated_commitment_share(window, agreed),
        follow_through=follow_through(agreed, as_of, WINDOW_DAYS),
        time_by_tier=time_by_tier(window, tiers(attainment)),
        impact=by_driver(effects[effects["manager_id"] == manager_id]),
    )


def every_manager_one_by_one(
    people: pd.DataFrame,
    reps: pd.DataFrame,
    sessions: pd.DataFrame,
    commitments: pd.DataFrame,
    effects: pd.DataFrame,
    card: Scorecard,
    settings: Settings,
    as_of: dt.date,
) -> dict[int, ManagerFigures]:
    """The reference for `managers.every_manager`: `manager_figures` for each manager, by name."""
    managers = {}
    for manager_id, group in reps.dropna(subset=["manager_id"]).groupby("manager_id"):
        name = people.loc[int(manager_id), "name"]
        managers[int(manager_id)] = manager_figures(
            int(manager_id), name, group, sessions, commitments, effects, card, settings, as_of
        )
    return dict(sorted(managers.items(), key=lambda kv: kv[1].name))
