"""The compact per-rep, per-day rollup the pages read: counts worked out by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from breakthrough import rollups
from breakthrough.models import Activity, ActivityRepDay
from test_database import ACTIVITIES, D1, D2, D3, add_activities, reps  # noqa: F401  (reps is a fixture)

# From ACTIVITIES by hand: (rep, day) -> (calls, meetings held, emails, all activities)
EXPECTED = {
    ("A", D1): (3, 0, 1, 4),
    ("A", D2): (2, 1, 0, 3),
    ("A", D3): (1, 0, 0, 1),
    ("B", D1): (2, 0, 0, 2),
    ("B", D2): (0, 2, 1, 3),
    ("B", D3): (0, 1, 0, 1),
}


def rep_day(engine, reps) -> dict:
    names = {v: k for k, v in reps.items()}
    t = ActivityRepDay
    with engine.connect() as conn:
        rows = conn.execute(select(t.rep_id, t.day, t.calls, t.meetings_held, t.emails, t.activities)).all()
    return {(names[r], d): tuple(rest) for r, d, *rest in rows}


def test_rep_day_counts_calls_meetings_held_and_emails(engine, reps):
    add_activities(engine, reps, ACTIVITIES)
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
    assert rep_day(engine, reps) == EXPECTED


@pytest.mark.parametrize(
    "outcome, counted",
    [("held", 1), ("No Show", 0), ("no-show", 0), ("cancelled", 0), ("scheduled", 0), (None, 1), ("completed", 1)],
)
def test_only_meetings_that_took_place_count_as_held(engine, reps, outcome, counted):
    add_activities(engine, reps, [("A", D1, "meeting", outcome)])
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
    assert rep_day(engine, reps)[("A", D1)][1] == counted


def test_partial_refresh_keeps_rep_day_in_step(engine, reps):
    add_activities(engine, reps, ACTIVITIES)
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
        conn.execute(delete(Activity).where(Activity.rep_id == reps["B"], Activity.day == D2, Activity.type == "demo"))
        rollups.refresh_activity_daily(conn, rep_ids=[reps["B"]], day_from=D2, day_to=D2)
    assert rep_day(engine, reps)[("B", D2)] == (0, 0, 1, 1)
    assert rep_day(engine, reps)[("A", D2)] == EXPECTED[("A", D2)]
