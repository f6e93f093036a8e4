"""Hidden by the total (docs/metrics.md#hidden-by-the-total), worked out by hand.

Q4 2025 (Oct–Dec, no public holidays), as of 31 Dec: the quarter is over, so pace = attainment. Quotas
10,000 a month, prorated to the working days employed.

- East: Ann 45,000 (150 %), Bo 21,000 (70 %), Cy 9,000 (30 %), Fay 51,000 (170 %), and Lu, who left on
  Fri 14 Nov (10 of November's 20 working days: quota 15,000) with 15,000 (100 %). The team: 141,000 of
  135,000 = 104 % of pace, but Cy and Bo are behind (below 80 %).
- West: Gil 20,000, Hal 20,000 (67 % each), Mia hired Mon 17 Nov (10 of 20: quota 15,000) with 3,000
  (20 %): 43,000 of 75,000, 57 %: not on track, so nothing is hidden — it shows.
- Everyone: 184,000 of 210,000 = 88 %: not on track either.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import drop_database, new_database_url
from talent_data import write

from breakthrough.metrics import periods, scorecard
from breakthrough.settings import Settings
from breakthrough.sharing import scorecard_export
from breakthrough.store.db import make_engine
from breakthrough.talent import hidden

D = dt.date
CFG = Settings(holiday_country=None)
Q4 = periods.parse_period("FY2025-Q4", 1)
PEOPLE = [
    ("Max", "manager", "East", None, D(2019, 1, 7), None),
    ("Wen", "manager", "West", None, D(2019, 1, 7), None),
    *[(n, "rep", "East", "Max", D(2022, 1, 3), None) for n in ("Ann", "Bo", "Cy", "Fay")],
    ("Lu", "rep", "East", "Max", D(2022, 1, 3), D(2025, 11, 14)),
    *[(n, "rep", "West", "Wen", D(2022, 1, 3), None) for n in ("Gil", "Hal")],
    ("Mia", "rep", "West", "Wen", D(2025, 11, 17), None),
]
WON = {"Ann": 45_000, "Bo": 21_000, "Cy": 9_000, "Fay": 51_000, "Lu": 15_000, "Gil": 20_000, "Hal": 20_000,
       "Mia": 3_000}  # fmt: skip
DEALS = [(n, D(2025, 9, 1), D(2025, 11, 12) if n != "Mia" else D(2025, 12, 10), "won", a) for n, a in WON.items()]
QUOTAS = [(n, D(2025, m, 1), 10_000) for n in WON for m in (10, 11, 12)]


@pytest.fixture(scope="module", params=["rows", "import"])
def company(request, database_templates, tmp_path_factory):
    url = new_database_url(tmp_path_factory.mktemp("hidden"), database_templates())
    engine = make_engine(url)
    write(engine, request.param, PEOPLE, QUOTAS, DEALS)
    yield engine
    engine.dispose()
    drop_database(url)


@pytest.fixture(scope="module")
def card(company):
    return scorecard.build(company, CFG, Q4, Q4.end)


def ids_of(card, *names):
    return [i for i, r in card.reps.items() if r.name in names]


def test_a_team_on_track_hides_two_reps_behind(card):
    east = hidden.hidden(card, CFG, ids_of(card, "Ann", "Bo", "Cy", "Fay", "Lu"), "Team East")
    assert east is not None
    assert east.pace == pytest.approx(141_000 / 135_000)
    assert [name for _, name, _ in east.behind] == ["Cy", "Bo"]  # furthest behind first
    assert east.text() == "Team East at 104% of pace, but 2 of 5 reps are behind: Cy (30%), Bo (70%)"
    assert east.text(names=False) == "Team East at 104% of pace, but 2 of 5 reps are behind"


@pytest.mark.parametrize("names", [
    ("Gil", "Hal", "Mia"),  # West: 57 %, behind as a whole: nothing hidden
    ("Ann", "Fay", "Lu"),  # on track, nobody behind
    None,  # everyone: 88 %
    (),  # nobody
])  # fmt: skip
def test_nothing_hidden(card, names):
    assert hidden.hidden(card, CFG, None if names is None else ids_of(card, *names)) is None


def test_the_mid_period_hire_and_the_leaver_count_with_their_prorated_quota(card):
    mia, lu = (card.reps[ids_of(card, n)[0]] for n in ("Mia", "Lu"))
    assert (mia.quota, lu.quota) == (pytest.approx(15_000), pytest.approx(15_000))


def test_by_team(card):
    assert [h.text() for h in hidden.by_team(card, CFG)] == [
        "Team East at 104% of pace, but 2 of 5 reps are behind: Cy (30%), Bo (70%)"
    ]


def test_one_rep_behind_reads_in_the_singular(card):
    one = hidden.hidden(card, CFG, ids_of(card, "Ann", "Fay", "Bo"), "Team")
    assert (
        one is not None and one.text() == "Team at 130% of pace, but 1 of 3 reps is behind: Bo (70%)"
    )  # 117,000 of 90,000


def test_the_weekly_figures_export_says_who_is_hidden_by_the_total(company):
    found = {r["rep"]: r for r in scorecard_export.records(company, CFG, Q4, Q4.end)}
    assert {r for r, rec in found.items() if rec["hidden_by_total"]} == {"Bo", "Cy"}
    assert found["Ann"]["team_pace_pct"] == found["Bo"]["team_pace_pct"] == pytest.approx(104.4)
    assert found["Gil"]["team_pace_pct"] == pytest.approx(57.3)  # 43,000 of 75,000: behind, nothing hidden
    assert not found["Mia"]["hidden_by_total"]  # behind, but so is her team: it shows
    assert list(found["Bo"]) == list(scorecard_export.FIELDS)
