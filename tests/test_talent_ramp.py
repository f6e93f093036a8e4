"""The ramp (docs/metrics.md#ramp): figures by month of tenure against the cohort of hires, worked out by hand.

No public holidays: working days are Monday to Friday. Every rep has a quota of 10,000 a month, prorated to
the working days employed; the deals were all created on 2 Dec 2024, so the data's first month is
December 2024 and every rep hired since is in the cohort. As of 30 Apr 2025 (Dec–Apr are over):

| rep | hired / left | tenure months | attainment (won ÷ prorated quota) |
|---|---|---|---|
| Ann | 1 Jan | Jan 1 · Feb 2 · Mar 3 · Apr 4 | 100 % · 120 % · 150 % · 100 % |
| Bo  | 1 Jan | Jan 1 · Feb 2 · Mar 3 · Apr 4 | 50 % · 60 % · 70 % · 100 % |
| Cy  | 1 Jan, left 31 Mar | Jan 1 · Feb 2 · Mar 3 | 20 % · 30 % · 10 % |
| Di  | Mon 17 Feb (10 of Feb's 20 working days) | Feb 1 · Mar 2 · Apr 3 | 4,000 ÷ 5,000 = 80 % · 100 % · 20 % |
| Lu  | 1 Jan, left Fri 14 Feb (10 of 20) | Jan 1 · Feb 2 | 90 % · 2,500 ÷ 5,000 = 50 % |
| Eve | Mon 3 Mar | Mar 1 · Apr 2 | 30 % · 60 % |
| Old | 2020: not in the cohort | | |

Cohort (numpy's linear quantile: the 75th percentile of n sorted values sits at 0.75 × (n − 1)):
- month 1: [20, 30, 50, 80, 90, 100] % → n 6, median 65 %, top quartile 80 + 0.75 × 10 = 87.5 %
- month 2: [30, 50, 60, 60, 100, 120] % → median 60 %, top quartile 60 + 0.75 × 40 = 90 %
- month 3: [10, 20, 70, 150] % → n 4, median 45 %, top quartile 70 + 0.25 × 80 = 90 %
- month 4: Ann and Bo only → n 2: hidden

Calls per full month (count ÷ employed share): Di's 10 calls in half of February count 20. Month 3:
Ann 40, Bo 30, Cy 20, Di 12 → top quartile 30 + 0.25 × 10 = 32.5; Di's 12 is 37 % of it.

Pipeline created (open deals closing in June, so nobody's won or attainment moves), per full month and in
the reporting currency (USD; EUR at the example rate 1.08): Di 3,000 on Thu 20 Feb in half her month 1 →
6,000, and EUR 1,000 in April (her month 3) → 1,080; in March Ann 20,000, Bo 4,000, Cy EUR 2,000 → 2,160.
Month 3: [1,080, 2,160, 4,000, 20,000] → median 3,080, top quartile 4,000 + 0.25 × 16,000 = 8,000. Each of
those deals is one new opportunity: Di's month 1 counts 1 ÷ 0.5 = 2; month 3 is 1 for Ann, Bo, Cy and Di (the
top quartile's 1, so calls stay furthest behind for Di).

Statuses (new hires still here; at-risk threshold 80 %): Ann month 3, 150 % ≥ 90 % → ahead; Bo month 3,
70 % between 0.8 × 45 % = 36 % and 90 % → with; Di month 3, 20 % < 36 % → behind, calls furthest behind;
Eve month 2, 60 % ≥ 0.8 × 60 % → with. Cy and Lu have left: no status. Old is no new hire.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import drop_database, new_database_url
from talent_data import write

from breakthrough.access import Scope
from breakthrough.metrics import periods
from breakthrough.settings import Settings
from breakthrough.store.db import make_engine
from breakthrough.talent import history, ramp

D = dt.date
CFG = Settings(holiday_country=None)
AS_OF = D(2025, 4, 30)
MONTHS = [D(2025, m, 1) for m in (1, 2, 3, 4)]
PEOPLE = [
    ("Max", "manager", "East", None, D(2019, 1, 7), None),
    ("Ann", "rep", "East", "Max", D(2025, 1, 1), None),
    ("Bo", "rep", "East", "Max", D(2025, 1, 1), None),
    ("Cy", "rep", "East", "Max", D(2025, 1, 1), D(2025, 3, 31)),
    ("Di", "rep", "East", "Max", D(2025, 2, 17), None),
    ("Lu", "rep", "East", "Max", D(2025, 1, 1), D(2025, 2, 14)),
    ("Eve", "rep", "East", "Max", D(2025, 3, 3), None),
    ("Old", "rep", "East", "Max", D(2020, 1, 6), None),
]
WON = {  # rep → {month: won}
    "Ann": {1: 10_000, 2: 12_000, 3: 15_000, 4: 10_000},
    "Bo": {1: 5_000, 2: 6_000, 3: 7_000, 4: 10_000},
    "Cy": {1: 2_000, 2: 3_000, 3: 1_000},
    "Di": {2: 4_000, 3: 10_000, 4: 2_000},
    "Lu": {1: 9_000, 2: 2_500},
    "Eve": {3: 3_000, 4: 6_000},
}
CALLS = {
    "Ann": {1: 40, 2: 40, 3: 40, 4: 40},
    "Bo": {1: 30, 2: 30, 3: 30, 4: 30},
    "Cy": {1: 20, 2: 20, 3: 20},
    "Di": {2: 10, 3: 30, 4: 12},
    "Lu": {1: 25, 2: 10},
    "Eve": {3: 35, 4: 30},
    "Old": {1: 50, 2: 50, 3: 50, 4: 50},
}
JUNE = D(2025, 6, 30)
PIPELINE = [("Di", D(2025, 2, 20), JUNE, "open", 3_000), ("Di", D(2025, 4, 10), JUNE, "open", 1_000, "EUR"),
            ("Ann", D(2025, 3, 5), JUNE, "open", 20_000), ("Bo", D(2025, 3, 6), JUNE, "open", 4_000),
            ("Cy", D(2025, 3, 7), JUNE, "open", 2_000, "EUR")]  # fmt: skip
DEALS = [(n, D(2024, 12, 2), D(2025, m, 12), "won", a) for n, months in WON.items() for m, a in months.items()]
DEALS += PIPELINE
DAY = {1: 20, 2: 12, 3: 20, 4: 22}  # a working day each month on which everyone here calls (Lu left 14 Feb)
QUOTAS = [(n, s, 10_000) for n in ("Ann", "Bo", "Cy", "Di", "Lu", "Eve", "Old") for s in MONTHS]


@pytest.fixture(scope="module", params=["rows", "import"])
def company(request, database_templates, tmp_path_factory):
    """The company, written once per way (rows or import) for the whole module: the tests only read it."""
    url = new_database_url(tmp_path_factory.mktemp("ramp"), database_templates())
    engine = make_engine(url)
    calls = [(n, D(2025, m, DAY[m] if n != "Di" or m != 2 else 20), k) for n, months in CALLS.items()
             for m, k in months.items()]  # fmt: skip
    ids = write(engine, request.param, PEOPLE, QUOTAS, DEALS, calls)
    yield ramp.build(engine, CFG, AS_OF), ids
    engine.dispose()
    drop_database(url)


def test_cohort_counts_reps_hired_inside_the_data(company):
    found, _ = company
    assert found.cohort == 6


@pytest.mark.parametrize("month, n, median, top", [
    (1, 6, 0.65, 0.875),
    (2, 6, 0.60, 0.90),
    (3, 4, 0.45, 0.90),
    (4, 2, None, None),  # two reps: hidden, the count still said
])  # fmt: skip
def test_the_cohort_curve_of_attainment(company, month, n, median, top):
    found, _ = company
    row = found.curve_of("attainment").set_index("tenure_month").loc[month]
    assert row["n"] == n
    if median is None:
        assert row.isna()[["median", "top_quartile"]].all()
    else:
        assert (row["median"], row["top_quartile"]) == (pytest.approx(median), pytest.approx(top))


@pytest.mark.parametrize("figure, month, n, median, top", [
    ("pipeline", 3, 4, 3_080, 8_000),
    ("pipeline", 1, 6, 0, 0),  # only Di created a deal in her month 1
    ("opportunities", 3, 4, 1, 1),
])  # fmt: skip
def test_the_cohort_curve_of_pipeline_created_and_new_opportunities(company, figure, month, n, median, top):
    found, _ = company
    row = found.curve_of(figure).set_index("tenure_month").loc[month]
    assert (row["n"], row["median"], row["top_quartile"]) == (n, pytest.approx(median), pytest.approx(top))


@pytest.mark.parametrize("rep, tenure_month, field, value", [
    ("Di", 1, "attainment", 0.8),  # hired mid-February: 4,000 against the prorated 5,000
    ("Di", 1, "calls", 20),  # 10 calls in half the month's working days, per full month
    ("Di", 1, "won", 8_000),  # per full month
    ("Di", 3, "month", "Apr 2025"),
    ("Lu", 2, "attainment", 0.5),  # the leaver's last, part month
    ("Lu", 2, "calls", 20),
    ("Ann", 4, "attainment", 1.0),
    ("Di", 1, "pipeline", 6_000),  # 3,000 created in half the month's working days, per full month
    ("Di", 1, "opportunities", 2),
    ("Di", 3, "pipeline", 1_080),  # EUR 1,000 at 1.08
    ("Cy", 3, "pipeline", 2_160),
    ("Ann", 3, "pipeline", 20_000),
    ("Ann", 3, "opportunities", 1),
    ("Ann", 1, "pipeline", 0),  # the won deals were created in December, before anyone was hired
])  # fmt: skip
def test_figures_by_tenure_month(company, rep, tenure_month, field, value):
    found, ids = company
    rows = found.rep_months(ids[rep]).set_index("tenure_month")
    assert rows.loc[tenure_month, field] == (value if isinstance(value, str) else pytest.approx(value))


@pytest.mark.parametrize("rep, months", [("Lu", [1, 2]), ("Cy", [1, 2, 3]), ("Eve", [1, 2]), ("Di", [1, 2, 3])])
def test_a_rep_has_only_the_months_they_were_here(company, rep, months):
    found, ids = company
    assert sorted(found.rep_months(ids[rep])["tenure_month"]) == months


def test_a_rep_hired_before_the_data_is_not_in_the_cohort(company):
    found, ids = company
    old = found.rep_months(ids["Old"])
    assert not old["cohort"].any() and old["tenure_month"].min() > 12


@pytest.mark.parametrize("rep, tenure_month, status, words", [
    ("Ann", 3, "ahead", "month 3: ahead of the cohort (attainment 150%"),
    ("Bo", 3, "with", "month 3: with the cohort (attainment 70%; cohort median 45%, top quartile 90%, 4 reps)"),
    ("Di", 3, "behind", "month 3: behind the cohort (attainment 20%"),
    ("Eve", 2, "with", "month 2: with the cohort"),
])  # fmt: skip
def test_status_in_words(company, rep, tenure_month, status, words):
    found, ids = company
    hire = found.new_hires[ids[rep]]
    assert (hire.tenure_month, hire.status) == (tenure_month, status)
    assert hire.text.startswith(words)


def test_the_activity_furthest_behind_the_top_quartile(company):
    found, ids = company
    di = found.new_hires[ids["Di"]]
    assert (di.lagging, di.lagging_share) == ("calls", pytest.approx(12 / 32.5))
    assert "calls furthest behind: 12.0 against the top quartile's 32.5 in month 3 (37% of it)" in di.text


def test_leavers_and_old_hands_get_no_status(company):
    found, ids = company
    assert set(found.new_hires) == {ids[n] for n in ("Ann", "Bo", "Di", "Eve")}


def test_a_viewer_sees_only_their_reps_but_the_whole_cohort(company):
    found, ids = company
    mine = ramp.for_scope(found, Scope(role="rep", person_id=ids["Di"], rep_ids=frozenset({ids["Di"]})))
    assert set(mine.months["rep_id"]) == {ids["Di"]} and set(mine.new_hires) == {ids["Di"]}
    assert mine.curve.equals(found.curve)


def test_no_data_no_ramp(engine):
    found = ramp.build(engine, CFG, AS_OF)
    assert found.months.empty and found.curve.empty and found.new_hires == {} and found.cohort == 0


@pytest.mark.parametrize("hire, end, active, expected", [
    (None, None, True, [True, True, True]),  # no dates: here throughout
    ("2026-02-15", None, True, [False, True, True]),  # hired mid-February: from February on
    (None, dt.date(2026, 1, 31), False, [True, False, False]),  # left on 31 Jan: January only
    (None, None, False, [False, False, False]),  # inactive without an end date: never counted
    (dt.date(2026, 3, 11), None, True, [False, False, False]),  # hired the day after the as-of date (10 Mar)
])  # fmt: skip
def test_each_reps_periods_present_worked_out_at_once(hire, end, active, expected):
    """`history._present`: `tenure.present` over [period start, min(period end, as-of date)] for every period."""
    chosen = periods.list_periods(dt.date(2026, 1, 1), dt.date(2026, 3, 10), "month", 1)
    found = history._present([hire, None], [end, None], [active, True], chosen, dt.date(2026, 3, 10))
    assert found.tolist() == [expected, [True, True, True]]
