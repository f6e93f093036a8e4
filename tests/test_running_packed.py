"""`running_packed`: each key of the running-totals tables as one row of packed arrays (what the Coaching
page's before/after effects read). Worked out by hand on a few activities, and kept equal to the running
tables it packs by every writer (demo, both import paths, a changed re-import, an opportunity import,
undo) — the running tables themselves are checked against the raw rows in tests/test_rollups.py."""

from __future__ import annotations

import datetime as dt

import pytest
import test_talent_rollups as talent
from sqlalchemy import delete, select
from test_database import ACTIVITIES, D1, D2, D3, add_activities
from test_pipeline_rollups import ACCOUNTS, DEALS, activity_file
from test_rollups import RUNNING

from breakthrough.importing.write import undo
from breakthrough.store import rollups
from breakthrough.store.models import Activity, Person, RunningPacked

TABLES = talent.TABLES  # each running table: (model, its key columns, its values)


def stored(engine) -> dict:
    """{(rollup, person, currency): [(day, *values)]} read back from `running_packed`."""
    t = RunningPacked
    with engine.connect() as conn:
        rows = conn.execute(select(t.rollup, t.person_id, t.currency, t.days, t.totals)).all()
    found = {}
    for rollup, person, currency, days, totals in rows:
        (key,) = rollups.unpack_running([(person, currency, days, totals)], len(TABLES[rollup][2]))
        found[(rollup, person, currency)] = [
            (dt.date.fromordinal(int(d)), *(float(v) for v in row)) for d, row in zip(key.days, key.totals)
        ]
    return found


def recount(engine) -> dict:
    """The same, from the running tables row by row, in plain Python."""
    found: dict = {}
    with engine.connect() as conn:
        for rollup, (model, (person, currency), values) in TABLES.items():
            cur = getattr(model, currency) if currency else None
            rows = conn.execute(
                select(getattr(model, person), *([cur] if cur is not None else []), model.day,
                       *(getattr(model, v) for v in values))
            ).all()  # fmt: skip
            for row in rows:
                who, rest = (row[0], row[1]), row[2:]
                if cur is None:
                    who, rest = (row[0], ""), row[1:]
                found.setdefault((rollup, *who), []).append((rest[0], *(float(v) for v in rest[1:])))
    return {k: sorted(v) for k, v in found.items()}


def test_each_reps_activity_totals_are_packed_day_by_day(engine, reps):
    add_activities(engine, reps, ACTIVITIES)
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
    packed = stored(engine)
    # RUNNING (tests/test_rollups.py, by hand): A through D1, D2, D3 = (3,0,1,4), (5,1,1,7), (6,1,1,8)
    assert packed[("activity_running", reps["A"], "")] == [(D1, 3, 0, 1, 4), (D2, 5, 1, 1, 7), (D3, 6, 1, 1, 8)]
    assert packed[("activity_running", reps["B"], "")] == [(d, *RUNNING[("B", d)]) for d in (D1, D2, D3)]
    assert packed == recount(engine)


@pytest.mark.parametrize("rep, ids", [("B", ["B"]), ("A", None)])  # one rep refreshed, or everyone
def test_a_refresh_repacks_what_changed(engine, reps, rep, ids):
    add_activities(engine, reps, ACTIVITIES)
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
        conn.execute(delete(Activity).where(Activity.rep_id == reps[rep]))
        rollups.refresh_activity_daily(conn, None if ids is None else [reps[r] for r in ids])
    assert ("activity_running", reps[rep], "") not in stored(engine)  # no activity left: no running rows
    assert stored(engine) == recount(engine)


def test_the_demo_writes_what_packing_the_running_tables_gives(demo_engine):
    packed = stored(demo_engine)
    assert {k[0] for k in packed} == set(TABLES)
    assert packed == recount(demo_engine)


@pytest.mark.parametrize("fast", [True, False])
def test_imports_re_imports_and_undo_keep_it_in_step(paths, fresh, small_blocks, fast):
    """Also the Talent page's rollups (`team_running`, `month_running`: tests/test_talent_rollups.py), with Ann and
    Bob on a team."""
    engine = fresh("steps")
    with engine.connect() as conn:
        people = list(conn.execute(select(Person.id).order_by(Person.id)).scalars())
    team = talent.on_team(engine, dict(enumerate(people)), "North")
    deals = paths.load(engine, DEALS, fast)[1]
    talent.check_after_writes(engine, "deals", team, people)
    paths.load(engine, ACCOUNTS, fast)
    first = paths.load(engine, activity_file(3000), fast)[1]
    assert stored(engine) == recount(engine)
    assert {k[0] for k in stored(engine)} == set(TABLES)
    talent.check_after_writes(engine, "activities", team, people)
    second = paths.load(engine, activity_file(3000, shift=30, deals=("D-2", "", "D-9")), fast)[1]
    assert second.updated > 0
    assert stored(engine) == recount(engine)
    talent.check_after_writes(engine, "again", team, people)
    closed = paths.load(engine, DEALS.replace(b"D-2,Bob Stone,Two,Negotiation", b"D-2,Bob Stone,Two,Closed Lost"), fast)
    assert stored(engine) == recount(engine)
    talent.check_after_writes(engine, "closed", team, people)
    for batch in (closed[1], second, first, deals):
        undo.undo(engine, batch.batch_id)
        assert stored(engine) == recount(engine)
        talent.check_after_writes(engine, "undone", team, people)
    assert stored(engine) == {}
    talent.check_after_writes(engine, "all undone", team, people)
