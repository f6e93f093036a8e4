"""Every page drawn on thin real data (issue #14, item 1): an empty state in plain words, never an error.

The databases are built by `conftest.THIN_CONFIGS`: a small company's roster, quota sheet, Salesforce
reports and coaching log (tests/fixtures/thin/) imported through the Data page's write path, each time
with something left out. The data ends on Fri 20 Nov 2026, so every page shows Q4 FY2026 as of that day.

Figures worked out by hand from the files (Q4 FY2026 up to 20 Nov):
- quotas (Oct–Dec months): Ann Lee 3 × 30,000 = 90,000; Bob Stone 3 × 20,000 = 60,000; Cara Diaz
  3 × 25,000 = 75,000; the team 225,000.
- won: Acme 24,000 (Ann, 20 Oct) + Delta 12,500 (Bob, 18 Nov) + Fjord 20,000 (Cara, 12 Nov) = 56,500.
- Ann's open pipeline closing in the period: Birch 18,000 (15 Dec).
- Ann's calls in the last 4 weeks (24 Oct – 20 Nov): 26 Oct, 2, 9, 16 and 19 Nov = 5, so 1.25 a week.
"""

from __future__ import annotations

import re

import pytest
from conftest import THIN_CONFIGS
from streamlit.testing.v1 import AppTest

from breakthrough.formatting import money, number
from breakthrough.metrics import missing, periods

OVERVIEW, REP, COACHING, PREP, PIPELINE, TALENT, DATA, SETTINGS = (
    f"pages/{p}.py" for p in ("overview", "rep", "coaching", "one_on_one", "pipeline", "talent", "data", "settings")
)
EVERY_PAGE = (OVERVIEW, REP, COACHING, PREP, PIPELINE, TALENT, DATA, SETTINGS)
EMPTY_PERIOD = {"period": "Q3 FY2026"}  # inside the data's span (a deal was created in April), nothing in it
AFTER_DATA = {"asof": "2027-02-15"}  # Q1 FY2027: no quota, no deal closing, no activity

NO_QUOTA = "No quota for Q4 FY2026 for any rep in this view, so attainment, the gap and the pace quota needs cannot"
NO_DEALS = "No deals for any rep in this view yet, so won, pipeline and win rates are empty. Import an opportunity"
NO_ACTIVITY = "No activities (calls, meetings, e-mails) for any rep in this view yet, so the actual pace is zero"
NO_OPEN = "No open deals for any rep in this view, so there is no pipeline to cover the gap."
NO_SESSIONS = "No coaching sessions in the last 180 days for any rep in this view, so cadence, hours, coverage"
NO_COMMITMENTS = "No commitments agreed in the last 180 days, so follow-through cannot be measured yet."
NOTHING_IN_Q3 = "Nothing in Q3 FY2026 for any rep in this view: no quota, no deal created or closing, no activity."
UPLOAD = "Upload an export to see what it holds before anything is written."


def this_rep(text: str) -> str:
    return text.replace("for any rep in this view", "for this rep")


# (configuration, page, query parameters, words the page must show in an `st.info`)
MATRIX = [
    ("no commitments", COACHING, {}, [NO_COMMITMENTS]),
    ("no commitments", COACHING, {"manager": "Maria Keller"}, [NO_COMMITMENTS]),
    ("no coaching", COACHING, {}, [NO_SESSIONS]),
    ("no coaching", REP, {"rep": "Ann Lee"}, [this_rep(NO_SESSIONS)]),
    ("no quotas", OVERVIEW, {}, [NO_QUOTA]),
    ("no quotas", REP, {"rep": "Bob Stone"}, [this_rep(NO_QUOTA)]),
    ("no quotas", COACHING, {}, [NO_QUOTA, NO_COMMITMENTS]),
    (
        "quotas for some reps",
        OVERVIEW,
        {},
        [
            "2 of 3 reps have no quota for Q4 FY2026: Bob Stone, Cara Diaz. Their "
            "attainment and needed pace cannot be worked out, and what they won counts "
            "in the team's attainment with no quota beside it. Import their quotas on "
            "the Data page."
        ],
    ),
    ("quotas for some reps", REP, {"rep": "Cara Diaz"}, [this_rep(NO_QUOTA)]),
    ("quotas for some reps", COACHING, {}, ["2 of 3 reps have no quota for Q4 FY2026: Bob Stone, Cara Diaz."]),
    ("one rep", COACHING, {}, [NO_COMMITMENTS]),
    ("no activities", OVERVIEW, {}, [NO_ACTIVITY]),
    ("no activities", REP, {"rep": "Ann Lee"}, [this_rep(NO_ACTIVITY)]),
    ("no open deals", OVERVIEW, {}, [NO_OPEN]),
    ("no open deals", PIPELINE, {}, [NO_OPEN]),
    ("no open deals", REP, {"rep": "Bob Stone"}, [this_rep(NO_OPEN)]),
    (
        "rep with deals but no activities",
        OVERVIEW,
        {},
        [
            "Cara Diaz has deals but no activities, so their actual pace "
            "is zero. Check that the activity export names them"
        ],
    ),
    ("rep with deals but no activities", REP, {"rep": "Cara Diaz"}, [this_rep(NO_ACTIVITY)]),
    ("roster only", OVERVIEW, {}, [NO_QUOTA, NO_DEALS, NO_ACTIVITY]),
    (
        "roster only",
        REP,
        {"rep": "Ann Lee"},
        [
            this_rep(NO_QUOTA),
            this_rep(NO_DEALS),
            this_rep(NO_ACTIVITY),
            "Not enough data yet to compare this rep's drivers with the team's",
        ],
    ),
    ("roster only", COACHING, {}, [NO_QUOTA, NO_SESSIONS]),
    ("roster only", PIPELINE, {}, [NO_DEALS]),
    ("roster only", DATA, {}, [UPLOAD]),
    ("no commitments", OVERVIEW, EMPTY_PERIOD, [NOTHING_IN_Q3]),
    ("no commitments", REP, {**EMPTY_PERIOD, "rep": "Ann Lee"}, [this_rep(NOTHING_IN_Q3)]),
    ("no commitments", COACHING, EMPTY_PERIOD, [NOTHING_IN_Q3]),
    ("no commitments", PIPELINE, EMPTY_PERIOD, [NOTHING_IN_Q3]),
    # a period after the data: the as-of date moved into next year
    ("no commitments", OVERVIEW, AFTER_DATA, [NOTHING_IN_Q3.replace("Q3 FY2026", "Q1 FY2027")]),
    (
        "no commitments",
        REP,
        {**AFTER_DATA, "rep": "Bob Stone"},
        [this_rep(NOTHING_IN_Q3.replace("Q3 FY2026", "Q1 FY2027"))],
    ),
    ("no commitments", COACHING, AFTER_DATA, [NOTHING_IN_Q3.replace("Q3 FY2026", "Q1 FY2027")]),
]


def shown(text: str) -> str:
    """An element's text as the reader sees it (markdown escapes taken off)."""
    return re.sub(r"\\(.)", r"\1", text)


def infos(at: AppTest) -> list[str]:
    return [shown(i.value) for i in at.info]


def assert_drawn(at: AppTest) -> None:
    """No traceback, no "Something went wrong", no error element at all; the page got to its title."""
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert not [e for e in errors if "Something went wrong" in e], errors
    assert not errors
    assert at.title


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


A_REP = "a rep"  # Ann Lee, or Cara Diaz where she is the rep without activities
VIEWS = [
    (OVERVIEW, {}),
    (OVERVIEW, {"kind": "Month"}),
    (OVERVIEW, {"anon": "1"}),
    (REP, {}),
    (REP, {"rep": A_REP}),
    (REP, {"rep": A_REP, "kind": "Year"}),
    (COACHING, {}),
    (COACHING, {"manager": "Maria Keller"}),
    (PREP, {}),
    (PIPELINE, {}),
    (PIPELINE, {"rep": A_REP}),
    (TALENT, {}),
    (DATA, {}),
    (SETTINGS, {}),
]


@pytest.mark.parametrize("config", [*THIN_CONFIGS])
@pytest.mark.parametrize("page, params", VIEWS, ids=[f"{p[6:-3]}-{'-'.join(q) or 'all'}" for p, q in VIEWS])
def test_every_page_draws_on_every_thin_database(thin_app, config, page, params):
    rep = "Cara Diaz" if config == "rep with deals but no activities" else "Ann Lee"
    at = thin_app(config, page, **{k: rep if v == A_REP else v for k, v in params.items()})
    assert_drawn(at)
    assert not at.warning or all("`" not in w.value for w in at.warning)  # no URL value was refused


@pytest.mark.postgres_pages
@pytest.mark.parametrize("when", [EMPTY_PERIOD, AFTER_DATA], ids=["gap in the data", "after the data"])
@pytest.mark.parametrize("page", EVERY_PAGE)
def test_every_page_draws_on_a_period_with_nothing_in_it(thin_app, page, when):
    at = thin_app("no commitments", page, **when, **({"rep": "Ann Lee"} if page == REP else {}))
    assert_drawn(at)
    assert not [w.value for w in at.warning if "`period`" in w.value or "`asof`" in w.value]  # taken, not replaced


@pytest.mark.parametrize(
    "config, page, params, words",
    MATRIX,
    ids=[f"{c}-{p[6:-3]}-{'-'.join(q.values()) or 'all'}" for c, p, q, _ in MATRIX],
)
def test_each_thin_page_says_what_is_missing_and_what_to_do(thin_app, config, page, params, words):
    at = thin_app(config, page, **params)
    assert_drawn(at)
    found = infos(at)
    for expected in words:
        assert any(expected in text for text in found), (expected, found)


@pytest.mark.parametrize(
    "config, quota, won",
    [
        ("no commitments", 225_000, 56_500),
        ("no coaching", 225_000, 56_500),
        ("no quotas", 0, 56_500),
        ("quotas for some reps", 90_000, 56_500),
        ("one rep", 90_000, 24_000),
        ("no activities", 225_000, 44_000),  # the data ends 17 Nov (Granite created): Delta's 18 Nov win not yet
        ("no open deals", 225_000, 56_500),
        ("roster only", 0, 0),
    ],
)
def test_the_overview_on_thin_data_shows_the_figures_of_the_files(thin_app, config, quota, won):
    at = thin_app(config)
    assert_drawn(at)
    assert (metrics(at)["Quota"], metrics(at)["Won"]) == (money(quota, "USD"), money(won, "USD"))
    assert len(at.dataframe[0].value) == (1 if config == "one rep" else 3)


def test_the_whole_data_has_no_empty_state_but_the_commitments(thin_app):
    """The control: with everything but commitments loaded, only the commitments are said to be missing."""
    for page, params in ((OVERVIEW, {}), (REP, {"rep": "Ann Lee"}), (PIPELINE, {}), (COACHING, {})):
        at = thin_app("no commitments", page, **params)
        assert_drawn(at)
        said = [t for t in infos(at) if t.startswith(("No ", "Nothing", "Not enough")) and "tier or target" not in t]
        assert [t[: len(NO_COMMITMENTS)] for t in said] == ([NO_COMMITMENTS] if page in (COACHING, REP) else []), said


@pytest.mark.parametrize("config, open_pipeline", [("no commitments", 18_000), ("no open deals", 0)])
def test_the_rep_page_shows_the_reps_open_pipeline(thin_app, config, open_pipeline):
    at = thin_app(config, REP, rep="Ann Lee")
    assert_drawn(at)
    assert metrics(at)["Open pipeline this period"] == money(open_pipeline, "USD")
    assert metrics(at)["Quota"] == money(90_000, "USD")


def test_a_rep_without_activities_has_no_pace_beside_a_rep_with_them(thin_app):
    at = thin_app("rep with deals but no activities")
    assert_drawn(at)
    table = at.dataframe[0].value.set_index("Rep")
    assert table.loc["Cara Diaz", "Calls/wk actual"] == 0
    assert f"{table.loc['Ann Lee', 'Calls/wk actual']:.1f}" == number(1.25, 1)  # the table holds it as written


def test_a_rep_without_a_quota_is_not_shown_as_quota_met(thin_app):
    at = thin_app("quotas for some reps", REP, rep="Bob Stone")
    assert_drawn(at)
    assert "no quota" in [m.value.split("[")[-1].rstrip("]") for m in at.markdown if "badge[" in m.value]


def test_privacy_mode_keeps_the_names_out_of_the_empty_states(thin_app):
    at = thin_app("quotas for some reps", anon="1")
    assert_drawn(at)
    said = next(t for t in infos(at) if "have no quota for Q4 FY2026" in t)
    assert "Bob Stone" not in said and "Cara Diaz" not in said, said
    assert re.search(r"2 of 3 reps have no quota for Q4 FY2026: Rep [A-Z], Rep [A-Z]\.", said), said


@pytest.mark.parametrize(
    "config, sentence",
    [
        ("no commitments", "of 3 reps** are behind the call pace"),
        ("quotas for some reps", "of 1 rep with a quota** are behind the call pace"),
        ("no quotas", None),  # no rep has a pace to be behind: the empty state says why
    ],
)
def test_the_behind_count_is_over_the_reps_with_a_quota(thin_app, config, sentence):
    at = thin_app(config)
    assert_drawn(at)
    said = [m.value for m in at.markdown if "are behind the call pace" in m.value]
    assert said == [] if sentence is None else sentence in said[0], said


# --- the sentences themselves (breakthrough.metrics.missing), on facts written by hand -----------------------

Q4 = periods.parse_period("FY2026-Q4", 1)
TEAM = {1: "Ann Lee", 2: "Bob Stone", 3: "Cara Diaz"}


def facts(reps=TEAM, quota=(1, 2, 3), deals=(1, 2, 3), open_=(1, 2, 3), active=(1, 2, 3), in_period=True):
    return missing.Facts(
        Q4, dict(reps), frozenset(quota), frozenset(deals), frozenset(open_), frozenset(active), in_period
    )


@pytest.mark.parametrize(
    "found, topics",
    [
        (facts(), []),
        (facts(reps={}), []),  # no reps in view: the page says that itself
        (facts(quota=()), ["quotas"]),
        (facts(quota=(1,)), ["quotas"]),
        (facts(deals=(), open_=()), ["deals"]),  # no deals at all: not "no open deals" as well
        (facts(open_=()), ["open deals"]),
        (facts(active=()), ["activities"]),
        (facts(active=(1, 2)), ["activities"]),  # Cara has deals but no activities
        (facts(deals=(1, 2), active=(1, 2)), []),  # Cara has neither: nothing to say about her activities alone
        (facts(in_period=False), ["period"]),  # nothing in the period says only that
        (facts(in_period=False, deals=(), active=()), ["deals", "activities"]),  # no data at all: not the period
    ],
)
def test_each_gap_is_said_once(found, topics):
    assert [n.topic for n in missing.notices(found)] == topics


@pytest.mark.parametrize(
    "found, text",
    [
        (facts(active=(1, 2)), "Cara Diaz has deals but no activities"),
        (facts(active=(1,)), "Bob Stone, Cara Diaz have deals but no activities"),
        (facts(reps={1: "Ann Lee"}, quota=()), "No quota for Q4 FY2026 for this rep,"),
        (facts(quota=(2,)), "2 of 3 reps have no quota for Q4 FY2026: Ann Lee, Cara Diaz."),
    ],
)
def test_the_sentences_name_who_and_what(found, text):
    assert any(text in n.text for n in missing.notices(found)), [n.text for n in missing.notices(found)]


@pytest.mark.parametrize(
    "sessions, commitments, topics",
    [(0, 0, ["coaching"]), (4, 0, ["commitments"]), (4, 2, [])],
)
def test_the_coaching_gaps(sessions, commitments, topics):
    assert [n.topic for n in missing.coaching_notices(sessions, commitments, 180, 3)] == topics


@pytest.mark.postgres_pages
@pytest.mark.parametrize("page", EVERY_PAGE)
def test_every_page_on_an_empty_database_says_to_import_first(engine, monkeypatch, page):
    """A user who starts empty (BREAKTHROUGH_DEMO=0) is told what to do first, not handed a list of gaps.

    The frame says it above every page; AppTest draws the frame on the app's first run (the Overview, at
    the root address), so the other pages are checked for drawing without error or a misleading notice."""
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("BREAKTHROUGH_DEMO", "0")
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.run()
    assert infos(at).count(missing.NO_DATA) == 1, infos(at)
    at.switch_page(page).run()
    assert_drawn(at)
    assert not [i for i in infos(at) if "No active reps" in i or "No manager has" in i], infos(at)
