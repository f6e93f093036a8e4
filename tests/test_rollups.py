"""The rollups the pages read — per rep and day, running totals, packed won-deal cycles — worked out by hand,
and kept equal to a recount from the raw rows by every writer (demo, import, re-import, undo)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import delete, insert, select, update
from test_database import ACTIVITIES, D1, D2, D3, add_activities
from test_import import NEWER_HUBSPOT, data, load

from breakthrough.importing.write import undo
from breakthrough.store import queries, rollups
from breakthrough.store.models import (
    Activity,
    ActivityRepDay,
    ActivityRunning,
    Opportunity,
    OpportunityRunning,
    Person,
    WonDealCycles,
)

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


# --- running totals of activities: each rep's counts through each day -------------------------------

# From EXPECTED by hand, (calls, meetings held, emails, all activities) summed up to each day:
#   A: D1 (3,0,1,4); D2 = D1 + (2,1,0,3) = (5,1,1,7); D3 = D2 + (1,0,0,1) = (6,1,1,8)
#   B: D1 (2,0,0,2); D2 = D1 + (0,2,1,3) = (2,2,1,5); D3 = D2 + (0,1,0,1) = (2,3,1,6)
RUNNING = {
    ("A", D1): (3, 0, 1, 4), ("A", D2): (5, 1, 1, 7), ("A", D3): (6, 1, 1, 8),
    ("B", D1): (2, 0, 0, 2), ("B", D2): (2, 2, 1, 5), ("B", D3): (2, 3, 1, 6),
}  # fmt: skip


def running(engine, reps) -> dict:
    names = {v: k for k, v in reps.items()}
    t = ActivityRunning
    with engine.connect() as conn:
        rows = conn.execute(select(t.rep_id, t.day, t.calls, t.meetings_held, t.emails, t.activities)).all()
    return {(names[r], d): tuple(rest) for r, d, *rest in rows}


def running_from_raw(engine, reps) -> dict:
    """The same totals worked out again from `activity_rep_day`: every rep on every day that has data."""
    days = sorted({d for _, d in rep_day(engine, reps)})
    found = {}
    for rep in {r for r, _ in rep_day(engine, reps)}:
        total = (0, 0, 0, 0)
        for day in days:
            total = tuple(a + b for a, b in zip(total, rep_day(engine, reps).get((rep, day), (0, 0, 0, 0))))
            found[(rep, day)] = total
    return found


def test_running_activity_totals_add_up_each_reps_days(engine, reps):
    add_activities(engine, reps, ACTIVITIES)
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
    assert running(engine, reps) == RUNNING


def test_a_day_without_activity_carries_the_total_so_far(engine, reps):
    # B did nothing on D3: B's D3 row keeps B's D2 totals, so a window ending on D3 is still one look-up
    add_activities(engine, reps, [row for row in ACTIVITIES if (row[0], row[1]) != ("B", D3)])
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
    assert running(engine, reps)[("B", D3)] == RUNNING[("B", D2)] == (2, 2, 1, 5)


D5 = D3 + dt.timedelta(days=7)  # a week later: a new last day


@pytest.mark.parametrize("change, rep_ids, day_from, day_to", [
    (lambda c, r: c.execute(delete(Activity).where(Activity.rep_id == r["B"], Activity.day == D3)), ["B"], D3, D3),
    (lambda c, r: c.execute(delete(Activity).where(Activity.day == D1)), ["A", "B"], D1, D1),  # a day goes
    (lambda c, r: add_activities_on(c, r, [("A", D5, "call", "connected")]), ["A"], D5, D5),  # a day comes
    (lambda c, r: add_activities_on(c, r, [("B", D1 - dt.timedelta(days=3), "email", None)]), ["B"], None, None),
    (lambda c, r: c.execute(delete(Activity).where(Activity.rep_id == r["A"])), ["A"], None, None),  # A has none
])  # fmt: skip
def test_a_partial_refresh_leaves_running_totals_as_a_full_recount_would(
    engine, reps, change, rep_ids, day_from, day_to
):
    add_activities(engine, reps, ACTIVITIES)
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
        change(conn, reps)
        rollups.refresh_activity_daily(conn, [reps[r] for r in rep_ids], day_from, day_to)
    assert running(engine, reps) == running_from_raw(engine, reps)
    assert {d for _, d in running(engine, reps)} == {d for _, d in rep_day(engine, reps)}  # exactly the days with data


def add_activities_on(conn, reps, rows) -> None:
    conn.execute(insert(Activity), [
        dict(source="test", external_id=f"late-{i}", rep_id=reps[rep], ts=dt.datetime.combine(day, dt.time(9)),
             day=day, type=kind, outcome=outcome) for i, (rep, day, kind, outcome) in enumerate(rows)])  # fmt: skip


# --- running totals of deals: per owner and currency, won / lost / open by close date, created ------

DEALS = [  # (owner, currency, created, close, status, amount)
    ("A", "USD", D1, D3, "won", 100),
    ("A", "USD", D1, D2, "lost", 40),
    ("A", "EUR", D2, D3, "open", 50),
    ("B", "USD", D2, None, "open", 70),  # no close date: counts as created only
    ("B", "USD", D1, D2, "won", None),  # no amount: one won deal worth 0
    (None, "USD", D1, D1, "won", 999),  # nobody's: counts for no one
    ("B", "USD", D3, D5, "won", 30),
]
# (won, won amount, lost, open, open amount, created, created amount) through each day, by hand from DEALS:
#   (A, USD): D1 created 2 (100 + 40) → (0,0,0,0,0,2,140); D2 + lost 1 → (0,0,1,0,0,2,140); D3 + won 100 →
#             (1,100,1,0,0,2,140); D5 same
#   (A, EUR): D1 nothing → zeros; D2 created 1 (50); D3 + open 50 → (0,0,0,1,50,1,50); D5 same
#   (B, USD): D1 created 1 (no amount: 0); D2 + created 1 (70), won (no amount) → (1,0,0,0,0,2,70); D3 + created 1
#             (30) → (1,0,0,0,0,3,100); D5 + won 30 → (2,30,0,0,0,3,100)
DEAL_RUNNING = {
    (D1, "A", "USD"): (0, 0, 0, 0, 0, 2, 140), (D2, "A", "USD"): (0, 0, 1, 0, 0, 2, 140),
    (D3, "A", "USD"): (1, 100, 1, 0, 0, 2, 140), (D5, "A", "USD"): (1, 100, 1, 0, 0, 2, 140),
    (D1, "A", "EUR"): (0, 0, 0, 0, 0, 0, 0), (D2, "A", "EUR"): (0, 0, 0, 0, 0, 1, 50),
    (D3, "A", "EUR"): (0, 0, 0, 1, 50, 1, 50), (D5, "A", "EUR"): (0, 0, 0, 1, 50, 1, 50),
    (D1, "B", "USD"): (0, 0, 0, 0, 0, 1, 0), (D2, "B", "USD"): (1, 0, 0, 0, 0, 2, 70),
    (D3, "B", "USD"): (1, 0, 0, 0, 0, 3, 100), (D5, "B", "USD"): (2, 30, 0, 0, 0, 3, 100),
}  # fmt: skip


def add_deals(conn, reps, deals, start: int = 0) -> None:
    stage = {"won": "Closed Won", "lost": "Closed Lost", "open": "Proposal"}
    conn.execute(insert(Opportunity), [
        dict(source="test", external_id=f"O{start + i}", owner_id=reps[owner], name=f"Deal {start + i}",
             created_date=created, close_date=close, stage=stage[status], status=status, amount=amount,
             currency=currency)
        for i, (owner, currency, created, close, status, amount) in enumerate(deals)])  # fmt: skip


def deal_running(engine, reps) -> dict:
    names = {v: k for k, v in reps.items()}
    t = OpportunityRunning
    with engine.connect() as conn:
        rows = conn.execute(select(t.day, t.owner_id, t.currency, t.won, t.won_amount, t.lost, t.open, t.open_amount,
                                   t.created, t.created_amount)).all()  # fmt: skip
    return {(d, names[o], c): tuple(rest) for d, o, c, *rest in rows}


def deal_running_from_raw(engine) -> dict:
    """`opportunity_running` worked out again in Python from the deals, keyed by owner id."""
    o = Opportunity
    with engine.connect() as conn:
        deals = conn.execute(select(o.owner_id, o.currency, o.created_date, o.close_date, o.status, o.amount)
                             .where(o.owner_id.is_not(None))).all()  # fmt: skip
    days = sorted({d.created_date for d in deals} | {d.close_date for d in deals if d.close_date is not None})
    found = {}
    for owner, currency in {(d.owner_id, d.currency) for d in deals}:
        mine = [d for d in deals if (d.owner_id, d.currency) == (owner, currency)]
        for day in days:
            closed = [d for d in mine if d.close_date is not None and d.close_date <= day]
            count = lambda s, closed=closed: sum(1 for d in closed if d.status == s)  # noqa: E731
            amount = lambda s, closed=closed: sum(d.amount or 0 for d in closed if d.status == s)  # noqa: E731
            created = [d for d in mine if d.created_date <= day]
            found[(day, owner, currency)] = (count("won"), amount("won"), count("lost"), count("open"), amount("open"),
                                             len(created), sum(d.amount or 0 for d in created))  # fmt: skip
    return found


def stored_deal_running(engine) -> dict:
    t = OpportunityRunning
    with engine.connect() as conn:
        rows = conn.execute(select(t.day, t.owner_id, t.currency, t.won, t.won_amount, t.lost, t.open, t.open_amount,
                                   t.created, t.created_amount)).all()  # fmt: skip
    return {(d, o, c): tuple(rest) for d, o, c, *rest in rows}


def test_running_deal_totals_count_each_deal_on_its_close_and_created_days(engine, reps):
    with engine.begin() as conn:
        add_deals(conn, reps, DEALS)
        rollups.refresh_opportunity_rollups(conn)
    assert deal_running(engine, reps) == DEAL_RUNNING


@pytest.mark.parametrize("first, last, expected", [
    # (won, won amount, lost, open, open amount, created, created amount) per (owner, currency), from DEAL_RUNNING
    (None, D5, {("A", "USD"): (1, 100, 1, 0, 0, 2, 140), ("A", "EUR"): (0, 0, 0, 1, 50, 1, 50),
                ("B", "USD"): (2, 30, 0, 0, 0, 3, 100)}),  # everything: the totals through D5
    (D2, D2, {("A", "USD"): (0, 0, 1, 0, 0, 0, 0), ("A", "EUR"): (0, 0, 0, 0, 0, 1, 50),
              ("B", "USD"): (1, 0, 0, 0, 0, 1, 70)}),  # D2 − D1
    (D3 + dt.timedelta(days=1), D3 + dt.timedelta(days=3), {}),  # between days with data: nothing happened
    (D3 + dt.timedelta(days=1), D5 + dt.timedelta(days=30), {("B", "USD"): (1, 30, 0, 0, 0, 0, 0)}),  # D5 − D3
    (D1 - dt.timedelta(days=30), D1 - dt.timedelta(days=1), {}),  # before the first day
    (D3, D2, {}),  # an empty window
    (None, D3 + dt.timedelta(days=2), {("A", "USD"): (1, 100, 1, 0, 0, 2, 140), ("A", "EUR"): (0, 0, 0, 1, 50, 1, 50),
                                       ("B", "USD"): (1, 0, 0, 0, 0, 3, 100)}),  # through a day without data: D3's
])  # fmt: skip
def test_a_windows_deal_totals_are_two_look_ups(engine, reps, first, last, expected):
    with engine.begin() as conn:
        add_deals(conn, reps, DEALS)
        rollups.refresh_opportunity_rollups(conn)
    names = {v: k for k, v in reps.items()}
    totals = ("won", "won_amount", "lost", "open", "open_amount", "created", "created_amount")
    found = queries.deal_totals(engine, {"w": (first, last, totals)})
    got = {(names[int(r)], c): tuple(found[f"w_{t}"][i] for t in totals)
           for i, (r, c) in enumerate(zip(found["rep_id"], found["currency"]))}  # fmt: skip
    zero = (0, 0, 0, 0, 0, 0, 0)
    assert got == {key: expected.get(key, zero) for key in DEAL_RUNNING_KEYS}


DEAL_RUNNING_KEYS = {(owner, currency) for _, owner, currency in DEAL_RUNNING}


@pytest.mark.parametrize("first, last, expected", [
    (D2, D3, {"A": (3, 1, 0, 4), "B": (0, 3, 1, 4)}),  # RUNNING at D3 − at D1: A (6,1,1,8) − (3,0,1,4)
    (None, D1, {"A": (3, 0, 1, 4), "B": (2, 0, 0, 2)}),
    (D3 + dt.timedelta(days=1), D3 + dt.timedelta(days=9), {"A": (0, 0, 0, 0), "B": (0, 0, 0, 0)}),
])  # fmt: skip
def test_a_windows_activity_totals_are_two_look_ups(engine, reps, first, last, expected):
    add_activities(engine, reps, ACTIVITIES)
    with engine.begin() as conn:
        rollups.refresh_activity_daily(conn)
    names = {v: k for k, v in reps.items()}
    totals = ("calls", "meetings_held", "emails", "activities")
    found = queries.activity_totals(engine, {"w": (first, last, totals)})
    assert {names[int(r)]: tuple(found[f"w_{t}"][i] for t in totals) for i, r in enumerate(found["rep_id"])} == expected


@pytest.mark.parametrize("change", [
    lambda c, r: c.execute(update(Opportunity).where(Opportunity.external_id == "O0").values(status="lost")),
    lambda c, r: c.execute(update(Opportunity).where(Opportunity.external_id == "O2").values(owner_id=r["B"])),
    lambda c, r: c.execute(update(Opportunity).where(Opportunity.external_id == "O6").values(close_date=D1)),  # D5 goes
    lambda c, r: add_deals(c, r, [("A", "GBP", D5 + dt.timedelta(days=1), None, "open", 5)], start=50),  # day comes
    lambda c, r: c.execute(delete(Opportunity).where(Opportunity.owner_id == r["A"])),
])  # fmt: skip
def test_refreshing_the_owners_a_change_touched_gives_a_full_recount(engine, reps, change):
    with engine.begin() as conn:
        add_deals(conn, reps, DEALS)
        rollups.refresh_opportunity_rollups(conn)
        change(conn, reps)
        rollups.refresh_opportunity_rollups(conn, [reps["A"], reps["B"]])
    assert stored_deal_running(engine) == deal_running_from_raw(engine)
    assert cycles_by_owner(engine) == cycles_from_raw(engine)


# --- won-deal cycles, one packed row per owner ------------------------------------------------------


def cycles_by_owner(engine) -> dict:
    t = WonDealCycles
    with engine.connect() as conn:
        rows = conn.execute(select(t.owner_id, t.deals, t.close_days, t.cycle_days)).all()
    found = {}
    for owner, deals, close, cycle in rows:
        close, cycle = rollups.unpack_cycles(close, cycle)
        assert len(close) == len(cycle) == deals
        found[owner] = [(dt.date(1970, 1, 1) + dt.timedelta(days=int(c)), int(n)) for c, n in zip(close, cycle)]
    return found


def cycles_from_raw(engine) -> dict:
    o = Opportunity
    with engine.connect() as conn:
        won = conn.execute(select(o.owner_id, o.close_date, o.created_date).where(
            o.owner_id.is_not(None), o.status == "won", o.close_date.is_not(None))).all()  # fmt: skip
    found: dict = {}
    for owner, close, created in won:
        found.setdefault(owner, []).append((close, (close - created).days))
    return {owner: sorted(cycles) for owner, cycles in found.items()}


def test_won_cycles_are_packed_per_owner_in_close_date_order(engine, reps):
    with engine.begin() as conn:
        add_deals(conn, reps, DEALS)
        rollups.refresh_opportunity_rollups(conn)
    # A won deal 0 (created D1, closed D3: 2 days); B won deal 4 (D1 → D2: 1 day) and deal 6 (D3 → D5: 7 days)
    assert cycles_by_owner(engine) == {reps["A"]: [(D3, 2)], reps["B"]: [(D2, 1), (D5, 7)]}


@pytest.mark.parametrize("days", [[0], [-3, 5, 400], list(range(-2, 3)), [2**31 - 1, -(2**31)]])
def test_packed_cycles_read_back_as_written(days):
    close = np.arange(len(days), dtype=np.int64)
    packed = rollups.pack_cycles(close, np.array(days, dtype=np.int64))
    assert len(packed["cycle_days"]) == 4 * len(days)  # four bytes a deal
    got_close, got_days = rollups.unpack_cycles(packed["close_days"], packed["cycle_days"])
    assert got_close.tolist() == close.tolist() and got_days.tolist() == days


# --- every writer keeps them in step: demo, import, re-import with changes, undo --------------------


def test_the_demo_writes_the_rollups_a_full_recount_gives(demo_engine):
    assert stored_deal_running(demo_engine) == deal_running_from_raw(demo_engine)
    assert cycles_by_owner(demo_engine) == cycles_from_raw(demo_engine)


OWNER_CHANGE = (data("hubspot_deals.csv")
                .replace(b"15000,2026-11-12 11:11,2026-08-30 09:00,Bob Stone", b"15000,2026-11-12 11:11,2026-08-30 "
                                                                                 b"09:00,Ann Lee")
                .replace(b"Closed won,Sales Pipeline,\"11015.0\",2026-11-03", b"Closed lost,Sales Pipeline,\"11015.0\","
                                                                               b"2026-11-04"))  # fmt: skip


def test_imports_and_undo_keep_the_deal_rollups_in_step(engine):
    load(engine, "template_people.csv")
    steps = [load(engine, "hubspot_deals.csv"), load(engine, "newer.csv", raw=NEWER_HUBSPOT)]
    assert stored_deal_running(engine) == deal_running_from_raw(engine)
    undo.undo(engine, steps[1].batch_id)
    assert stored_deal_running(engine) == deal_running_from_raw(engine)
    load(engine, "owner_change.csv", raw=OWNER_CHANGE)  # deal 9004 moves from Bob to Ann; 9001 is lost a day later
    assert stored_deal_running(engine) == deal_running_from_raw(engine)
    assert cycles_by_owner(engine) == cycles_from_raw(engine)
    assert len(stored_deal_running(engine)) > 0


def test_the_owner_change_moved_the_deal_in_the_rollup(engine):
    load(engine, "template_people.csv")
    load(engine, "hubspot_deals.csv")
    load(engine, "owner_change.csv", raw=OWNER_CHANGE)
    with engine.connect() as conn:
        ids = dict(conn.execute(select(Person.name, Person.id)).all())
    totals = queries.deal_totals(engine, {"w": (None, dt.date(2026, 11, 30), ("won", "lost"))})
    got = {int(r): (int(w), int(lo)) for r, w, lo in zip(totals["rep_id"], totals["w_won"], totals["w_lost"])}
    # Ann: 9001 now lost (was won), 9004 lost (now hers); 9002 "Renewed" is won → won 1, lost 2. Bob: nothing closed.
    assert (got[ids["Ann Lee"]], got[ids["Bob Stone"]]) == ((1, 2), (0, 0))
