"""Persistent shortfall (docs/metrics.md#persistent-shortfall), worked out by hand.

2025 by quarter (no public holidays), as of 31 Dec 2025: every quarter is over, so pace = attainment.
Quotas 10,000 a month (30,000 a quarter), prorated to the working days employed. Behind: below 80 %.

| rep | Q1 | Q2 | Q3 | Q4 | run |
|---|---|---|---|---|---|
| Ann | 100 % | 100 % | 100 % | 100 % | none |
| Bo  | 100 % | 50 % | 40 % | 70 % | 3 quarters, mean 53 % |
| Cy  | 100 % | 100 % | 60 % | 30 % | 2, mean 45 % |
| Di, hired Mon 18 Aug (10 of August's 21 working days) | | | 6,000 ÷ 14,761.90 = 40.6 % | 30 % | 2, mean 35.3 % |
| Eve | 40 % | 40 % | 100 % | 50 % | 1: not listed |
| Lu, left 30 Jun | 50 % | 50 % | | | left: not listed |

Sorted by periods behind, then mean pace: Bo, Di, Cy. By month instead (the setting), every deal closes on
the 12th of a quarter's middle month: as of 31 Dec everyone's run is December alone (nothing won; in November
each won at least 9,000 of 10,000), so nobody is listed; as of 31 Oct, the five reps still here are behind
in September and October.

Bo's coaching: a joint call on 10 Mar (before his run: not counted), one-on-ones on 15 May and 12 Jun with
five commitments (one done — reviewed on 20 Oct —, three missed, one still open); Cy a one-on-one on 20 May,
before his own run (inside Bo's): not counted for him. The 15 May session's focus is activity: Bo made no
calls in the four weeks before and 20 calls on 20 May (5 a week after), his team none: effect +5 calls a week,
so his focus driver improved after coaching (one session measured).
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import drop_database, new_database_url
from sqlalchemy import insert
from talent_data import write

from breakthrough.access import Scope
from breakthrough.metrics.drivers import DRIVERS
from breakthrough.settings import Settings
from breakthrough.sharing import evidence as evidence_pack
from breakthrough.store.db import make_engine
from breakthrough.store.models import CoachingSession, Commitment
from breakthrough.talent import shortfall

D = dt.date
CFG = Settings(holiday_country=None)
AS_OF = D(2025, 12, 31)
DI_Q3 = 10_000 * 10 / 21 + 10_000
PEOPLE = [
    ("Max", "manager", "East", None, D(2019, 1, 7), None),
    *[(n, "rep", "East", "Max", D(2022, 1, 3), None) for n in ("Ann", "Bo", "Cy", "Eve")],
    ("Di", "rep", "East", "Max", D(2025, 8, 18), None),
    ("Lu", "rep", "East", "Max", D(2022, 1, 3), D(2025, 6, 30)),
]
WON = {  # rep → {quarter: won}, each deal closing on the 12th of the quarter's middle month
    "Ann": {1: 30_000, 2: 30_000, 3: 30_000, 4: 30_000},
    "Bo": {1: 30_000, 2: 15_000, 3: 12_000, 4: 21_000},
    "Cy": {1: 30_000, 2: 30_000, 3: 18_000, 4: 9_000},
    "Di": {3: 6_000, 4: 9_000},
    "Eve": {1: 12_000, 2: 12_000, 3: 30_000, 4: 15_000},
    "Lu": {1: 15_000, 2: 15_000},
}
HERE = {"Di": range(8, 13), "Lu": range(1, 7)}
DEALS = [(n, D(2024, 12, 2), D(2025, 3 * q - 1, 12 if n != "Di" or q != 3 else 20), "won", a)
         for n, quarters in WON.items() for q, a in quarters.items()]  # fmt: skip
QUOTAS = [(n, D(2025, m, 1), 10_000) for n in WON for m in HERE.get(n, range(1, 13))]
CALLS = [("Bo", D(2025, 5, 20), 20)]


@pytest.fixture(scope="module", params=["rows", "import"])
def company(request, database_templates, tmp_path_factory):
    url = new_database_url(tmp_path_factory.mktemp("shortfall"), database_templates())
    engine = make_engine(url)
    ids = write(engine, request.param, PEOPLE, QUOTAS, DEALS, CALLS)
    bo, max_ = ids["Bo"], ids["Max"]
    with engine.begin() as conn:
        conn.execute(insert(CoachingSession), [
            {"id": 1, "manager_id": max_, "rep_id": bo, "date": D(2025, 3, 10), "type": "joint_call",
             "focus_driver": None},
            {"id": 2, "manager_id": max_, "rep_id": bo, "date": D(2025, 5, 15), "type": "one_on_one",
             "focus_driver": "activity"},
            {"id": 3, "manager_id": max_, "rep_id": bo, "date": D(2025, 6, 12), "type": "one_on_one",
             "focus_driver": None},
            {"id": 4, "manager_id": max_, "rep_id": ids["Cy"], "date": D(2025, 5, 20), "type": "one_on_one",
             "focus_driver": None},  # inside Bo's run, before Cy's: not Cy's
        ])  # fmt: skip
        conn.execute(insert(Commitment), [{"session_id": 4, "rep_id": ids["Cy"], "text": "x", "status": "open"}])
        conn.execute(insert(Commitment), [
            {"session_id": s, "rep_id": bo, "text": f"<b>call</b> {k}", "due_date": D(2025, 7, 1), "status": status}
            | {"reviewed_date": D(2025, 10, 20) if k == 0 else None}  # the done one, reviewed on 20 Oct
            for k, (s, status) in enumerate([(2, "done"), (2, "missed"), (3, "missed"), (3, "missed"), (3, "open")])
        ])  # fmt: skip
    yield engine, ids
    engine.dispose()
    drop_database(url)


@pytest.fixture(scope="module")
def found(company):
    engine, ids = company
    return shortfall.build(engine, CFG, AS_OF, Scope()), ids


def test_who_is_listed_and_in_what_order(found):
    rows, ids = found
    assert [r.name for r in rows] == ["Bo", "Di", "Cy"]


@pytest.mark.parametrize("rep, keys, paces", [
    ("Bo", ["FY2025-Q2", "FY2025-Q3", "FY2025-Q4"], [0.5, 0.4, 0.7]),
    ("Di", ["FY2025-Q3", "FY2025-Q4"], [6_000 / DI_Q3, 0.3]),  # hired mid-quarter: a prorated quota
    ("Cy", ["FY2025-Q3", "FY2025-Q4"], [0.6, 0.3]),
])  # fmt: skip
def test_periods_behind_and_by_how_much(found, rep, keys, paces):
    row = next(r for r in found[0] if r.name == rep)
    assert [p.key for p in row.periods] == keys
    assert [p.pace for p in row.periods] == pytest.approx(paces)
    assert row.mean_pace == pytest.approx(sum(paces) / len(paces))
    assert all(p.focus is None or p.focus in DRIVERS for p in row.periods)


def test_what_was_done_about_it(found):
    bo = next(r for r in found[0] if r.name == "Bo")
    assert bo.sessions == {"one_on_one": 2}  # the joint call of March came before the run
    assert (bo.made, bo.kept, bo.missed, bo.open) == (5, 1, 3, 1)
    assert (bo.measured, bo.improved, bo.mean_effect) == (1, True, pytest.approx(5.0))
    assert bo.text() == (
        "3 quarters behind; 2 one-on-ones in that time; 3 of 5 commitments missed; "
        "focus driver improved after coaching (1 session measured)"
    )


def test_a_review_after_the_as_of_date_does_not_count_yet(company):
    """As of 30 Sep Bo is behind in Q2 and Q3; the commitment done on 20 Oct is still open then, and past its due
    date (1 Jul): 5 made, none kept, 3 missed, 2 open."""
    bo = next(r for r in shortfall.build(company[0], CFG, D(2025, 9, 30), Scope()) if r.name == "Bo")
    assert [p.key for p in bo.periods] == ["FY2025-Q2", "FY2025-Q3"]
    assert (bo.made, bo.kept, bo.missed, bo.open) == (5, 0, 3, 2)


def test_nothing_done_is_said_plainly(found):
    cy = next(r for r in found[0] if r.name == "Cy")
    assert cy.text() == (
        "2 quarters behind; no coaching sessions in that time; no commitments agreed; "
        "focus driver after coaching: not measured yet"
    )


def test_by_month_the_runs_are_the_months(company):
    engine, _ = company
    # every deal closes on the 12th of a quarter's middle month: in December nobody won anything (behind), in
    # November everyone still here won at least 9,000 of 10,000 (not behind): every run is December alone
    assert shortfall.build(engine, CFG, AS_OF, Scope(), kind="month") == []
    settings = Settings(holiday_country=None, shortfall_period="month")
    assert shortfall.build(engine, settings, AS_OF, Scope()) == []
    assert len(shortfall.build(engine, settings, D(2025, 10, 31), Scope())) == 5  # Sep and Oct: nothing won


def test_a_manager_sees_their_reps_only(found, company):
    engine, ids = company
    scope = Scope(role="manager", person_id=ids["Max"], rep_ids=frozenset({ids["Cy"]}))
    assert [r.name for r in shortfall.build(engine, CFG, AS_OF, scope)] == ["Cy"]


def test_no_data_nobody_listed(engine):
    assert shortfall.build(engine, CFG, AS_OF, Scope()) == []


def test_the_evidence_pack(found, company):
    engine, _ = company
    bo = found[0][0]
    pack = shortfall.evidence(engine, bo, AS_OF, Scope())
    assert pack is not None
    assert list(pack.sessions["type"]) == ["one_on_one", "one_on_one"]
    assert list(pack.commitments["status"]) == ["done", "missed", "missed", "missed", "overdue"]  # open, due 1 Jul
    html = evidence_pack.evidence_pack(pack, "USD", "http://host/talent", dt.datetime(2026, 1, 5, 9, 0))
    assert "Evidence pack: Bo" in html and bo.text() in html
    for cell in ("Q2 FY2025", "$30,000", "$15,000", "50%", "One-on-one", "Activity volume", "open, past due"):
        assert f"<td>{cell}</td>" in html, cell
    assert "&lt;b&gt;call&lt;/b&gt; 1" in html and "<b>call" not in html  # text from data is escaped
    hidden_texts = evidence_pack.evidence_pack(pack, "USD", "x", dt.datetime(2026, 1, 5), texts=False)
    assert "call&lt;/b&gt;" not in hidden_texts


def test_no_evidence_outside_the_scope(found, company):
    engine, ids = company
    outsider = Scope(role="rep", person_id=ids["Ann"], rep_ids=frozenset({ids["Ann"]}))
    assert shortfall.evidence(engine, found[0][0], AS_OF, outsider) is None
