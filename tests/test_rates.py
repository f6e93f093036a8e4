"""Shrunk rates, medians and the closable share (docs/metrics.md#why-rates-are-shrunk-towards-the-team, #closable-share). Every expected value is worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from breakthrough.metrics.rates import (
    Rate,
    closable_share_all,
    group_medians,
    shrunk_all,
    shrunk_median_cycle_all,
    team_rate,
)


def shrunk(successes, trials, prior, k, min_trials=5) -> Rate:
    """One rep's rate: `shrunk_all` on one-element arrays (None: no prior)."""
    (rate,) = shrunk_all(np.array([successes], dtype=float), np.array([trials], dtype=float),
                         np.array([math.nan if prior is None else prior]), k, min_trials)  # fmt: skip
    return rate


SHRUNK_CASES = [
    # a rep with no history gets the team's rate
    (0, 0, 0.25, 10, 0.25, None, True),
    # 3 won of 10 closed, team 25 %: pulled a little towards the team
    (3, 10, 0.25, 10, (3 + 10 * 0.25) / (10 + 10), 3 / 10, False),
    # 3 closed deals (1 won): low confidence
    (1, 3, 0.25, 10, (1 + 10 * 0.25) / (3 + 10), 1 / 3, True),
    # 5 closed deals (2 won): enough for confidence
    (2, 5, 0.25, 10, (2 + 10 * 0.25) / (5 + 10), 2 / 5, False),
    # 4 trials is still below 5
    (2, 4, 0.5, 10, (2 + 10 * 0.5) / (4 + 10), 2 / 4, True),
    # a long record barely moves
    (300, 1000, 0.25, 10, (300 + 10 * 0.25) / (1000 + 10), 300 / 1000, False),
    # a perfect small record is not 100 %
    (2, 2, 0.3, 10, (2 + 10 * 0.3) / (2 + 10), 1.0, True),
    # no prior: the rep's own ratio
    (3, 10, None, 10, 3 / 10, 3 / 10, False),
    # neither rep nor prior: no value
    (0, 0, None, 10, None, None, True),
    # a missing prior from a table (NaN) counts as no prior
    (3, 10, float("nan"), 10, 3 / 10, 3 / 10, False),
    (0, 0, float("nan"), 10, None, None, True),
    # k = 0 turns shrinkage off
    (30, 100, 0.25, 0, 30 / 100, 30 / 100, False),
    (0, 0, 0.4, 0, 0.4, None, True),
    # a different k: stronger pull
    (3, 10, 0.25, 30, (3 + 30 * 0.25) / (10 + 30), 3 / 10, False),
    # average deal size, shrunk on amounts: 4 won deals worth 50,000, team average 20,000
    (50_000, 4, 20_000, 10, (50_000 + 10 * 20_000) / (4 + 10), 50_000 / 4, True),
    (0, 0, 20_000, 10, 20_000, None, True),
]


@pytest.mark.parametrize("successes, trials, prior, k, value, raw, low_confidence", SHRUNK_CASES)
def test_shrunk(successes, trials, prior, k, value, raw, low_confidence):
    rate = shrunk(successes, trials, prior, k)
    assert rate.value == (None if value is None else pytest.approx(value))
    assert rate.raw == (None if raw is None else pytest.approx(raw))
    assert (rate.successes, rate.trials, rate.low_confidence) == (successes, trials, low_confidence)


@pytest.mark.parametrize(
    "trials, min_trials, low_confidence",
    [(3, 5, True), (5, 5, False), (2, 3, True), (3, 3, False), (0, 0, False)],
)
def test_low_confidence_threshold_is_configurable(trials, min_trials, low_confidence):
    assert shrunk(1, trials, 0.5, 10, min_trials=min_trials).low_confidence is low_confidence


def test_rate_is_a_frozen_record_of_what_is_shown():
    assert shrunk(0, 0, 0.25, 10) == Rate(value=0.25, raw=None, successes=0, trials=0, low_confidence=True)


@pytest.mark.parametrize(
    "successes, trials, fallback, expected",
    [
        (30, 100, None, 30 / 100),
        (0, 10, None, 0 / 10),
        (0, 0, None, None),
        (0, 0, 0.2, 0.2),  # no team data: the fallback
        (30, 100, 0.2, 30 / 100),  # fallback ignored when there is data
    ],
)
def test_team_rate(successes, trials, fallback, expected):
    assert team_rate(successes, trials, fallback) == expected


MEDIAN_CASES = [
    ([], None),
    ([5], 5),
    ([3, 1, 2], 2),
    ([4, 1, 3, 2], (2 + 3) / 2),
    ([10.0, 10.0, 40.0], 10.0),
    ([2.5, -1.0], (-1.0 + 2.5) / 2),  # not whole days: sorted another way, same median
]


MEDIAN_CYCLE_CASES = [
    # rep median 20 from 3 deals, team median 60: (3·20 + 10·60) / (3 + 10)
    ([10, 20, 30], [40, 50, 60, 70, 80], 10, (3 * 20 + 10 * 60) / (3 + 10)),
    # 30 rep deals, median (40+50)/2 = 45 … build it as 15 × 40 and 15 × 50
    ([40] * 15 + [50] * 15, [60], 10, (30 * 45 + 10 * 60) / (30 + 10)),
    ([], [30, 40], 10, (30 + 40) / 2),  # only the team
    ([10, 30], [], 10, (10 + 30) / 2),  # only the rep
    ([], [], 10, None),  # neither
    ([10, 20, 30], [60], 0, 20),  # k = 0: the rep's own median
]


CLOSABLE_CASES = [
    # rep: 3 of 4 cycles ≤ 35 days (10, 20, 30); team: 3 of 5 (10, 20, 30) → 0.6
    ([10, 20, 30, 90], [10, 20, 30, 40, 100], 35, 10, (3 + 10 * (3 / 5)) / (4 + 10)),
    # team: 4 of 5 fit in 45 days (10, 20, 30, 40) → 0.8; rep still 3 of 4
    ([10, 20, 30, 90], [10, 20, 30, 40, 100], 45, 10, (3 + 10 * (4 / 5)) / (4 + 10)),
    # a cycle exactly equal to the days left still fits
    ([30], [30], 30, 10, (1 + 10 * 1.0) / (1 + 10)),
    # nothing fits in 0 days unless it closes the day it was created
    ([5], [5, 10], 0, 10, (0 + 10 * 0.0) / (1 + 10)),
    ([0, 5], [0, 5], 0, 10, (1 + 10 * (1 / 2)) / (2 + 10)),
    # only team cycles: the team's share
    ([], [10, 50], 30, 10, 1 / 2),
    # only rep cycles: the rep's share
    ([10, 50], [], 30, 10, 1 / 2),
    # no cycles at all: assume deals can close while days remain
    ([], [], 30, 10, 1.0),
    ([], [], 0, 10, 0.0),
    # k = 0: the rep's own share
    ([10, 20, 30, 90], [100], 35, 0, 3 / 4),
]


# --- several reps at once: each rep's figure is its own ---------------------------------------------


@pytest.mark.parametrize("successes, trials, prior, k, value, raw, low_confidence", SHRUNK_CASES)
def test_shrunk_for_many_reps_at_once(successes, trials, prior, k, value, raw, low_confidence):
    # the case's rep between two others: 1 of 4 and 0 of 0, under the same prior
    s, t = np.array([1.0, successes, 0.0]), np.array([4.0, trials, 0.0])
    p = np.full(3, np.nan if prior is None else prior)
    rates = shrunk_all(s, t, p, k)
    assert rates[1].value == (None if value is None else pytest.approx(value))
    assert rates == [shrunk(*args, prior, k) for args in zip(s.tolist(), t.tolist())]  # each rep's own rate


@pytest.mark.parametrize("values, expected", MEDIAN_CASES)
def test_medians_of_many_groups_at_once(values, expected):
    # group 1 holds the case's values; groups 0 and 2 hold others, interleaved with them
    groups = np.array([0, 2] + [1] * len(values) + [0, 2])
    days = np.array([7.0, 1.0] + list(values) + [9.0, 3.0])
    medians = group_medians(groups, days, 3)
    assert medians.tolist()[::2] == [(7 + 9) / 2, (1 + 3) / 2]
    assert _value(medians[1]) == expected  # NaN: a group without values has no median


@pytest.mark.parametrize("rep, team, k, expected", MEDIAN_CYCLE_CASES)
def test_shrunk_median_cycle(rep, team, k, expected):
    # the medians as the scorecard finds them (`group_medians`), then pulled towards the team's
    own, of_team = (group_medians(np.zeros(len(c), dtype=int), np.array(c, dtype=float), 1) for c in (rep, team))
    found = shrunk_median_cycle_all(own, of_team, np.array([len(rep)]), k)
    assert _value(found[0]) == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize("rep, team, days_left, k, expected", CLOSABLE_CASES)
def test_closable_share(rep, team, days_left, k, expected):
    short = lambda cycles: sum(1 for c in cycles if c <= days_left)  # noqa: E731
    found = closable_share_all(np.array([short(rep)]), np.array([len(rep)]), np.array([short(team)]),
                               np.array([len(team)]), days_left > 0, k)  # fmt: skip
    assert found[0] == pytest.approx(expected)


def _nan(value):
    return math.nan if value is None else value


def _value(x):
    return None if math.isnan(x) else x
