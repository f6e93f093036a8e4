"""`team_running`: each team's running totals, the sum of its reps' `running_packed` keys (what the Talent page's
coaching effects read for a rep's team). Worked out by hand on a few activities and deals, kept equal to the
sums of the running tables through an import, a re-import, a changed deal and undoing them (deletes), and
through a rep moving team; and the effects read from it are the ledger's (`impact.effects_at_once`), with a
leaver listed in a team's row and a team whose row lacks a rep. The migration's back-fill is checked with the
other rollups' in tests/test_database.py."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import insert, literal, select, update
from test_database import ACTIVITIES, D1, D2, D3, add_activities
from test_pipeline_rollups import DEALS, activity_file
from test_running_packed import TABLES

from breakthrough.coaching import impact
from breakthrough.importing.write import undo
from breakthrough.settings import Settings
from breakthrough.store import rollups, team_running
from breakthrough.store.models import Person, Team, TeamRunning


def on_team(engine, people: dict[str, int | None], name: str) -> int:
    """Puts these people (reps) on a new team `name`; its id."""
    with engine.begin() as conn:
        team = conn.execute(insert(Team).values(name=name).returning(Team.id)).scalar_one()
        ids = [i for i in people.values() if i is not None]
        conn.execute(update(Person).where(Person.id.in_(ids)).values(team_id=team, role="rep"))
    return team


def stored(engine) -> dict:
    """{(rollup, team, currency): (members, [(day, *values)])} read back from `team_running`."""
    t = TeamRunning
    with engine.connect() as conn:
        teams = {int(team) for team in conn.execute(select(t.team_id)).scalars()}
        found = {}
        for rollup, (_, _, values) in TABLES.items():
            for team, rows in team_running.read(conn, rollup, len(values), teams).items():
                for r in rows:
                    found[(rollup, team, r.currency)] = (
                        r.members.tolist(),
                        [(dt.date.fromordinal(int(d)), *(float(v) for v in row)) for d, row in zip(r.days, r.totals)],
                    )
    return found


def recount(engine) -> dict:
    """The same, in plain Python from the running tables and each rep's team now: every day any member has a
    row, each member's latest row on or before it added up."""
    with engine.connect() as conn:
        team_of = dict(conn.execute(select(Person.id, Person.team_id).where(Person.role == "rep")).all())
        found: dict = {}
        for rollup, (model, (person, currency), values) in TABLES.items():
            cur = getattr(model, currency) if currency else None
            rows = conn.execute(
                select(getattr(model, person), cur if cur is not None else literal(""), model.day,
                       *(getattr(model, v) for v in values))
            ).all()  # fmt: skip
            series: dict = {}
            for who, money, day, *rest in rows:
                if team_of.get(who) is not None:
                    series.setdefault((team_of[who], money or ""), {}).setdefault(who, {})[day] = rest
            for (team, money), members in series.items():
                days = sorted({d for by_day in members.values() for d in by_day})
                sums = []
                for day in days:
                    total = [0.0] * len(values)
                    for by_day in members.values():
                        before = [d for d in by_day if d <= day]
                        if before:
                            total = [a + float(b) for a, b in zip(total, by_day[max(before)])]
                    sums.append((day, *total))
                listed = sorted(p for p, t in team_of.items() if t == team)
                found[(rollup, team, money)] = (listed, sums)
    return found


def test_a_teams_totals_are_its_reps_added_day_by_day(engine, reps):
    team = on_team(engine, reps, "North")
    add_activities(engine, reps, ACTIVITIES)
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
    # Ann through D1, D2, D3: (3,0,1,4), (5,1,1,7), (6,1,1,8); Bob: (2,0,0,2), (2,2,1,5), (2,3,1,6)
    # (calls, meetings held, emails, activities: tests/test_rollups.py's RUNNING, by hand)
    assert stored(engine) == {
        ("activity_running", team, ""): (sorted([reps["A"], reps["B"]]), [(D1, 5, 0, 1, 6), (D2, 7, 3, 2, 12),
                                                                          (D3, 8, 4, 2, 14)]),
    }  # fmt: skip
    assert stored(engine) == recount(engine)


def test_a_rep_who_moves_team_leaves_the_old_teams_sum_at_the_next_refresh(engine, reps):
    north = on_team(engine, reps, "North")
    add_activities(engine, reps, ACTIVITIES)
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
    south = on_team(engine, {"B": reps["B"]}, "South")  # Bob moves; nothing recounted yet
    assert stored(engine)[("activity_running", north, "")][0] == sorted([reps["A"], reps["B"]])  # still listed
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn, [reps["B"]], D3, D3)  # one of Bob's days recounted
    found = stored(engine)
    assert found[("activity_running", north, "")] == ([reps["A"]], [(D1, 3, 0, 1, 4), (D2, 5, 1, 1, 7),
                                                                   (D3, 6, 1, 1, 8)])  # fmt: skip
    assert found[("activity_running", south, "")] == ([reps["B"]], [(D1, 2, 0, 0, 2), (D2, 2, 2, 1, 5),
                                                                   (D3, 2, 3, 1, 6)])  # fmt: skip
    assert found == recount(engine)


def test_imports_a_re_import_and_undo_keep_it_in_step(paths, fresh, small_blocks):
    engine = fresh("steps")
    with engine.connect() as conn:
        people = dict(enumerate(conn.execute(select(Person.id)).scalars()))
    team = on_team(engine, people, "North")
    deals = paths.load(engine, DEALS, True)[1]
    # DEALS by hand: created 4 (1000 + 2000 + 500 + 900 = 4,400), D-3 won (500), three open (3,900)
    last = {k: v[1][-1][1:] for k, v in stored(engine).items()}
    assert last == {("opportunity_running", team, "USD"): (1, 500, 0, 3, 3900, 4, 4400)}
    first = paths.load(engine, activity_file(3000), True)[1]
    assert stored(engine)[("activity_running", team, "")][1][-1][1:] == (3000, 0, 0, 3000)  # every row a call
    assert stored(engine) == recount(engine)
    second = paths.load(engine, activity_file(3000, shift=30, deals=("D-2", "", "D-9")), True)[1]
    assert second.updated > 0
    assert stored(engine)[("activity_running", team, "")][1][-1][1:] == (3000, 0, 0, 3000)  # the same calls, moved
    assert stored(engine) == recount(engine)
    closed = paths.load(engine, DEALS.replace(b"D-2,Bob Stone,Two,Negotiation", b"D-2,Bob Stone,Two,Closed Lost"), True)
    assert stored(engine)[("opportunity_running", team, "USD")][1][-1][1:] == (1, 500, 1, 2, 1900, 4, 4400)
    assert stored(engine) == recount(engine)
    for batch in (closed[1], second, first, deals):
        undo.undo(engine, batch.batch_id)
        assert stored(engine) == recount(engine)
    assert stored(engine) == {}


# --- the effects read from it: the ledger's -----------------------------------------------------------

START, END = dt.date(2026, 9, 1), dt.date(2026, 11, 30)


def test_the_effects_from_the_teams_rows_are_the_ledgers(engine):
    """Team North: Ann (coached), Bob, Cy (left; listed in North's row: subtracted); team South: Di (coached) and
    Eli, who joined South after its row was written (summed rep by rep). Each rep calls a different number of
    times a day, more after 1 Oct; Ann's session on 1 Oct: her 4 weeks before 2 calls a day, after 6 (2 → 6 a
    day is 14 → 42 calls a week: +28), Bob's 3 → 4 (21 → 28: +7): effect +21 calls a week."""
    with engine.begin() as conn:
        north, south = (conn.execute(insert(Team).values(name=n).returning(Team.id)).scalar_one() for n in "NS")
        ids = {
            name: conn.execute(
                insert(Person).values(name=name, name_key=name.lower(), role="rep", team_id=team).returning(Person.id)
            ).scalar_one()
            for name, team in (("Ann", north), ("Bob", north), ("Cy", north), ("Di", south), ("Eli", None))
        }
    days = [START + dt.timedelta(days=i) for i in range((END - START).days + 1)]
    for n, (name, daily) in enumerate(
        {"Ann": (2, 6), "Bob": (3, 4), "Cy": (5, 9), "Di": (1, 2), "Eli": (4, 1)}.items()
    ):
        rows = [(name, d, "call", None) for d in days for _ in range(daily[d >= dt.date(2026, 10, 2)])]
        add_activities(engine, ids, rows, start=n * 1000)
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
        conn.execute(update(Person).where(Person.id == ids["Eli"]).values(team_id=south))  # no refresh
    team_of = {ids["Ann"]: north, ids["Bob"]: north, ids["Di"]: south, ids["Eli"]: south}  # Cy has left
    sessions = pd.DataFrame({"id": [1, 2], "manager_id": [0, 0], "rep_id": [ids["Ann"], ids["Di"]],
                             "date": [dt.date(2026, 10, 1)] * 2, "focus_driver": ["activity", "activity"]})  # fmt: skip
    settings = Settings()
    found = impact.team_effects(engine, settings, sessions, team_of, START, END)
    ledger = impact.running_ledger(engine, settings, START, END, sorted(ids.values()))
    reference = impact.effects_at_once(sessions, ledger, team_of)
    pd.testing.assert_frame_equal(found, reference)
    assert found["effect"].tolist() == [21.0, (14 - 7) - (7 - 28)]  # Di 7 → 14 a week, Eli 28 → 7
    np.testing.assert_array_equal(found["team_before"], [21.0, 28.0])
