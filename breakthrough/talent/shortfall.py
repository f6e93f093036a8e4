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
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from breakthrough.access import Scope
from breakthrough.coaching import impact, managers
from breakthrough.coaching import sessions as coaching_log
from breakthrough.diagnosis import focus
from breakthrough.metrics import scorecard
from breakthrough.metrics.drivers import label
from breakthrough.settings import Settings
from breakthrough.store import queries
from breakthrough.talent import history

MIN_PERIODS = 2
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
    found = history.build(engine, settings, kind, as_of)
    chosen = {r: js for r, js in runs(found, settings).items() if scope.sees_rep(r)}
    if not chosen:
        return []
    focus_of = _focus(engine, settings, found, sorted({j for js in chosen.values() for j in js}), as_of)
    first = min(found.periods[js[0]].start for js in chosen.values())
    ids = sorted(chosen)
    logged = coaching_log.sessions(engine, first, as_of, ids)
    agreed = coaching_log.commitments(engine, first, as_of, ids)
    effects = _effects(engine, settings, logged, chosen, found, as_of)
    pace = found.pace
    sessions_of = _by_rep(logged, ("date", "type"))
    promised_of = _by_rep(agreed, ("session_date", "status", "due_date", "reviewed_date"))
    effects_of = _by_rep(effects, ("date", "effect"))
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
        mine = [r for r in sessions_of.get(rep_id, []) if r["date"] >= since]
        promised = [r for r in promised_of.get(rep_id, []) if r["session_date"] >= since]
        status = Counter(managers.status_as_of(r["status"], r["due_date"], r["reviewed_date"], as_of) for r in promised)
        values = [
            float(r["effect"]) for r in effects_of.get(rep_id, []) if r["date"] >= since and r["effect"] == r["effect"]
        ]
        mean = float(np.mean(values)) if values else None
        rows.append(Shortfall(
            rep_id, found.names[i], found.teams[i], found.managers[i], kind, periods_behind,
            dict(Counter(str(r["type"]) for r in mine)), len(promised), status.get("done", 0), status.get("missed", 0),
            len(promised) - status.get("done", 0) - status.get("missed", 0), len(values),
            None if mean is None else mean > 0, mean,
        ))  # fmt: skip
    return sorted(rows, key=lambda r: (-r.count, r.mean_pace, r.name))


def _by_rep(frame: pd.DataFrame, columns: tuple[str, ...]) -> dict[int, list[dict]]:
    """These columns of a frame with `rep_id` as records, by rep (one pass, not a filter per rep)."""
    out: dict[int, list[dict]] = {}
    for row in frame[["rep_id", *columns]].to_dict("records"):
        out.setdefault(int(row["rep_id"]), []).append(row)
    return out


def _focus(engine, settings: Settings, found: history.History, positions: list[int], as_of: dt.date) -> dict:
    """The focus driver of every rep in each of these periods, as the app showed it halfway through the period
    (or on the as-of date, if sooner): {position: {rep id: driver key}}."""
    out = {}
    for j in positions:
        period = found.periods[j]
        card = scorecard.build(engine, settings, period, min(period.start + (period.end - period.start) / 2, as_of))
        diagnosed = focus.build(
            card, card.won_cycles, settings.shrinkage_k, "top quartile", settings.on_track_threshold
        )
        out[j] = {i: r.focus for i, r in diagnosed.reps.items()}
    return out


def _effects(engine, settings: Settings, logged: pd.DataFrame, chosen: dict, found: history.History, as_of):
    """The coaching effect of each focused session of these reps during their run (`impact.effects_at_once`)."""
    focused = logged[logged["focus_driver"].isin(impact.MEASURED)] if len(logged) else logged
    if focused.empty:
        return pd.DataFrame(columns=impact.EFFECT_COLUMNS)
    window = dt.timedelta(days=impact.DAYS)
    measurable = [d for d in focused["date"] if d + window <= as_of]  # the 4 weeks after are over by the as-of date
    if not measurable:
        return pd.DataFrame(columns=impact.EFFECT_COLUMNS)  # no effect can be measured yet
    people = queries.people(engine)
    first = max(min(focused["date"]) - window, found.periods[0].start)
    colleagues = managers.peers(people, as_of)
    coached = {int(r) for r in focused["rep_id"]}
    needed = sorted(coached.union(*(colleagues.get(r, ()) for r in coached)))
    # the ledger ends where the last measurable session's 4 weeks after do: no later day enters any effect
    ledger = impact.running_ledger(engine, settings, first, min(as_of, max(measurable) + window), needed)
    return impact.effects_at_once(focused, ledger, managers.team_of(people, as_of))


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
