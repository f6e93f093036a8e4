"""The Talent page's rollups (issue #16), worked out by hand on a few activities and deals, and kept equal to what
the running tables give through an import, a re-import, a changed deal and undoing them (deletes):

- `team_running`: each team's running totals, the sum of its reps' `running_packed` keys (what the coaching
  effects read for a rep's team), also through a rep moving team; the effects read from it are the ledger's
  (`impact.effects_at_once`), with a leaver listed in a team's row and a team whose row lacks a rep;
- `month_running`: each key's totals through the end of every month (what the history by month or quarter reads).

The migration's back-fill is checked with the other rollups' in tests/test_database.py."""

from __future__ import annotations

import bisect
import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import insert, literal, select, update
from test_database import ACTIVITIES, D1, D2, D3, add_activities

from breakthrough.coaching import impact
from breakthrough.settings import Settings
from breakthrough.store import month_running, rollups, team_running
from breakthrough.store.models import ActivityRunning, OpportunityRunning, Person, Team, TeamRunning
from breakthrough.talent import history

TABLES = {
    "activity_running": (ActivityRunning, ("rep_id", None), ("calls", "meetings_held", "emails", "activities")),
    "opportunity_running": (
        OpportunityRunning,
        ("owner_id", "currency"),
        ("won", "won_amount", "lost", "open", "open_amount", "created", "created_amount"),
    ),
}


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
                ordered = {who: sorted(by_day) for who, by_day in members.items()}
                sums = []
                for day in days:
                    total = [0.0] * len(values)
                    for who, by_day in sorted(members.items()):  # in person order, as the rollup adds them
                        at = bisect.bisect_right(ordered[who], day)  # the member's latest day on or before `day`
                        if at:
                            total = [a + float(b) for a, b in zip(total, by_day[ordered[who][at - 1]])]
                    sums.append((day, *total))
                listed = sorted(p for p, t in team_of.items() if t == team)
                found[(rollup, team, money)] = (listed, sums)
    return found


def months(engine) -> dict:
    """{(rollup, person, currency): [(month, *values)]} read back from `month_running` (months as (year, month))."""
    found = {}
    with engine.connect() as conn:
        for rollup, (_, _, values) in TABLES.items():
            for key in month_running.read(conn, rollup, len(values)):
                found[(rollup, key.person_id, key.currency)] = [
                    (divmod(int(m), 12)[0] + 1970, int(m) % 12 + 1, *(float(v) for v in row))
                    for m, row in zip(key.months, key.totals)
                ]
    return found


def months_recounted(engine) -> dict:
    """The same from the running tables, in plain Python: each key's row on the last day of each month it has."""
    found: dict = {}
    with engine.connect() as conn:
        for rollup, (model, (person, currency), values) in TABLES.items():
            cur = getattr(model, currency) if currency else literal("")
            for who, money, day, *rest in conn.execute(
                select(getattr(model, person), cur, model.day, *(getattr(model, v) for v in values))
            ):
                last = found.setdefault((rollup, who, money), {})
                if (day.year, day.month) not in last or last[(day.year, day.month)][0] < day:
                    last[(day.year, day.month)] = (day, *(float(v) for v in rest))
    return {k: [(*m, *v[1:]) for m, v in sorted(by_month.items())] for k, by_month in found.items()}


def test_each_keys_totals_through_each_months_end(engine, reps):
    add_activities(engine, reps, [*ACTIVITIES, ("A", dt.date(2026, 10, 30), "call", None)])
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
    # Ann through 31 Oct: 1 call; through 30 Nov: tests/test_rollups.py's (6, 1, 1, 8) and that call;
    # Bob has a row of zeros on 30 Oct (every key has one on every day of the table), then (2, 3, 1, 6)
    assert months(engine) == {
        ("activity_running", reps["A"], ""): [(2026, 10, 1, 0, 0, 1), (2026, 11, 7, 1, 1, 9)],
        ("activity_running", reps["B"], ""): [(2026, 10, 0, 0, 0, 0), (2026, 11, 2, 3, 1, 6)],
    }
    assert months(engine) == months_recounted(engine)


def test_the_history_reads_months_over_from_it_and_the_month_still_running_from_the_running_table(engine, reps):
    add_activities(engine, reps, [*ACTIVITIES, ("A", dt.date(2026, 10, 30), "call", None)])
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
    found = history.build(engine, Settings(), "month", D2)  # as of 3 Nov: October over, November running
    assert [p.label for p in found.periods] == ["Oct 2026", "Nov 2026"]
    ann, bob = found.row(reps["A"]), found.row(reps["B"])
    # Ann: 1 call in October; 2 and 3 Nov: 3 + 2 calls and a meeting held; Bob: 2 calls and 2 demos held
    assert found.figures["calls"][[ann, bob]].tolist() == [[1, 5], [0, 2]]
    assert found.figures["meetings"][[ann, bob]].tolist() == [[0, 1], [0, 2]]


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


def check_after_writes(engine, step: str, team: int, people: list[int]) -> None:
    """What `tests/test_running_packed.py`'s import, re-import, changed deal and undo (`step`) leave in both rollups
    (Ann and Bob on `team`): equal to what the running tables give, and by hand where it says.

    DEALS by hand: created 4 (1000 + 2000 + 500 + 900 = 4,400), D-3 won (500), three open (3,900); closing D-2
    lost leaves two open (1,900). activity_file(3000): 3,000 calls 7 hours apart from 1 Oct 09:00, Ann's and
    Bob's in turn: in October calls 0…104 (the last on 31 Oct at 17:00), 53 of them Ann's; in November calls
    105…207, 51 of them Ann's: 104 through its end. The re-import moves the same calls 30 hours later."""
    teams, by_month = stored(engine), months(engine)
    assert teams == recount(engine)
    assert by_month == months_recounted(engine)
    deals = teams.get(("opportunity_running", team, "USD"), (None, [(None,)]))[1][-1][1:]
    calls = teams.get(("activity_running", team, ""), (None, [(None,)]))[1][-1][1:]
    expected = {
        "deals": ((1, 500, 0, 3, 3900, 4, 4400), ()),
        "activities": ((1, 500, 0, 3, 3900, 4, 4400), (3000, 0, 0, 3000)),
        "again": ((1, 500, 0, 3, 3900, 4, 4400), (3000, 0, 0, 3000)),
        "closed": ((1, 500, 1, 2, 1900, 4, 4400), (3000, 0, 0, 3000)),
        "all undone": ((), ()),
    }
    if step in expected:
        assert (deals, calls) == expected[step]
    if step == "activities":
        ann = by_month[("activity_running", people[0], "")][:2]
        assert ann == [(2026, 10, 53, 0, 0, 53), (2026, 11, 104, 0, 0, 104)]
    if step == "all undone":
        assert teams == {} and by_month == {}


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


def test_the_demo_writes_what_the_running_tables_give(demo_engine):
    teams, by_month = stored(demo_engine), months(demo_engine)
    assert {k[0] for k in teams} == {k[0] for k in by_month} == set(TABLES)
    assert teams == recount(demo_engine)
    assert by_month == months_recounted(demo_engine)
