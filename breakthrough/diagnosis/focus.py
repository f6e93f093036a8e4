"""Where execution falls short (docs/diagnosis.md): drivers, benchmarks, driver impact, the focus driver, the quadrant.

For every rep, each driver's value is set beside "what great looks like" — the 75th percentile
(top quartile) or the median of the rep's team. The **impact** of a driver is how much the projected
period revenue `P` (breakthrough.metrics.funnel.projected_revenue) would grow with that one driver at the
benchmark, counted only where the benchmark is better. The driver with the largest impact is the rep's
**focus**: the one thing to coach. See docs/diagnosis.md for a worked example.

Pipeline coverage is benchmarked and shown, but has no impact of its own: the open pipeline already
counts in `P` at the win rate, and pipeline for the rest of the period can only come from the drivers
that build it (activity, conversion, deal size) — whose impacts are counted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from breakthrough.metrics import funnel, rates, scorecard
from breakthrough.metrics.drivers import DRIVERS, NO_IMPACT
from breakthrough.metrics.inputs import Places
from breakthrough.metrics.scorecard import RepFigures, Scorecard

BENCHMARKS = {"top quartile": 0.75, "median": 0.5}
MIN_GROUP = 4  # a team smaller than this is benchmarked against everyone in the scorecard
QUADRANTS = {
    "retain": ("Retain and stretch", "Results and activity on pace: keep them, and stretch the goal."),
    "develop": ("Develop skills", "Activity on pace but results behind: coach the conversion drivers."),
    "motivate": ("Motivate", "Results on pace but activity behind: motivate, and protect next period's pipeline."),
    "accountability": ("Accountability", "Both behind: a direct accountability conversation."),
}


class DriverFigure(NamedTuple):
    """One driver of one rep: value, benchmark, gap (positive = short of the benchmark) and impact.

    A named tuple rather than a frozen dataclass: the Overview makes one per rep and driver on a
    cold run (1,400 at 200 reps), and a tuple is made several times faster.
    """

    key: str
    value: float | None
    benchmark: float | None
    gap: float | None
    impact: float | None  # None for drivers without an impact of their own (coverage)


class RepDiagnosis(NamedTuple):
    """One rep's drivers against the benchmark (a named tuple, as `DriverFigure`: one per rep on a cold run)."""

    rep_id: int
    name: str
    team: str | None
    projected: float
    figures: dict[str, DriverFigure]
    focus: str | None
    activity_pace: float | None  # calls pace ratio: actual ÷ required per week
    results_pace: float | None  # attainment ÷ elapsed share
    quadrant: str | None

    @property
    def focus_impact(self) -> float:
        """The money the focus driver is worth (0 when there is no focus)."""
        if self.focus is None:
            return 0.0
        return self.figures[self.focus].impact or 0.0

    @property
    def short(self) -> list[str]:
        """Drivers below the benchmark (with or without an impact this period)."""
        return [k for k, f in self.figures.items() if f.gap is not None and f.gap > 0]

    def ranked(self) -> list[DriverFigure]:
        """Drivers by impact, largest first (drivers without an impact last, in their usual order)."""
        order = list(DRIVERS)
        return sorted(self.figures.values(), key=lambda f: (f.impact is None, -(f.impact or 0), order.index(f.key)))


@dataclass(frozen=True)
class Diagnosis:
    benchmark: str  # "top quartile" | "median"
    reps: dict[int, RepDiagnosis] = field(default_factory=dict)


# --- benchmarks and gaps ---------------------------------------------------------------------------


def group_benchmarks(values: Mapping[str, np.ndarray], groups: Sequence[np.ndarray], level: float) -> dict:
    """Each driver's benchmark in each group of reps: the `level` quantile of the group's finite values (from the
    short end for lower-is-better drivers; unknown and "quota met" ∞ left out).

    `values`: driver -> one value per rep (NaN: none); `groups`: arrays of rep positions. Gives driver -> one
    benchmark per group (NaN where a group has no finite value), for every driver and group at once: the
    finite values of each (driver, group) sorted, then `rates.run_quantiles` (numpy's linear quantile)."""
    n, keys = len(groups), list(values)
    member = np.concatenate(groups) if n else np.zeros(0, dtype=np.intp)
    group = np.repeat(np.arange(n), [len(g) for g in groups])
    chosen = np.concatenate([values[key][member] for key in keys])  # driver after driver
    slot = np.concatenate([group + d * n for d in range(len(keys))])  # (driver, group) as driver × n + group
    finite = np.isfinite(chosen)
    chosen, slot = chosen[finite], slot[finite]
    counts = np.bincount(slot, minlength=len(keys) * n)
    q = np.repeat([level if DRIVERS[key].higher_is_better else 1 - level for key in keys], n)
    found = rates.run_quantiles(chosen[np.lexsort((chosen, slot))], np.cumsum(counts) - counts, counts, q)
    return {key: found[d * n : (d + 1) * n] for d, key in enumerate(keys)}


def _floats(values: Sequence[float | None]) -> np.ndarray:
    """The values as a float array, NaN for None."""
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def gaps(key: str, value: np.ndarray, bench: np.ndarray) -> np.ndarray:
    """How far each value falls short of its benchmark, in the driver's unit (negative when better; NaN where a
    side is missing)."""
    with np.errstate(invalid="ignore"):
        return bench - value if DRIVERS[key].higher_is_better else value - bench


# --- the quadrant ------------------------------------------------------------------------------


def quadrant(activity_pace: float | None, results_pace: float | None, on_track: float = 1.0) -> str | None:
    """retain / develop / motivate / accountability from activity pace and results pace (None if unknown)."""
    if activity_pace is None or results_pace is None or math.isnan(activity_pace) or math.isnan(results_pace):
        return None
    activity_met, results_met = activity_pace >= on_track, results_pace >= on_track
    if activity_met:
        return "retain" if results_met else "develop"
    return "motivate" if results_met else "accountability"


def results_pace(rep: RepFigures, elapsed_share: float) -> float | None:
    """The rep's results pace (`scorecard.results_pace`: attainment ÷ share of the period elapsed)."""
    return scorecard.results_pace(rep.funnel.attainment, elapsed_share)


# --- everyone ------------------------------------------------------------------------------------


def peer_groups(card: Scorecard) -> dict[int, tuple[int, ...]]:
    """Each rep's benchmark group: their team, or everyone when the team is smaller than 4 (or unknown)."""
    return _peer_groups(list(card.reps), [r.team for r in card.reps.values()])


def _peer_groups(ids: Sequence[int], team_of: Sequence) -> dict[int, tuple[int, ...]]:
    """`peer_groups` of reps `ids` whose teams are `team_of` (the same order)."""
    teams: dict[str, list[int]] = {}
    for rep_id, team in zip(ids, team_of):
        if team is not None:
            teams.setdefault(team, []).append(rep_id)
    everyone = tuple(ids)
    return {i: tuple(teams[t]) if t in teams and len(teams[t]) >= MIN_GROUP else everyone
            for i, t in zip(ids, team_of)}  # fmt: skip


def peer_group(card: Scorecard, rep_id: int) -> list[int]:
    """The reps one rep is benchmarked against (see `peer_groups`)."""
    return list(peer_groups(card)[rep_id])


def build(
    card: Scorecard, cycles: pd.DataFrame, k: float, benchmark_name: str = "top quartile", on_track: float = 1.0
) -> Diagnosis:
    """Every rep's diagnosis against the chosen benchmark ("top quartile" or "median"): each driver's value,
    benchmark, gap and impact, the focus and the quadrant, with every driver of all reps worked out at once."""
    level = BENCHMARKS.get(benchmark_name, BENCHMARKS["top quartile"])
    out = Diagnosis(benchmark_name if benchmark_name in BENCHMARKS else "top quartile")
    if card.reps:
        out.reps.update(_diagnose_all(card, cycles, k, level, on_track))
    return out


def _drivers_of(card: Scorecard, cycles: pd.DataFrame, k: float, level: float):
    """Every rep's drivers at once: the reps, each driver's values (lists and arrays), benchmarks, projected
    results and impacts."""
    if card.columns is None:
        raise ValueError("the diagnosis needs a scorecard from scorecard.build (with its arrays)")
    reps = list(card.reps.values())
    values = _driver_lists(reps)
    arrays = {key: _floats(found) for key, found in values.items()}
    bench = _benchmarks_by_rep(card, arrays, level)
    projected, impacts = _impacts(card, arrays, bench, Cycles.of_card(card, cycles, k))
    return reps, values, arrays, bench, projected, impacts


def _diagnose_all(card: Scorecard, cycles: pd.DataFrame, k: float, level: float, on_track: float) -> dict:
    """Every rep's `RepDiagnosis` by rep id."""
    reps, values, arrays, bench, projected, impacts = _drivers_of(card, cycles, k, level)
    columns = [_figures(key, values[key], arrays[key], bench[key], impacts[key]) for key in DRIVERS]
    activity = [r.funnel.stages["calls"].pace_ratio for r in reps]
    results = [results_pace(r, card.elapsed_share) for r in reps]
    ids = [r.rep_id for r in reps]
    found = zip(
        ids,
        [r.name for r in reps],
        [r.team for r in reps],
        projected,
        [dict(zip(DRIVERS, figures)) for figures in zip(*columns)],
        focus_of(impacts),
        activity,
        results,
        [quadrant(a, r, on_track) for a, r in zip(activity, results)],
    )  # `RepDiagnosis`' fields in order
    return dict(zip(ids, rates.named_tuples(RepDiagnosis, found)))


def focus_only(card: Scorecard, cycles: pd.DataFrame, k: float, benchmark_name: str = "top quartile") -> dict:
    """Each rep's focus driver key (None: no driver worth anything), by rep id: `build`'s `focus`, worked out the
    same way without the rest of the diagnosis (each driver's figures for every rep)."""
    if not card.reps:
        return {}
    level = BENCHMARKS.get(benchmark_name, BENCHMARKS["top quartile"])
    reps, *_, impacts = _drivers_of(card, cycles, k, level)
    return dict(zip([r.rep_id for r in reps], focus_of(impacts)))


def focus_of_columns(card: scorecard.CardColumns, k: float, benchmark_name: str = "top quartile") -> dict:
    """`focus_only` from a card's arrays (`scorecard.columns_many`), without its per-rep figures: the same values
    (each driver's as the figures hold it), benchmarks, impacts and focus."""
    if not card.rep_ids:
        return {}
    level = BENCHMARKS.get(benchmark_name, BENCHMARKS["top quartile"])
    columns = card.columns
    i = columns.inputs
    assert i.median_cycle_days is not None  # arrays: NaN where a rep has none
    arrays = {"activity": i.calls_pw, "call_to_meeting": columns.rates["call_to_meeting"],
              "meeting_to_opp": columns.rates["meeting_to_opp"], "win_rate": columns.rates["win_rate"],
              "deal_size": columns.rates["deal_size"], "coverage": columns.coverage,
              "cycle": i.median_cycle_days}  # fmt: skip
    bench = _benchmarks_of(card.rep_ids, card.teams, arrays, level)
    days_left = (card.period.end - card.as_of).days
    cycles = Cycles(columns.cycles, columns.cycles_short, card.teams, days_left, k)
    _, impacts = _impacts_of(i, len(card.rep_ids), arrays, bench, cycles)
    return dict(zip(card.rep_ids, focus_of(impacts)))


def _driver_lists(reps: Sequence[RepFigures]) -> dict[str, list]:
    """Each driver's value for every rep, one list per driver: calls per week (last 4 weeks), the shrunk rates,
    coverage and the median cycle."""
    calls = [r.funnel.stages["calls"] for r in reps]
    rate = lambda name: [r.rates[name].value for r in reps]  # noqa: E731
    return {"activity": [c.actual_pw for c in calls], "call_to_meeting": rate("call_to_meeting"),
            "meeting_to_opp": rate("meeting_to_opp"), "win_rate": rate("win_rate"), "deal_size": rate("deal_size"),
            "coverage": [r.funnel.coverage for r in reps], "cycle": [r.median_cycle_days for r in reps]}  # fmt: skip


def _benchmarks_by_rep(card: Scorecard, values: Mapping[str, np.ndarray], level: float) -> dict[str, np.ndarray]:
    """Each driver's benchmark for each rep (NaN: none), over the rep's peer group (`peer_groups`)."""
    return _benchmarks_of(list(card.reps), [r.team for r in card.reps.values()], values, level)


def _benchmarks_of(ids: Sequence[int], team_of: Sequence, values: Mapping[str, np.ndarray], level: float) -> dict:
    """`_benchmarks_by_rep` of reps `ids` whose teams are `team_of`."""
    position = {rep_id: n for n, rep_id in enumerate(ids)}
    number: dict[tuple[int, ...], int] = {}
    group_of = np.array([number.setdefault(g, len(number)) for g in _peer_groups(ids, team_of).values()],
                        dtype=np.intp)  # fmt: skip
    members = [np.array([position[i] for i in g], dtype=np.intp) for g in number]
    found = group_benchmarks(values, members, level)
    return {key: per_group[group_of] for key, per_group in found.items()}


def focus_of(impacts: Mapping[str, np.ndarray | None]) -> list[str | None]:
    """Each rep's focus: the driver with the largest positive impact (the first in the table's order on a tie);
    None when no driver is worth anything. `impacts`: driver -> one impact per rep (None: no impact of its own)."""
    keys = [key for key in DRIVERS if impacts.get(key) is not None]
    worth = np.array([impacts[key] for key in keys], dtype=float)
    return [keys[b] if w > 0 else None for b, w in zip(worth.argmax(axis=0).tolist(), worth.max(axis=0).tolist())]


def _figures(key: str, values: list, value: np.ndarray, bench: np.ndarray, impacts: np.ndarray | None) -> list:
    """One driver's `DriverFigure` for every rep (the gap of `gaps`; None where a side is missing)."""
    missing = np.isnan(value) | np.isnan(bench)
    short, benches = gaps(key, value, bench).astype(object), bench.astype(object)
    short[missing], benches[np.isnan(bench)] = None, None
    worth = [None] * len(values) if impacts is None else impacts.tolist()
    return rates.named_tuples(DriverFigure, zip([key] * len(values), values, benches.tolist(), short.tolist(), worth))


# --- every rep's impacts at once ---------------------------------------------------------------------

_FIELDS = {key: d.moves for key, d in DRIVERS.items() if d.moves is not None}  # the funnel input each moves


def _impacts(card: Scorecard, values: Mapping[str, np.ndarray], bench: Mapping[str, np.ndarray], cycles: Cycles):
    """(P per rep, {driver: impact array}) — None for drivers without an impact of their own."""
    assert card.columns is not None  # `diagnose` refuses a card without its arrays
    return _impacts_of(card.columns.inputs, len(card.reps), values, bench, cycles)


def _impacts_of(card_inputs: funnel.FunnelInputs, n: int, values: Mapping[str, np.ndarray],
                bench: Mapping[str, np.ndarray], cycles: Cycles):  # fmt: skip
    """`_impacts` from the reverse funnel's inputs of `n` reps."""
    inputs = replace(card_inputs, closable_share=cycles.closable(np.ones(n)))
    base = funnel.projected_revenue(inputs)
    impacts = {key: driver_impact(key, values[key], bench[key], inputs, base, cycles) for key in DRIVERS}
    return base.tolist(), impacts


def driver_impact(
    key: str,
    value: np.ndarray,
    bench: np.ndarray,
    inputs: funnel.FunnelInputs,
    base: np.ndarray,
    cycles: Cycles,
) -> np.ndarray | None:
    """Per rep: the projected revenue P with this driver at its benchmark − P (`base`), counted only where the
    benchmark is better (else 0, never negative); None for a driver without an impact of its own (coverage).

    The driver moves its funnel input to the benchmark (win rate capped at 100 %; a bigger deal size for new
    deals only); a shorter sales cycle scales every won-deal cycle of the rep and team by benchmark ÷ value,
    so more of them fit in the days left (`Cycles.closable`)."""
    if key in NO_IMPACT:
        return None
    worse = gaps(key, value, bench) > 0  # (False where a side is missing: NaN > 0 is False)
    if key == "cycle":
        moved = worse & (value > 0)  # a shorter cycle: every cycle × benchmark ÷ value
        scale = np.where(moved, bench / np.where(value > 0, value, 1.0), 1.0)
        better = replace(inputs, closable_share=np.where(moved, cycles.closable(scale), inputs.closable_share))
    else:
        target = np.where(bench > 1.0, 1.0, bench) if key == "win_rate" else bench
        moves: dict[str, Any] = {_FIELDS[key]: np.where(worse, target, getattr(inputs, _FIELDS[key]))}  # `replace`'s
        better = replace(inputs, **moves)
    gain = funnel.projected_revenue(better) - base
    return np.where(worse, np.where(gain < 0.0, 0.0, gain), 0.0)


class Cycles:
    """What the closable share `pin` is made of, for every rep at once: each rep's won-deal cycles (days, sorted)
    and their team's (every cycle of the reps in the team), the days left and the shrinkage `k`."""

    def __init__(self, own: rates.Runs, own_short: np.ndarray, teams: Sequence[str | None], days_left: int, k: float):
        self.k, self.days_left = k, days_left
        self.own, self.own_short = own, own_short  # the sorted cycles per rep, and how many fit in the days left
        codes: dict = {}
        self.team_of = np.array([codes.setdefault(t, len(codes)) if t is not None else -1 for t in teams],
                                dtype=np.int64)  # fmt: skip
        self.team_n = _team_sums(self.own.counts, self.team_of, len(codes))
        self.team_short = _team_sums(self.own_short, self.team_of, len(codes))
        self._teams = len(codes)

    @classmethod
    def of(cls, rep_cycles: Sequence[Sequence[float]], teams: Sequence[str | None], days_left: int, k: float):
        """From each rep's won-deal cycles (days) and team (None: no team)."""
        rep = np.repeat(np.arange(len(rep_cycles)), [len(c) for c in rep_cycles])
        days = np.array([d for c in rep_cycles for d in c], dtype=float)
        return cls(*_counted(rep, days, len(rep_cycles), days_left), teams, days_left, k)

    @classmethod
    def of_card(cls, card: Scorecard, cycles: pd.DataFrame, k: float):
        """The card's reps' cycles (its own when `cycles` are the card's) with their teams, to the card's period end."""
        days_left = (card.period.end - card.as_of).days
        own, own_short = _own_cycles(card, cycles, days_left)
        return cls(own, own_short, [r.team for r in card.reps.values()], days_left, k)

    def closable(self, scale: np.ndarray) -> np.ndarray:
        """`pin` per rep with every cycle (the rep's and the team's) × the rep's `scale`: the share of cycles that
        fit in the days left, shrunk towards the team's (`rates.closable_share_all`).

        Counts at scale 1 are those of the cycles themselves (× 1.0 changes no number); only reps with
        another scale are counted again (`rates.scaled_within`)."""
        own_short, team_short = self.own_short.copy(), self.team_short.copy()
        scaled = np.flatnonzero(scale != 1.0)
        starts = self.own.starts[scaled]
        own_short[scaled] = rates.scaled_within(self.own.ordered, starts, starts + self.own.counts[scaled],
                                                scale[scaled], self.days_left)  # fmt: skip
        in_team = scaled[self.team_of[scaled] >= 0]
        if len(in_team):
            days, bounds = self._by_team
            team = self.team_of[in_team]
            team_short[in_team] = rates.scaled_within(days, bounds[team], bounds[team + 1], scale[in_team],
                                                      self.days_left)  # fmt: skip
        return rates.closable_share_all(own_short, self.own.counts, team_short, self.team_n, self.days_left > 0,
                                        self.k)  # fmt: skip

    @cached_property
    def _by_team(self) -> tuple[np.ndarray, np.ndarray]:
        """The cycles of reps in a team, sorted team by team, and where each team's run starts (and the last ends)."""
        team = np.repeat(self.team_of, self.own.counts)  # each cycle's team, in `self.own.ordered`
        inside = team >= 0
        bounds = np.r_[0, np.cumsum(np.bincount(team[inside], minlength=self._teams))]
        return rates.sorted_by_group(team[inside], self.own.ordered[inside]), bounds


def _own_cycles(card: Scorecard, cycles: pd.DataFrame, days_left: int) -> tuple[rates.Runs, np.ndarray]:
    """Each rep's won-deal cycles, sorted (`rates.Runs`), and how many fit in the days left: the scorecard's
    own when these are the card's cycles, else worked out from `cycles` (owners who are not reps left out)."""
    if card.columns is not None and cycles is card.won_cycles:
        return card.columns.cycles, card.columns.cycles_short
    where = Places(list(card.reps)).of(cycles["rep_id"].to_numpy()) if len(cycles) else np.array([], dtype=int)
    days = cycles["days"].to_numpy(dtype=float)[where >= 0] if len(cycles) else np.array([])
    return _counted(where[where >= 0], days, len(card.reps), days_left)


def _counted(rep: np.ndarray, days: np.ndarray, n: int, days_left: int) -> tuple[rates.Runs, np.ndarray]:
    """The cycles of reps numbered 0..n−1 as sorted runs, and how many of each rep's fit in the days left."""
    return rates.runs(rep, days, n), np.bincount(rep[days <= days_left], minlength=n)


def _team_sums(per_rep: np.ndarray, team_of: np.ndarray, n_teams: int) -> np.ndarray:
    """Each rep's team's total of a count (0 for a rep without a team)."""
    inside = team_of >= 0
    per_team = np.bincount(team_of[inside], weights=per_rep[inside], minlength=n_teams).astype(np.int64)
    return _per_rep(per_team, team_of)


def _per_rep(per_team: np.ndarray, team_of: np.ndarray) -> np.ndarray:
    """Each rep's team's count (0 for a rep without a team)."""
    return np.append(per_team, 0)[np.where(team_of >= 0, team_of, len(per_team))]
