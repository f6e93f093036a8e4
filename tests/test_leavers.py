"""People over time (docs/metrics.md#who-is-in-a-periods-figures, issue #14 item 2): a leaver stays in the periods they worked, with a prorated quota.

The database below is one team over Q1 2025 (1 Jan – 31 Mar; no public holidays, so working days are
Monday to Friday: January 23, February 20, March 21, the quarter 64). Every figure is worked out by hand:

- Ann: here all along; 10,000 a month → 30,000; won 12,000.
- Leo: left on Fri 14 Feb (inactive; his open deal reassigned to Ann); the sheet still gives him 10,000 a
  month. January whole (10,000), February 10 of 20 working days (3–7, 10–14 Feb: 5,000), March nothing →
  15,000; won 9,000 → 60 %.
- Nia: started Mon 17 Feb; a quarter row of 30,000. She worked 10 days of February and 21 of March: 31 of
  the quarter's 64 → 30,000 × 31 ÷ 64 = 14,531.25; won 6,000.
- Ola: left 31 Dec 2024 (a January row forgotten on the sheet): not in Q1 at all.
- Gus: inactive, no end date (left on a day nobody knows): in no period, as before end dates were kept.
- Fay: starts 7 Apr 2025: not in Q1, in Q2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import insert, select

from breakthrough import settings as settings_store
from breakthrough.coaching import managers
from breakthrough.formatting import money, percent
from breakthrough.importing import upload
from breakthrough.importing.map.profiles import PROFILES, mapping_for
from breakthrough.importing.write import commit
from breakthrough.metrics import periods, scorecard, tenure
from breakthrough.metrics.view import managers_in_scope, reps_in_scope, reps_now
from breakthrough.settings import Settings
from breakthrough.store import queries, rollups
from breakthrough.store.models import Opportunity, Person, Quota, Team

D = dt.date
CFG = Settings(holiday_country=None, shrinkage_k=10)
Q1, Q2 = periods.parse_period("FY2025-Q1", 1), periods.parse_period("FY2025-Q2", 1)
EXPORTS = Path(__file__).parent / "fixtures" / "exports"
ANN, LEO, NIA, OLA, GUS, FAY, MAX = 1, 2, 3, 4, 5, 6, 10
NIA_Q1 = 30_000 * 31 / 64


def rep(pid, name, hire=None, end=None, active=True):
    return {
        "id": pid,
        "name": name,
        "name_key": name.lower(),
        "role": "rep",
        "team_id": 1,
        "manager_id": MAX,
        "hire_date": hire,
        "end_date": end,
        "active": active,
    }


def deal(i, owner, close, status, amount):
    stage = {"won": "Closed Won", "open": "Proposal"}[status]
    return dict(
        source="t",
        external_id=f"O{i}",
        owner_id=owner,
        name=f"Deal {i}",
        created_date=D(2024, 12, 2),
        close_date=close,
        stage=stage,
        status=status,
        amount=amount,
        currency="USD",
    )


def months(pid, amount, *starts):
    return [{"person_id": pid, "period": "month", "period_start": s, "amount": amount} for s in starts]


@pytest.fixture
def team(engine):
    with engine.begin() as conn:
        conn.execute(insert(Team), [{"id": 1, "name": "East"}])
        conn.execute(
            insert(Person),
            [
                {**rep(MAX, "Max"), "role": "manager", "manager_id": None},
                rep(ANN, "Ann", D(2020, 1, 6)),
                rep(LEO, "Leo", D(2021, 5, 3), D(2025, 2, 14), active=False),
                rep(NIA, "Nia", D(2025, 2, 17)),
                rep(OLA, "Ola", D(2019, 1, 7), D(2024, 12, 31), active=False),
                rep(GUS, "Gus", D(2019, 1, 7), None, active=False),
                rep(FAY, "Fay", D(2025, 4, 7)),
            ],
        )
        conn.execute(
            insert(Quota),
            [
                *months(ANN, 10_000, D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)),
                *months(LEO, 10_000, D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)),
                {"person_id": NIA, "period": "quarter", "period_start": D(2025, 1, 1), "amount": 30_000},
                *months(OLA, 10_000, D(2025, 1, 1)),
                *months(GUS, 10_000, D(2025, 1, 1)),
                *months(FAY, 8_000, D(2025, 4, 1), D(2025, 5, 1), D(2025, 6, 1)),
            ],
        )
        conn.execute(
            insert(Opportunity),
            [
                deal(1, ANN, D(2025, 2, 10), "won", 12_000),
                deal(2, LEO, D(2025, 1, 20), "won", 9_000),
                deal(3, ANN, D(2025, 4, 15), "open", 20_000),  # Leo's, reassigned to Ann when he left
                deal(4, NIA, D(2025, 3, 20), "won", 6_000),
                deal(5, OLA, D(2024, 12, 10), "won", 50_000),  # before Q1: in no Q1 figure
            ],
        )
        rollups.refresh_activity_daily(conn)
        rollups.refresh_opportunity_rollups(conn)
    return engine


@pytest.fixture
def q1(team):
    return scorecard.build(team, CFG, Q1, Q1.end)


# --- the period's figures ------------------------------------------------------------------------


def test_the_period_holds_everyone_who_worked_part_of_it(q1):
    assert set(q1.reps) == {ANN, LEO, NIA}


@pytest.mark.parametrize("rep_id, quota, won", [
    (ANN, 30_000, 12_000),
    (LEO, 10_000 + 10_000 * 10 / 20, 9_000),  # January whole, half of February's working days
    (NIA, NIA_Q1, 6_000),  # a quarter row: 31 of its 64 working days
])  # fmt: skip
def test_each_rep_of_a_past_quarter(q1, rep_id, quota, won):
    figures = q1.reps[rep_id]
    assert (figures.quota, figures.won) == (pytest.approx(quota), pytest.approx(won))
    assert figures.funnel.attainment == pytest.approx(won / quota)


def test_team_totals_of_a_past_quarter(q1):
    totals = q1.totals()
    quota = 30_000 + 15_000 + NIA_Q1
    assert totals["quota"] == pytest.approx(59_531.25) == pytest.approx(quota)
    assert totals["won"] == pytest.approx(27_000)
    assert totals["attainment"] == pytest.approx(27_000 / 59_531.25)


@pytest.mark.parametrize("period, as_of, expected", [
    # period, as-of, {rep: quota}: who is in the period's figures, with their prorated quota
    (periods.parse_period("2025-01", 1), D(2025, 1, 31), {ANN: 10_000, LEO: 10_000}),  # Nia's row starts in Jan
    (periods.parse_period("2025-02", 1), D(2025, 2, 28), {ANN: 10_000, LEO: 5_000, NIA: 0}),
    (periods.parse_period("2025-02", 1), D(2025, 2, 10), {ANN: 10_000, LEO: 5_000}),  # before Nia's first day
    (periods.parse_period("2025-03", 1), D(2025, 3, 31), {ANN: 10_000, NIA: 0}),  # Leo gone: not in March
    (Q1, D(2025, 1, 15), {ANN: 30_000, LEO: 15_000}),  # part-way through: the quota is the whole quarter's
    (Q2, Q2.end, {ANN: 0, NIA: 0, FAY: 8_000 * 2 + 8_000 * 18 / 22}),  # April: 18 of 22 working days from 7 Apr
])  # fmt: skip
def test_who_is_in_a_periods_figures(team, period, as_of, expected):
    card = scorecard.build(team, CFG, period, as_of)
    assert {i: r.quota for i, r in card.reps.items()} == pytest.approx(expected)


@pytest.mark.parametrize("month, as_of, expected", [
    ("2025-01", D(2025, 1, 31), {ANN: 10_000, LEO: 5_000}),  # February's: his last fortnight
    ("2025-02", D(2025, 2, 28), {ANN: 10_000, LEO: 0, NIA: 0}),  # March's: nothing for the leaver
])  # fmt: skip
def test_the_next_periods_quota_is_prorated_too(team, month, as_of, expected):
    card = scorecard.build(team, CFG, periods.parse_period(month, 1), as_of)
    assert dict(zip(card.reps, card.columns.inputs.next_quota.tolist())) == pytest.approx(expected)


@pytest.mark.parametrize("period, expected", [
    (Q1, {ANN: 30_000, LEO: 15_000, NIA: NIA_Q1, OLA: 0, GUS: 10_000}),  # Gus: no dates, whole (and in no view)
    (Q2, {FAY: 8_000 * 2 + 8_000 * 18 / 22}),
])  # fmt: skip
def test_period_quota_is_prorated_for_everyone(team, period, expected):
    assert scorecard.period_quota(team, CFG, period).to_dict() == pytest.approx(expected)


# --- the one rule: who is in a span's figures, and the employed share ---------------------------


@pytest.mark.parametrize("hire, end, active, first, last, expected", [
    (None, None, True, D(2025, 1, 1), D(2025, 3, 31), True),  # no dates: here all along
    (D(2025, 3, 31), None, True, D(2025, 1, 1), D(2025, 3, 31), True),  # started on the last day
    (D(2025, 4, 1), None, True, D(2025, 1, 1), D(2025, 3, 31), False),  # not started yet
    (None, D(2025, 1, 1), False, D(2025, 1, 1), D(2025, 3, 31), True),  # left on the first day
    (None, D(2024, 12, 31), False, D(2025, 1, 1), D(2025, 3, 31), False),  # left the day before
    (None, D(2099, 1, 1), True, D(2025, 1, 1), D(2025, 3, 31), True),  # leaving later
    (None, D(2025, 2, 14), True, D(2025, 3, 1), D(2025, 3, 1), False),  # still flagged active, but gone
    (None, None, False, D(2025, 1, 1), D(2025, 3, 31), False),  # inactive, no end date: gone, day unknown
    (None, None, None, D(2025, 1, 1), D(2025, 3, 31), False),
    ("2021-05-03", "2025-02-14", 0, D(2025, 2, 14), D(2025, 2, 14), True),  # as SQLite gives them
])  # fmt: skip
def test_present(hire, end, active, first, last, expected):
    assert tenure.present([hire], [end], [active], first, last).tolist() == [expected]


@pytest.mark.parametrize("hire, end, start, stop, country, expected", [
    (None, None, D(2025, 1, 1), D(2025, 3, 31), None, 1.0),
    (None, D(2025, 2, 14), D(2025, 1, 1), D(2025, 3, 31), None, 33 / 64),  # 23 + 10 of 64
    (D(2025, 2, 17), None, D(2025, 1, 1), D(2025, 3, 31), None, 31 / 64),
    (D(2025, 2, 17), D(2025, 2, 28), D(2025, 2, 1), D(2025, 2, 28), None, 10 / 20),
    (D(2025, 4, 7), None, D(2025, 1, 1), D(2025, 3, 31), None, 0.0),  # not yet hired
    (None, D(2024, 12, 31), D(2025, 1, 1), D(2025, 3, 31), None, 0.0),  # gone before
    (D(2025, 3, 1), None, D(2025, 3, 1), D(2025, 3, 1), None, 1.0),  # a Saturday: no working day, but here
    # United States: 1 Jan, 20 Jan, 17 Feb are holidays → 61 working days; to 14 Feb 23 − 2 + 10 = 31
    (None, D(2025, 2, 14), D(2025, 1, 1), D(2025, 3, 31), "US", 31 / 61),
    (D(2025, 2, 17), None, D(2025, 1, 1), D(2025, 3, 31), "US", 30 / 61),  # 17 Feb itself is a holiday
])  # fmt: skip
def test_employed_share(hire, end, start, stop, country, expected):
    assert tenure.prorated(1.0, hire, end, start, stop, country) == pytest.approx(expected)


@pytest.mark.parametrize("country", [None, "US", "GB", "DE"])
def test_employed_share_counts_working_days_as_periods_does(country):
    rng = np.random.default_rng(7)
    for _ in range(40):
        start = D(2024, 1, 1) + dt.timedelta(days=int(rng.integers(0, 600)))
        stop = start + dt.timedelta(days=int(rng.integers(0, 120)))
        hire = start + dt.timedelta(days=int(rng.integers(-30, 60)))
        end = hire + dt.timedelta(days=int(rng.integers(0, 200)))
        worked = periods.working_days(max(start, hire), min(stop, end), country)
        total = periods.working_days(start, stop, country)
        expected = worked / total if total else float(max(start, hire) <= min(stop, end))
        assert tenure.prorated(1.0, hire, end, start, stop, country) == pytest.approx(expected)


# --- who the views list ------------------------------------------------------------------------


@pytest.mark.parametrize("first, last, expected", [
    (Q1.start, Q1.end, {"Ann", "Leo", "Nia"}),  # the period's figures: the leaver too
    (Q1.end, Q1.end, {"Ann", "Nia"}),  # now (the as-of date): the leaver is out
    (D(2025, 2, 14), D(2025, 2, 14), {"Ann", "Leo"}),  # his last day: still here
    (D(2025, 2, 15), D(2025, 2, 15), {"Ann"}),
    (Q2.start, Q2.end, {"Ann", "Nia", "Fay"}),
])  # fmt: skip
def test_reps_of_a_view(team, first, last, expected):
    people = queries.people(team)
    assert set(reps_in_scope(people, "East", None, first, last)["name"]) == expected
    assert set(reps_in_scope(people, None, "Max", first, last)["name"]) == expected
    assert {r[1] for r in queries.period_reps(team, first, last)} == expected


def test_now_leaves_the_leaver_out(team):
    people = queries.people(team)
    assert list(reps_now(people, None, None, Q1.end)["name"]) == ["Ann", "Nia"]
    assert list(reps_now(people, None, None, D(2025, 2, 3))["name"]) == ["Ann", "Leo"]
    assert managers_in_scope(people, None, Q1.start, Q1.end) == ["Max"]
    assert people.loc[LEO, "end_date"] == D(2025, 2, 14)


# --- importing the roster's end date ----------------------------------------------------------------


def import_file(engine, name: str) -> commit.Outcome:
    raw = (EXPORTS / name).read_bytes()
    found = upload.inspect(engine, raw)
    return commit.commit(engine, raw, found.plan, name, now=dt.datetime(2026, 11, 27, 9, 0))


def people_rows(engine) -> dict[str, tuple]:
    with engine.connect() as conn:
        rows = conn.execute(select(Person.name, Person.hire_date, Person.end_date, Person.active)).all()
    return {name: (hire, end, bool(active)) for name, hire, end, active in rows}


@pytest.mark.parametrize("name, expected", [
    ("roster_end_date.csv", {
        "Max Hart": (D(2019, 3, 4), None, True),
        "Ann Lee": (D(2020, 1, 6), None, True),
        "Leo Park": (D(2021, 5, 3), D(2025, 2, 14), False),  # an end date past: a leaver
        "Nia Roy": (D(2025, 2, 17), None, True),
        "Sam Fox": (D(2022, 9, 1), D(2099, 6, 30), True),  # leaving later: still active
    }),
    ("roster_termination.csv", {
        "Max Hart": (D(2019, 3, 4), None, True),
        "Leo Park": (D(2021, 5, 3), D(2025, 2, 14), False),  # Active empty: the end date says
        "Ria Sen": (D(2018, 2, 5), D(2024, 6, 28), True),  # the file's Active column wins
        "Ivo Berg": (D(2023, 1, 9), None, False),
    }),
])  # fmt: skip
def test_importing_a_roster_stores_end_dates(engine, name, expected):
    outcome = import_file(engine, name)
    assert (outcome.rejected, outcome.accepted) == (0, len(expected))
    assert people_rows(engine) == expected


def test_a_later_roster_gives_an_end_date_to_someone_already_here(engine):
    import_file(engine, "roster_end_date.csv")
    import_file(engine, "roster_termination.csv")
    rows = people_rows(engine)
    assert rows["Ann Lee"] == (D(2020, 1, 6), None, True)  # not in the second file: as she was
    assert rows["Leo Park"] == (D(2021, 5, 3), D(2025, 2, 14), False)
    assert rows["Max Hart"] == (D(2019, 3, 4), None, True)


@pytest.mark.parametrize("header, field", [
    (header, "end_date") for header in ("End Date", "End date", "Termination date", "Termination Date",
                                        "Leaving date", "Last day", "Left on", "end_date")
] + [
    (header, "hire_date") for header in ("Start Date", "Start date", "Hire date", "Hire Date", "Date hired",
                                         "hire_date")
])  # fmt: skip
def test_roster_headers_map_without_help(header, field):
    assert mapping_for(PROFILES["template_people"], ["Name", "Email", header])[field] == header


def test_an_end_date_before_the_hire_date_is_rejected(engine):
    raw = b"Name,Start Date,End Date\nLeo Park,2025-02-14,2021-05-03\n"
    found = upload.inspect(engine, raw)
    outcome = commit.commit(engine, raw, found.plan, "roster.csv", now=dt.datetime(2026, 11, 27, 9, 0))
    assert people_rows(engine) == {}
    assert [(r.line, r.column, r.value) for r in outcome.rejects] == [(2, "End Date", "3 May 2021")]
    assert "before their hire date" in outcome.rejects[0].reason


# --- the pages: the leaver in the period's table and totals, not in the "now" rep picker ------------


@pytest.fixture
def team_app(team, db_url, monkeypatch):
    """`team_app(**query_params)`: app.py through AppTest on the team database, Q1 2025 seen as of 31 Mar."""
    from streamlit.testing.v1 import AppTest

    settings_store.save(team, CFG)
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", db_url)

    def make(**params):
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=120)
        for key, value in {"asof": "2025-03-31", **params}.items():
            at.query_params[key] = value
        return at.run()

    return make


def test_overview_of_a_past_quarter_counts_the_leaver(team_app):
    at = team_app()
    assert not at.exception and not [e.value for e in at.error]
    table = at.dataframe[0].value.set_index("Rep")
    assert sorted(table.index) == ["Ann", "Leo", "Nia"]
    assert table.loc["Leo", "Quota"] == pytest.approx(15_000)
    assert table.loc["Nia", "Quota"] == pytest.approx(round(NIA_Q1))
    shown = {m.label: m.value for m in at.metric}
    assert (shown["Quota"], shown["Won"]) == (money(59_531.25, "USD"), money(27_000, "USD"))
    assert shown["Attainment"] == percent(27_000 / 59_531.25)
    assert at.selectbox(key="rep").options == ["All reps", "Ann", "Nia"]  # now: the leaver is out


@pytest.mark.parametrize("params, options", [
    ({"rep": "Leo"}, ["All reps", "Ann", "Nia", "Leo"]),  # a leaver of the period opens (a link, his row)
    ({"asof": "2025-02-10"}, ["All reps", "Ann", "Leo"]),  # before he left (and before Nia started)
])  # fmt: skip
def test_rep_picker(team_app, params, options):
    at = team_app(**params)
    assert not at.exception and not [
        w for w in at.warning if "Sign-in is not configured" not in w.value
    ]  # open mode says so
    assert at.selectbox(key="rep").options == options


@pytest.mark.parametrize("as_of, due", [
    (Q1.end, {ANN, NIA}),  # who needs a one-on-one now: not the leaver
    (D(2025, 2, 10), {ANN, LEO}),  # before he left
])  # fmt: skip
def test_coaching_lists_only_the_reps_still_here(team, as_of, due):
    card = scorecard.build(team, CFG, periods.period_containing(as_of, "quarter", 1), as_of)
    found = managers.build(team, CFG, card, as_of, reps_now(queries.people(team), None, None, as_of).index)
    assert set(found.managers[MAX].rep_ids) == set(found.managers[MAX].without_one_on_one) == due
    assert managers.peers(queries.people(team), as_of) == {r: sorted(due - {r}) for r in due}


@pytest.mark.parametrize(
    "hire, end, words",
    [
        (D(2020, 1, 6), None, ""),  # here all quarter
        (D(2025, 1, 1), None, ""),  # hired on its first day: here throughout
        (D(2025, 2, 17), None, "joined 17 Feb 2025 · quota prorated to the working days here"),
        (D(2021, 5, 3), D(2025, 2, 14), "left 14 Feb 2025 · quota prorated to the working days here"),
        (
            D(2025, 1, 20),
            D(2025, 3, 7),
            "joined 20 Jan 2025 · left 7 Mar 2025 · quota prorated to the working days here",
        ),
        (None, D(2025, 3, 31), ""),  # left on its last day: here throughout
    ],
)
def test_a_start_or_leaving_inside_the_period_in_words(hire, end, words):
    assert tenure.in_words(hire, end, Q1.start, Q1.end) == words


def test_the_rep_page_of_a_leaver_says_when_he_left_and_asks_no_pipeline_of_him(team_app):
    at = team_app(rep="Leo")
    at.switch_page("pages/rep.py").run()
    assert not at.exception and not [e.value for e in at.error]
    assert "left 14 Feb 2025 · quota prorated to the working days here" in at.caption[0].value
    assert not [w.value for w in at.warning if "of pipeline now" in w.value]  # he builds nothing for Q2
