"""Coaching figures per manager (SPEC §6): cadence, hours, coverage, quality, follow-through, impact.

`build()` gathers everything the Coaching page shows for the managers of the reps in view;
the small functions it uses are pure and tested one by one (`coaching_tables` lays them out). Windows end on the as-of date:
cadence, hours, quality and the objective signals use the last 28 days, coverage the last 14,
the one-on-one flag the last 21; impact uses the focused sessions of the look-back window
whose 4 weeks after are over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine

from breakthrough import cadence, impact, queries, rubric
from breakthrough import sessions as store
from breakthrough.formatting import number, percent
from breakthrough.models import RUBRIC
from breakthrough.scorecard import Scorecard
from breakthrough.settings import Settings

WINDOW_DAYS = 28
COVERAGE_DAYS = 14
ONE_ON_ONE_DAYS = 21
PERFORMING_SHARE = 0.75  # a manager with 75 % or more of the team on track is performing
TIERS = ("top 20 %", "middle 60 %", "bottom 20 %")
NO_QUOTA = "no quota"
STATUS_ICONS = {"open": "🕓 open", "overdue": "⏰ overdue", "done": "✅ done", "missed": "⛔ missed"}


# --- quality and the objective signals ---------------------------------------------------------


def with_quality(sessions: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """The sessions with a `quality` column (0–100, None when nothing was scored)."""
    out = sessions.copy()
    out["quality"] = [rubric.session_quality(dict(zip(RUBRIC, row)), weights) for row in out[list(RUBRIC)].itertuples(index=False)]
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


@dataclass(frozen=True)
class FollowThrough:
    """Commitments due in the window, and how many were reviewed by their due date."""

    on_time: int
    due: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


def follow_through(commitments: pd.DataFrame, as_of: dt.date, days: int = WINDOW_DAYS) -> FollowThrough:
    """Commitments reviewed by their due date ÷ commitments due (due date in the window, not after as-of)."""
    start = cadence.window_start(as_of, days)
    due = commitments[commitments["due_date"].map(lambda d: d is not None and start <= d <= as_of)]
    on_time = due.apply(lambda c: c["reviewed_date"] is not None and c["reviewed_date"] <= c["due_date"], axis=1)
    return FollowThrough(int(on_time.sum()) if len(due) else 0, int(len(due)))


def status_as_of(status: str, due: dt.date | None, reviewed: dt.date | None, as_of: dt.date) -> str:
    """A commitment's status on the as-of date: a review after it does not count yet; open past due is overdue."""
    if reviewed is not None and reviewed > as_of:
        status = "open"
    if status == "open" and due is not None and due < as_of:
        return "overdue"
    return status


# --- results: who is on track, and the attainment tiers ---------------------------------------


def results_pace(attainment: float | None, elapsed_share: float) -> float | None:
    """Attainment to date ÷ share of the period elapsed (None without a quota or before the period)."""
    if attainment is None or elapsed_share <= 0:
        return None
    return attainment / elapsed_share


def on_track(card: Scorecard, rep_ids, threshold: float = 1.0) -> tuple[int, int]:
    """(reps at or above pace to quota, reps with a quota) among `rep_ids`."""
    paces = [results_pace(card.reps[r].funnel.attainment, card.elapsed_share) for r in rep_ids if r in card.reps]
    paces = [p for p in paces if p is not None]
    return sum(1 for p in paces if p >= threshold), len(paces)


def tiers(attainment: Mapping[int, float | None]) -> dict[int, str]:
    """Top 20 % / middle 60 % / bottom 20 % by attainment (ties by id); reps without quota: "no quota".

    Ranked best first, rep `i` of `n` sits at `(i + 0.5) ÷ n`: below 0.2 is the top tier, above 0.8
    the bottom one. Six reps give 1 / 4 / 1; five give 1 / 3 / 1; two or one are all middle.
    """
    ranked = sorted((r for r, a in attainment.items() if a is not None), key=lambda r: (-attainment[r], r))
    result = {r: NO_QUOTA for r, a in attainment.items() if a is None}
    for i, rep in enumerate(ranked):
        position = (i + 0.5) / len(ranked)
        result[rep] = TIERS[0] if position < 0.2 else TIERS[2] if position > 0.8 else TIERS[1]
    return result


def time_by_tier(sessions: pd.DataFrame, rep_tiers: Mapping[int, str]) -> pd.DataFrame:
    """Per tier: reps, sessions, hours, per rep, and the tier's share of reps and of coaching time."""
    frame = sessions[sessions["rep_id"].isin(list(rep_tiers))]
    tier_of = frame["rep_id"].map(rep_tiers)
    total_minutes, total_reps = frame["duration_min"].sum(), len(rep_tiers)
    rows = []
    for tier in [*TIERS, NO_QUOTA]:
        reps = sum(1 for t in rep_tiers.values() if t == tier)
        mine = frame[tier_of == tier]
        if reps == 0 and mine.empty:
            continue
        minutes = float(mine["duration_min"].sum())
        rows.append({
            "Tier": tier, "Reps": reps, "Sessions": len(mine), "Hours": minutes / 60,
            "Sessions per rep": len(mine) / reps if reps else None,
            "Hours per rep": minutes / 60 / reps if reps else None,
            "Share of reps": reps / total_reps if total_reps else None,
            "Share of coaching time": minutes / total_minutes if total_minutes else None,
        })
    return pd.DataFrame(rows)


# --- one manager -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManagerFigures:
    manager_id: int
    name: str
    teams: str
    rep_ids: tuple[int, ...]
    on_track: int
    with_quota: int
    frequency: dict[str, cadence.Attainment]
    hours_per_rep: float | None
    coverage: float | None
    without_one_on_one: dict[int, dt.date | None]
    debriefs: cadence.Debriefs
    quality: float | None
    quality_n: int
    sessions_n: int
    focus_share: float | None
    dated_commitment_share: float | None
    follow_through: FollowThrough
    time_by_tier: pd.DataFrame
    impact: dict[str, impact.Effect] = field(default_factory=dict)

    @property
    def on_track_share(self) -> float | None:
        return self.on_track / self.with_quota if self.with_quota else None

    @property
    def performing(self) -> bool | None:
        share = self.on_track_share
        return None if share is None else share >= PERFORMING_SHARE


@dataclass(frozen=True)
class Reading:
    kind: str  # "too rarely" | "often but shallow" | "coaching well" | "mixed"
    text: str


def reading(m: ManagerFigures) -> Reading:
    """The manager's coaching in one sentence: too rarely, often but shallow, coaching well, or mixed."""
    freq, q, follow = m.frequency["all"].ratio, m.quality, m.follow_through.rate
    cadence_text = f"{percent(freq)} of the cadence target"
    quality_text = f"quality {number(q, 0)}/100 (n = {m.quality_n})"
    if freq is not None and freq < 0.5:
        return Reading("too rarely", f"Coaches too rarely: {cadence_text}, {m.sessions_n} sessions in 4 weeks.")
    if freq is not None and freq >= 1.0 and (q is None or q < 50):
        return Reading("often but shallow", f"Coaches often, but shallow: {cadence_text}, yet {quality_text}.")
    if (freq or 0) >= 0.8 and (q or 0) >= 70 and (follow or 0) >= 0.7:
        return Reading("coaching well", f"Coaches well: {cadence_text}, {quality_text}, "
                                        f"{percent(follow)} of commitments followed through.")
    return Reading("mixed", f"Mixed: {cadence_text}, {quality_text}, follow-through {percent(follow)}.")


def manager_figures(manager_id: int, name: str, reps: pd.DataFrame, sessions: pd.DataFrame,
                    commitments: pd.DataFrame, effects: pd.DataFrame, card: Scorecard, settings: Settings,
                    as_of: dt.date) -> ManagerFigures:
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
        manager_id=manager_id, name=name, teams=", ".join(sorted(reps["team"].dropna().unique())),
        rep_ids=tuple(ids), on_track=on, with_quota=with_quota,
        frequency=cadence.frequency(mine, hires, settings, as_of, WINDOW_DAYS),
        hours_per_rep=cadence.hours_per_rep(mine, hires, as_of, WINDOW_DAYS),
        coverage=cadence.coverage(mine, ids, as_of, COVERAGE_DAYS),
        without_one_on_one=cadence.without_one_on_one(mine, ids, as_of, ONE_ON_ONE_DAYS),
        debriefs=cadence.debriefs(mine, as_of, settings, WINDOW_DAYS),
        quality=q, quality_n=q_n, sessions_n=len(window),
        focus_share=focus_share(window),
        dated_commitment_share=dated_commitment_share(window, agreed),
        follow_through=follow_through(agreed, as_of, WINDOW_DAYS),
        time_by_tier=time_by_tier(window, tiers(attainment)),
        impact=impact.by_driver(effects[effects["manager_id"] == manager_id]),
    )


# --- everything the Coaching page needs --------------------------------------------------------


@dataclass(frozen=True)
class Coaching:
    as_of: dt.date
    managers: dict[int, ManagerFigures]
    reps: pd.DataFrame  # the reps in view: name, team, manager_id, hire_date
    sessions: pd.DataFrame  # look-back window up to as-of, with quality
    commitments: pd.DataFrame
    effects: pd.DataFrame


def build(engine: Engine, settings: Settings, card: Scorecard, as_of: dt.date, rep_ids) -> Coaching:
    """Coaching figures for every manager of the reps `rep_ids` (active reps in view)."""
    people = queries.people(engine)
    reps = people.loc[[int(i) for i in rep_ids], ["name", "team", "team_id", "manager_id", "hire_date"]]
    start = as_of - dt.timedelta(days=settings.lookback_days)
    sessions = with_quality(store.sessions(engine, start, as_of, reps.index), settings.rubric_weights)
    commitments = store.commitments(engine, start, as_of, reps.index)
    effects = focused_effects(engine, settings, sessions, people, as_of)
    managers = {}
    for manager_id, group in reps.dropna(subset=["manager_id"]).groupby("manager_id"):
        name = people.loc[int(manager_id), "name"]
        managers[int(manager_id)] = manager_figures(int(manager_id), name, group, sessions, commitments, effects,
                                                    card, settings, as_of)
    return Coaching(as_of, dict(sorted(managers.items(), key=lambda kv: kv[1].name)), reps, sessions,
                    commitments, effects)


def peers(people: pd.DataFrame) -> dict[int, list[int]]:
    """Each active rep's colleagues: the other active reps of the same team."""
    active = people[(people["role"] == "rep") & people["active"].astype(bool) & people["team_id"].notna()]
    teams = active.groupby("team_id").groups
    return {int(r): [int(o) for o in teams[t] if o != r] for r, t in active["team_id"].items()}


def focused_effects(engine: Engine, settings: Settings, sessions: pd.DataFrame, people: pd.DataFrame,
                    as_of: dt.date) -> pd.DataFrame:
    """Before/after values and the effect of the focused sessions of the look-back window (see `impact`)."""
    since = as_of - dt.timedelta(days=settings.lookback_days)
    focused = sessions[sessions["focus_driver"].isin(impact.MEASURED) & (sessions["date"] >= since)]
    if focused.empty:
        return pd.DataFrame(columns=impact.EFFECT_COLUMNS)
    first = max(min(focused["date"]) - dt.timedelta(days=impact.DAYS), queries.first_data_day(engine) or as_of)
    colleagues = peers(people)
    coached = {int(r) for r in focused["rep_id"]}
    needed = sorted(coached.union(*(colleagues.get(r, ()) for r in coached)))  # only these reps are summed
    ledger = impact.Ledger(impact.daily_counts(engine, settings, first, as_of, needed), first, as_of)
    return impact.session_effects(focused, ledger, colleagues)


# --- one rep ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepCoaching:
    sessions: pd.DataFrame  # the look-back window up to as-of, with quality
    commitments: pd.DataFrame
    effects: pd.DataFrame


def for_rep(engine: Engine, settings: Settings, rep_id: int, as_of: dt.date) -> RepCoaching:
    """One rep's coaching over the look-back window: sessions, commitments, and before/after per focus."""
    start = as_of - dt.timedelta(days=settings.lookback_days)
    mine = with_quality(store.sessions(engine, start, as_of, [rep_id]), settings.rubric_weights)
    effects = focused_effects(engine, settings, mine, queries.people(engine), as_of)
    return RepCoaching(mine, store.commitments(engine, start, as_of, [rep_id]), effects)
