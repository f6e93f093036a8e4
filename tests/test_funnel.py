"""The reverse funnel, statuses, projection and levers (docs/metrics.md#required-pipeline, #projected-period-revenue, #lever-sensitivity). Every expected value is worked by hand.

The base rep below, worked once in full:
    Q = 100,000, W = 40,000                 -> G = 60,000, attainment 0.4
    wr = 0.25                               -> C = 1 / 0.25 = 4, PR = 60,000 × 4 = 240,000
    OP = 60,000                             -> coverage = 60,000 / 60,000 = 1.0; OP / PR = 0.25 (behind)
    PS = 240,000 − 60,000 = 180,000
    ads = 10,000, m2o = 0.5, c2m = 0.1      -> RO = 18, RM = 36, RC = 360
    wl = 6.4                                -> per week: 18 / 6.4 = 2.8125, 36 / 6.4 = 5.625, 360 / 6.4 = 56.25
    actual: 2 opps, 6 meetings, 50 calls    -> pace 0.711 (behind), 1.067 (on track), 0.889 (at risk)
    new business = 50 × 6.4 × 0.1 × 0.5 × 0.25 × 10,000 × 0.8 (pin) = 32,000
    P = 40,000 + 60,000 × 0.25 + 32,000 = 87,000; projected gap = 13,000
"""

from __future__ import annotations

import math
from dataclasses import MISSING, fields, replace

import numpy as np
import pytest

from breakthrough.metrics.funnel import (
    AT_RISK,
    BEHIND,
    ON_TRACK,
    Funnel,
    FunnelInputs,
    Requirement,
    compute_all,
    coverage_words,
    projected_revenue,
    status,
    statuses,
)

INF = math.inf

BASE = FunnelInputs(
    quota=100_000,
    won=40_000,
    open_pipeline=60_000,
    win_rate=0.25,
    deal_size=10_000,
    meeting_to_opp=0.5,
    call_to_meeting=0.1,
    weeks_left=6.4,
    calendar_days_left=46,
    median_cycle_days=30,
    closable_share=0.8,
    next_quota=120_000,
    calls_pw=50,
    meetings_pw=6,
    opps_pw=2,
)
NEW_BUSINESS = 50 * 6.4 * 0.1 * 0.5 * 0.25 * 10_000 * 0.8  # = 32,000
MET = {"won": 120_000}  # a rep who met quota
ZERO_WR = {"win_rate": 0.0}


def figure(funnel, path: str):
    """Read `stages.calls.required_pw`-style paths from a Funnel."""
    value = funnel
    for part in path.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


def assert_same(actual, expected):
    if isinstance(expected, float) and math.isinf(expected):
        assert actual == expected
    elif isinstance(expected, (int, float)) and not isinstance(expected, bool):
        assert actual == pytest.approx(expected)
    else:
        assert actual == expected


PER_REP = ("quota", "won", "open_pipeline", "win_rate", "deal_size", "meeting_to_opp", "call_to_meeting",
           "median_cycle_days", "closable_share", "next_quota", "calls_pw", "meetings_pw", "opps_pw")  # fmt: skip


def all_at_once(reps: list[FunnelInputs]) -> FunnelInputs:
    """Several reps' inputs as one `FunnelInputs` of arrays (the fields every rep shares stay single values)."""
    shared = {f.name for f in fields(FunnelInputs)} - set(PER_REP)
    assert all(getattr(r, name) == getattr(reps[0], name) for r in reps for name in shared)
    arrays = {name: np.array([math.nan if getattr(r, name) is None else getattr(r, name) for r in reps], dtype=float)
              for name in PER_REP}  # fmt: skip
    return replace(reps[0], **arrays)


def funnel_of(inputs: FunnelInputs) -> Funnel:
    """One rep's funnel: `compute_all` on one-element arrays."""
    (found,) = compute_all(all_at_once([inputs]))
    return found


@pytest.mark.parametrize(
    "ratio, on_track, at_risk, expected",
    [
        (1.0, 1.0, 0.8, ON_TRACK),  # boundary: exactly 100 % is on track
        (1.5, 1.0, 0.8, ON_TRACK),
        (INF, 1.0, 0.8, ON_TRACK),  # nothing required
        (0.9999, 1.0, 0.8, AT_RISK),
        (0.8, 1.0, 0.8, AT_RISK),  # boundary: exactly 80 % is at risk
        (0.7999, 1.0, 0.8, BEHIND),
        (0.0, 1.0, 0.8, BEHIND),
        (None, 1.0, 0.8, None),  # no figure, no status
        (float("nan"), 1.0, 0.8, None),
        (0.9, 0.9, 0.7, ON_TRACK),  # thresholds from Settings
        (0.7, 0.9, 0.7, AT_RISK),
        (0.6999, 0.9, 0.7, BEHIND),
    ],
)
def test_status_thresholds(ratio, on_track, at_risk, expected):
    assert status(ratio, on_track, at_risk) == expected


def test_statuses_of_many_ratios_are_each_ones_status():
    # the table's ratios at once, at the usual thresholds: on track from 1.0, at risk from 0.8, None for NaN
    ratios = np.array([1.0, 1.5, INF, 0.9999, 0.8, 0.7999, 0.0, math.nan])
    expected = [ON_TRACK, ON_TRACK, ON_TRACK, AT_RISK, AT_RISK, BEHIND, BEHIND, None]
    assert statuses(ratios).tolist() == expected


def test_status_words():
    assert (ON_TRACK, AT_RISK, BEHIND) == ("on track", "at risk", "behind")


@pytest.mark.parametrize(
    ("gap", "coverage_status", "expected"),
    [
        (0.0, BEHIND, "quota met"),  # nothing left to cover: whatever the pipeline, the quota is met
        (0.0, None, "quota met"),
        (0.01, BEHIND, BEHIND),  # a cent short: the pipeline still has to cover it
        (60_000.0, ON_TRACK, ON_TRACK),
        (60_000.0, None, None),  # no coverage figure: no words either
    ],
)
def test_coverage_in_words(gap, coverage_status, expected):
    assert coverage_words(gap, coverage_status) == expected


CASES = [
    # --- the base rep (see module docstring) ---------------------------------------------
    ("base", {}, "gap", 100_000 - 40_000),
    ("base", {}, "attainment", 40_000 / 100_000),
    ("base", {}, "coverage_ratio", 1 / 0.25),
    ("base", {}, "required_pipeline", 60_000 * 4),
    ("base", {}, "coverage", 60_000 / 60_000),
    ("base", {}, "coverage_status", BEHIND),  # OP / PR = 60,000 / 240,000 = 0.25
    ("base", {}, "pipeline_shortfall", 240_000 - 60_000),
    ("base", {}, "stages.opportunities.required_total", 180_000 / 10_000),
    ("base", {}, "stages.meetings.required_total", 18 / 0.5),
    ("base", {}, "stages.calls.required_total", 36 / 0.1),
    ("base", {}, "stages.opportunities.derived_pw", 18 / 6.4),
    ("base", {}, "stages.meetings.derived_pw", 36 / 6.4),
    ("base", {}, "stages.calls.derived_pw", 360 / 6.4),
    ("base", {}, "stages.calls.standard_pw", None),
    ("base", {}, "stages.calls.required_pw", 360 / 6.4),
    ("base", {}, "stages.calls.actual_pw", 50),
    ("base", {}, "stages.opportunities.pace_ratio", 2 / (18 / 6.4)),  # 0.711
    ("base", {}, "stages.meetings.pace_ratio", 6 / (36 / 6.4)),  # 1.067
    ("base", {}, "stages.calls.pace_ratio", 50 / (360 / 6.4)),  # 0.889
    ("base", {}, "stages.opportunities.status", BEHIND),
    ("base", {}, "stages.meetings.status", ON_TRACK),
    ("base", {}, "stages.calls.status", AT_RISK),
    ("base", {}, "projected", 40_000 + 60_000 * 0.25 + NEW_BUSINESS),  # 87,000
    ("base", {}, "projected_gap", 100_000 - 87_000),
    ("base", {}, "cycle_warning", False),  # 46 days left ≥ 30-day median cycle
    ("base", {}, "next_period_pipeline", 120_000 * 4),
    # --- a rep who met quota: nothing required, coverage ∞, everything on track ----------
    ("met quota", MET, "gap", 0),
    ("met quota", MET, "attainment", 120_000 / 100_000),
    ("met quota", MET, "required_pipeline", 0),
    ("met quota", MET, "coverage", INF),
    ("met quota", MET, "coverage_status", ON_TRACK),
    ("met quota", MET, "pipeline_shortfall", 0),
    ("met quota", MET, "stages.opportunities.required_total", 0),
    ("met quota", MET, "stages.calls.required_total", 0),
    ("met quota", MET, "stages.calls.derived_pw", 0),
    ("met quota", MET, "stages.calls.required_pw", 0),
    ("met quota", MET, "stages.calls.pace_ratio", INF),
    ("met quota", MET, "stages.calls.status", ON_TRACK),
    ("met quota", MET, "stages.meetings.status", ON_TRACK),
    ("met quota", MET, "stages.opportunities.status", ON_TRACK),
    ("met quota, idle", {**MET, "calls_pw": 0}, "stages.calls.status", ON_TRACK),  # 0 of 0 required
    ("met quota", MET, "projected_gap", 0),
    ("exactly met", {"won": 100_000}, "gap", 0),
    ("exactly met", {"won": 100_000}, "coverage", INF),
    # --- zero win rate: C infinite, requirements unreachable, behind, no crash -------------
    ("zero wr", ZERO_WR, "coverage_ratio", INF),
    ("zero wr", ZERO_WR, "required_pipeline", INF),
    ("zero wr", ZERO_WR, "coverage", 60_000 / 60_000),
    ("zero wr", ZERO_WR, "coverage_status", BEHIND),  # 60,000 / ∞ = 0
    ("zero wr", ZERO_WR, "pipeline_shortfall", INF),
    ("zero wr", ZERO_WR, "stages.opportunities.required_total", INF),
    ("zero wr", ZERO_WR, "stages.meetings.required_total", INF),
    ("zero wr", ZERO_WR, "stages.calls.required_total", INF),
    ("zero wr", ZERO_WR, "stages.calls.required_pw", INF),
    ("zero wr", ZERO_WR, "stages.calls.pace_ratio", 0.0),  # 50 / ∞
    ("zero wr", ZERO_WR, "stages.calls.status", BEHIND),
    ("zero wr", ZERO_WR, "projected", 40_000 + 60_000 * 0 + 0),
    ("zero wr", ZERO_WR, "projected_gap", 100_000 - 40_000),
    ("zero wr", ZERO_WR, "next_period_pipeline", INF),
    ("zero wr, met quota", {**ZERO_WR, **MET}, "required_pipeline", 0),  # 0 × ∞ is 0: nothing needed
    ("zero wr, met quota", {**ZERO_WR, **MET}, "coverage_status", ON_TRACK),
    ("zero wr, met quota", {**ZERO_WR, **MET}, "stages.calls.required_total", 0),
    ("zero wr, no next quota", {**ZERO_WR, "next_quota": 0}, "next_period_pipeline", 0),
    # --- fixed coverage policy ----------------------------------------------------------
    ("fixed 3x", {"fixed_coverage": 3.0}, "coverage_ratio", 3.0),
    ("fixed 3x", {"fixed_coverage": 3.0}, "required_pipeline", 60_000 * 3),
    ("fixed 3x", {"fixed_coverage": 3.0}, "pipeline_shortfall", 180_000 - 60_000),
    ("fixed 3x", {"fixed_coverage": 3.0}, "stages.opportunities.required_total", 120_000 / 10_000),
    ("fixed 3x", {"fixed_coverage": 3.0}, "next_period_pipeline", 120_000 * 3),
    ("fixed 3x, zero wr", {**ZERO_WR, "fixed_coverage": 3.0}, "required_pipeline", 60_000 * 3),
    # --- one working day left: wl = 0.2, pace = required / 0.2 ---------------------------
    ("one day left", {"weeks_left": 0.2}, "stages.opportunities.derived_pw", 18 / 0.2),
    ("one day left", {"weeks_left": 0.2}, "stages.meetings.derived_pw", 36 / 0.2),
    ("one day left", {"weeks_left": 0.2}, "stages.calls.derived_pw", 360 / 0.2),
    ("one day left", {"weeks_left": 0.2}, "stages.calls.pace_ratio", 50 / 1800),
    ("one day left", {"weeks_left": 0.2}, "stages.calls.status", BEHIND),
    ("one day left", {"weeks_left": 0.2}, "projected", 40_000 + 15_000 + 50 * 0.2 * 0.1 * 0.5 * 0.25 * 10_000 * 0.8),
    ("no days left", {"weeks_left": 0}, "stages.calls.derived_pw", INF),
    ("no days left", {"weeks_left": 0}, "stages.calls.status", BEHIND),
    ("no days left", {"weeks_left": 0}, "projected", 40_000 + 15_000),
    ("no days left, met", {"weeks_left": 0, **MET}, "stages.calls.derived_pw", 0),
    # --- open pipeline already covers the requirement -----------------------------------
    ("covered", {"open_pipeline": 300_000}, "coverage", 300_000 / 60_000),
    ("covered", {"open_pipeline": 300_000}, "coverage_status", ON_TRACK),  # 300,000 / 240,000 = 1.25
    ("covered", {"open_pipeline": 300_000}, "pipeline_shortfall", 0),
    ("covered", {"open_pipeline": 300_000}, "stages.calls.required_total", 0),
    ("covered", {"open_pipeline": 300_000}, "stages.calls.status", ON_TRACK),
    ("covered", {"open_pipeline": 300_000}, "projected", 40_000 + 300_000 * 0.25 + NEW_BUSINESS),
    ("covered at risk", {"open_pipeline": 200_000}, "coverage_status", AT_RISK),  # 200/240 = 0.833
    # --- a zero divisor further down the funnel -----------------------------------------
    ("zero deal size", {"deal_size": 0}, "stages.opportunities.required_total", INF),
    ("zero deal size, covered", {"deal_size": 0, "open_pipeline": 300_000}, "stages.opportunities.required_total", 0),
    ("zero m2o", {"meeting_to_opp": 0}, "stages.opportunities.required_total", 18),
    ("zero m2o", {"meeting_to_opp": 0}, "stages.meetings.required_total", INF),
    ("zero m2o", {"meeting_to_opp": 0}, "stages.calls.required_total", INF),
    ("zero c2m", {"call_to_meeting": 0}, "stages.meetings.required_total", 36),
    ("zero c2m", {"call_to_meeting": 0}, "stages.calls.required_total", INF),
    # --- no quota -------------------------------------------------------------------------
    ("no quota", {"quota": 0}, "attainment", None),
    ("no quota", {"quota": 0}, "gap", 0),
    ("no quota", {"quota": 0, "won": 0}, "coverage", INF),
    # --- cycle awareness: new deals cannot close in time ---------------------------------
    ("short period", {"calendar_days_left": 20}, "cycle_warning", True),  # 20 < 30
    ("short period", {"calendar_days_left": 20}, "next_period_pipeline", 120_000 * (1 / 0.25)),
    ("short, fixed", {"calendar_days_left": 20, "fixed_coverage": 3.0}, "next_period_pipeline", 120_000 * 3),
    ("just enough", {"calendar_days_left": 30}, "cycle_warning", False),  # 30 is not < 30
    ("just short", {"calendar_days_left": 29, "median_cycle_days": 29.5}, "cycle_warning", True),
    ("no cycle data", {"calendar_days_left": 0, "median_cycle_days": None}, "cycle_warning", False),
    # --- fixed activity standards: the higher of standard and derived is the bar -----------
    ("standard above", {"standards": {"calls": 60}}, "stages.calls.standard_pw", 60),
    ("standard above", {"standards": {"calls": 60}}, "stages.calls.derived_pw", 360 / 6.4),
    ("standard above", {"standards": {"calls": 60}}, "stages.calls.required_pw", 60),  # 60 > 56.25
    ("standard above", {"standards": {"calls": 60}}, "stages.calls.pace_ratio", 50 / 60),  # 0.833
    ("standard above", {"standards": {"calls": 60}}, "stages.calls.status", AT_RISK),
    ("standard below", {"standards": {"calls": 50}}, "stages.calls.required_pw", 360 / 6.4),  # 56.25 > 50
    ("standard below", {"standards": {"calls": 50}}, "stages.calls.standard_pw", 50),
    ("meeting standard", {"standards": {"meetings": 8}}, "stages.meetings.pace_ratio", 6 / 8),
    ("meeting standard", {"standards": {"meetings": 8}}, "stages.meetings.status", BEHIND),  # 0.75
    ("meeting standard", {"standards": {"meetings": 8}}, "stages.calls.standard_pw", None),
    ("unset standard", {"standards": {"opportunities": None}}, "stages.opportunities.required_pw", 18 / 6.4),
    ("standard, met quota", {**MET, "standards": {"calls": 50}, "calls_pw": 40}, "stages.calls.required_pw", 50),
    ("standard, met quota", {**MET, "standards": {"calls": 50}, "calls_pw": 40}, "stages.calls.pace_ratio", 40 / 50),
    ("standard, met quota", {**MET, "standards": {"calls": 50}, "calls_pw": 40}, "stages.calls.status", AT_RISK),
    # --- thresholds from Settings ---------------------------------------------------------
    ("loose thresholds", {"on_track": 0.85, "at_risk": 0.6}, "stages.calls.status", ON_TRACK),  # 0.889
    ("loose thresholds", {"on_track": 0.85, "at_risk": 0.6}, "stages.opportunities.status", AT_RISK),  # 0.711
    ("loose thresholds", {"on_track": 0.85, "at_risk": 0.6}, "coverage_status", BEHIND),  # 0.25
]


@pytest.mark.parametrize(
    "overrides, path, expected",
    [pytest.param(o, p, e, id=f"{name}: {p}") for name, o, p, e in CASES],
)
def test_funnel_figures(overrides, path, expected):
    assert_same(figure(funnel_of(replace(BASE, **overrides)), path), expected)


def test_stages_and_levers_come_in_a_fixed_order():
    funnel = funnel_of(BASE)
    assert list(funnel.stages) == ["opportunities", "meetings", "calls"]
    assert all(isinstance(r, Requirement) and r.stage == s for s, r in funnel.stages.items())
    assert list(funnel.levers) == ["activity", "call_to_meeting", "meeting_to_opp", "win_rate", "deal_size"]


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({}, 40_000 + 60_000 * 0.25 + NEW_BUSINESS),
        ({"closable_share": 0}, 40_000 + 60_000 * 0.25),  # no new deal can close in time
        ({"calls_pw": 0}, 40_000 + 60_000 * 0.25),
        ({"open_pipeline": 0, "won": 0}, NEW_BUSINESS),
        ({"win_rate": 1.0}, 40_000 + 60_000 * 1.0 + 50 * 6.4 * 0.1 * 0.5 * 1.0 * 10_000 * 0.8),
    ],
)
def test_projected_revenue(overrides, expected):
    assert projected_revenue(replace(BASE, **overrides)) == pytest.approx(expected)


# Small lever example: Q = 300, W = 0, OP = 100, wr = 0.95, ads = 10, m2o = 1, c2m = 0.5, wl = 2, pin = 1,
# 10 calls a week. New business = 10 × 2 × 0.5 × 1 × 0.95 × 10 × 1 = 95; P = 0 + 100 × 0.95 + 95 = 190;
# projected gap = 300 − 190 = 110.
SMALL = replace(
    BASE, quota=300, won=0, open_pipeline=100, win_rate=0.95, deal_size=10, meeting_to_opp=1,
    call_to_meeting=0.5, weeks_left=2, closable_share=1, calls_pw=10,
)  # fmt: skip


@pytest.mark.parametrize(
    "inputs, lever, expected",
    [
        # new business 95 × 1.1 = 104.5 -> P = 199.5, gap 100.5, cut 110 − 100.5
        (SMALL, "activity", 110 - (300 - (95 + 95 * 1.1))),
        (SMALL, "call_to_meeting", 110 - (300 - (95 + 95 * 1.1))),
        (SMALL, "meeting_to_opp", 110 - (300 - (95 + 95 * 1.1))),
        (SMALL, "deal_size", 110 - (300 - (95 + 95 * 1.1))),  # OP keeps its amounts
        # win rate 0.95 × 1.1 = 1.045, capped at 1.0: P = 100 × 1 + 10 × 2 × 0.5 × 1 × 1 × 10 = 200
        (SMALL, "win_rate", 110 - (300 - (100 * 1.0 + 100))),
        # base rep: new business 32,000 -> +3,200 for any single new-deal driver
        (BASE, "activity", NEW_BUSINESS * 0.1),
        (BASE, "deal_size", NEW_BUSINESS * 0.1),
        # win rate lifts both terms: 60,000 × 0.025 + 3,200
        (BASE, "win_rate", 60_000 * (0.25 * 1.1 - 0.25) + NEW_BUSINESS * 0.1),
        # a cut cannot exceed the gap: Q = 88,000 -> projected gap 1,000
        (replace(BASE, quota=88_000), "activity", 88_000 - 87_000),
        (replace(BASE, quota=88_000), "win_rate", 88_000 - 87_000),
        # already projected over quota: nothing to cut
        (replace(BASE, quota=80_000), "activity", 0),
        (replace(BASE, quota=80_000), "win_rate", 0),
        # zero win rate: 10 % of nothing is nothing
        (replace(BASE, win_rate=0), "win_rate", 0),
        (replace(BASE, win_rate=0), "activity", 0),
    ],
)
def test_lever_sensitivity(inputs, lever, expected):
    assert funnel_of(inputs).levers[lever] == pytest.approx(expected)


def test_small_lever_example_projection():
    funnel = funnel_of(SMALL)
    assert funnel.projected == pytest.approx(100 * 0.95 + 10 * 2 * 0.5 * 1 * 0.95 * 10 * 1)  # 190
    assert funnel.projected_gap == pytest.approx(300 - 190)


def test_optional_inputs_default_to_derived_coverage_no_standards_and_spec_thresholds():
    required = {f.name: getattr(BASE, f.name) for f in fields(FunnelInputs) if f.default is MISSING
                and f.default_factory is MISSING}  # fmt: skip
    inputs = FunnelInputs(**required)
    assert (inputs.fixed_coverage, dict(inputs.standards), inputs.on_track, inputs.at_risk) == (None, {}, 1.0, 0.8)


@pytest.mark.parametrize(
    "overrides, path, expected",
    [pytest.param(o, p, e, id=f"{name}: {p}") for name, o, p, e in CASES],
)
def test_funnel_figures_for_all_reps_at_once(overrides, path, expected):
    # the case's rep beside two others (the base rep, and one with half the calls) in one batch
    rep = replace(BASE, **overrides)
    others = [replace(rep, **{k: getattr(BASE, k) for k in PER_REP}), replace(rep, calls_pw=rep.calls_pw / 2)]
    funnels = compute_all(all_at_once([rep, *others]))
    assert_same(figure(funnels[0], path), expected)
    assert funnels == [funnel_of(r) for r in (rep, *others)]  # each rep's figures are its own, to the last bit


def test_no_reps_at_once_is_no_funnels():
    assert compute_all(replace(all_at_once([BASE]), **{name: np.zeros(0) for name in PER_REP})) == []
