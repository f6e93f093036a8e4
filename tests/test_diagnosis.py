"""Driver impact, benchmarks, the focus driver and the quadrant (docs/diagnosis.md). Every expected figure is worked by hand.

The constructed rep (the same as tests/test_funnel.py's base rep):
    W = 40,000, OP = 60,000, wr = 0.25, ads = 10,000, m2o = 0.5, c2m = 0.1, wl = 6.4, pin = 0.8, 50 calls/week
    new business NB = 50 × 6.4 × 0.1 × 0.5 × 0.25 × 10,000 × 0.8 = 32,000
    P = 40,000 + 60,000 × 0.25 + 32,000 = 87,000
A driver that multiplies NB (calls, c2m, m2o, ads) at benchmark b instead of value v adds NB × (b / v − 1);
win rate also lifts the open pipeline: OP × (b − v) + NB × (b / v − 1).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pytest

from breakthrough import demo
from breakthrough import settings as settings_store
from breakthrough.diagnosis import focus as diagnosis
from breakthrough.diagnosis.focus import Cycles, driver_impact, focus_of, gaps, group_benchmarks, quadrant
from breakthrough.metrics import drivers, periods, scorecard
from breakthrough.metrics.funnel import FunnelInputs, projected_revenue
from breakthrough.store import queries

BASE = FunnelInputs(
    quota=100_000, won=40_000, open_pipeline=60_000, win_rate=0.25, deal_size=10_000, meeting_to_opp=0.5,
    call_to_meeting=0.1, weeks_left=6.4, calendar_days_left=46, median_cycle_days=30, closable_share=0.8,
    next_quota=120_000, calls_pw=50, meetings_pw=6, opps_pw=2,
)  # fmt: skip
PER_REP = ("quota", "won", "open_pipeline", "win_rate", "deal_size", "meeting_to_opp", "call_to_meeting",
           "median_cycle_days", "closable_share", "next_quota", "calls_pw", "meetings_pw", "opps_pw")  # fmt: skip
NB = 50 * 6.4 * 0.1 * 0.5 * 0.25 * 10_000 * 0.8  # = 32,000
VALUES = {"activity": 50, "call_to_meeting": 0.1, "meeting_to_opp": 0.5, "win_rate": 0.25, "deal_size": 10_000,
          "coverage": 1.0, "cycle": 30}  # fmt: skip


def one(value) -> np.ndarray:
    """One rep's figure as the product takes it: a one-element array (NaN for None)."""
    return np.array([math.nan if value is None else value], dtype=float)


def at_once(inputs: FunnelInputs, **changes) -> FunnelInputs:
    """One rep's inputs as the diagnosis takes them: every per-rep field a one-element array."""
    inputs = replace(inputs, **changes)
    return replace(inputs, **{name: one(getattr(inputs, name)) for name in PER_REP})


INPUTS = at_once(BASE)
NO_CYCLES = Cycles.of([()], [None], days_left=46, k=10)  # a rep without won deals, in no team


def impact(inputs: FunnelInputs, key: str, value, bench, cycles: Cycles = NO_CYCLES) -> float | None:
    """One rep's impact of one driver: `driver_impact` on one-element arrays (None: no impact of its own)."""
    found = driver_impact(key, one(value), one(bench), inputs, projected_revenue(inputs), cycles)
    return None if found is None else float(found[0])


def focus(impacts: dict) -> str | None:
    """One rep's focus: `focus_of` over one-element arrays."""
    (found,) = focus_of({key: None if v is None else one(v) for key, v in impacts.items()})
    return found


def test_the_constructed_rep_projects_87000():
    assert projected_revenue(BASE) == pytest.approx(40_000 + 60_000 * 0.25 + NB) == pytest.approx(87_000)
    assert projected_revenue(INPUTS).tolist() == [pytest.approx(87_000)]


@pytest.mark.parametrize(
    "key, bench, expected",
    [
        ("activity", 60, NB * (60 / 50 - 1)),  # 32,000 × 0.2 = 6,400
        ("activity", 100, NB * (100 / 50 - 1)),  # twice the calls: 32,000
        ("call_to_meeting", 0.15, NB * (0.15 / 0.1 - 1)),  # 32,000 × 0.5 = 16,000
        ("meeting_to_opp", 0.6, NB * (0.6 / 0.5 - 1)),  # 32,000 × 0.2 = 6,400
        ("deal_size", 12_500, NB * (12_500 / 10_000 - 1)),  # new deals only: 32,000 × 0.25 = 8,000
        ("win_rate", 0.30, 60_000 * 0.05 + NB * (0.30 / 0.25 - 1)),  # 3,000 + 6,400 = 9,400
        ("win_rate", 1.5, 60_000 * 0.75 + NB * (1.0 / 0.25 - 1)),  # capped at 100 %: 45,000 + 96,000 = 141,000
        # only a better benchmark has impact
        ("activity", 50, 0.0),  # at benchmark
        ("activity", 40, 0.0),  # better than benchmark
        ("call_to_meeting", 0.08, 0.0),
        ("win_rate", 0.25, 0.0),
        ("deal_size", 8_000, 0.0),
        ("cycle", 30, 0.0),  # cycle: lower is better, equal is no gap
        ("cycle", 45, 0.0),  # a longer benchmark cycle is worse: no impact
        ("activity", None, 0.0),  # no benchmark (no finite value in the team): nothing to gain
        ("coverage", 3.0, None),  # coverage has no impact of its own
    ],
)
def test_driver_impact_on_the_constructed_rep(key, bench, expected):
    got = impact(INPUTS, key, VALUES[key], bench)
    assert got == (None if expected is None else pytest.approx(expected))


def test_driver_impacts_of_several_reps_are_each_reps_own():
    # the constructed rep beside one with twice the calls (NB 64,000): benchmark 60 calls is worth
    # 32,000 × (60 ÷ 50 − 1) = 6,400 to the first and nothing to the second (100 calls is better)
    two = replace(INPUTS, **{name: np.repeat(getattr(INPUTS, name), 2) for name in PER_REP})
    two = replace(two, calls_pw=np.array([50.0, 100.0]))
    found = driver_impact("activity", two.calls_pw, np.array([60.0, 60.0]), two, projected_revenue(two), NO_CYCLES)
    assert found.tolist() == [pytest.approx(6_400), 0.0]


def test_a_shorter_cycle_raises_the_closable_share():
    # the rep's won deals took 20, 40, 60 and 80 days (median 50); 46 days are left: 2 of 4 fit, pin = 0.5
    cycles = Cycles.of([(20, 40, 60, 80)], [None], days_left=46, k=10)
    assert cycles.closable(np.ones(1)).tolist() == [0.5]
    inputs = at_once(BASE, closable_share=0.5, median_cycle_days=50)
    # benchmark 25 days: every cycle halved (10, 20, 30, 40) fits in 46 days, pin = 1.0;
    # NB doubles from 50 × 6.4 × 0.1 × 0.5 × 0.25 × 10,000 × 0.5 = 20,000 to 40,000
    assert impact(inputs, "cycle", 50, 25, cycles) == pytest.approx(40_000 - 20_000)
    # benchmark 40 days: cycles × 0.8 = 16, 32, 48, 64 → 2 of 4 still fit: no change
    assert impact(inputs, "cycle", 50, 40, cycles) == 0.0


def test_shrunk_closable_share_scales_the_team_cycles_too():
    # rep 1 (10, 100) and rep 2 (20, 200) in one team, whose cycles are (10, 20, 100, 200); k = 2, 50 days left:
    # rep 1's pin = (1 + 2 × 0.5) / (2 + 2) = 0.5; halved: rep (5, 50) both fit, team (5, 10, 50, 100) 3 of 4
    # → (2 + 2 × 0.75) / 4 = 0.875; rep 2, not scaled: 20 fits, 200 not: (1 + 2 × 0.5) / (2 + 2) = 0.5
    cycles = Cycles.of([(10, 100), (20, 200)], ["A", "A"], days_left=50, k=2)
    assert cycles.closable(np.ones(2)).tolist() == [pytest.approx(0.5), pytest.approx(0.5)]
    assert cycles.closable(np.array([0.5, 1.0])).tolist() == [pytest.approx(0.875), pytest.approx(0.5)]


def test_a_rep_at_benchmark_everywhere_has_no_impact_and_no_focus():
    impacts = {key: impact(INPUTS, key, VALUES[key], VALUES[key]) for key in drivers.DRIVERS}
    assert impacts == {**{k: 0.0 for k in drivers.DRIVERS}, "coverage": None}
    assert focus(impacts) is None


def test_the_focus_is_the_largest_impact():
    bench = {"activity": 60, "call_to_meeting": 0.15, "meeting_to_opp": 0.6, "win_rate": 0.30, "deal_size": 12_500,
             "coverage": 3.0, "cycle": 30}  # fmt: skip
    impacts = {key: impact(INPUTS, key, VALUES[key], bench[key]) for key in drivers.DRIVERS}
    # 6,400 · 16,000 · 6,400 · 9,400 · 8,000 · – · 0  → call → meeting
    assert focus(impacts) == "call_to_meeting"
    assert impacts["call_to_meeting"] == pytest.approx(16_000)


@pytest.mark.parametrize(
    "impacts, expected",
    [
        ({"activity": 5.0, "win_rate": 7.0}, "win_rate"),
        ({"activity": 7.0, "win_rate": 7.0}, "activity"),  # a tie goes to the earlier driver in the funnel
        ({"win_rate": 7.0, "activity": 7.0}, "activity"),  # the table's order, not the order given
        ({"activity": 0.0, "coverage": None}, None),
        ({"coverage": None, "cycle": 0.0}, None),  # nothing worth anything: nothing to coach
    ],
)
def test_focus_ties_and_nothing_to_coach(impacts, expected):
    assert focus(impacts) == expected


def test_the_focus_of_several_reps_is_each_reps_own():
    impacts = {"activity": np.array([5.0, 0.0, 7.0]), "win_rate": np.array([7.0, 0.0, 7.0]), "coverage": None}
    assert focus_of(impacts) == ["win_rate", None, "activity"]


@pytest.mark.parametrize(
    "values, key, level, expected",
    [
        ([1, 2, 3, 4, 5], "activity", 0.75, 4.0),  # 75th percentile: position 0.75 × 4 = 3 → 4
        ([1, 2, 3, 4, 5], "activity", 0.5, 3.0),
        ([10, 20, 30, 40], "win_rate", 0.75, 32.5),  # position 0.75 × 3 = 2.25 → 30 + 0.25 × 10
        ([10, 20, 30, 40, 50], "cycle", 0.75, 20.0),  # shorter is better: the 25th percentile
        ([10, 20, 30, 40, 50], "cycle", 0.5, 30.0),
        ([1, None, 3, math.inf], "coverage", 0.5, 2.0),  # unknown and "quota met" (∞) left out
        ([None, math.inf], "coverage", 0.75, None),
        ([], "activity", 0.75, None),
    ],
)
def test_benchmark_is_a_quantile_of_the_team(values, key, level, expected):
    found = group_benchmarks({key: np.array([math.nan if v is None else v for v in values], dtype=float)},
                             [np.arange(len(values))], level)[key]  # fmt: skip
    assert _value(found[0]) == (None if expected is None else pytest.approx(expected))


def test_benchmarks_of_several_groups_and_drivers_at_once_are_each_groups_own():
    # reps 0–3 calls 1, 2, 3, 4 and cycles 10, 20, 30, 40; group A = reps 0–3, group B = reps 2–3
    values = {"activity": np.array([1.0, 2.0, 3.0, 4.0]), "cycle": np.array([10.0, 20.0, 30.0, 40.0])}
    found = group_benchmarks(values, [np.arange(4), np.array([2, 3])], 0.75)
    # A: calls position 0.75 × 3 = 2.25 → 3.25; cycle 25th percentile: position 0.75 → 17.5
    # B: calls (3, 4) position 0.75 → 3.75; cycle (30, 40) position 0.25 → 32.5
    assert found["activity"].tolist() == [pytest.approx(3.25), pytest.approx(3.75)]
    assert found["cycle"].tolist() == [pytest.approx(17.5), pytest.approx(32.5)]


@pytest.mark.parametrize(
    "key, value, bench, expected",
    [
        ("activity", 40, 50, 10),  # 10 calls a week short
        ("activity", 60, 50, -10),  # better: negative
        ("cycle", 60, 45, 15),  # 15 days longer than the benchmark
        ("cycle", 30, 45, -15),
        ("coverage", math.inf, 3.0, -math.inf),  # quota met
        ("win_rate", None, 0.3, None),
        ("win_rate", 0.3, None, None),
    ],
)
def test_gap_is_positive_when_short_of_the_benchmark(key, value, bench, expected):
    assert _value(gaps(key, one(value), one(bench))[0]) == expected


def _value(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


@pytest.mark.parametrize(
    "activity, results, expected",
    [
        (1.2, 1.1, "retain"),
        (1.0, 1.0, "retain"),  # exactly on pace counts as met
        (math.inf, 1.5, "retain"),  # nothing more needed
        (1.3, 0.6, "develop"),  # busy but not converting
        (0.5, 1.2, "motivate"),  # results fine, activity slipping
        (0.5, 0.5, "accountability"),
        (0.999, 0.999, "accountability"),
        (None, 1.0, None),
        (1.0, None, None),
        (math.nan, 1.0, None),
    ],
)
def test_quadrant(activity, results, expected):
    assert quadrant(activity, results) == expected


def test_quadrant_threshold_follows_settings():
    assert quadrant(0.9, 0.9, on_track=0.85) == "retain"
    assert quadrant(0.9, 0.9, on_track=1.0) == "accountability"


@pytest.mark.parametrize(
    "text, key",
    [
        ("Win rate", "win_rate"),
        ("win_rate", "win_rate"),
        ("Call → meeting", "call_to_meeting"),
        ("Nonsense", None),
        (None, None),
    ],
)
def test_driver_names_in_urls(text, key):
    assert drivers.key_of(text) == key
    if key:
        assert drivers.key_of(drivers.label(key)) == key


# --- on the demo data ---------------------------------------------------------------------------

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def demo_diagnosis(demo_engine):
    cfg = settings_store.load(demo_engine)
    period = periods.period_containing(TODAY, "quarter", cfg.fiscal_year_start_month)
    card = scorecard.build(demo_engine, cfg, period, TODAY)
    cycles = queries.won_cycles(demo_engine, TODAY - dt.timedelta(days=cfg.lookback_days), TODAY)
    top = diagnosis.build(card, cycles, cfg.shrinkage_k, "top quartile")
    median = diagnosis.build(card, cycles, cfg.shrinkage_k, "median")
    return card, top, median


def by_name(diag, name):
    return next(r for r in diag.reps.values() if r.name == name)


def test_projection_is_the_scorecards_for_every_rep(demo_diagnosis):
    card, top, _ = demo_diagnosis
    for rep_id, rep in card.reps.items():
        assert top.reps[rep_id].projected == pytest.approx(rep.funnel.projected)


@pytest.mark.parametrize(
    "story, driver",
    [
        ("low_activity", "activity"),
        ("poor_call_to_meeting", "call_to_meeting"),
        ("low_win_rate", "win_rate"),
        ("small_deals", "deal_size"),
    ],
)
def test_planted_stories_get_their_focus_driver(demo_diagnosis, story, driver):
    _, top, _ = demo_diagnosis
    rep = by_name(top, demo.STORIES[story])
    assert rep.focus == driver, {k: f.impact for k, f in rep.figures.items()}
    assert rep.focus_impact > 0
    assert rep.ranked()[0].key == driver


def test_stories_quadrants(demo_diagnosis):
    _, top, _ = demo_diagnosis
    assert by_name(top, demo.STORIES["ahead"]).quadrant == "retain"
    assert by_name(top, demo.STORIES["low_activity"]).quadrant == "accountability"


def test_benchmarks_are_the_teams_and_median_is_lower(demo_diagnosis):
    card, top, median = demo_diagnosis
    liam = by_name(top, demo.STORIES["low_activity"])
    team = [r for r in card.reps.values() if r.team == liam.team]
    calls = sorted(r.funnel.stages["calls"].actual_pw for r in team)
    assert len(calls) == 6  # the demo's teams have six reps: the benchmark is the team's
    # 75th percentile of six values: position 0.75 × 5 = 3.75 → calls[3] + 0.75 × (calls[4] − calls[3])
    assert liam.figures["activity"].benchmark == pytest.approx(calls[3] + 0.75 * (calls[4] - calls[3]))
    assert by_name(median, liam.name).figures["activity"].benchmark == pytest.approx((calls[2] + calls[3]) / 2)
    for rep_id, rep in top.reps.items():
        for key in ("activity", "call_to_meeting", "win_rate"):
            assert median.reps[rep_id].figures[key].benchmark <= rep.figures[key].benchmark


def test_ranked_drivers_put_coverage_last(demo_diagnosis):
    _, top, _ = demo_diagnosis
    for rep in top.reps.values():
        ranked = rep.ranked()
        assert ranked[-1].key == "coverage"
        impacts = [f.impact for f in ranked[:-1]]
        assert impacts == sorted(impacts, reverse=True)


class _Rep:
    def __init__(self, team):
        self.team = team


class _Card:
    def __init__(self, teams):
        self.reps = {i: _Rep(t) for i, t in enumerate(teams, start=1)}


@pytest.mark.parametrize(
    "teams, rep_id, expected",
    [
        (["A", "A", "A", "A", "B"], 1, (1, 2, 3, 4)),  # a team of 4: its own benchmark
        (["A", "A", "A", "A", "B"], 5, (1, 2, 3, 4, 5)),  # a team of 1: everyone
        (["A", "A", "A", None], 4, (1, 2, 3, 4)),  # no team: everyone
        (["A", "A", "A", "B"], 1, (1, 2, 3, 4)),  # a team of 3: everyone
    ],
)
def test_peer_groups(teams, rep_id, expected):
    assert diagnosis.peer_groups(_Card(teams))[rep_id] == expected


def test_the_focus_alone_is_the_diagnosis_focus(demo_engine, demo_diagnosis):
    """`focus_only` (the Talent page's focus driver of each period) gives every rep the diagnosis' own focus."""
    card, top, _ = demo_diagnosis
    cfg = settings_store.load(demo_engine)
    cycles = queries.won_cycles(demo_engine, TODAY - dt.timedelta(days=cfg.lookback_days), TODAY)
    found = diagnosis.focus_only(card, cycles, cfg.shrinkage_k, "top quartile")
    assert found == {i: r.focus for i, r in top.reps.items()}
    assert found[by_name(top, demo.STORIES["small_deals"]).rep_id] == "deal_size"
    assert len(set(found.values())) >= 3  # several drivers, not one for everyone
