"""Shrunk rates, medians and the closable share (SPEC §4, §5). Every expected value is worked by hand."""

from __future__ import annotations

import pytest

from breakthrough.rates import Rate, closable_share, median, shrunk, shrunk_median_cycle, team_rate


@pytest.mark.parametrize(
    "successes, trials, prior, k, value, raw, low_confidence",
    [
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
    ],
)
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


@pytest.mark.parametrize(
    "values, expected",
    [
        ([], None),
        ([5], 5),
        ([3, 1, 2], 2),
        ([4, 1, 3, 2], (2 + 3) / 2),
        ([10.0, 10.0, 40.0], 10.0),
    ],
)
def test_median(values, expected):
    assert median(values) == expected


@pytest.mark.parametrize(
    "rep, team, k, expected",
    [
        # rep median 20 from 3 deals, team median 60: (3·20 + 10·60) / (3 + 10)
        ([10, 20, 30], [40, 50, 60, 70, 80], 10, (3 * 20 + 10 * 60) / (3 + 10)),
        # 30 rep deals, median (40+50)/2 = 45 … build it as 15 × 40 and 15 × 50
        ([40] * 15 + [50] * 15, [60], 10, (30 * 45 + 10 * 60) / (30 + 10)),
        ([], [30, 40], 10, (30 + 40) / 2),  # only the team
        ([10, 30], [], 10, (10 + 30) / 2),  # only the rep
        ([], [], 10, None),  # neither
        ([10, 20, 30], [60], 0, 20),  # k = 0: the rep's own median
    ],
)
def test_shrunk_median_cycle(rep, team, k, expected):
    result = shrunk_median_cycle(rep, team, k)
    assert result == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    "rep, team, days_left, k, expected",
    [
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
    ],
)
def test_closable_share(rep, team, days_left, k, expected):
    assert closable_share(rep, team, days_left, k) == pytest.approx(expected)
