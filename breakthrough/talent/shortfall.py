"""Persistent shortfall: reps behind pace to quota for two or more periods running, and what was done
about it (docs/metrics.md#persistent-shortfall). Factual, never a verdict on the person.

- **Behind** in a period: results pace (`history`: attainment ÷ elapsed share, `scorecard.results_pace`)
  below the at-risk threshold of the Settings (80 %), the Overview's *behind*. Periods are months or
  quarters (Settings: `shortfall_period`); the current period counts with its pace so far.
- **The run**: the consecutive periods behind ending with the rep's latest period (a period without a quota
  ends it). Two or more make a row. Reps who have left are not listed.
- **What was done**, from the start of the run to the as-of date: coaching sessions by type, commitments
  agreed (kept: done; missed; still open, on the as-of date: `managers.status_as_of`), the focus driver of
  each period (`diagnosis.focus` on that period's scorecard halfway through it — at its end no time is left
  for any driver to be worth anything — against the top quartile), and whether the
  focus driver improved after coaching: the mean effect (`coaching.impact`: the rep's change in the 4 weeks
  after a focused session less the team's) of the focused sessions measured, above zero or not.
- Sorted by periods behind (most first), then by the mean pace over the run (lowest first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Date, and_, bindparam, case, func, literal, select

from breakthrough.access import Scope
from breakthrough.coaching import impact, managers
from breakthrough.coaching import sessions as coaching_log
from breakthrough.diagnosis import focus
from breakthrough.metrics import scorecard
from breakthrough.metrics.drivers import label
from breakthrough.settings import Settings
from breakthrough.store import queries
from breakthrough.store.models import CoachingSession, Commitment
from breakthrough.store.rows import as_dates, by_column, fetch
from breakthrough.talent import history

MIN_PERIODS = 2
RESULTS = ("quota", "won")  # what results pace needs of the history
PERIOD_WORDS = {"month": ("month", "months"), "quarter": ("quarter", "quarters")}


@dataclass(frozen=True)
class PeriodBehind:
    key: str
    label: str
    start: dt.date
    end: dt.date
    quota: float
    won: float
    pace: float
    focus: str | None  # the period's focus driver key


@dataclass(frozen=True)
class Shortfall:
    rep_id: int
    name: str
    team: str | None
    manager: str | None
    kind: str  # "month" | "quarter"
    periods: tuple[PeriodBehind, ...]  # oldest first
    sessions: dict[str, int]  # session type → count, from the run's start to the as-of date
    made: int
    kept: int
    missed: int
    open: int
    measured: int  # focused sessions whose effect could be measured
    improved: bool | None  # None: nothing measured yet
    mean_effect: float | None

    @property
    def count(self) -> int:
        return len(self.periods)

    @property
    def mean_pace(self) -> float:
        return float(np.mean([p.pace for p in self.periods]))

    @property
    def since(self) -> dt.date:
        return self.periods[0].start

    def text(self) -> str:
        """ "4 quarters behind; 2 one-on-ones in that time; 3 of 5 commitments missed"."""
        one, many = PERIOD_WORDS.get(self.kind, ("period", "periods"))
        said = [f"{self.count} {many if self.count != 1 else one} behind"]
        said.append(f"{sessions_words(self.sessions)} in that time")
        said.append(f"{self.missed} of {self.made} commitments missed" if self.made else "no commitments agreed")
        said.append(self.after_coaching())
        return "; ".join(said)

    def after_coaching(self) -> str:
        if self.improved is None:
            return "focus driver after coaching: not measured yet"
        return f"focus driver {'improved' if self.improved else 'did not improve'} after coaching ({self.measured_words()})"

    def coaching_effect(self) -> str:
        """The focus driver after coaching, for a column of that name: "improved (2 sessions measured)"."""
        if self.improved is None:
            return "not measured yet"
        return f"{'improved' if self.improved else 'did not improve'} ({self.measured_words()})"

    def measured_words(self) -> str:
        return f"{self.measured} session{'s' if self.measured != 1 else ''} measured"

    def focus_words(self) -> str:
        return ", ".join(f"{p.label}: {label(p.focus)}" for p in self.periods)


def sessions_words(by_type: dict[str, int]) -> str:
    if not by_type:
        return "no coaching sessions"
    words = []
    for kind, n in sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])):
        name = coaching_log.TYPE_LABELS.get(kind, kind).lower()
        words.append(f"{n} {name}{'s' if n != 1 else ''}")
    return ", ".join(words)


def runs(found: history.History, settings: Settings) -> dict[int, list[int]]:
    """Each rep's run: the positions of the consecutive periods behind ending with their latest period (every rep
    at once: the last period not behind at or before the latest one ends the run)."""
    n, m = found.present.shape
    if not n or not m:
        return {}
    pace = found.pace
    behind = np.isfinite(pace) & (pace < settings.at_risk_threshold)
    column = np.arange(m)
    latest = np.where(found.present, column, -1).max(axis=1)  # −1: never present
    ended = np.where(~behind & (column <= latest[:, None]), column, -1).max(axis=1)  # the last period not behind
    left = np.array([e is not None and e < found.as_of for e in found.end], dtype=bool)  # no conversation to have
    keep = np.flatnonzero((latest >= 0) & ~left & (latest - ended >= MIN_PERIODS))
    return {found.rep_ids[i]: list(range(int(ended[i]) + 1, int(latest[i]) + 1)) for i in keep}


def build(engine, settings: Settings, as_of: dt.date, scope: Scope, kind: str | None = None) -> list[Shortfall]:
    """The reps inside `scope` behind for two or more periods running, most persistent first."""
    kind = kind or settings.shortfall_period
    found = history.build(engine, settings, kind, as_of, RESULTS, next_quota=True)  # the quotas read once for both
    chosen = {r: js for r, js in runs(found, settings).items() if scope.sees_rep(r)}
    if not chosen:
        return []
    focus_of = _focus(engine, settings, found, sorted({j for js in chosen.values() for j in js}), as_of)
    first_j = min(js[0] for js in chosen.values())
    first = found.periods[first_j].start
    ids = sorted(chosen)
    starts = [p.start for p in found.periods[first_j + 1 :]]  # the periods' boundaries after the first run's start
    by_type = _session_counts(engine, first, as_of, ids, starts, first_j)
    by_status = _commitment_counts(engine, first, as_of, ids, starts, first_j)
    focused = _focused_sessions(engine, first, as_of, ids)
    effects = _effects(engine, settings, focused, found, as_of)
    effects_of = _effects_by_rep(effects)
    pace = found.pace
    rows = []
    for rep_id, js in chosen.items():
        i = found.row(rep_id)
        since = found.periods[js[0]].start
        periods_behind = tuple(
            PeriodBehind(found.periods[j].key, found.periods[j].label, found.periods[j].start, found.periods[j].end,
                         float(found.figures["quota"][i, j]), float(found.figures["won"][i, j]), float(pace[i, j]),
                         focus_of.get(j, {}).get(rep_id))
            for j in js
        )  # fmt: skip
        mine = _since(by_type.get(rep_id, {}), js[0])
        status = _since(by_status.get(rep_id, {}), js[0])
        made = sum(status.values())
        days, effect = effects_of.get(rep_id, (np.zeros(0, dtype=np.int64), np.zeros(0)))
        values = effect[(days >= since.toordinal()) & (effect == effect)]
        mean = float(np.mean(values)) if len(values) else None
        rows.append(Shortfall(
            rep_id, found.names[i], found.teams[i], found.managers[i], kind, periods_behind,
            mine, made, status.get("done", 0), status.get("missed", 0),
            made - status.get("done", 0) - status.get("missed", 0), len(values),
            None if mean is None else mean > 0, mean,
        ))  # fmt: skip
    return sorted(rows, key=lambda r: (-r.count, r.mean_pace, r.name))


def _since(counts: dict[tuple[int, str], int], first: int) -> dict[str, int]:
    """{(period position, name): count} → {name: count} over the periods from position `first` on."""
    out: dict[str, int] = {}
    for (j, name), n in counts.items():
        if j >= first:
            out[name] = out.get(name, 0) + n
    return out


def _bucket(column, starts: list[dt.date], first: int):
    """The position of the period holding `column`'s date (`first` for any date before the first of `starts`)."""
    steps = [(column < bindparam(f"b_{i}", d, type_=Date), first + i) for i, d in enumerate(starts)]
    return case(*steps, else_=first + len(starts)) if steps else literal(first)


def _counted(engine, stmt) -> dict[int, dict[tuple[int, str], int]]:
    found: dict[int, dict[tuple[int, str], int]] = {}
    for rep, j, name, n in fetch(engine, stmt):
        found.setdefault(int(rep), {})[(int(j), str(name))] = int(n)
    return found


def _session_counts(engine, start: dt.date, end: dt.date, ids: list[int], starts: list[dt.date], first: int):
    """Each rep's coaching sessions dated in [start, end], counted by period position and session type (in SQL)."""
    s = CoachingSession
    j = _bucket(s.date, starts, first)
    stmt = (
        select(s.rep_id, j, s.type, func.count())
        .where(s.date.between(start, end), s.rep_id.in_(ids))
        .group_by(s.rep_id, j, s.type)
    )
    return _counted(engine, stmt)


def _commitment_counts(engine, start: dt.date, end: dt.date, ids: list[int], starts: list[dt.date], first: int):
    """Each rep's commitments agreed in sessions dated in [start, end], counted by the session's period position and
    the commitment's status on `end` (`managers.status_as_of`, in SQL)."""
    c, s = Commitment, CoachingSession
    as_of = bindparam("as_of", end, type_=Date)
    status = case((and_(c.reviewed_date.is_not(None), c.reviewed_date > as_of), "open"), else_=c.status)
    status = case((and_(status == "open", c.due_date.is_not(None), c.due_date < as_of), "overdue"), else_=status)
    j = _bucket(s.date, starts, first)
    stmt = (
        select(c.rep_id, j, status, func.count())
        .join(s, s.id == c.session_id)
        .where(s.date.between(start, end), c.rep_id.in_(ids))
        .group_by(c.rep_id, j, status)
    )
    return _counted(engine, stmt)


FOCUSED_COLUMNS = ["id", "manager_id", "rep_id", "date", "focus_driver"]


def _focused_sessions(engine, start: dt.date, end: dt.date, ids: list[int]) -> pd.DataFrame:
    """The sessions with a measured focus driver dated in [start, end] of these reps, oldest first (what
    `impact.effects_at_once` reads)."""
    s = CoachingSession
    stmt = (
        select(*[getattr(s, c) for c in FOCUSED_COLUMNS])
        .where(s.date.between(start, end), s.rep_id.in_(ids), s.focus_driver.in_(list(impact.MEASURED)))
        .order_by(s.date, s.id)
    )
    values = by_column(fetch(engine, stmt), FOCUSED_COLUMNS)
    return pd.DataFrame({c: as_dates(v) if c == "date" else v for c, v in values.items()}, columns=FOCUSED_COLUMNS)


def _effects_by_rep(effects: pd.DataFrame) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Each rep's measured sessions' days (ordinals) and effects, in the sessions' order."""
    if effects.empty:
        return {}
    reps = effects["rep_id"].to_numpy(dtype=np.int64)
    days = np.array([d.toordinal() for d in effects["date"]], dtype=np.int64)
    effect = effects["effect"].to_numpy(dtype=float)
    order = np.argsort(reps, kind="stable")
    every, starts = np.unique(reps[order], return_index=True)
    ends = np.r_[starts[1:], len(order)]
    return {int(r): (days[order[a:b]], effect[order[a:b]]) for r, a, b in zip(every, starts, ends)}


def _focus(engine, settings: Settings, found: history.History, positions: list[int], as_of: dt.date) -> dict:
    """The focus driver of every rep in each of these periods, as the app showed it halfway through the period
    (or on the as-of date, if sooner): {position: {rep id: driver key}}."""
    chosen = [found.periods[j] for j in positions]
    halfway = [(p, min(p.start + (p.end - p.start) / 2, as_of)) for p in chosen]
    cards = scorecard.columns_many(engine, settings, halfway, found.quotas)  # one read of each kind for all
    return {j: focus.focus_of_columns(card, settings.shrinkage_k, "top quartile") for j, card in zip(positions, cards)}


def _effects(engine, settings: Settings, focused: pd.DataFrame, found: history.History, as_of):
    """The coaching effect of each focused session of these reps during their run (`impact.effects_at_once`)."""
    if focused.empty:
        return pd.DataFrame(columns=impact.EFFECT_COLUMNS)
    window = dt.timedelta(days=impact.DAYS)
    measurable = [d for d in focused["date"] if d + window <= as_of]  # the 4 weeks after are over by the as-of date
    if not measurable:
        return pd.DataFrame(columns=impact.EFFECT_COLUMNS)  # no effect can be measured yet
    first = max(min(focused["date"]) - window, found.periods[0].start)
    # the ledger ends where the last measurable session's 4 weeks after do: no later day enters any effect; each
    # team's totals from the teams' rollup, not from every team-mate's
    last = min(as_of, max(measurable) + window)
    return impact.team_effects(engine, settings, focused, managers.team_of(queries.people(engine), as_of), first, last)


@dataclass(frozen=True)
class Evidence:
    """One rep's coaching history over their run: sessions and commitments (with their status on the as-of date)."""

    row: Shortfall
    as_of: dt.date
    sessions: pd.DataFrame  # date, type, focus_driver, duration_min
    commitments: pd.DataFrame  # session_date, text, driver, due_date, status (on the as-of date)


def evidence(engine, row: Shortfall, as_of: dt.date, scope: Scope) -> Evidence | None:
    """What an evidence pack holds for a listed rep inside `scope` (None for one outside it)."""
    if not scope.sees_rep(row.rep_id):
        return None
    logged = coaching_log.sessions(engine, row.since, as_of, [row.rep_id])
    agreed = coaching_log.commitments(engine, row.since, as_of, [row.rep_id])
    agreed = agreed.assign(
        status=[
            managers.status_as_of(s, d, r, as_of)
            for s, d, r in zip(agreed["status"], agreed["due_date"], agreed["reviewed_date"])
        ]  # fmt: skip
    )
    return Evidence(
        row,
        as_of,
        logged[["date", "type", "focus_driver", "duration_min"]].reset_index(drop=True),
        agreed[["session_date", "text", "driver", "due_date", "status"]].reset_index(drop=True),
    )
