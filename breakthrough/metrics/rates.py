"""Historical rates (docs/metrics.md#why-rates-are-shrunk-towards-the-team), shrunk towards the team so a rep with few deals is not judged on noise.

Beta-binomial shrinkage with prior strength `k`: the rep's record counts as `trials` observations,
the team's rate as `k` more. A rep with no history gets the team's rate; a rep with a long record
gets close to their own.

- win rate: `shrunk_all(won_count, closed_count, team_win_rate, k)`
- meeting → opportunity: `shrunk_all(opportunities_created, meetings_held, team_m2o, k)`
- call → meeting: `shrunk_all(meetings_held, calls_made, team_c2m, k)`
- average won deal size is shrunk the same way on amounts:
  `shrunk_all(won_amount, won_count, team_average_deal_size, k)` — the won amount plays "successes",
  the number of won deals plays "trials", so `value` is the shrunk average in money.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import numpy as np


class Rate(NamedTuple):
    """A rate for display: the shrunk value, the rep's own ratio, and the sample size behind it.

    A named tuple rather than a frozen dataclass: the scorecard makes four per rep on every cold
    run (800 at 200 reps), and a tuple is made several times faster.
    """

    value: float | None  # the shrunk rate; None when neither rep nor prior has data
    raw: float | None  # successes / trials (None when trials == 0)
    successes: float
    trials: float  # the sample size shown beside the rate
    low_confidence: bool  # trials < min_trials


def team_rate(successes: float, trials: float, fallback: float | None = None) -> float | None:
    """The team's pooled ratio (all reps' successes ÷ all reps' trials); `fallback` when there are no trials."""
    return successes / trials if trials > 0 else fallback


# --- every rep at once: numpy arrays, one entry per rep (one rep's figure: one-element arrays) ---------


def shrunk_all(
    successes: np.ndarray, trials: np.ndarray, prior: np.ndarray, k: float, min_trials: int = 5
) -> list[Rate]:
    """Each rep's `Rate`: `(successes + k·prior) / (trials + k)`, the rep's ratio pulled towards the team's `prior`.

    Without a prior (NaN) the rep's own ratio is used; with neither, the value is None. A rate from fewer
    than `min_trials` trials is low confidence."""
    value, raw = shrunk_values(successes, trials, prior, k)
    return many(value, raw, successes, trials, trials < min_trials)


def shrunk_values(
    successes: np.ndarray, trials: np.ndarray, prior: np.ndarray, k: float
) -> tuple[np.ndarray, np.ndarray]:
    """(value, raw) of `shrunk_all` for each entry as arrays, NaN where it gives None (raw: successes ÷ trials)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.where(trials > 0, successes / trials, np.nan)
        pooled = np.where(trials + k > 0, (successes + k * prior) / (trials + k), prior)
    return np.where(np.isnan(prior), raw, pooled), raw


def named_tuples(cls: type, rows) -> list:
    """One named tuple of `cls` per row (its fields' values, in order): `tuple.__new__` itself, which is all
    `cls._make` does after a Python-level length check, so thousands are made without a Python call each."""
    return list(map(partial(tuple.__new__, cls), rows))


def many(value: np.ndarray, raw: np.ndarray, successes: np.ndarray, trials: np.ndarray, low: np.ndarray) -> list[Rate]:
    """One `Rate` per entry of these arrays (NaN value or raw: None)."""
    return named_tuples(Rate, zip(_values(value), _values(raw), successes.tolist(), trials.tolist(), low.tolist()))


def _values(x: np.ndarray) -> list:
    """The entries as Python floats, None for NaN."""
    out = x.astype(object)
    out[np.isnan(x)] = None
    return out.tolist()


def group_medians(groups: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """The median of each group's values (groups numbered 0..n−1: the middle value, the mean of the two
    middle ones for an even count); NaN for a group without values."""
    return runs(groups, values, n).medians()


@dataclass(frozen=True)
class Runs:
    """Values sorted group by group, then by value: group g's are `ordered[starts[g] : starts[g] + counts[g]]`."""

    ordered: np.ndarray
    counts: np.ndarray  # how many values each group has

    @property
    def starts(self) -> np.ndarray:
        return np.cumsum(self.counts) - self.counts

    def medians(self) -> np.ndarray:
        """The median of each group's values (see `group_medians`); NaN for a group without values."""
        counts, middle = self.counts, self.starts + self.counts // 2
        out = np.full(len(counts), np.nan)
        odd, even = counts % 2 == 1, (counts > 0) & (counts % 2 == 0)
        out[odd] = self.ordered[middle[odd]]
        out[even] = (self.ordered[middle[even] - 1] + self.ordered[middle[even]]) / 2
        return out


def runs(groups: np.ndarray, values: np.ndarray, n: int) -> Runs:
    """The values of groups numbered 0..n−1 as sorted `Runs`."""
    return Runs(sorted_by_group(groups, values), np.bincount(groups, minlength=n))


def sorted_by_group(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The values sorted by group, then value: whole numbers (days) by one sort of a combined 32-bit key
    (group × span + value − lowest), anything else by `np.lexsort`."""
    if not len(values):
        return values
    low = values.min()
    offset = values - low
    span = offset.max() + 1
    if span * (groups.max() + 1) < 2**31:
        whole = offset.astype(np.int32)
        if (whole == offset).all():
            key = groups.astype(np.int32) * np.int32(span) + whole
            key.sort()
            return (key % np.int32(span)).astype(float) + low
    return values[np.lexsort((values, groups))]


def run_quantiles(ordered: np.ndarray, starts: np.ndarray, counts: np.ndarray, q) -> np.ndarray:
    """The `q` quantile (one q, or one per run) of each run `ordered[start : start + count]` of sorted values
    (NaN for an empty run).

    numpy's default ("linear") quantile, with its arithmetic step by step, so each value is the one
    `np.quantile` gives: the place (count − 1) × q between two neighbours, and the value between them.
    """
    place = (counts - 1) * q
    at_end = place >= counts - 1  # the last value (numpy's index −1, whose weight is then place + 1)
    below = np.where(at_end, -1.0, np.floor(place))
    low = np.where(at_end, counts - 1, below).astype(np.intp)
    high = np.where(at_end, counts - 1, low + 1)
    weight = place - below
    a, b = _run_values(ordered, starts, counts, low), _run_values(ordered, starts, counts, high)
    step = b - a
    return np.where(weight >= 0.5, b - step * (1 - weight), a + step * weight)  # numpy's `_lerp`


def _run_values(ordered: np.ndarray, starts: np.ndarray, counts: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Each run's value at this offset from its start (NaN for an empty run)."""
    filled = counts > 0
    if not len(ordered):
        return np.full(len(counts), np.nan)
    return np.where(filled, ordered[np.where(filled, starts + offset, 0)], np.nan)


def scaled_within(
    ordered: np.ndarray, first: np.ndarray, end: np.ndarray, scale: np.ndarray, days_left: float
) -> np.ndarray:
    """For each entry: how many of the sorted values `ordered[first:end]` times its `scale` (≥ 0) are at most
    `days_left` — `count_nonzero(values * scale <= days_left)`, with exactly those products.

    A value × a scale never gets smaller as the value grows, so the count is where the run stops fitting:
    a binary search for every entry at once (as many steps as the longest run has doublings).
    """
    low, high = first.copy(), end.copy()
    while (low < high).any():
        searching = low < high
        middle = (low + high) // 2
        fits = ordered[np.minimum(middle, len(ordered) - 1)] * scale <= days_left
        low, high = np.where(searching & fits, middle + 1, low), np.where(searching & ~fits, middle, high)
    return low - first


def shrunk_median_cycle_all(rep: np.ndarray, team: np.ndarray, n: np.ndarray, k: float) -> np.ndarray:
    """Each rep's median won-deal cycle in days pulled towards the team's: `(n·rep + k·team) / (n + k)`, from the
    rep's and team's medians (NaN: none) and the rep's deal count n. Only team data: the team median; only
    rep data: the rep median; neither: NaN."""
    with np.errstate(invalid="ignore"):
        pooled = np.where(n + k > 0, (n * rep + k * team) / (n + k), team)
    return np.where(np.isnan(team), rep, np.where(np.isnan(rep), team, pooled))


def closable_share_all(
    rep_short: np.ndarray, rep_n: np.ndarray, team_short: np.ndarray, team_n: np.ndarray, days_remain: bool, k: float
) -> np.ndarray:
    """`pin` per rep: the share of won deals whose cycle (created → won, days) fits in the days left, from counts —
    cycles that fit (`*_short`) and all cycles (`*_n`) of rep and team.

    Shrunk like a win rate: `(rep deals short enough + k·team share) / (rep deals + k)`. Only team data: the
    team's share; only rep data: the rep's share; no data at all: 1.0 while days remain, else 0.0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        own = rep_short / rep_n
        team_share = team_short / team_n
        pooled = np.where(rep_n + k > 0, (rep_short + k * team_share) / (rep_n + k), team_share)
    no_data = 1.0 if days_remain else 0.0
    return np.where(team_n == 0, np.where(rep_n == 0, no_data, own), pooled)
