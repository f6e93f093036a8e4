"""The Coaching page's figures worked out all at once (issue #7), checked against figures worked out by hand.

The ledger read from the running-total rollups, every session's before/after values with index
arithmetic, every manager's figures from one split of the sessions and the session reads built column
by column — on hand-built organisations and sessions whose figures are worked out here, and on the
shared demo.

Dates: 2026; the as-of date is Friday 27 Nov.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import insert

from breakthrough import settings as settings_store
from breakthrough.coaching import impact, managers, sessions
from breakthrough.metrics import periods, scorecard
from breakthrough.metrics.view import reps_in_scope
from breakthrough.settings import Settings
from breakthrough.store import queries, rollups
from breakthrough.store.models import RUBRIC, Activity, Opportunity, Person, Team
from breakthrough.store.text import TEXT
from tests.conftest import TODAY
from tests.test_coaching import DEBRIEF_CASES, US, d, frame, ledger_of

AS_OF = dt.date(2026, 11, 27)
DEAL_SIZE_REL = 1e-9  # amounts: running sums and daily sums may differ in the last bits of a float


# --- the hand-built organisation: team Alpha (Ann, Bob, Cat; Dan left), team Beta (Eve) ------------------


@pytest.fixture
def org(engine):
    with engine.begin() as conn:
        alpha, beta = (
            conn.execute(insert(Team).values(name=n).returning(Team.id)).scalar_one() for n in ("Alpha", "Beta")
        )

        def person(name, role, team, manager=None, active=True):
            values = dict(
                name=name,
                name_key=name.lower(),
                role=role,
                team_id=team,
                manager_id=manager,
                hire_date=dt.date(2024, 1, 8),
                active=active,
            )
            return conn.execute(insert(Person).values(**values).returning(Person.id)).scalar_one()

        mia, ned = person("Mia", "manager", alpha), person("Ned", "manager", beta)
        ids = dict(
            alpha=alpha,
            beta=beta,
            mia=mia,
            ned=ned,
            ann=person("Ann", "rep", alpha, mia),
            bob=person("Bob", "rep", alpha, mia),
            cat=person("Cat", "rep", alpha, mia),
            dan=person("Dan", "rep", alpha, mia, active=False),
            eve=person("Eve", "rep", beta, ned),
        )
    return SimpleNamespace(**ids)


def add_activity(engine, rows: list[tuple[int, str, str, str | None, int]]) -> None:
    """(rep, "mm-dd", type, outcome, how many) raw records, and the rollups refreshed as every writer does."""
    records = [{"source": "t", "external_id": f"{r}-{day}-{kind}-{i}", "rep_id": r, "day": d(day),
                "ts": dt.datetime.combine(d(day), dt.time(10)), "type": kind, "outcome": outcome}
               for r, day, kind, outcome, n in rows for i in range(n)]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(Activity), records)
        rollups.refresh_activity_daily(conn)


def add_deals(engine, rows: list[tuple[int, str, str | None, str, float | None, str]]) -> None:
    """(owner, created "mm-dd", closed "mm-dd" or None, status, amount, currency) deals, rollups refreshed."""
    deals = [{"source": "t", "external_id": f"o{i}", "owner_id": o, "name": f"Deal {i}", "created_date": d(c),
              "close_date": d(x) if x else None, "stage": s, "status": s, "amount": a, "currency": cur}
             for i, (o, c, x, s, a, cur) in enumerate(rows)]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(Opportunity), deals)
        rollups.refresh_opportunity_rollups(conn)


@pytest.fixture
def filled(engine, org):
    """Activity and deals around a session on Thu 15 Oct (before: 17 Sep … 14 Oct, after: 16 Oct … 12 Nov)."""
    a, b, c, dan, e = org.ann, org.bob, org.cat, org.dan, org.eve
    add_activity(engine, [
        (a, "09-10", "call", "connected", 7),  # before the ledger starts (17 Sep): in no window
        (a, "09-17", "call", "connected", 10), (a, "10-02", "call", "no answer", 30),  # Ann before: 40 calls
        (a, "10-05", "meeting", "held", 4), (a, "10-06", "meeting", "no_show", 3),  # 4 held (no-show left out)
        (a, "10-15", "call", "connected", 500),  # the session day itself: in neither window
        (a, "10-16", "call", "connected", 50), (a, "11-12", "call", "connected", 30),  # Ann after: 80 calls
        (a, "10-20", "demo", "held", 8),  # a demo held counts as a meeting: 8 after
        (b, "09-21", "call", "connected", 40), (b, "10-19", "call", "connected", 60),  # Bob 40 → 60
        (b, "10-19", "meeting", "held", 6),
        (c, "10-14", "call", "connected", 20), (c, "11-01", "call", "connected", 20),  # Cat 20 → 20
        (dan, "10-01", "call", "connected", 99),  # Dan has left: not a colleague any more
        (e, "10-01", "call", "connected", 10), (e, "10-26", "call", "connected", 30),  # Eve alone in Beta
    ])  # fmt: skip
    add_deals(engine, [
        (a, "09-20", "10-10", "won", 1000.0, "USD"), (a, "09-25", "10-12", "lost", 500.0, "USD"),
        (a, "10-01", None, "open", 700.0, "USD"),  # created before, no close date
        (a, "10-20", "10-30", "won", 2000.0, "EUR"),  # 2,000 EUR × 1.08 = 2,160 USD
        (a, "10-21", "11-02", "won", 300.0, "JPY"),  # no rate for JPY: counted, its amount left out
        (a, "10-22", "11-03", "won", None, "USD"),  # no amount: counted, adds 0
        (a, "10-23", "12-20", "open", 900.0, "USD"),  # closes after the as-of date
        (b, "09-18", "10-01", "won", 400.0, "USD"), (b, "10-17", "11-10", "won", 600.0, "USD"),
        (b, "10-18", "11-11", "lost", 50.0, "GBP"),
        (c, "10-25", "10-28", "won", 100.0, "USD"),
    ])  # fmt: skip
    return org


def running(engine, start: dt.date, reps: list[int]) -> impact.Ledger:
    """The ledger read from the running totals over start … 27 Nov."""
    return impact.running_ledger(engine, Settings(), start, AS_OF, reps)


def window_sums(ledger: impact.Ledger, reps: list[int], first: dt.date, last: dt.date) -> dict[str, float]:
    """What the ledger holds for these reps over first … last: their totals through `last` minus through the
    day before `first` (as `impact.Ledger` says)."""
    cols = [ledger.column[r] for r in reps if r in ledger.column]
    lo, hi = (first - ledger.start).days, (last - ledger.start).days + 1
    return {m: float(ledger.cum[m][hi, cols].sum() - ledger.cum[m][lo, cols].sum()) for m in impact.MEASURES}


# --- the ledger from the running totals ------------------------------------------------------------------


@pytest.mark.parametrize("who, first, last, expected", [
    # before: calls 17 Sep and 2 Oct; 4 meetings held; created 20 Sep, 25 Sep, 1 Oct; won 10 Oct, lost 12 Oct
    ("ann", "09-17", "10-14", {"calls": 10 + 30, "meetings": 4, "opps": 3, "won": 1, "lost": 1, "won_amount": 1000}),
    # after: 50 + 30 calls; 8 demos held; created 20, 21, 22, 23 Oct; won 30 Oct (2,160 USD), 2 Nov (JPY: 0), 3 Nov (none: 0)
    ("ann", "10-16", "11-12", {"calls": 80, "meetings": 8, "opps": 4, "won": 3, "lost": 0, "won_amount": 2000 * 1.08}),
    ("ann", "10-15", "10-15", {"calls": 500, "meetings": 0, "opps": 0, "won": 0, "lost": 0, "won_amount": 0}),
    ("ann", "09-17", "11-27", {"calls": 10 + 30 + 500 + 50 + 30, "meetings": 12, "opps": 7, "won": 4, "lost": 1,
                               "won_amount": 1000 + 2160}),  # all 7 deals created 20 Sep … 23 Oct
    ("bob", "09-17", "10-14", {"calls": 40, "meetings": 0, "opps": 1, "won": 1, "lost": 0, "won_amount": 400}),
    ("bob", "10-16", "11-12", {"calls": 60, "meetings": 6, "opps": 2, "won": 1, "lost": 1, "won_amount": 600}),
    ("bob", "10-03", "10-04", {"calls": 0, "meetings": 0, "opps": 0, "won": 0, "lost": 0, "won_amount": 0}),  # a weekend
    ("eve", "09-17", "11-27", {"calls": 40, "meetings": 0, "opps": 0, "won": 0, "lost": 0, "won_amount": 0}),
])  # fmt: skip
def test_running_ledger_sums_worked_out_by_hand(engine, filled, who, first, last, expected):
    reps = [filled.ann, filled.bob, filled.cat, filled.eve]
    ledger = running(engine, d("09-17"), reps)
    assert window_sums(ledger, [getattr(filled, who)], d(first), d(last)) == pytest.approx(expected)


@pytest.mark.parametrize("who, expected", [
    # 17 Sep … 19 Oct: calls 17 Sep, 2, 15, 16 Oct; the 4 held on 5 Oct (the demo of 20 Oct is after); created 20,
    # 25 Sep, 1 Oct; won 10 Oct, lost 12 Oct. Her EUR and JPY deals (created 20, 21 Oct) have no row in the ledger
    ("ann", {"calls": 10 + 30 + 500 + 50, "meetings": 4, "opps": 3, "won": 1, "lost": 1, "won_amount": 1000}),
    # calls 21 Sep, 19 Oct; 6 held 19 Oct; created 18 Sep, 17 Oct, 18 Oct (GBP); won 1 Oct: the rest close after
    ("bob", {"calls": 40 + 60, "meetings": 6, "opps": 3, "won": 1, "lost": 0, "won_amount": 400}),
    ("cat", {"calls": 20, "meetings": 0, "opps": 0, "won": 0, "lost": 0, "won_amount": 0}),  # her deal: 25 Oct
])  # fmt: skip
def test_running_ledger_ending_before_some_keys_begin(engine, filled, who, expected):
    """A ledger that ends (19 Oct) before some reps' currencies have any row: each key is cut to the ledger's days
    before they are joined, and the currencies still line up with their rates."""
    reps = [filled.ann, filled.bob, filled.cat, filled.eve]
    ledger = impact.running_ledger(engine, Settings(), d("09-17"), d("10-19"), reps)
    assert window_sums(ledger, [getattr(filled, who)], d("09-17"), d("10-19")) == expected


# Ann's and Bob's calls and meetings held, day by day, as `filled` logs them (no-shows are not held; a demo
# held is a meeting); every other day has none
ANN = {"calls": {"09-10": 7, "09-17": 10, "10-02": 30, "10-15": 500, "10-16": 50, "11-12": 30},
       "meetings": {"10-05": 4, "10-20": 8}}  # fmt: skip
BOB = {"calls": {"09-21": 40, "10-19": 60}, "meetings": {"10-19": 6}}


@pytest.mark.parametrize("start, ann_calls", [
    ("09-17", 10 + 30 + 500 + 50 + 30),  # 620: the 7 calls of 10 Sep are before it
    ("09-10", 7 + 620), ("09-01", 627),
    ("10-16", 50 + 30),  # from the day after the session
    ("11-27", 0),  # one day without activity
])  # fmt: skip
def test_running_ledger_holds_each_days_counts_on_every_day(engine, filled, start, ann_calls):
    """The totals through every day of the ledger, for every rep (and one with no data at all)."""
    reps = sorted([filled.ann, filled.bob, filled.cat, filled.eve, filled.mia])  # a ledger's columns: by rep id
    ledger = running(engine, d(start), reps)
    assert ledger.column == {r: i for i, r in enumerate(reps)}
    days = [ledger.start + dt.timedelta(days=i) for i in range((ledger.end - ledger.start).days + 1)]
    for rep, by_hand in ((filled.ann, ANN), (filled.bob, BOB), (filled.mia, {"calls": {}, "meetings": {}})):
        for m, per_day in by_hand.items():
            found = np.diff(ledger.cum[m][:, ledger.column[rep]]).tolist()  # each day's count
            assert found == [float(per_day.get(f"{day:%m-%d}", 0)) for day in days], (rep, m)
    assert window_sums(ledger, [filled.ann], d(start), AS_OF)["calls"] == ann_calls


def test_running_ledger_of_an_empty_database_is_all_zeros(engine, org):
    running = impact.running_ledger(engine, Settings(), d("10-01"), AS_OF, [org.ann])
    assert window_sums(running, [org.ann], d("10-01"), AS_OF) == dict.fromkeys(impact.MEASURES, 0.0)


@pytest.mark.parametrize("places, columns, values, expected", [
    # day 0 is the day before the ledger: it is subtracted from everything
    ([0, 2], [0, 0], [5.0, 9.0], [[0], [0], [4], [4]]),  # 5 through day 0, 9 through day 2 (kept on day 3)
    ([1, 3], [0, 1], [2.0, 7.0], [[0, 0], [2, 0], [2, 0], [2, 7]]),  # each column carried on its own
    ([], [], [], [[0], [0], [0], [0]]),
])  # fmt: skip
def test_dense_totals_carry_over_days_without_a_row(places, columns, values, expected):
    found = impact._dense(np.array(places, dtype=np.int64), np.array(columns, dtype=np.int64),
                          {"calls": values, "twice": [2 * v for v in values]}, 3, len(expected[0]))  # fmt: skip
    assert found["calls"].tolist() == expected
    assert found["twice"].tolist() == (2 * np.array(expected)).tolist()


@pytest.mark.parametrize("column_team, teams, expected", [
    ([0, 1, 0, -1], 2, [[1 + 3, 2], [10 + 30, 20]]),  # team 0: columns 0 and 2; column 3 has no team
    ([1, 1, 1, 1], 3, [[0, 1 + 2 + 3 + 4, 0], [0, 100, 0]]),  # teams 0 and 2 have no column here
    ([-1, -1, -1, -1], 1, [[0], [0]]),
])  # fmt: skip
def test_team_totals_add_up_their_columns(column_team, teams, expected):
    cum = np.array([[1.0, 2, 3, 4], [10, 20, 30, 40]])
    assert impact._team_totals(cum, np.array(column_team), teams).tolist() == expected


# --- every session at once ---------------------------------------------------------------------------------


def hand_ledger(start: str = "09-01") -> impact.Ledger:
    """Reps 1, 2, 3 (team 7) and 4 (team 8); 5 has no team; calls, meetings and deals around 15 Oct."""
    rows = [
        (1, "09-20", {"calls": 40, "meetings": 4, "opps": 2, "won": 1, "lost": 1, "won_amount": 100}),
        (1, "10-20", {"calls": 80, "meetings": 12, "opps": 3, "won": 2, "lost": 0, "won_amount": 500}),
        (2, "10-01", {"calls": 40, "meetings": 4, "won": 1, "lost": 3, "won_amount": 50}),
        (2, "10-16", {"calls": 60, "meetings": 3, "opps": 1}),
        (3, "10-14", {"calls": 40, "meetings": 6, "opps": 2, "won": 2, "lost": 2, "won_amount": 80}),
        (3, "11-01", {"calls": 60, "meetings": 9, "won": 1, "lost": 1, "won_amount": 30}),
        (4, "10-02", {"calls": 10}),
        (5, "10-03", {"calls": 5}),
    ]
    out = [{"rep_id": r, "day": d(day), **dict.fromkeys(impact.MEASURES, 0.0), **counts} for r, day, counts in rows]
    return ledger_of(pd.DataFrame(out), d(start), AS_OF)


TEAMS = {1: 7, 2: 7, 3: 7, 4: 8}  # active reps and their teams; rep 5 has none


@pytest.mark.parametrize("rep, day, driver, values", [
    # Ann: 40 → 80 calls = 10 → 20 a week; colleagues 2 and 3: 80 → 120 calls / 2 reps / 4 weeks = 10 → 15
    (1, "10-15", "activity", (10.0, 20.0, 10.0, 15.0)),
    (1, "10-15", "call_to_meeting", (4 / 40, 12 / 80, 10 / 80, 12 / 120)),
    (1, "10-15", "meeting_to_opp", (2 / 4, 3 / 12, 2 / 10, 1 / 12)),
    (1, "10-15", "win_rate", (1 / 2, 2 / 2, 3 / 8, 1 / 2)),  # team before: won 1 + 2, lost 3 + 2
    (1, "10-15", "deal_size", (100.0, 250.0, 130 / 3, 30.0)),
    (3, "10-15", "activity", (10.0, 15.0, 10.0, 17.5)),  # colleagues 1 and 2: 80 → (80 + 60) / 2 / 4
    (4, "10-15", "activity", (2.5, 0.0, None, None)),  # alone in team 8: no colleagues
    (5, "10-15", "activity", (1.25, 0.0, None, None)),  # no team
    # after 11 Nov … 8 Dec: past the as-of date; before 13 Oct … 9 Nov: Ann 80 calls, team (60 + 40 + 60) / 2
    (1, "11-10", "activity", (20.0, None, 20.0, None)),
    # before 23 Aug … 19 Sep: before the ledger; after 21 Sep … 18 Oct: Ann closed nothing, team won 1 + 2, lost 3 + 2
    (1, "09-20", "win_rate", (None, None, None, 3 / 8)),
    # Bob won nothing after; colleagues 1 and 3: before (100 + 80) / (1 + 2), after (500 + 30) / (2 + 1)
    (2, "10-15", "deal_size", (50.0, None, 180 / 3, 530 / 3)),
    (6, "10-15", "activity", (0.0, 0.0, None, None)),  # a rep the ledger has no column for
    # before 1 Sep … 28 Sep: exactly the ledger's first 4 weeks; after 30 Sep … 27 Oct: Ann's 80 calls of 20 Oct;
    # colleagues before: nothing yet (2's calls start 1 Oct); after: 40 + 60 + 40 = 140 / 2 / 4 = 17.5
    (1, "09-29", "activity", (10.0, 20.0, 0.0, 17.5)),
    (1, "09-28", "activity", (None, 20.0, None, (40 + 60 + 40) / 2 / 4)),  # before starts 31 Aug: not covered
    # before 2 Oct … 29 Oct: Ann's 80 of 20 Oct; colleagues 2 (60 on 16 Oct) and 3 (40 on 14 Oct): 100 / 2 / 4;
    # after 31 Oct … 27 Nov ends on the as-of date, covered: Ann nothing, colleague 3 60 on 1 Nov
    (1, "10-30", "activity", (20.0, 0.0, (60 + 40) / 2 / 4, 60 / 2 / 4)),
])  # fmt: skip
def test_effects_at_once_worked_out_by_hand(rep, day, driver, values):
    session = frame({"rep_id": rep, "date": d(day), "focus_driver": driver})
    fast = impact.effects_at_once(session, hand_ledger(), TEAMS).iloc[0]
    got = [fast.rep_before, fast.rep_after, fast.team_before, fast.team_after]
    assert [None if pd.isna(v) else pytest.approx(v) for v in got] == [
        None if v is None else pytest.approx(v) for v in values
    ]
    both = None if None in values else (values[1] - values[0]) - (values[3] - values[2])
    assert (None if pd.isna(fast.effect) else pytest.approx(fast.effect)) == both


def test_effects_of_many_sessions_at_once_are_each_sessions_own():
    """Sessions of several reps, days and drivers in one call: each row is what the session gives alone."""
    rows = [{"rep_id": r, "date": d(day), "focus_driver": drv, "manager_id": 9}
            for r in (1, 3, 4, 5) for day in ("09-28", "09-29", "10-15", "10-30", "11-10") for drv in impact.MEASURED]  # fmt: skip
    s = frame(*rows)
    together = impact.effects_at_once(s, hand_ledger(), TEAMS)
    alone = pd.concat([impact.effects_at_once(s.iloc[[i]], hand_ledger(), TEAMS) for i in range(len(s))])
    assert len(together) == 4 * 5 * 5 and together["effect"].notna().sum() > 10
    pd.testing.assert_frame_equal(together, alone.reset_index(drop=True), check_exact=True)


def test_effects_at_once_without_focused_sessions_is_empty():
    s = frame({"date": d("10-15"), "focus_driver": None}, {"date": d("10-15"), "focus_driver": "cycle"})
    assert impact.effects_at_once(s, hand_ledger(), TEAMS).empty


def test_focused_effects_from_the_database(engine, filled):
    cfg = settings_store.load(engine)
    people = queries.people(engine)
    s = frame(*[{"rep_id": r, "manager_id": filled.mia, "date": d(day), "focus_driver": drv}
                for r in (filled.ann, filled.bob, filled.cat, filled.dan)
                for day in ("09-20", "10-15", "10-16", "10-27", "11-02")
                for drv in (*impact.MEASURED, "cycle")])  # fmt: skip
    fast = managers.focused_effects(engine, cfg, s, people, AS_OF)
    assert len(fast) == 4 * 5 * 5  # the cycle is not measured
    ann = fast[(fast["rep_id"] == filled.ann) & (fast["date"] == d("10-15")) & (fast["driver"] == "activity")]
    # Ann 40 → 80 calls (10 → 20 a week); Bob and Cat (Dan has left) 60 → 80 calls / 2 / 4 = 7.5 → 10
    assert ann[["rep_before", "rep_after", "team_before", "team_after", "effect"]].iloc[0].tolist() == [
        10.0,
        20.0,
        7.5,
        10.0,
        (20 - 10) - (10 - 7.5),
    ]
    # Ann's win rate: before 1 won of 2 closed (10 and 12 Oct); after 3 won (30 Oct, 2 and 3 Nov), none lost;
    # Bob and Cat before: Bob's 1 Oct win; after: Bob won 10 Nov and lost 11 Nov, Cat won 28 Oct
    ann = fast[(fast["rep_id"] == filled.ann) & (fast["date"] == d("10-15")) & (fast["driver"] == "win_rate")]
    assert ann[["rep_before", "rep_after", "team_before", "team_after"]].iloc[0].tolist() == [1 / 2, 1.0, 1.0, 2 / 3]
    # Dan has left: his own sessions are still listed, but he has no colleagues any more: no team values
    dan = fast[(fast["rep_id"] == filled.dan) & (fast["date"] == d("10-15")) & (fast["driver"] == "activity")]
    assert dan[["team_before", "team_after"]].isna().all(axis=None)


# --- every manager at once ---------------------------------------------------------------------------------


def test_every_manager_on_hand_built_sessions():
    """Debriefs over Thanksgiving, a rep under another manager, commitments due and reviewed, unscored sessions."""
    people = pd.DataFrame({"name": ["Mia", "Ned", "Ann", "Bob", "Cy"], "team": [None, None, "A", "A", "B"],
                           "team_id": [None, None, 1, 1, 2], "manager_id": [None, None, 1, 1, 2],
                           "hire_date": [None, None, d("01-05"), d("11-16"), None]},
                          index=pd.Index([1, 2, 11, 12, 13], name="id"))  # fmt: skip
    s = pd.concat([DEBRIEF_CASES, frame(
        {"date": d("11-10"), "rep_id": 13, "manager_id": 2, "type": "one_on_one", "preparation": 5, "focus_driver": "activity"},
        {"date": d("11-02"), "rep_id": 13, "manager_id": 1, "type": "one_on_one"},  # Mia with Ned's rep: not hers
        {"date": d("10-01"), "rep_id": 11, "type": "one_on_one", "diagnosis": 2, "focus": 4},  # before the window
        {"date": d("11-26"), "rep_id": 12, "type": "pipeline_review", "duration_min": 90, "accountability": 3},
    ).assign(id=lambda f: f["id"] + 100)], ignore_index=True)  # fmt: skip
    s = managers.with_quality(s, dict.fromkeys(RUBRIC, 1.0))
    c = pd.DataFrame(
        [  # session 1 (20 Nov) and 101 (10 Nov) agreed these
            {"id": 1, "session_id": 1, "due_date": d("11-25"), "reviewed_date": d("11-24")},  # on time
            {"id": 2, "session_id": 1, "due_date": d("11-20"), "reviewed_date": d("11-23")},  # late
            {"id": 3, "session_id": 1, "due_date": d("12-04"), "reviewed_date": None},  # not due yet
            {"id": 4, "session_id": 101, "due_date": d("11-12"), "reviewed_date": None},  # Ned's, missed
            {"id": 5, "session_id": 3, "due_date": None, "reviewed_date": None},  # no due date
        ]
    )
    effects = pd.DataFrame({"session_id": [101, 102, 103, 104], "manager_id": [2, 2, 2, 1], "rep_id": [13, 13, 13, 11],
                            "date": [d("11-10")] * 4, "driver": ["activity", "activity", "activity", "win_rate"],
                            "effect": [np.nan, 1.0, 3.0, 0.5]})  # fmt: skip
    card = SimpleNamespace(reps={11: funnel(0.9), 12: funnel(None), 13: funnel(0.2)}, elapsed_share=0.5)
    reps = people.loc[[11, 12, 13]]
    # Mia's joint calls are those of tests/test_coaching.py's DEBRIEF_CASES (the extra sessions are none):
    # US holidays 1 in time of 3 due, 1 pending; no holidays 1 of 4; a 5-day window 2 of 3, 1 pending
    for cfg, debriefs in [(US, (1, 3, 1)), (dataclasses.replace(US, holiday_country=None), (1, 4, 0)),
                          (dataclasses.replace(US, debrief_window_days=5), (2, 3, 1))]:  # fmt: skip
        fast = managers.every_manager(people, reps, s, c, effects, card, cfg, AS_OF)
        assert list(fast) == [1, 2]  # by name: Mia, Ned
        found = fast[1].debriefs
        assert (found.in_time, found.due, found.pending) == debriefs, cfg
    # Mia: sessions 1–6 and 104 in 31 Oct … 27 Nov (103 is older; 102 is with Ned's rep, 7 is Ned's with hers)
    mia, ned = fast[1], fast[2]
    assert (mia.sessions_n, mia.quality, mia.quality_n) == (7, 50.0, 1)  # only 104 scored: (3 − 1) / 4 = 50
    assert mia.follow_through == managers.FollowThrough(1, 2)  # ids 1 and 2 due in the window; 1 reviewed in time
    assert mia.dated_commitment_share == 1 / 7  # session 1 of the 7
    assert mia.without_one_on_one == {11: d("10-01"), 12: None}  # no one-on-one since 7 Nov
    # the 5-day window (the loop's last): 20 Nov debriefed after 2 working days and 6 Nov after 4, both in time;
    # 25 Nov still pending; 2 Nov late (its debrief on 3 Nov was Ned's)
    assert (mia.debriefs.in_time, mia.debriefs.due, mia.debriefs.pending) == (2, 3, 1)
    assert ned.frequency["one_on_one"].held == 1 and ned.quality == 100.0  # 101: preparation 5 only
    assert (ned.impact["activity"].n, ned.impact["activity"].mean) == (2, 2.0)  # (1 + 3) / 2; the NaN left out
    assert mia.impact["win_rate"].n == 1


def funnel(attainment):
    return SimpleNamespace(funnel=SimpleNamespace(attainment=attainment))


# --- on the shared demo --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_engine):
    engine = demo_engine
    cfg = settings_store.load(engine)
    period = periods.period_containing(TODAY, "quarter", cfg.fiscal_year_start_month)
    card = scorecard.build(engine, cfg, period, TODAY)
    people = queries.people(engine)
    reps = people.loc[
        list(reps_in_scope(people, None, None).index), ["name", "team", "team_id", "manager_id", "hire_date"]
    ]
    start = TODAY - dt.timedelta(days=cfg.lookback_days)
    s = managers.with_quality(sessions.sessions(engine, start, TODAY, reps.index), cfg.rubric_weights)
    c = sessions.commitments(engine, start, TODAY, reps.index)
    return SimpleNamespace(engine=engine, cfg=cfg, card=card, people=people, reps=reps, sessions=s, commitments=c)


def test_demo_managers_have_every_figure(demo):
    """On the demo every kind of figure is there for someone: debriefs and commitments due, impacts, reps
    without a one-on-one, scored sessions; and the effects are those of the sessions with a measured focus."""
    effects = managers.focused_effects(demo.engine, demo.cfg, demo.sessions, demo.people, TODAY)
    measured = demo.sessions["focus_driver"].isin(impact.MEASURED)
    assert effects["session_id"].tolist() == demo.sessions.loc[measured, "id"].tolist()
    assert effects["effect"].notna().sum() > 50
    found = managers.every_manager(demo.people, demo.reps, demo.sessions, demo.commitments, effects, demo.card,
                                   demo.cfg, TODAY)  # fmt: skip
    assert sum(m.debriefs.due for m in found.values()) > 0 and sum(m.follow_through.due for m in found.values()) > 0
    assert any(m.impact for m in found.values()) and any(m.without_one_on_one for m in found.values())
    assert all(m.quality_n > 0 for m in found.values())


@pytest.fixture
def logged(engine, org):
    """Three sessions of Mia's (one before the window) and Ned's one, with their commitments."""
    rows = [  # (manager, rep, "mm-dd", type, minutes, driver, preparation score, notes)
        (org.mia, org.ann, "09-30", "one_on_one", 30, "activity", 4, "before the window"),
        (org.mia, org.ann, "10-15", "one_on_one", 45, "call_to_meeting", 3, "talk tracks"),
        (org.mia, org.bob, "10-15", "joint_call", 60, None, None, None),
        (org.ned, org.eve, "11-02", "debrief", 20, "deal_size", 5, "<b>not html</b>"),
    ]
    ids = []
    with engine.begin() as conn:
        for manager, rep, day, kind, minutes, driver, prep, notes in rows:
            values = dict(manager_id=manager, rep_id=rep, date=d(day), type=kind, duration_min=minutes,
                          focus_driver=driver, preparation=prep, notes=notes)  # fmt: skip
            ids.append(conn.execute(insert(sessions.CoachingSession).values(**values)).inserted_primary_key[0])
        commitments = [  # (session, rep, text, due, status, reviewed in session, reviewed on)
            (ids[0], org.ann, "Book 5 meetings", d("10-10"), "done", ids[1], d("10-15")),
            (ids[1], org.ann, "Open with the agenda", d("10-30"), "open", None, None),
            (ids[3], org.eve, "Ask for budget", None, "missed", None, None),
        ]
        for session, rep, text, due, status, reviewed, on in commitments:
            conn.execute(insert(sessions.Commitment).values(session_id=session, rep_id=rep, text=text,
                         driver=None, due_date=due, status=status, reviewed_session_id=reviewed,
                         reviewed_date=on))  # fmt: skip
    return SimpleNamespace(org=org, ids=ids)


@pytest.fixture(params=["named in the query", "kept after the read"])
def read_path(request, monkeypatch):
    """Both ways a read picks its reps: few are named in the query, many are kept from the window's rows."""
    monkeypatch.setattr(sessions, "MANY_REPS", 50 if request.param == "named in the query" else 0)


def _plain(value):
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def _reps(org, who):
    return None if who is None else [getattr(org, n) if isinstance(n, str) else n for n in who]


@pytest.mark.parametrize(
    ("who", "expected"),
    [  # sessions dated 1 Oct … 27 Nov (the one of 30 Sep is before), oldest first, then by id
        (None, [(1, "ann", "10-15", "one_on_one", 45, "call_to_meeting", 3, "talk tracks"),
                (2, "bob", "10-15", "joint_call", 60, None, None, None),
                (3, "eve", "11-02", "debrief", 20, "deal_size", 5, "<b>not html</b>")]),
        (["bob", "eve"], [(2, "bob", "10-15", "joint_call", 60, None, None, None),
                          (3, "eve", "11-02", "debrief", 20, "deal_size", 5, "<b>not html</b>")]),
        (["cat"], []),
        ([10**9], []),
    ],
)  # fmt: skip
def test_sessions_read_in_a_window_worked_out_by_hand(engine, logged, read_path, who, expected):
    got = sessions.sessions(engine, d("10-01"), AS_OF, _reps(logged.org, who))
    assert list(got.columns) == sessions.SESSION_COLUMNS
    name = {getattr(logged.org, n): n for n in ("ann", "bob", "eve")}
    rows = [(logged.ids.index(r.id), name[r.rep_id], r.date.strftime("%m-%d"), r.type, r.duration_min,
             _plain(r.focus_driver), _plain(r.preparation),
             _plain(r.notes)) for r in got.itertuples()]  # fmt: skip
    assert rows == expected
    assert all(isinstance(day, dt.date) for day in got["date"])


@pytest.mark.parametrize(
    ("who", "expected"),
    [  # commitments agreed in sessions of the window: the one of 30 Sep is left out, reviewed or not
        (None, [("ann", "10-15", "Open with the agenda", dt.date(2026, 10, 30), "open", None),
                ("eve", "11-02", "Ask for budget", None, "missed", None)]),
        (["eve"], [("eve", "11-02", "Ask for budget", None, "missed", None)]),
        (["bob"], []),
    ],
)  # fmt: skip
def test_commitments_read_in_a_window_worked_out_by_hand(engine, logged, read_path, who, expected):
    got = sessions.commitments(engine, d("10-01"), AS_OF, _reps(logged.org, who))
    assert list(got.columns) == sessions.COMMITMENT_COLUMNS
    name = {getattr(logged.org, n): n for n in ("ann", "bob", "eve")}
    rows = [(name[r.rep_id], r.session_date.strftime("%m-%d"), r.text, r.due_date, r.status, _plain(r.reviewed_date))
            for r in got.itertuples()]  # fmt: skip
    assert rows == expected
    managers_of = dict(zip(got["rep_id"], got["manager_id"], strict=True))
    assert all(managers_of[r] == (logged.org.ned if r == logged.org.eve else logged.org.mia) for r in managers_of)


def test_commitments_keep_the_review_of_a_session_before_the_window(engine, logged):
    """Read from 30 Sep, the first commitment is there with the session and day it was reviewed."""
    got = sessions.commitments(engine, d("09-30"), AS_OF, [logged.org.ann])
    first = got.iloc[0]
    assert (first["text"], first["status"], first["reviewed_session_id"], first["reviewed_date"]) == (
        "Book 5 meetings", "done", logged.ids[1], d("10-15"))  # fmt: skip
    assert first["due_date"] == d("10-10") and got["due_date"].tolist()[1] == dt.date(2026, 10, 30)


def test_an_as_of_date_before_the_data_measures_nothing(engine, filled):
    """The data starts 10 Sep; on an as-of date of 1 Sep no window is covered (and nothing breaks)."""
    cfg, people = settings_store.load(engine), queries.people(engine)
    s = frame({"rep_id": filled.ann, "manager_id": filled.mia, "date": d("08-20"), "focus_driver": "activity"})
    fast = managers.focused_effects(engine, cfg, s, people, d("09-01"))
    assert len(fast) == 1 and fast[impact.EFFECT_COLUMNS[5:]].isna().all(axis=None)


# --- the fourth round: lean reads, the ledger per key, the exact standard deviation (8 Dec 2026) -----------------


def test_session_figures_leave_the_texts_out_and_with_texts_puts_them_back(engine, logged, read_path):
    """The figures' read has every column but the notes and the typed focus; `with_texts` gives a page's rows the
    frame `sessions` reads for them (Ann's and Eve's sessions, and their commitments: the same index, the texts)."""
    org = logged.org
    lean = sessions.session_figures(engine, d("10-01"), AS_OF, [org.ann, org.bob, org.eve])
    assert list(lean.columns) == [c for c in sessions.SESSION_COLUMNS if c not in ("focus_text", "notes")]
    agreed = sessions.commitment_figures(engine, d("10-01"), AS_OF, [org.ann, org.bob, org.eve])
    assert list(agreed.columns) == [c for c in sessions.COMMITMENT_COLUMNS if c != "text"]
    full = sessions.sessions(engine, d("10-01"), AS_OF, [org.ann, org.bob, org.eve])
    said = sessions.commitments(engine, d("10-01"), AS_OF, [org.ann, org.bob, org.eve])
    shown = lean["rep_id"] != org.bob
    got, got_said = sessions.with_texts(engine, lean[shown], agreed)
    expected = full[full["rep_id"] != org.bob].copy()
    assert expected["focus_text"].dtype == object  # no typed focus in the whole window: `sessions` leaves objects
    expected["focus_text"] = expected["focus_text"].astype(TEXT)  # `with_texts` gives text (missing: NaN) always
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(got_said, said)
    assert [_plain(n) for n in got["notes"]] == ["talk tracks", "<b>not html</b>"]
    assert got_said["text"].tolist() == ["Open with the agenda", "Ask for budget"]


def test_manager_rows_are_their_sessions_and_commitments_with_texts(engine, logged):
    """Mia's rows of the page's figures: her two sessions of the window (Ann's with notes, Bob's without) and the
    commitment agreed in Ann's, with what it says; Ned's: Eve's debrief and its commitment."""
    org = logged.org
    lean = managers.with_quality(sessions.session_figures(engine, d("10-01"), AS_OF), {})
    agreed = sessions.commitment_figures(engine, d("10-01"), AS_OF)
    data = managers.Coaching(AS_OF, {}, pd.DataFrame(), lean, agreed, pd.DataFrame(columns=impact.EFFECT_COLUMNS))
    mia, ned = managers.manager_rows(engine, data, org.mia), managers.manager_rows(engine, data, org.ned)
    assert [(r.rep_id, _plain(r.notes), _plain(r.quality)) for r in mia.sessions.itertuples()] == [
        (org.ann, "talk tracks", pytest.approx(50.0)),
        (org.bob, None, None),
    ]  # a 3 of 5: (3 − 1) ÷ 4 = 50 %
    assert list(mia.sessions.columns) == [*sessions.SESSION_COLUMNS, "quality"]
    assert mia.commitments["text"].tolist() == ["Open with the agenda"]
    assert ned.commitments["text"].tolist() == ["Ask for budget"] and ned.sessions["notes"].tolist() == [
        "<b>not html</b>"
    ]


def test_manager_rows_of_a_window_without_sessions_are_empty(engine, org):
    lean = managers.with_quality(sessions.session_figures(engine, d("10-01"), AS_OF), {})
    agreed = sessions.commitment_figures(engine, d("10-01"), AS_OF)
    data = managers.Coaching(AS_OF, {}, pd.DataFrame(), lean, agreed, pd.DataFrame(columns=impact.EFFECT_COLUMNS))
    rows = managers.manager_rows(engine, data, org.mia)
    assert rows.sessions.empty and list(rows.sessions.columns) == [*sessions.SESSION_COLUMNS, "quality"]
    assert rows.commitments.empty and list(rows.commitments.columns) == sessions.COMMITMENT_COLUMNS


def two_currencies(engine, org):
    """Ann's deals in USD and EUR, Bob's in USD and GBP, Cat's in USD: no rep with more than two currencies."""
    a, b, c = org.ann, org.bob, org.cat
    add_deals(engine, [
        (a, "09-20", "10-10", "won", 1000.0, "USD"), (a, "10-20", "10-30", "won", 2000.0, "EUR"),
        (a, "10-21", "11-02", "lost", 300.0, "EUR"),
        (b, "09-18", "10-01", "won", 400.0, "USD"), (b, "10-18", "11-11", "lost", 50.0, "GBP"),
        (b, "10-19", "11-12", "won", 250.0, "GBP"),  # 250 GBP × 1.27 = 317.50 USD
        (c, "10-25", "10-28", "won", 100.0, "USD"),
    ])  # fmt: skip


@pytest.mark.parametrize("who, first, last, expected", [
    ("ann", "09-17", "10-14", {"opps": 1, "won": 1, "lost": 0, "won_amount": 1000}),
    ("ann", "10-16", "11-12", {"opps": 2, "won": 1, "lost": 1, "won_amount": 2000 * 1.08}),
    ("bob", "09-17", "10-14", {"opps": 1, "won": 1, "lost": 0, "won_amount": 400}),
    ("bob", "10-16", "11-12", {"opps": 2, "won": 1, "lost": 1, "won_amount": 250 * 1.27}),
    ("cat", "09-17", "11-27", {"opps": 1, "won": 1, "lost": 0, "won_amount": 100}),
])  # fmt: skip
def test_ledger_per_key_worked_out_by_hand(engine, org, monkeypatch, who, first, last, expected):
    """With at most two currencies a rep, the ledger has a column per key: the same sums as per rep and currency,
    to the last digit."""
    two_currencies(engine, org)
    reps = [org.ann, org.bob, org.cat, org.eve]
    calls = []
    monkeypatch.setattr(impact, "_keys_per_rep", lambda *a: calls.append(1) or keys_per_rep(*a))
    per_key = running(engine, d("09-17"), reps)
    got = window_sums(per_key, [getattr(org, who)], d(first), d(last))
    assert calls and {m: got[m] for m in expected} == pytest.approx(expected)
    monkeypatch.setattr(impact, "MOST_KEYS", 0)  # every rep by currency, as before
    per_currency = running(engine, d("09-17"), reps)
    assert all(np.array_equal(per_key.cum[m], per_currency.cum[m]) for m in impact.MEASURES)


keys_per_rep = impact._keys_per_rep


@pytest.mark.parametrize("values, expected", [
    ([1.0, 2.0, 4.0], 1.5275252316519468),  # mean 7/3; squares 16/9 + 1/9 + 25/9 = 14/3; ÷ 2: √(7/3)
    ([2.0, 4.0], 1.4142135623730951),  # √2
    ([3.0, 3.0, 3.0], 0.0),
    ([0.1, 0.2], 0.07071067811865475),  # the floats nearest 0.1 and 0.2: √0.005 correctly rounded
    ([-1.5, 1.5, 1e-300], 1.5),  # a tiny value among large ones: 2^−997's scale, still exact
])  # fmt: skip
def test_sample_sd_is_statistics_stdev_to_the_last_bit(values, expected):
    import statistics

    assert impact.sample_sd(values) == expected == statistics.stdev(values)


@pytest.mark.parametrize("top, bottom, expected", [(9, 4, 1.5), (2, 1, 2**0.5), (0, 7, 0.0), (1, 4 * 10**40, 5e-21)])
def test_root_of_fraction_is_correctly_rounded(top, bottom, expected):
    assert impact.root_of_fraction(top, bottom) == expected


def test_summarise_with_its_exact_sd_worked_out_by_hand():
    """Mean 7/3; half-width 1.96 · √(7/3) / √3."""
    e = impact.summarise([1.0, 2.0, 4.0])
    assert (e.n, e.mean) == (3, 7 / 3) and e.high - e.mean == pytest.approx(1.96 * 1.5275252316519468 / 3**0.5)
