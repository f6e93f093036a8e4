"""Coaching figures per manager (docs/coaching.md): cadence, hours, coverage, quality, follow-through, impact.

`build()` gathers everything the Coaching page shows for the managers of the reps in view
(`coaching_tables` lays it out): `every_manager` works out every manager's figures from one split of
the sessions, `focused_effects` every focused session's before/after values at once (`impact`).
Windows end on the as-of date:
cadence, hours, quality and the objective signals use the last 28 days, coverage the last 14,
the one-on-one flag the last 21; impact uses the focused sessions of the look-back window
whose 4 weeks after are over.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from breakthrough.access.scope import OPEN, Scope
from breakthrough.coaching import cadence, impact, rubric
from breakthrough.coaching import sessions as store
from breakthrough.formatting import number, percent
from breakthrough.metrics.periods import holiday_days
from breakthrough.metrics.scorecard import Scorecard, results_pace
from breakthrough.metrics.view import reps_in_scope
from breakthrough.settings import Settings
from breakthrough.store import queries
from breakthrough.store.models import RUBRIC

WINDOW_DAYS = 28
COVERAGE_DAYS = 14
ONE_ON_ONE_DAYS = 21
PERFORMING_SHARE = 0.75  # a manager with 75 % or more of the team on track is performing
TIERS = ("top 20 %", "middle 60 %", "bottom 20 %")
NO_QUOTA = "no quota"
STATUS_ICONS = {"open": "open", "overdue": "overdue", "done": "done", "missed": "missed"}  # in words: no emoji


# --- quality and the objective signals ---------------------------------------------------------


def with_quality(sessions: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """The sessions with a `quality` column: each session's weighted mean of the scored dimensions on 0–100
    (`rubric.to_percent`); unscored dimensions (None, NaN) are left out, not counted as zero, and a session
    with nothing scored (or only weight-0 dimensions) has none (None; NaN in a column with others). Every
    session at once."""
    out = sessions.copy()
    scores = out[list(RUBRIC)].to_numpy(dtype=float, na_value=np.nan).reshape(len(out), len(RUBRIC))
    scored = ~np.isnan(scores)
    w = np.array([float(weights.get(d, 1.0)) for d in RUBRIC])
    total = np.where(scored, w, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = rubric.to_percent(np.where(scored, w * np.nan_to_num(scores), 0.0).sum(axis=1) / total)
    out["quality"] = [float(v) if t > 0 else None for v, t in zip(value, total)]
    return out


@dataclass(frozen=True)
class FollowThrough:
    """Commitments due in the window, and how many were reviewed by their due date."""

    on_time: int
    due: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


def status_as_of(status: str, due: dt.date | None, reviewed: dt.date | None, as_of: dt.date) -> str:
    """A commitment's status on the as-of date: a review after it does not count yet; open past due is overdue."""
    if reviewed is not None and reviewed > as_of:
        status = "open"
    if status == "open" and due is not None and due < as_of:
        return "overdue"
    return status


# --- results: who is on track, and the attainment tiers ---------------------------------------


def on_track(card: Scorecard, rep_ids, threshold: float = 1.0) -> tuple[int, int]:
    """(reps at or above pace to quota, reps with a quota) among `rep_ids`."""
    paces = [results_pace(card.reps[r].funnel.attainment, card.elapsed_share) for r in rep_ids if r in card.reps]
    known = [p for p in paces if p is not None]
    return sum(1 for p in known if p >= threshold), len(known)


def tiers(attainment: Mapping[int, float | None]) -> dict[int, str]:
    """Top 20 % / middle 60 % / bottom 20 % by attainment (ties by id); reps without quota: "no quota".

    Ranked best first, rep `i` of `n` sits at `(i + 0.5) ÷ n`: below 0.2 is the top tier, above 0.8
    the bottom one. Six reps give 1 / 4 / 1; five give 1 / 3 / 1; two or one are all middle.
    """
    ranked = sorted((r for r, a in attainment.items() if a is not None), key=lambda r: (-(attainment[r] or 0.0), r))
    result = {r: NO_QUOTA for r, a in attainment.items() if a is None}
    for i, rep in enumerate(ranked):
        position = (i + 0.5) / len(ranked)
        result[rep] = TIERS[0] if position < 0.2 else TIERS[2] if position > 0.8 else TIERS[1]
    return result


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
    tier_rows: tuple[dict, ...]  # `time_by_tier`'s rows: the frame is made when a page shows it
    impact: dict[str, impact.Effect] = field(default_factory=dict)

    @property
    def time_by_tier(self) -> pd.DataFrame:
        """Per tier: reps, sessions, hours, per rep, and the tier's share of reps and of coaching time."""
        rows = self.tier_rows
        if not rows:
            return pd.DataFrame([])
        return pd.DataFrame({k: [r[k] for r in rows] for k in rows[0]})  # built by column: quicker, the same frame

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
        return Reading(
            "coaching well",
            f"Coaches well: {cadence_text}, {quality_text}, {percent(follow)} of commitments followed through.",
        )
    return Reading("mixed", f"Mixed: {cadence_text}, {quality_text}, follow-through {percent(follow)}.")


# --- every manager at once ------------------------------------------------------------------------
#
# `every_manager` splits the sessions, commitments and effects by manager once and works on plain
# arrays (`Split`), so the cost does not grow with managers × sessions.


@dataclass(frozen=True)
class Split:
    """One manager's sessions (over their reps in view), as arrays in the sessions' order."""

    ids: np.ndarray
    rep: np.ndarray
    day: np.ndarray  # ordinal
    kind: np.ndarray
    minutes: np.ndarray
    focus: np.ndarray  # True where a focus driver is named
    quality: np.ndarray  # NaN where nothing was scored


def every_manager(
    people: pd.DataFrame,
    reps: pd.DataFrame,
    sessions: pd.DataFrame,
    commitments: pd.DataFrame,
    effects: pd.DataFrame,
    card: Scorecard,
    settings: Settings,
    as_of: dt.date,
) -> dict[int, ManagerFigures]:
    """Every coaching figure for each manager of `reps` (indexed by rep id) over their reps in view, by name."""
    managed = reps[reps["manager_id"].notna()]
    rows_of = managed.groupby("manager_id").indices  # each manager's reps, in the frame's order
    rep_ids, hired, team = managed.index.tolist(), managed["hire_date"].tolist(), managed["team"].tolist()
    names = people["name"].to_dict()
    splits = _split_sessions(sessions, reps)
    agreed = _agreed_by_manager(commitments, splits)
    impacts = _impact_by_manager(effects)
    calendar = _working_calendar(sessions, as_of, settings.holiday_country)
    managers = {}
    for manager_id in sorted(rows_of):
        m, rows = int(manager_id), rows_of[manager_id].tolist()
        ids = [int(rep_ids[i]) for i in rows]
        split = splits.get(m) or _split(sessions.iloc[:0])
        mine = agreed.get(m) or _agreed(commitments.iloc[:0])  # none of theirs has a due date
        mates = Mates(
            ids, dict(zip(ids, (hired[i] for i in rows))), sorted({team[i] for i in rows if isinstance(team[i], str)})
        )
        managers[m] = _figures(m, names[m], mates, split, mine, impacts.get(m, {}), calendar, card, settings, as_of)
    return dict(sorted(managers.items(), key=lambda kv: kv[1].name))


@dataclass(frozen=True)
class Mates:
    """One manager's reps in view: their ids (in the reps' order), hire dates and the teams' names."""

    ids: list[int]
    hires: dict[int, dt.date | None]
    teams: list[str]


def _split_sessions(sessions: pd.DataFrame, reps: pd.DataFrame) -> dict[int, Split]:
    """Each manager's sessions with their own reps in view."""
    rep_manager = sessions["rep_id"].map(reps["manager_id"].dropna())
    mine = sessions[rep_manager.to_numpy(dtype=float) == sessions["manager_id"].to_numpy(dtype=float)]
    whole = _split(mine)
    return {
        int(m): Split(*(getattr(whole, f.name)[rows] for f in fields(Split)))
        for m, rows in mine.groupby("manager_id").indices.items()
    }


def _split(frame: pd.DataFrame) -> Split:
    quality = frame["quality"] if "quality" in frame else pd.Series([None] * len(frame))
    return Split(frame["id"].to_numpy(dtype=np.int64), frame["rep_id"].to_numpy(dtype=np.int64),
                 _ordinals(frame["date"]), frame["type"].to_numpy(dtype=object),
                 frame["duration_min"].to_numpy(dtype=np.int64), frame["focus_driver"].notna().to_numpy(),
                 pd.to_numeric(quality, errors="coerce").to_numpy(dtype=float))  # fmt: skip


@dataclass(frozen=True)
class Agreed:
    """Commitments with a due date: their session, due and reviewed days (ordinals; reviewed −1 when not)."""

    session: np.ndarray
    due: np.ndarray
    reviewed: np.ndarray


def _agreed_by_manager(commitments: pd.DataFrame, splits: Mapping[int, Split]) -> dict[int, Agreed]:
    """The commitments agreed in each manager's sessions."""
    owner = {int(i): m for m, split in splits.items() for i in split.ids.tolist()}
    whole = _agreed(commitments)
    manager = pd.Series(whole.session).map(owner)
    return {
        int(m): Agreed(*(getattr(whole, f.name)[rows] for f in fields(Agreed)))
        for m, rows in manager.groupby(manager).indices.items()
    }


def _agreed(commitments: pd.DataFrame) -> Agreed:
    due = _ordinals(commitments["due_date"])
    dated = due >= 0
    return Agreed(
        commitments["session_id"].to_numpy(dtype=np.int64)[dated],
        due[dated],
        _ordinals(commitments["reviewed_date"])[dated],
    )


def _ordinals(dates) -> np.ndarray:
    """Each date's ordinal (−1 where there is none), each distinct date worked out once."""
    codes, found = pd.factorize(pd.Series(list(dates), dtype=object), use_na_sentinel=True)
    return np.array([d.toordinal() for d in found] + [-1], dtype=np.int64)[codes]  # code −1 picks the −1


def _impact_by_manager(effects: pd.DataFrame) -> dict[int, dict[str, impact.Effect]]:
    """Per manager and driver: `impact.summarise` of the measured effects, in the effects' order."""
    measured = effects.dropna(subset=["effect"])
    values: dict[int, dict[str, list[float]]] = {}
    effect = measured["effect"].to_numpy(dtype=float)
    for (m, d), rows in measured.groupby(["manager_id", "driver"], sort=False).indices.items():
        values.setdefault(int(m), {})[d] = effect[rows].tolist()  # `rows` in the effects' order
    return {m: {d: impact.summarise(found[d]) for d in impact.MEASURED if d in found} for m, found in values.items()}


@dataclass(frozen=True)
class Calendar:
    """Working days counted through each day from `first` (ordinal): working days after a to b = at[b] − at[a]."""

    first: int
    at: np.ndarray

    def after(self, a: int, b: int) -> int:
        return int(self.at[b - self.first] - self.at[a - self.first])


def _working_calendar(sessions: pd.DataFrame, as_of: dt.date, country: str | None) -> Calendar:
    """The working calendar from the first session to the as-of date."""
    return working_calendar(min(min(sessions["date"], default=as_of), as_of), as_of, country)


def working_calendar(first: dt.date, last: dt.date, country: str | None) -> Calendar:
    """Working days (weekdays but the public holidays of `country`) through each day of first … last, so
    `after(a, b)` is the working days after day a up to and including day b (Friday → Tuesday is 2)."""
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    working = np.is_busday(days, holidays=holiday_days(country, first.year, last.year)).astype(np.int64)
    return Calendar(first.toordinal(), np.cumsum(working))


def _figures(
    manager_id: int,
    name: str,
    reps: Mates,
    s: Split,
    agreed: Agreed,
    impacts: dict,
    calendar: Calendar,
    card: Scorecard,
    settings: Settings,
    as_of: dt.date,
) -> ManagerFigures:
    """Every coaching figure for one manager over their reps in view (`reps`: ids, hire dates, teams), from
    their `Split`: the 28-day window's sessions, quality, focus share and dated commitments, follow-through,
    time by attainment tier, and the impact per driver (`impacts`)."""
    ids, hires = reps.ids, reps.hires
    end = as_of.toordinal()
    window = (s.day >= end - WINDOW_DAYS + 1) & (s.day <= end)
    scored = s.quality[window][~np.isnan(s.quality[window])]
    attainment = {r: card.reps[r].funnel.attainment if r in card.reps else None for r in ids}
    on, with_quota = on_track(card, ids, settings.on_track_threshold)
    exposure = cadence.rep_months(hires, as_of, WINDOW_DAYS)
    return ManagerFigures(
        manager_id=manager_id,
        name=name,
        teams=", ".join(reps.teams),
        rep_ids=tuple(ids),
        on_track=on,
        with_quota=with_quota,
        frequency=_frequency(s.kind[window], exposure, settings),
        hours_per_rep=float(s.minutes[window].sum()) / 60 / exposure if exposure > 0 else None,
        coverage=_coverage(s, ids, end) if ids else None,
        without_one_on_one=_without_one_on_one(s, ids, end),
        debriefs=_debriefs(s, window, end, calendar, settings.debrief_window_days),
        quality=float(scored.mean()) if len(scored) else None,
        quality_n=int(len(scored)),
        sessions_n=int(window.sum()),
        focus_share=float(s.focus[window].mean()) if window.any() else None,
        dated_commitment_share=float(np.isin(s.ids[window], agreed.session).mean()) if window.any() else None,
        follow_through=_follow_through(agreed, end),
        tier_rows=_tier_rows(s.rep[window], s.minutes[window], tiers(attainment)),
        impact=impacts,
    )


def _frequency(kinds: np.ndarray, exposure: float, settings: Settings) -> dict[str, cadence.Attainment]:
    held = Counter(kinds.tolist())
    result = {
        t: cadence.Attainment(held.get(t, 0), target * exposure) for t, target in cadence.targets(settings).items()
    }
    result["all"] = cadence.Attainment(sum(a.held for a in result.values()), sum(a.expected for a in result.values()))
    return result


def _coverage(s: Split, ids: list[int], end: int) -> float:
    recent = (s.day >= end - COVERAGE_DAYS + 1) & (s.day <= end)
    return len(set(s.rep[recent].tolist()) & set(ids)) / len(set(ids))


def _without_one_on_one(s: Split, ids: list[int], end: int) -> dict[int, dt.date | None]:
    chosen = np.flatnonzero((s.kind == "one_on_one") & (s.day <= end))
    chosen = chosen[np.argsort(s.day[chosen], kind="stable")]
    last = dict(zip(s.rep[chosen].tolist(), s.day[chosen].tolist()))  # the latest day wins
    start = end - ONE_ON_ONE_DAYS + 1
    found = {r: (dt.date.fromordinal(last[r]) if r in last else None) for r in ids}
    return {r: d for r, d in found.items() if d is None or d.toordinal() < start}


def _debriefs(s: Split, window: np.ndarray, end: int, calendar: Calendar, allowed: int) -> cadence.Debriefs:
    """Joint calls in the window followed by a debrief of the same rep (and manager: `s` is one manager's) within
    `allowed` working days (`calendar`): in time, due (deadline passed, or debriefed in time) and pending."""
    debriefed: dict[int, list[int]] = {}
    later = (s.kind == "debrief") & (s.day <= end)
    for rep, day in zip(s.rep[later].tolist(), s.day[later].tolist()):
        debriefed.setdefault(rep, []).append(day)
    in_time = due = pending = 0
    calls = window & (s.kind == "joint_call")
    for rep, day in zip(s.rep[calls].tolist(), s.day[calls].tolist()):
        lags = [calendar.after(day, d) for d in debriefed.get(rep, []) if d >= day]
        if any(lag <= allowed for lag in lags):
            in_time, due = in_time + 1, due + 1
        elif calendar.after(day, end) < allowed:
            pending += 1
        else:
            due += 1
    return cadence.Debriefs(in_time, due, pending)


def _follow_through(agreed: Agreed, end: int) -> FollowThrough:
    """Commitments agreed in a manager's sessions (`agreed`: theirs only) that were due in the 28 days up to
    `end` (ordinal), and how many of them were reviewed by their due date."""
    due = (agreed.due >= end - WINDOW_DAYS + 1) & (agreed.due <= end)
    on_time = due & (agreed.reviewed >= 0) & (agreed.reviewed <= agreed.due)
    return FollowThrough(int(on_time.sum()), int(due.sum()))


def _tier_rows(rep: np.ndarray, minutes: np.ndarray, rep_tiers: Mapping[int, str]) -> tuple[dict, ...]:
    """Per tier: reps, sessions, hours, per rep, and the tier's share of reps and of coaching time
    (from the window's sessions' reps and minutes): the rows of `ManagerFigures.time_by_tier`."""
    tier_of = np.array([rep_tiers.get(r) for r in rep.tolist()], dtype=object)
    total_minutes, total_reps = minutes[tier_of != None].sum(), len(rep_tiers)  # noqa: E711
    rows = []
    for tier in [*TIERS, NO_QUOTA]:
        reps = sum(1 for t in rep_tiers.values() if t == tier)
        chosen = tier_of == tier
        if reps == 0 and not chosen.any():
            continue
        sessions, minutes_in = int(chosen.sum()), float(minutes[chosen].sum())
        rows.append(
            {
                "Tier": tier,
                "Reps": reps,
                "Sessions": sessions,
                "Hours": minutes_in / 60,
                "Sessions per rep": sessions / reps if reps else None,
                "Hours per rep": minutes_in / 60 / reps if reps else None,
                "Share of reps": reps / total_reps if total_reps else None,
                "Share of coaching time": minutes_in / total_minutes if total_minutes else None,
            }
        )
    return tuple(rows)


# --- everything the Coaching page needs --------------------------------------------------------


@dataclass(frozen=True)
class Coaching:
    as_of: dt.date
    managers: dict[int, ManagerFigures]
    reps: pd.DataFrame  # the reps in view: name, team, manager_id, hire_date
    sessions: pd.DataFrame  # look-back window up to as-of, with quality, without notes (`manager_rows` adds them)
    commitments: pd.DataFrame  # without what they say (`manager_rows`)
    effects: pd.DataFrame


def build(engine: Engine, settings: Settings, card: Scorecard, as_of: dt.date, rep_ids) -> Coaching:
    """Coaching figures for every manager of the reps `rep_ids` (the reps in view still here on the as-of date:
    `view.reps_now`)."""
    people = queries.people(engine)
    reps = people.loc[[int(i) for i in rep_ids], ["name", "team", "team_id", "manager_id", "hire_date"]]
    start = as_of - dt.timedelta(days=settings.lookback_days)
    sessions = with_quality(store.session_figures(engine, start, as_of, reps.index), settings.rubric_weights)
    commitments = store.commitment_figures(engine, start, as_of, reps.index)
    effects = focused_effects(engine, settings, sessions, people, as_of)
    managers = every_manager(people, reps, sessions, commitments, effects, card, settings, as_of)
    return Coaching(as_of, managers, reps, sessions, commitments, effects)


def manager_rows(engine: Engine, data: Coaching, manager_id: int) -> RepCoaching:
    """One manager's sessions, commitments and effects of `data`, the sessions' notes and the commitments' texts
    read for them (the rows a page lists): the frames `store.sessions` and `store.commitments` give."""
    own = (data.sessions["manager_id"] == manager_id, data.commitments["manager_id"] == manager_id)
    sessions, commitments = store.with_texts(engine, data.sessions[own[0]], data.commitments[own[1]])
    return RepCoaching(sessions, commitments, data.effects[data.effects["manager_id"] == manager_id])


def peers(people: pd.DataFrame, as_of: dt.date | None = None) -> dict[int, list[int]]:
    """Each rep's colleagues: the other reps of the same team, among those still here on `as_of` (leavers
    left out from the day after their last day; every rep not known to have left when None)."""
    reps = _team_reps(people, as_of)
    teams = reps.groupby("team_id").groups
    return {int(r): [int(o) for o in teams[t] if o != r] for r, t in reps["team_id"].items()}


def team_of(people: pd.DataFrame, as_of: dt.date | None = None) -> dict[int, int]:
    """Each rep's team (the reps `peers` gives colleagues to)."""
    return {int(r): int(t) for r, t in _team_reps(people, as_of)["team_id"].items()}


def _team_reps(people: pd.DataFrame, as_of: dt.date | None) -> pd.DataFrame:
    reps = reps_in_scope(people, None, None, as_of, as_of)
    return reps[reps["team_id"].notna()]


def focused_effects(
    engine: Engine, settings: Settings, sessions: pd.DataFrame, people: pd.DataFrame, as_of: dt.date
) -> pd.DataFrame:
    """Before/after values and the effect of the focused sessions of the look-back window (see `impact`),
    all at once from the running totals."""
    team = team_of(people, as_of)
    focused, first, needed = _focused(engine, settings, sessions, team, as_of)
    if focused.empty:
        return pd.DataFrame(columns=impact.EFFECT_COLUMNS)
    ledger = impact.running_ledger(engine, settings, first, as_of, needed)
    return impact.effects_at_once(focused, ledger, team)


def _focused(engine: Engine, settings: Settings, sessions: pd.DataFrame, team: dict[int, int], as_of: dt.date):
    """The focused sessions of the look-back window, the ledger's first day, and the reps it must hold: the
    coached reps and their colleagues (`peers`: everyone else of their teams, `team`: `team_of`)."""
    since = as_of - dt.timedelta(days=settings.lookback_days)
    focused = sessions[sessions["focus_driver"].isin(impact.MEASURED) & (sessions["date"] >= since)]
    if focused.empty:
        return focused, None, []
    first = max(min(focused["date"]) - dt.timedelta(days=impact.DAYS), queries.first_data_day(engine) or as_of)
    coached = {int(r) for r in focused["rep_id"]}
    teams = {team[r] for r in coached if r in team}
    return focused, first, sorted(coached | {r for r, t in team.items() if t in teams})


# --- one rep ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepCoaching:
    """One rep's coaching (`for_rep`), or one manager's rows (`manager_rows`)."""

    sessions: pd.DataFrame  # the look-back window up to as-of, with quality
    commitments: pd.DataFrame
    effects: pd.DataFrame


def for_rep(engine: Engine, settings: Settings, rep_id: int, as_of: dt.date, scope: Scope = OPEN) -> RepCoaching:
    """One rep's coaching over the look-back window: sessions, commitments, and before/after per focus; none
    for a rep outside `scope`."""
    start = as_of - dt.timedelta(days=settings.lookback_days)
    ids = scope.keep([rep_id])
    mine = with_quality(store.sessions(engine, start, as_of, ids), settings.rubric_weights)
    effects = focused_effects(engine, settings, mine, queries.people(engine), as_of)
    return RepCoaching(mine, store.commitments(engine, start, as_of, ids), effects)
