"""Coaching figures (docs/coaching.md), each worked out by hand in the test.

Dates: the as-of date is Friday 27 Nov 2026 unless a test says otherwise, so
- the 28-day window runs Sat 31 Oct … Fri 27 Nov (both included),
- the 14-day coverage window runs Sat 14 Nov … Fri 27 Nov,
- the 21-day one-on-one window runs Sat 7 Nov … Fri 27 Nov.
US public holidays near it: Veterans Day Wed 11 Nov, Thanksgiving Thu 26 Nov.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, insert, select

from breakthrough import demo
from breakthrough import settings as settings_store
from breakthrough.coaching import cadence, impact, managers, rubric, sessions
from breakthrough.coaching.sessions import CommitmentInput, SessionError, SessionInput
from breakthrough.metrics import periods, scorecard
from breakthrough.settings import Settings
from breakthrough.store import queries, rollups
from breakthrough.store.db import data_version
from breakthrough.store.models import RUBRIC, Activity, CoachingSession, Commitment, Person, Team
from components.sections import coaching_tables

AS_OF = dt.date(2026, 11, 27)  # a Friday
US = Settings()  # holidays of the US (the default)
NO_HOLIDAYS = Settings(holiday_country=None)


def d(text: str) -> dt.date:
    """`"11-20"` → 20 Nov 2026 (every date in these tests is in 2026)."""
    return dt.date.fromisoformat(f"2026-{text}")


def frame(*rows: dict) -> pd.DataFrame:
    """Sessions as the domain reads them; unspecified columns get harmless defaults."""
    base = {
        "manager_id": 1,
        "rep_id": 11,
        "type": "one_on_one",
        "duration_min": 30,
        "focus_driver": None,
        "focus_text": None,
        **{dim: None for dim in RUBRIC},
        "notes": None,
    }
    full = [{**base, "id": i + 1, **row} for i, row in enumerate(rows)]
    return pd.DataFrame(full, columns=sessions.SESSION_COLUMNS)


def manager(
    s: pd.DataFrame,
    reps: Mapping[int, dt.date | None] | Sequence[int] = (11,),
    *,
    c: pd.DataFrame | None = None,
    card: SimpleNamespace | None = None,
    cfg: Settings = US,
    as_of: dt.date = AS_OF,
) -> managers.ManagerFigures:
    """Manager 1's figures as the Coaching page works them out (`managers.every_manager`): the sessions `s`
    (scored with equal weights), manager 1's reps `reps` with their hire dates (a list: hired long ago), the
    commitments `c` and a scorecard `card` (no quotas unless given)."""
    hires = dict(reps) if isinstance(reps, Mapping) else dict.fromkeys(reps, dt.date(2024, 1, 8))
    ids = list(hires)
    people = pd.DataFrame(
        {"name": ["M", *[f"Rep {r}" for r in ids]], "team": [None, *["T"] * len(ids)],
         "team_id": [None, *[1] * len(ids)], "manager_id": [None, *[1] * len(ids)], "hire_date": [None, *hires.values()]},
        index=pd.Index([1, *ids], name="id"),
    )  # fmt: skip
    card = card or fake_card(dict.fromkeys(ids), 0.5)
    effects = pd.DataFrame(columns=impact.EFFECT_COLUMNS)
    quality = managers.with_quality(s, EQUAL)
    found = managers.every_manager(people, people.loc[ids], quality, commitments_frame() if c is None else c,
                                   effects, card, cfg, as_of)  # fmt: skip
    return found[1]


# --- quality: the rubric, unscored dimensions left out ----------------------------------------

EQUAL = {dim: 1.0 for dim in RUBRIC}


@pytest.mark.parametrize(
    "scores, weights, expected",
    [
        pytest.param({dim: 3 for dim in RUBRIC}, EQUAL, 50.0, id="all-3: (3-1)/4*100 = 50"),
        pytest.param({dim: 1 for dim in RUBRIC}, EQUAL, 0.0, id="all-1 = 0"),
        pytest.param({dim: 5 for dim in RUBRIC}, EQUAL, 100.0, id="all-5 = 100"),
        pytest.param({"preparation": 5, "diagnosis": 4}, EQUAL, 87.5, id="two scored: mean 4.5 -> 3.5/4*100 = 87.5"),
        pytest.param(
            {"preparation": 5, "diagnosis": 1, "focus": None},
            EQUAL,
            50.0,
            id="unscored left out, not zero: (5+1)/2 = 3 -> 50 (as zero it would be 2 -> 25)",
        ),
        pytest.param(
            {"preparation": 5, "diagnosis": 2}, {**EQUAL, "diagnosis": 2.0}, 50.0, id="weights: (1*5 + 2*2)/3 = 3 -> 50"
        ),
        pytest.param(
            {"preparation": 4, "focus": 2}, {**EQUAL, "focus": 0.0}, 75.0, id="weight 0 leaves focus out: 4 -> 75"
        ),
        pytest.param({}, EQUAL, None, id="nothing scored: no quality"),
        pytest.param({"focus": 3}, {**EQUAL, "focus": 0.0}, None, id="only a weight-0 dimension scored: none"),
        pytest.param({"preparation": float("nan"), "diagnosis": 3}, EQUAL, 50.0, id="NaN from a table = unscored"),
    ],
)
def test_session_quality(scores, weights, expected):
    quality = managers.with_quality(frame({"date": AS_OF, **scores}), weights)["quality"].tolist()
    assert quality == [pytest.approx(expected) if expected is not None else None]


def test_quality_of_several_sessions_is_each_ones():
    s = frame({"date": AS_OF, "preparation": 5, "diagnosis": 4}, {"date": AS_OF}, {"date": AS_OF, "focus": 3})
    quality = [None if pd.isna(q) else q for q in managers.with_quality(s, EQUAL)["quality"]]
    assert quality == [87.5, None, 50.0]  # (4.5 − 1) / 4 × 100; nothing scored; (3 − 1) / 4 × 100


def test_manager_quality_is_the_mean_over_scored_sessions_with_n():
    s = frame(
        {"date": d("11-02"), "preparation": 5, "diagnosis": 4},  # 87.5
        {"date": d("11-03"), "focus": 3},  # 50
        {"date": d("11-04")},
    )  # nothing scored: not in the mean, not in n
    m = manager(s)
    assert (m.quality, m.quality_n) == (pytest.approx((87.5 + 50) / 2), 2)  # 68.75, n = 2


def test_every_dimension_has_anchors_for_1_3_5():
    for dim in RUBRIC:
        line = rubric.anchors(dim)
        assert line.startswith("1 = ") and " · 3 = " in line and " · 5 = " in line


# --- frequency attainment over a partial window -----------------------------------------------

# Rep 11 was hired long ago: present all 28 days. Rep 12 was hired Sat 14 Nov: present 14 Nov … 27 Nov = 14 days.
# Rep-months = (28 + 14) / 28 = 1.5, so expected one-on-ones = 4 × 1.5 = 6, joint calls = 2 × 1.5 = 3,
# pipeline reviews = 2 × 1.5 = 3, all three = 8 × 1.5 = 12.
HIRES = {11: dt.date(2024, 1, 8), 12: d("11-14")}
SESSIONS = frame(
    {"rep_id": 11, "date": d("10-31"), "duration_min": 30},  # first day of the window: counts
    {"rep_id": 11, "date": d("11-06"), "duration_min": 30},
    {"rep_id": 11, "date": d("11-13"), "duration_min": 30},
    {"rep_id": 11, "date": d("11-20"), "duration_min": 30},
    {"rep_id": 12, "date": d("11-16"), "duration_min": 45},
    {"rep_id": 12, "date": d("11-27"), "duration_min": 45},  # the as-of date: counts
    {"rep_id": 11, "date": d("11-18"), "type": "joint_call", "duration_min": 60},
    {"rep_id": 11, "date": d("10-30"), "duration_min": 30},  # the day before the window: left out
    {"rep_id": 99, "date": d("11-10"), "duration_min": 30},  # not one of these reps: left out
    {"rep_id": 11, "date": d("11-19"), "type": "debrief", "duration_min": 15},  # not a cadence type
)


@pytest.mark.parametrize(
    "kind, held, expected, ratio",
    [
        ("one_on_one", 6, 6.0, 6 / 6),  # 4 for rep 11 + 2 for rep 12 = 6 of 6 -> 100 %
        ("joint_call", 1, 3.0, 1 / 3),  # 33.3 %
        ("pipeline_review", 0, 3.0, 0.0),
        ("all", 7, 12.0, 7 / 12),  # 58.3 %
    ],
)
def test_frequency_attainment_over_a_partial_window(kind, held, expected, ratio):
    result = manager(SESSIONS, HIRES).frequency
    assert (result[kind].held, result[kind].expected) == (held, pytest.approx(expected))
    assert result[kind].ratio == pytest.approx(ratio)


def test_frequency_of_reps_not_yet_hired_expects_nothing():
    later = manager(SESSIONS, {11: d("11-28")})  # hired the day after the as-of date: no rep-months
    assert (later.frequency["all"].expected, later.frequency["all"].ratio, later.hours_per_rep) == (0.0, None, None)


def test_targets_follow_the_settings():
    custom = dataclasses.replace(US, cadence_one_on_one=6, cadence_joint_call=1, cadence_pipeline_review=0)
    result = manager(SESSIONS, HIRES, cfg=custom).frequency
    assert result["one_on_one"].expected == pytest.approx(9.0)  # 6 × 1.5
    assert result["pipeline_review"].ratio is None  # nothing expected


def test_hours_per_rep_per_month():
    # in the window: 4 × 30 + 2 × 45 + 60 (joint call) + 15 (debrief) = 285 minutes = 4.75 h; ÷ 1.5 rep-months
    assert manager(SESSIONS, HIRES).hours_per_rep == pytest.approx(4.75 / 1.5)


# --- coverage and the one-on-one flag ---------------------------------------------------------


def test_coverage_counts_reps_with_a_session_in_the_last_14_days():
    s = frame(
        {"rep_id": 11, "date": d("11-14"), "type": "deal_review"},  # first day of the 14: counts
        {"rep_id": 12, "date": d("11-13")},  # one day too early
        {"rep_id": 99, "date": d("11-20")},
    )  # not one of the reps
    assert manager(s, [11, 12, 13]).coverage == pytest.approx(1 / 3)


def test_reps_without_a_one_on_one_in_21_days_are_named_with_their_last_one():
    s = frame(
        {"rep_id": 11, "date": d("11-07")},  # first day of the 21: fine
        {"rep_id": 12, "date": d("11-06")},  # 22 days ago: flagged
        {"rep_id": 13, "date": d("11-20"), "type": "pipeline_review"},  # a session, but no one-on-one
        {"rep_id": 14, "date": d("11-28")},
    )  # after the as-of date: does not count
    assert manager(s, [11, 12, 13, 14]).without_one_on_one == {12: d("11-06"), 13: None, 14: None}


# --- debriefs: within 2 working days ----------------------------------------------------------


@pytest.mark.parametrize(
    "call, debrief, country, days",
    [
        ("11-20", "11-24", "US", 2),  # Friday → Tuesday: Mon 23, Tue 24
        ("11-20", "11-23", "US", 1),  # Friday → Monday
        ("11-20", "11-20", "US", 0),  # the same day
        ("11-06", "11-13", "US", 4),  # Friday → next Friday: Mon 9, Tue 10, Thu 12, Fri 13 (Wed 11 Veterans Day)
        ("11-06", "11-13", None, 5),  # without holidays Wed 11 counts
        ("11-25", "11-27", "US", 1),  # Wednesday → Friday over Thanksgiving: only Fri 27
    ],
)
def test_working_days_after_a_joint_call(call, debrief, country, days):
    calendar = managers.working_calendar(d(call), d(debrief), country)
    assert calendar.after(d(call).toordinal(), d(debrief).toordinal()) == days


DEBRIEF_CASES = frame(
    {"type": "joint_call", "date": d("11-20")},  # Friday …
    {"type": "debrief", "date": d("11-24")},  # … debriefed Tuesday: 2 working days, in time
    {"type": "joint_call", "date": d("11-06")},  # Friday …
    {"type": "debrief", "date": d("11-13")},  # … debriefed a week later: late
    {"type": "joint_call", "date": d("11-25")},  # Wednesday before Thanksgiving, not yet debriefed
    {"type": "joint_call", "date": d("11-02"), "rep_id": 12},  # Monday …
    {"type": "debrief", "date": d("11-03"), "rep_id": 12, "manager_id": 2},  # … debriefed by another manager: no
)


@pytest.mark.parametrize(
    "cfg, in_time, due, pending, rate",
    [
        # US: 25 Nov has had 1 working day (Fri 27) of its 2 -> still pending; 2 Nov is late (no debrief of its own)
        pytest.param(US, 1, 3, 1, 1 / 3, id="US holidays: 1 of 3 due, 1 pending"),
        # no holidays: Thu 26 and Fri 27 have passed -> 25 Nov is due and late
        pytest.param(NO_HOLIDAYS, 1, 4, 0, 1 / 4, id="no holidays: 1 of 4"),
        # a 5-working-day window: the week-later debrief (4 US working days) is in time too
        pytest.param(dataclasses.replace(US, debrief_window_days=5), 2, 3, 1, 2 / 3, id="5-day window"),
    ],
)
def test_debrief_rate(cfg, in_time, due, pending, rate):
    result = manager(DEBRIEF_CASES, [11, 12], cfg=cfg).debriefs
    assert (result.in_time, result.due, result.pending) == (in_time, due, pending)
    assert result.rate == pytest.approx(rate)


# --- objective signals and follow-through -----------------------------------------------------


def commitments_frame(*rows: dict) -> pd.DataFrame:
    base = {
        "session_id": 1,
        "manager_id": 1,
        "rep_id": 11,
        "session_date": d("10-20"),
        "text": "x",
        "driver": None,
        "due_date": None,
        "status": "open",
        "reviewed_session_id": None,
        "reviewed_date": None,
    }
    full = [{**base, "id": i + 1, **row} for i, row in enumerate(rows)]
    return pd.DataFrame(full, columns=sessions.COMMITMENT_COLUMNS).astype(object).where(lambda f: f.notna(), None)


def test_follow_through_leaves_out_commitments_not_yet_due():
    c = commitments_frame(
        {"due_date": d("11-10"), "reviewed_date": d("11-09")},  # reviewed the day before: on time
        {"due_date": d("11-10"), "reviewed_date": d("11-12")},  # reviewed two days late
        {"due_date": d("11-20")},  # never reviewed
        {"due_date": d("11-27"), "reviewed_date": d("11-27")},  # due and reviewed on the as-of date: on time
        {"due_date": d("12-02"), "reviewed_date": d("11-25")},  # reviewed early, but not yet due: left out
        {"due_date": d("12-04")},  # not yet due: left out
        {"due_date": None},  # no due date: never due
        {"due_date": d("10-30"), "reviewed_date": d("10-29")},  # due before the window: left out
    )
    result = manager(frame({"date": d("10-20")}), c=c).follow_through  # session 1 agreed them all
    assert (result.on_time, result.due) == (2, 4)  # 2 of the 4 due in 31 Oct … 27 Nov
    assert result.rate == pytest.approx(0.5)


def test_follow_through_with_nothing_due_is_unknown():
    c = commitments_frame({"due_date": d("12-04")})
    assert manager(frame({"date": d("10-20")}), c=c).follow_through.rate is None


def test_focus_and_dated_commitment_shares():
    s = frame(
        {"date": d("11-02"), "focus_driver": "activity"},
        {"date": d("11-03")},
        {"date": d("11-04"), "focus_driver": "win_rate"},
        {"date": d("11-05")},
    )
    c = commitments_frame(
        {"session_id": 1, "due_date": d("11-10")},
        {"session_id": 2},  # no due date
        {"session_id": 3, "due_date": d("11-12")},
        {"session_id": 3, "due_date": d("11-13")},
    )
    m = manager(s, c=c)
    assert m.focus_share == pytest.approx(2 / 4)  # sessions 1 and 3 name a focus
    assert m.dated_commitment_share == pytest.approx(2 / 4)  # sessions 1 and 3 have a dated one


@pytest.mark.parametrize(
    "status, due, reviewed, expected",
    [
        ("open", "11-30", None, "open"),
        ("open", "11-20", None, "overdue"),  # open past its due date
        ("open", None, None, "open"),
        ("done", "11-20", "11-19", "done"),
        ("done", "11-30", "11-28", "open"),  # reviewed after the as-of date: not yet, seen from 27 Nov
        ("missed", "11-20", None, "missed"),
    ],
)
def test_commitment_status_as_of(status, due, reviewed, expected):
    to_date = lambda t: d(t) if t else None  # noqa: E731
    assert managers.status_as_of(status, to_date(due), to_date(reviewed), AS_OF) == expected


# --- results pace, tiers, where coaching time goes --------------------------------------------


def fake_card(attainments: dict[int, float | None], elapsed: float) -> SimpleNamespace:
    reps = {r: SimpleNamespace(funnel=SimpleNamespace(attainment=a)) for r, a in attainments.items()}
    return SimpleNamespace(reps=reps, elapsed_share=elapsed)


def test_share_of_reps_on_track_uses_the_results_pace():
    # elapsed 50 %: attainment 50 % -> pace 1.0 on track; 60 % -> 1.2 on track; 40 % -> 0.8 not; no quota -> left out
    card = fake_card({1: 0.5, 2: 0.6, 3: 0.4, 4: None}, 0.5)
    assert managers.on_track(card, [1, 2, 3, 4, 5]) == (2, 3)
    assert (scorecard.results_pace(0.6, 0.5), scorecard.results_pace(0.5, 0.0), scorecard.results_pace(None, 0.5)) == (
        pytest.approx(1.2),  # 60 % won with half the period gone
        None,  # before the period starts
        None,  # no quota
    )


@pytest.mark.parametrize(
    "attainment, expected",
    [
        # six reps, best first 0.9, 0.7, 0.6, 0.5, 0.3, 0.1: positions (i + 0.5)/6 = .08 | .25 … .75 | .92
        (
            {1: 0.9, 2: 0.5, 3: 0.7, 4: 0.3, 5: 0.6, 6: 0.1},
            {1: "top 20 %", 3: "middle 60 %", 5: "middle 60 %", 2: "middle 60 %", 4: "middle 60 %", 6: "bottom 20 %"},
        ),
        # five: .1 | .3 .5 .7 | .9
        (
            {1: 0.2, 2: 0.4, 3: 0.6, 4: 0.8, 5: 1.0},
            {5: "top 20 %", 4: "middle 60 %", 3: "middle 60 %", 2: "middle 60 %", 1: "bottom 20 %"},
        ),
        # ten: .05 .15 | … | .85 .95 -> two top, six middle, two bottom
        (
            {i: i / 10 for i in range(1, 11)},
            {
                **{i: "middle 60 %" for i in range(3, 9)},
                10: "top 20 %",
                9: "top 20 %",
                2: "bottom 20 %",
                1: "bottom 20 %",
            },
        ),
        # two reps: .25 and .75 -> both middle
        ({1: 0.9, 2: 0.1}, {1: "middle 60 %", 2: "middle 60 %"}),
        # a tie is broken by id; a rep without quota gets no tier
        (
            {1: 0.5, 2: 0.5, 3: 0.5, 4: 0.5, 5: 0.5, 6: None},
            {1: "top 20 %", 2: "middle 60 %", 3: "middle 60 %", 4: "middle 60 %", 5: "bottom 20 %", 6: "no quota"},
        ),
    ],
)
def test_tiers(attainment, expected):
    assert managers.tiers(attainment) == expected


def test_time_by_tier():
    # five reps' attainment, best first: 1 top 20 %; 2, 3, 4 middle 60 %; 5 bottom 20 % (see test_tiers)
    card = fake_card({1: 0.9, 2: 0.6, 3: 0.5, 4: 0.4, 5: 0.1}, 0.5)
    s = frame(
        {"rep_id": 1, "date": d("11-02"), "duration_min": 60},
        {"rep_id": 1, "date": d("11-09"), "duration_min": 60},
        {"rep_id": 2, "date": d("11-03"), "duration_min": 30},
        {"rep_id": 3, "date": d("11-04"), "duration_min": 30},
        *[{"rep_id": 5, "date": d(f"11-1{i}"), "duration_min": 60} for i in range(3)],
    )
    table = manager(s, [1, 2, 3, 4, 5], card=card).time_by_tier.set_index("Tier")
    # minutes: top 120, middle 60, bottom 180; total 360
    assert table["Reps"].tolist() == [1, 3, 1]
    assert table["Sessions"].tolist() == [2, 2, 3]
    assert table["Hours"].tolist() == pytest.approx([2.0, 1.0, 3.0])
    assert table["Sessions per rep"].tolist() == pytest.approx([2.0, 2 / 3, 3.0])
    assert table["Share of reps"].tolist() == pytest.approx([0.2, 0.6, 0.2])
    assert table["Share of coaching time"].tolist() == pytest.approx([120 / 360, 60 / 360, 180 / 360])


# --- the reading that sums a manager up -------------------------------------------------------


def figures(freq: float | None, quality: float | None, follow: tuple[int, int]) -> managers.ManagerFigures:
    """A manager with cadence `freq` (held of 10 expected), `quality` and follow-through (on time, due)."""
    held = cadence.Attainment(round((freq or 0) * 10), 10.0 if freq is not None else 0.0)
    return managers.ManagerFigures(
        manager_id=1,
        name="M",
        teams="T",
        rep_ids=(1,),
        on_track=0,
        with_quota=0,
        frequency={t: held for t in (*cadence.CADENCE_TYPES, "all")},
        hours_per_rep=None,
        coverage=None,
        without_one_on_one={},
        debriefs=cadence.Debriefs(0, 0, 0),
        quality=quality,
        quality_n=5,
        sessions_n=10,
        focus_share=None,
        dated_commitment_share=None,
        follow_through=managers.FollowThrough(*follow),
        tier_rows=(),
    )


@pytest.mark.parametrize(
    "freq, quality, follow, kind",
    [
        (0.4, 90.0, (9, 10), "too rarely"),  # under 50 % of the cadence, however good
        (1.2, 30.0, (1, 10), "often but shallow"),  # at or over the cadence, quality under 50
        (1.0, None, (0, 0), "often but shallow"),  # often, nothing scored
        (0.9, 80.0, (8, 10), "coaching well"),  # 80 %+ cadence, quality 70+, follow-through 70 %+
        (0.9, 80.0, (6, 10), "mixed"),  # follow-through 60 %
        (0.7, 60.0, (8, 10), "mixed"),
    ],
)
def test_reading(freq, quality, follow, kind):
    assert managers.reading(figures(freq, quality, follow)).kind == kind


# --- impact: difference in differences --------------------------------------------------------


@pytest.mark.parametrize(
    "driver, sums, reps, expected",
    [
        ("activity", {"calls": 80}, 1, 20.0),  # 80 calls in 4 weeks = 20 a week
        ("activity", {"calls": 120}, 2, 15.0),  # two reps: 120 / 2 / 4
        ("call_to_meeting", {"calls": 100, "meetings": 12}, 1, 0.12),
        ("call_to_meeting", {"calls": 0, "meetings": 0}, 1, None),
        ("meeting_to_opp", {"meetings": 10, "opps": 4}, 1, 0.4),
        ("win_rate", {"won": 3, "lost": 9}, 1, 0.25),  # 3 ÷ (3 + 9)
        ("deal_size", {"won": 4, "won_amount": 100_000}, 1, 25_000.0),
        ("deal_size", {"won": 0, "won_amount": 0}, 1, None),
    ],
)
def test_driver_value(driver, sums, reps, expected):
    full = {m: np.array([0.0]) for m in impact.MEASURES} | {m: np.array([float(v)]) for m, v in sums.items()}
    (value,) = impact.driver_values(np.array([driver]), full, np.array([float(reps)])).tolist()
    assert (None if math.isnan(value) else value) == (pytest.approx(expected) if expected is not None else None)


SESSION_DAY = d("10-15")  # before: 17 Sep … 14 Oct; after: 16 Oct … 12 Nov


def daily(*rows: tuple) -> pd.DataFrame:
    """(rep, "mm-dd", {measure: n}) rows as a daily-counts frame."""
    out = [{"rep_id": r, "day": d(day), **{m: 0.0 for m in impact.MEASURES}, **counts} for r, day, counts in rows]
    return pd.DataFrame(out)


def ledger_of(daily: pd.DataFrame, start: dt.date, end: dt.date) -> impact.Ledger:
    """The ledger these daily counts make (what `impact.running_ledger` reads from the running totals): each
    rep's totals through each day of start … end, row 0 all zeros."""
    reps = sorted({int(r) for r in daily["rep_id"]})
    days = max((end - start).days + 1, 0)
    cum = {m: np.zeros((days + 1, len(reps))) for m in impact.MEASURES}
    for rep, day, *counts in daily[["rep_id", "day", *impact.MEASURES]].itertuples(index=False):
        if start <= day <= end:
            for m, n in zip(impact.MEASURES, counts):
                cum[m][(day - start).days + 1 :, reps.index(int(rep))] += n  # through this day and every later one
    return impact.Ledger(start, end, {r: i for i, r in enumerate(reps)}, cum)


def test_windows_are_the_4_weeks_either_side_of_the_session():
    assert impact.windows(SESSION_DAY) == ((d("09-17"), d("10-14")), (d("10-16"), d("11-12")))


def test_difference_in_differences_constructed_example():
    """Rep 1 goes from 10 to 20 calls a week; colleagues 2 and 3 from 10 to 15: the coaching effect is +5."""
    counts = daily(
        (1, "09-20", {"calls": 40}),  # rep before: 40 / 4 = 10 a week
        (1, "10-20", {"calls": 50}),
        (1, "11-12", {"calls": 30}),  # rep after: 80 / 4 = 20 a week
        (1, "10-15", {"calls": 500}),  # the session day itself: in neither window
        (1, "09-16", {"calls": 500}),  # the day before the before-window: left out
        (2, "10-01", {"calls": 40}),
        (3, "10-14", {"calls": 40}),  # team before: 80 / 2 reps / 4 = 10
        (2, "10-16", {"calls": 60}),
        (3, "11-01", {"calls": 60}),  # team after: 120 / 2 / 4 = 15
    )
    ledger = ledger_of(counts, d("09-01"), d("11-27"))
    session = frame({"rep_id": 1, "date": SESSION_DAY, "focus_driver": "activity"})
    row = impact.effects_at_once(session, ledger, {1: 7, 2: 7, 3: 7}).iloc[0]  # one team: 2 and 3 are colleagues
    assert (row.rep_before, row.rep_after, row.team_before, row.team_after) == (10.0, 20.0, 10.0, 15.0)
    assert row.effect == pytest.approx((20 - 10) - (15 - 10))  # = +5 calls a week


def test_difference_in_differences_on_a_rate():
    """Call → meeting: rep 10 % → 20 % (+10 pts), team 10 % → 15 % (+5 pts): effect +5 pts."""
    counts = daily(
        (1, "10-01", {"calls": 100, "meetings": 10}),
        (1, "10-20", {"calls": 100, "meetings": 20}),
        (2, "10-01", {"calls": 200, "meetings": 20}),
        (2, "10-20", {"calls": 200, "meetings": 30}),
    )
    ledger = ledger_of(counts, d("09-01"), d("11-27"))
    session = frame({"rep_id": 1, "date": SESSION_DAY, "focus_driver": "call_to_meeting"})
    assert impact.effects_at_once(session, ledger, {1: 7, 2: 7}).iloc[0].effect == pytest.approx(0.10 - 0.05)


@pytest.mark.parametrize(
    "session_day, ledger_start, why",
    [
        ("11-10", "09-01", "the 4 weeks after end 8 Dec, after the as-of date"),
        ("09-20", "09-01", "the 4 weeks before start 23 Aug, before the data"),
    ],
)
def test_no_effect_without_both_windows(session_day, ledger_start, why):
    ledger = ledger_of(daily((1, "09-25", {"calls": 10}), (2, "09-25", {"calls": 5})), d(ledger_start), AS_OF)
    session = frame({"rep_id": 1, "date": d(session_day), "focus_driver": "activity"})
    assert impact.effects_at_once(session, ledger, {1: 7, 2: 7}).dropna(subset=["effect"]).empty, why


def test_sessions_without_a_measured_focus_are_not_measured():
    ledger = ledger_of(daily((1, "09-25", {"calls": 10})), d("09-01"), AS_OF)
    s = frame({"date": SESSION_DAY, "focus_driver": None}, {"date": SESSION_DAY, "focus_driver": "cycle"})
    assert impact.effects_at_once(s, ledger, {}).empty


def test_summary_mean_and_95_percent_interval():
    # 1..5: mean 3, sample sd √2.5 = 1.5811, half-width 1.96 × 1.5811 / √5 = 1.3859
    effect = impact.summarise([1, 2, 3, 4, 5])
    half = 1.96 * math.sqrt(2.5) / math.sqrt(5)
    assert (effect.n, effect.mean, effect.low, effect.high) == (
        5,
        3.0,
        pytest.approx(3 - half),
        pytest.approx(3 + half),
    )
    assert effect.enough and impact.summary_text("activity", effect) == (
        "+3.0 calls/wk (95 % interval +1.6 calls/wk to +4.4 calls/wk, n = 5)"
    )


@pytest.mark.parametrize("values, n", [([], 0), ([2.0], 1), ([1.0, 2.0, 3.0, 4.0], 4)])
def test_under_5_sessions_is_not_enough_data(values, n):
    effect = impact.summarise(values)
    assert not effect.enough
    assert impact.summary_text("win_rate", effect) == f"not enough data yet (n = {n})"


@pytest.mark.parametrize(
    "values, verdict",
    [
        ([1, 2, 3, 4, 5], "better than the team"),
        ([-1, -2, -3, -4, -5], "worse than the team"),
        ([-2, -1, 0, 1, 2], "no clear difference"),
        ([5, 5, 5, 5], "not enough data yet"),
    ],
)
def test_verdict(values, verdict):
    assert coaching_tables.verdict(impact.summarise(values)) == verdict


# --- sessions in the database: check, log, edit, delete ---------------------------------------


@pytest.fixture
def org(engine):
    """Team Alpha: manager Mia with reps Ann and Bob; team Beta: manager Ned with rep Cy."""
    with engine.begin() as conn:
        alpha, beta = (
            conn.execute(insert(Team).values(name=n).returning(Team.id)).scalar_one() for n in ("Alpha", "Beta")
        )

        def person(name, role, team, manager=None, hired=dt.date(2024, 1, 8)):
            values = dict(
                name=name, name_key=name.lower(), role=role, team_id=team, manager_id=manager, hire_date=hired
            )
            return conn.execute(insert(Person).values(**values).returning(Person.id)).scalar_one()

        mia, ned = person("Mia", "manager", alpha), person("Ned", "manager", beta)
        ids = {
            "alpha": alpha,
            "mia": mia,
            "ned": ned,
            "ann": person("Ann", "rep", alpha, mia),
            "bob": person("Bob", "rep", alpha, mia),
            "cy": person("Cy", "rep", beta, ned),
        }
    return SimpleNamespace(**ids)


def entry(org, **changes) -> SessionInput:
    base = SessionInput(
        manager_id=org.mia,
        rep_id=org.ann,
        date=d("11-20"),
        type="one_on_one",
        duration_min=45,
        focus_driver="activity",
        scores={"preparation": 4, "focus": 5},
        commitments=(CommitmentInput("Make 60 calls a week", d("11-27")),),
    )
    return dataclasses.replace(base, **changes)


def rows(engine, model):
    with engine.connect() as conn:
        return [r._asdict() for r in conn.execute(select(model.__table__).order_by(model.id))]


def test_log_writes_session_and_commitments_and_bumps_the_version(engine, org):
    before = data_version(engine)
    session_id = sessions.log(engine, entry(org, notes="<b>not html</b>"), AS_OF)
    (s,) = rows(engine, CoachingSession)
    assert (s["id"], s["rep_id"], s["type"], s["duration_min"], s["focus_driver"]) == (
        session_id,
        org.ann,
        "one_on_one",
        45,
        "activity",
    )
    assert (s["preparation"], s["focus"], s["diagnosis"], s["scored_by_id"]) == (4, 5, None, org.mia)
    assert s["notes"] == "<b>not html</b>"  # stored as typed; the page shows it as text
    (c,) = rows(engine, Commitment)
    assert (c["session_id"], c["rep_id"], c["due_date"], c["status"], c["driver"]) == (
        session_id,
        org.ann,
        d("11-27"),
        "open",
        "activity",
    )  # the session's focus when none is given
    assert data_version(engine) == before + 1


PROBLEMS = [
    pytest.param({"date": d("11-28")}, "Date: 28 Nov 2026 is in the future", id="future date"),
    pytest.param({"rep_id": "cy"}, "Rep: Cy is not in Mia's team", id="rep outside the manager's team"),
    pytest.param(
        {"commitments": (CommitmentInput("Call back", None),)},
        "Commitment 1 (“Call back”) has no due date",
        id="commitment without due date",
    ),
    pytest.param(
        {"commitments": (CommitmentInput("Call back", d("11-19")),)},
        "is due 19 Nov 2026, before the session",
        id="due before the session",
    ),
    pytest.param(
        {"commitments": (CommitmentInput("  ", d("11-25")),)}, "Commitment 1: the text is empty", id="empty text"
    ),
    pytest.param({"duration_min": 0}, "Duration: 0 minutes is not possible", id="zero minutes"),
    pytest.param({"scores": {"focus": 7}}, "Rubric: focus = 7 is not allowed", id="score out of range"),
    pytest.param({"type": "lunch"}, "Type: “lunch” is not a session type", id="unknown type"),
    pytest.param({"focus_driver": "charm"}, "Focus driver: “charm” is unknown", id="unknown driver"),
]


@pytest.mark.parametrize("changes, message", PROBLEMS)
def test_bad_sessions_are_refused_with_a_message_and_nothing_is_written(engine, org, changes, message):
    changes = {k: getattr(org, v) if k == "rep_id" else v for k, v in changes.items()}
    bad = entry(org, **changes)
    found = sessions.problems(engine, bad, AS_OF)
    assert any(message in p for p in found), found
    with pytest.raises(SessionError):
        sessions.log(engine, bad, AS_OF)
    assert rows(engine, CoachingSession) == [] and rows(engine, Commitment) == []


def test_a_good_session_has_no_problems(engine, org):
    assert sessions.problems(engine, entry(org), AS_OF) == []


def test_reviewing_a_commitment_in_a_later_session_updates_it(engine, org):
    first = sessions.log(
        engine,
        entry(org, date=d("11-10"), commitments=(CommitmentInput("A", d("11-17")), CommitmentInput("B", d("11-17")))),
        AS_OF,
    )
    a, b = (c["id"] for c in rows(engine, Commitment))
    second = sessions.log(engine, entry(org, date=d("11-16"), commitments=(), reviews={a: "done"}), AS_OF)
    third = sessions.log(engine, entry(org, date=d("11-20"), commitments=(), reviews={a: "done", b: "missed"}), AS_OF)
    got = {c["id"]: (c["status"], c["reviewed_session_id"], c["reviewed_date"]) for c in rows(engine, Commitment)}
    assert got == {
        a: ("done", second, d("11-16")),  # the first review is kept: reviewed by its due date
        b: ("missed", third, d("11-20")),
    }
    assert first < second < third


def test_a_review_of_another_reps_commitment_is_refused(engine, org):
    sessions.log(engine, entry(org, rep_id=org.bob), AS_OF)
    (c,) = rows(engine, Commitment)
    found = sessions.problems(engine, entry(org, reviews={c["id"]: "done"}), AS_OF)
    assert any("does not belong to this rep" in p for p in found)


def test_edit_replaces_fields_and_commitments(engine, org):
    session_id = sessions.log(
        engine, entry(org, commitments=(CommitmentInput("A", d("11-25")), CommitmentInput("B", d("11-26")))), AS_OF
    )
    stored = sessions.session_input(engine, session_id)
    kept = dataclasses.replace(stored.commitments[0], text="A, reworded", status="done")
    sessions.edit(
        engine,
        session_id,
        dataclasses.replace(
            stored, type="joint_call", duration_min=90, scores={}, commitments=(kept, CommitmentInput("C", d("11-27")))
        ),
        AS_OF,
    )
    (s,) = rows(engine, CoachingSession)
    assert (s["type"], s["duration_min"], s["preparation"], s["scored_by_id"]) == ("joint_call", 90, None, None)
    assert [(c["id"] == kept.id, c["text"], c["status"]) for c in rows(engine, Commitment)] == [
        (True, "A, reworded", "done"),
        (False, "C", "open"),
    ]  # B removed


def test_edit_is_checked_like_a_new_session(engine, org):
    session_id = sessions.log(engine, entry(org), AS_OF)
    with pytest.raises(SessionError, match="in the future"):
        sessions.edit(engine, session_id, entry(org, date=d("12-01")), AS_OF)
    assert rows(engine, CoachingSession)[0]["date"] == d("11-20")


def test_delete_removes_the_session_and_reopens_what_it_reviewed(engine, org):
    sessions.log(engine, entry(org, date=d("11-10"), commitments=(CommitmentInput("A", d("11-17")),)), AS_OF)
    (a,) = (c["id"] for c in rows(engine, Commitment))
    reviewer = sessions.log(engine, entry(org, date=d("11-16"), reviews={a: "done"}), AS_OF)
    before = data_version(engine)
    sessions.delete_session(engine, reviewer)
    assert [s["date"] for s in rows(engine, CoachingSession)] == [d("11-10")]
    assert [(c["id"], c["status"], c["reviewed_session_id"]) for c in rows(engine, Commitment)] == [(a, "open", None)]
    assert data_version(engine) == before + 1


# --- everything together, from the database ---------------------------------------------------


def add_calls(engine, counts: dict[tuple[int, dt.date], int]) -> None:
    """`n` raw call records per (rep, day), and the rollups refreshed as every writer does."""
    rows = [
        {
            "source": "test",
            "external_id": f"{r}-{day}-{i}",
            "rep_id": r,
            "ts": dt.datetime.combine(day, dt.time(10)),
            "day": day,
            "type": "call",
            "outcome": "connected",
        }
        for (r, day), n in counts.items()
        for i in range(n)
    ]
    with engine.begin() as conn:
        conn.execute(insert(Activity), rows)
        rollups.refresh_activity_daily(conn)


def test_build_from_the_database(engine, org):
    """Mia, reps Ann and Bob (team Alpha): her figures over 31 Oct … 27 Nov, and the effect of a focused session."""
    cfg = settings_store.load(engine)
    # calls: Ann 40 before 15 Oct and 80 after; Bob (her only colleague) 40 before and 60 after.
    # The data starts 17 Sep, the first day of the 4 weeks before 15 Oct, so both windows are covered.
    add_calls(
        engine,
        {(org.ann, d("09-17")): 40, (org.ann, d("10-20")): 80, (org.bob, d("09-17")): 40, (org.bob, d("10-20")): 60},
    )
    sessions.log(engine, entry(org, date=SESSION_DAY, commitments=()), AS_OF)  # focus: activity
    sessions.log(engine, entry(org, date=d("11-20"), duration_min=60, scores={d_: 5 for d_ in RUBRIC}), AS_OF)
    sessions.log(
        engine,
        entry(
            org,
            rep_id=org.bob,
            date=d("11-24"),
            type="joint_call",
            duration_min=30,
            scores={},
            focus_driver=None,
            commitments=(),
        ),
        AS_OF,
    )
    period = periods.period_containing(AS_OF, "quarter", 1)
    card = scorecard.build(engine, cfg, period, AS_OF)
    built = managers.build(engine, cfg, card, AS_OF, [org.ann, org.bob, org.cy])
    mia = built.managers[org.mia]
    assert set(built.managers) == {org.mia, org.ned} and mia.rep_ids == (org.ann, org.bob)
    assert mia.frequency["one_on_one"].held == 1 and mia.frequency["one_on_one"].expected == pytest.approx(
        8.0
    )  # 4 × 2 reps
    assert mia.frequency["all"].ratio == pytest.approx(2 / 16)  # a one-on-one and a joint call of 8 × 2
    assert mia.hours_per_rep == pytest.approx((60 + 30) / 60 / 2)  # 0.75 h
    assert mia.coverage == 1.0  # both seen in the last 14 days
    assert mia.without_one_on_one == {org.bob: None}
    # the joint call on Tue 24 Nov: Wed 25 and Fri 27 (Thanksgiving off) have passed without a debrief
    assert (mia.debriefs.in_time, mia.debriefs.due, mia.debriefs.pending) == (0, 1, 0)
    assert (mia.quality, mia.quality_n) == (pytest.approx(100.0), 1)  # the 11-20 session, all 5s
    assert (mia.follow_through.on_time, mia.follow_through.due) == (0, 1)  # due 27 Nov, not reviewed
    effect = mia.impact["activity"]
    assert (effect.n, effect.mean) == (1, pytest.approx((80 / 4 - 40 / 4) - (60 / 4 - 40 / 4)))  # 10 − 5 = +5
    assert not effect.enough


# --- the demo's three manager stories ---------------------------------------------------------


def test_the_demo_manager_stories_are_plain(demo_engine):
    cfg = settings_store.load(demo_engine)
    period = periods.period_containing(AS_OF, "quarter", cfg.fiscal_year_start_month)
    card = scorecard.build(demo_engine, cfg, period, AS_OF)
    people = queries.people(demo_engine)
    reps = people[(people["role"] == "rep") & people["active"].astype(bool)].index
    built = managers.build(demo_engine, cfg, card, AS_OF, reps)
    kinds = {m.name: managers.reading(m).kind for m in built.managers.values()}
    assert kinds[demo.STORIES["coaches_often_shallow"]] == "often but shallow"
    assert kinds[demo.STORIES["coaches_rarely"]] == "too rarely"
    assert kinds[demo.STORIES["coaches_well"]] == "coaching well"
    table = coaching_tables.scorecard_rows(built.managers, cfg).set_index("Manager")
    shallow, well = demo.STORIES["coaches_often_shallow"], demo.STORIES["coaches_well"]
    assert table.loc[shallow, "Cadence (all)"] > 1 and table.loc[shallow, "Quality (0–100)"] < 30
    assert table.loc[well, "Quality (0–100)"] > 70 and table.loc[well, "Follow-through"] > 0.7
    assert table.loc[demo.STORIES["coaches_rarely"], "Cadence (all)"] < 0.3


def test_count_of_sessions_read_matches_the_database(demo_engine):
    with demo_engine.connect() as conn:
        total = conn.execute(
            select(func.count()).select_from(CoachingSession).where(CoachingSession.date.between(d("10-31"), AS_OF))
        ).scalar_one()
    assert len(sessions.sessions(demo_engine, d("10-31"), AS_OF)) == total > 0
