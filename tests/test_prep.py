"""One-on-one prep (docs/coaching.md#one-on-one-prep): each part of a rep's block worked out by hand.

Dates: the week 2026-W48 runs Mon 23 Nov … Sun 29 Nov; with the data ending Fri 27 Nov the sheet is as of
27 Nov. US holidays near it: Thanksgiving Thu 26 Nov.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import insert

from breakthrough import settings as settings_store
from breakthrough.access import Scope
from breakthrough.coaching import impact, prep, questions, sessions
from breakthrough.coaching.sessions import CommitmentInput, SessionInput
from breakthrough.settings import Settings
from breakthrough.store import rollups
from breakthrough.store.models import RUBRIC, Opportunity, Person, Quota, Team

AS_OF = dt.date(2026, 11, 27)  # Friday of 2026-W48
WEEK = "2026-W48"
D = dt.date


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(f"2026-{text}")


# --- the week ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, monday, sunday",
    [
        ("2026-W48", d("11-23"), d("11-29")),
        ("2026-w01", D(2025, 12, 29), D(2026, 1, 4)),  # week 1 holds the year's first Thursday
        (" 2026-W53 ", D(2026, 12, 28), D(2027, 1, 3)),  # 2026 has 53 weeks
    ],
)
def test_a_week_is_its_monday_to_sunday(text, monday, sunday):
    assert prep.parse_week(text) == (monday, sunday)
    assert prep.week_of(monday) == text.strip().upper() and prep.week_of(sunday) == text.strip().upper()


@pytest.mark.parametrize(
    "text, said",
    [("2026-48", "YYYY-Www"), ("last week", "YYYY-Www"), ("2025-W53", "W01 to W52 or W53"), ("", "is not a week")],
)
def test_a_bad_week_says_how_to_write_one(text, said):
    with pytest.raises(ValueError, match=said):
        prep.parse_week(text)


@pytest.mark.parametrize(
    "latest, as_of",
    [
        (d("12-07"), d("11-29")),  # the week is over: its Sunday
        (d("11-27"), d("11-27")),  # the data ends inside it: that day
        (d("11-10"), d("11-23")),  # the data ends before it: its Monday
    ],
)
def test_the_week_is_seen_as_of_its_last_day_with_data(latest, as_of):
    assert prep.week_as_of(WEEK, latest) == as_of


# --- questions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "driver, dimension, expected",
    [
        (
            "activity",
            "follow_through",
            (*questions.BY_DRIVER["activity"][:2], questions.BY_DIMENSION["follow_through"][0]),
        ),
        ("win_rate", None, questions.BY_DRIVER["win_rate"]),  # no dimension: the driver's three
        (None, "development", (*questions.BY_DRIVER["none"][:2], questions.BY_DIMENSION["development"][0])),
        ("unknown", None, questions.BY_DRIVER["none"]),
    ],
)
def test_three_questions_from_the_driver_and_the_dimension(driver, dimension, expected):
    assert questions.for_rep(driver, dimension, Settings()) == expected


def test_a_managers_own_questions_replace_the_default_for_that_row_only():
    own = Settings(prep_questions={"activity": ["Who did you call first on Monday?", " ", "Why them?"]})
    assert questions.for_rep("activity", "focus", own) == (
        "Who did you call first on Monday?",
        "Why them?",
        questions.BY_DIMENSION["focus"][0],
    )
    assert questions.table(own)["win_rate"] == questions.BY_DRIVER["win_rate"]
    # what Settings stores: only the rows that differ from the default
    edited = {**{k: list(v) for k, v in questions.table(Settings()).items()}, "cycle": ["Next dated step?"]}
    assert questions.own_questions(edited) == {"cycle": ["Next dated step?"]}


@pytest.mark.parametrize(
    "edited, said",
    [
        ({"activity": ["q"] * 6}, "at most 5"),
        ({"activity": ["x" * 301]}, "under 300"),
        ({"quota": ["q"]}, "neither a driver nor a rubric dimension"),
        ({"activity": ["ok"], "focus": ["fine"]}, None),
    ],
)
def test_an_edited_question_table_is_checked(edited, said):
    found = questions.problems(edited)
    assert (found == []) if said is None else any(said in p for p in found)


# --- the parts of a block, on hand-made frames ---------------------------------------------------


def sessions_frame(*rows: dict) -> pd.DataFrame:
    base = {"manager_id": 1, "rep_id": 11, "type": "one_on_one", "duration_min": 30, "focus_driver": None,
            "focus_text": None, **dict.fromkeys(RUBRIC), "notes": None}  # fmt: skip
    return pd.DataFrame([{**base, "id": i + 1, **r} for i, r in enumerate(rows)], columns=sessions.SESSION_COLUMNS)


def test_days_since_each_kind_of_session_against_the_cadence():
    # cadence 4 one-on-ones / 2 joint calls per 4 weeks: every 7 and every 14 days
    mine = sessions_frame(
        {"date": d("11-13"), "type": "one_on_one"},
        {"date": d("11-16"), "type": "joint_call"},
        {"date": d("11-28"), "type": "one_on_one"},  # after the as-of date: not seen
    )
    rows = {c.kind: c for c in prep.cadence_rows(mine, AS_OF, Settings())}
    assert (rows["one_on_one"].days_since, rows["one_on_one"].every_days, rows["one_on_one"].late) == (14, 7, True)
    assert (rows["joint_call"].days_since, rows["joint_call"].every_days, rows["joint_call"].late) == (11, 14, False)
    # no debrief after the joint call of Mon 16 Nov: 8 working days (Thanksgiving off) > 2
    assert (rows["debrief"].last, rows["debrief"].late) == (None, True)
    assert rows["one_on_one"].in_words() == "14 days ago (13 Nov 2026); every 7 days · late"


@pytest.mark.parametrize(
    "debrief_day, call_day, late",
    [
        ("11-17", "11-16", False),  # debriefed the next day
        (None, "11-25", False),  # Wed 25 → Fri 27: 1 working day (Thanksgiving off), still inside 2
        (None, "11-23", True),  # Mon 23 → Fri 27: 3 working days
        (None, None, False),  # no joint call: no debrief owed
    ],
)
def test_a_debrief_is_late_once_the_window_after_the_joint_call_has_passed(debrief_day, call_day, late):
    rows = [{"date": d(call_day), "type": "joint_call"}] if call_day else []
    rows += [{"date": d(debrief_day), "type": "debrief"}] if debrief_day else []
    found = {c.kind: c for c in prep.cadence_rows(sessions_frame(*rows), AS_OF, Settings())}
    assert found["debrief"].late is late


def test_no_sessions_at_all_reads_never_and_late_where_the_cadence_asks():
    found = {c.kind: c for c in prep.cadence_rows(sessions_frame(), AS_OF, Settings(cadence_joint_call=0))}
    assert (found["one_on_one"].last, found["one_on_one"].late) == (None, True)
    assert (found["joint_call"].every_days, found["joint_call"].late) == (None, False)  # not in the cadence
    assert found["one_on_one"].in_words() == "never in the look-back; every 7 days · late"


def test_the_weakest_rubric_dimension_over_the_scored_sessions():
    scored = sessions_frame(
        {"date": d("11-02"), "preparation": 2, "focus": 4},
        {"date": d("11-09"), "preparation": 4, "focus": 3, "development": 3},  # prep 3.0, focus 3.5, dev 3.0
    )
    assert prep.weakest_dimension(scored) == "preparation"  # tied with development: the rubric's order
    assert prep.weakest_dimension(sessions_frame({"date": d("11-02")})) is None
    assert prep.weakest_dimension(sessions_frame()) is None


def commitments_frame(*rows: dict) -> pd.DataFrame:
    base = {"session_id": 1, "manager_id": 1, "rep_id": 11, "session_date": d("11-06"), "driver": "activity",
            "status": "open", "reviewed_session_id": None, "reviewed_date": None}  # fmt: skip
    return pd.DataFrame([{**base, "id": i + 1, **r} for i, r in enumerate(rows)], columns=sessions.COMMITMENT_COLUMNS)


def source(**changes) -> prep.Sources:
    return prep.Sources(Settings(), AS_OF, WEEK, None, None, None, None, None, None, None, **changes)  # type: ignore[arg-type]


def test_commitments_to_review_since_the_last_one_on_one():
    agreed = commitments_frame(
        {"text": "A: due before the last one-on-one, done", "due_date": d("11-10"), "status": "done",
         "reviewed_date": d("11-10")},
        {"text": "B: due before it, still open", "due_date": d("11-11")},
        {"text": "C: due after it, done", "due_date": d("11-20"), "status": "done", "reviewed_date": d("11-20")},
        {"text": "D: due Friday", "due_date": d("11-27")},
        {"text": "E: due Sunday", "due_date": d("11-29"), "driver": None},
        {"text": "F: due next week", "due_date": d("12-02")},
        {"text": "G: marked missed, reviewed after the as-of date", "due_date": d("11-18"), "status": "missed",
         "reviewed_date": d("11-30")},
    )  # fmt: skip
    found = prep.commitments_to_review(agreed, d("11-13"), source())
    assert [(c.text[0], c.status) for c in found] == [
        ("B", "overdue"),  # open past its due date: always reviewed
        ("G", "overdue"),  # the review after the as-of date does not count yet
        ("C", "done"),
        ("D", "open"),  # due on the as-of date: not overdue yet
        ("E", "open"),
    ]
    assert found[0].driver == "activity" and found[-1].driver is None
    assert prep.commitments_to_review(commitments_frame(), d("11-13"), source()) == ()


def test_at_most_five_deals_most_rules_first_then_the_largest():
    flags = pd.DataFrame(
        {
            "id": range(1, 8),
            "crm_id": [f"O{i}" for i in range(1, 8)],
            "deal": [f"Deal {i}" for i in range(1, 8)],
            "amount": [1_000, 9_000, 5_000, 7_000, None, 3_000, 2_000],
            "currency": ["USD"] * 7,
            "close_date": [d("11-01")] * 7,
            "past_due": [True, True, True, False, True, True, True],
            "stalled": [True, False, False, True, False, False, False],
            "pushed": [False, False, False, False, False, False, False],
        }
    )
    found = prep.deals_to_inspect(flags)
    assert [x.id for x in found] == [1, 2, 4, 3, 6]  # two rules: deal 1; one rule: 9,000, 7,000, 5,000, 3,000
    assert found[0].reasons == ("past due", "stalled in stage") and found[2].reasons == ("stalled in stage",)
    assert prep.deals_to_inspect(flags.iloc[0:0]) == ()


def ledger(calls_per_day: dict[dt.date, int], start: dt.date, end: dt.date, rep: int = 11) -> impact.Ledger:
    days = (end - start).days + 1
    daily = np.zeros(days)
    for day, n in calls_per_day.items():
        daily[(day - start).days] = n
    zero = np.zeros((days + 1, 1))
    cum = {m: zero.copy() for m in impact.MEASURES}
    cum["calls"] = np.r_[0, np.cumsum(daily)].reshape(-1, 1)
    return impact.Ledger(start, end, {rep: 0}, cum)


def test_the_focus_drivers_change_since_the_last_session():
    # session on 13 Nov: 40 calls in the 4 weeks before (16 Oct … 12 Nov) = 10 a week;
    # 4 weeks up to 27 Nov (31 Oct … 27 Nov): 80 calls = 20 a week → +10 calls a week
    book = ledger({d("10-10"): 99, d("10-20"): 40, d("11-16"): 80}, d("10-01"), AS_OF)  # 10 Oct: in neither
    assert prep.focus_change(book, 11, "activity", d("11-13"), AS_OF) == pytest.approx(10.0)
    assert prep.focus_change(book, 11, "coverage", d("11-13"), AS_OF) is None  # not measured per 4 weeks
    assert prep.focus_change(book, 11, "activity", None, AS_OF) is None  # no session to compare with
    assert prep.focus_change(book, 12, "activity", d("11-13"), AS_OF) is None  # not in the ledger
    assert prep.focus_change(book, 11, "activity", d("10-10"), AS_OF) is None  # before the ledger starts
    assert prep.focus_change(book, 11, "call_to_meeting", d("11-13"), AS_OF) == 0.0  # no meetings either side
    assert prep.focus_change(book, 11, "meeting_to_opp", d("11-13"), AS_OF) is None  # no meetings to divide by
    assert prep.focus_change(None, 11, "activity", d("11-13"), AS_OF) is None


# --- a whole sheet from the database -------------------------------------------------------------


def deal(i, owner, close, status, amount):
    stage = {"won": "Closed Won", "open": "Proposal"}[status]
    return dict(source="t", external_id=f"O{i}", owner_id=owner, name=f"Deal {i}", created_date=D(2026, 9, 1),
                close_date=close, stage=stage, status=status, amount=amount, currency="USD")  # fmt: skip


@pytest.fixture
def org(engine):
    """Team T: manager Max (3) with reps Ann (1, quota met) and Bob (2, nothing won, six past-due deals);
    team U: manager Ned (5) with rep Cy (4, no quota)."""
    with engine.begin() as conn:
        conn.execute(insert(Team), [{"id": 1, "name": "T"}, {"id": 2, "name": "U"}])
        conn.execute(
            insert(Person),
            [
                {"id": i, "name": name, "name_key": name.lower(), "role": role, "team_id": team, "manager_id": boss,
                 "email": f"{name.lower()}@example.com", "hire_date": D(2024, 1, 8)}
                for i, name, role, team, boss in [(3, "Max", "manager", 1, None), (5, "Ned", "manager", 2, None),
                                                  (1, "Ann", "rep", 1, 3), (2, "Bob", "rep", 1, 3), (4, "Cy", "rep", 2, 5)]
            ],
        )  # fmt: skip
        conn.execute(
            insert(Quota),
            [{"person_id": p, "period": "month", "period_start": D(2026, m, 1), "amount": 10_000}
             for p in (1, 2) for m in (10, 11, 12)],
        )  # fmt: skip
        deals = [deal(1, 1, D(2026, 10, 15), "won", 30_000)]
        deals += [deal(10 + n, 2, D(2026, 11, 2), "open", 1_000 * n) for n in range(1, 7)]  # past due
        deals += [deal(20, 2, D(2026, 12, 15), "open", 50_000)]  # closes later: fine
        conn.execute(insert(Opportunity), deals)
        rollups.refresh_activity_daily(conn)
        rollups.refresh_opportunity_rollups(conn)
        rollups.refresh_deal_activity(conn)
    one_on_one = SessionInput(
        manager_id=3, rep_id=2, date=d("11-13"), type="one_on_one", duration_min=30, focus_driver="activity",
        scores={"preparation": 2, "focus": 4},
        commitments=(CommitmentInput("Call 50 prospects", d("11-20")), CommitmentInput("Book 3 meetings", d("11-27")),
                     CommitmentInput("Clean the pipeline", d("12-04"))),
    )  # fmt: skip
    sessions.log(engine, one_on_one, AS_OF)
    sessions.log(engine, SessionInput(3, 2, d("11-16"), "joint_call", 60), AS_OF)
    sessions.log(engine, SessionInput(3, 1, d("11-25"), "one_on_one", 30), AS_OF)
    return engine


def test_a_managers_sheet_from_the_database(org):
    cfg = settings_store.load(org)
    sheet = prep.build(org, cfg, 3, WEEK, AS_OF)
    assert (sheet.manager, sheet.as_of, sheet.period.label) == ("Max", AS_OF, "Q4 FY2026")
    assert [b.name for b in sheet.blocks] == ["Bob", "Ann"]  # behind first, quota met after; Cy is Ned's
    bob, ann = sheet.blocks
    assert (bob.status, ann.status) == ("behind", "quota met")
    assert bob.status_text.startswith("behind: 0% of quota won with ") and "gap $30,000" in bob.status_text
    assert [(c.text, c.status) for c in bob.commitments] == [
        ("Call 50 prospects", "overdue"),
        ("Book 3 meetings", "open"),
    ]
    assert all(c.driver == "activity" for c in bob.commitments)  # a commitment takes the session's focus
    late = {c.kind: (c.days_since, c.late) for c in bob.cadence}
    assert late == {"one_on_one": (14, True), "joint_call": (11, False), "debrief": (None, True)}
    assert [x.crm_id for x in bob.deals] == ["O16", "O15", "O14", "O13", "O12"]  # five of six past due, largest first
    assert all(x.reasons == ("past due",) for x in bob.deals)
    assert bob.dimension == "preparation"  # scored 2, focus 4
    assert bob.questions == questions.for_rep(bob.focus, "preparation", cfg) and len(bob.questions) == 3
    assert bob.last_session == d("11-16")
    # Ann: a one-on-one two days ago, nothing to review, no deals, no joint call yet
    assert (ann.commitments, ann.deals, ann.dimension) == ((), (), None)
    assert {c.kind: c.late for c in ann.cadence} == {"one_on_one": False, "joint_call": True, "debrief": False}


def test_a_sheet_keeps_to_the_viewers_scope_and_to_one_rep(org):
    cfg = settings_store.load(org)
    only_ann = Scope(role="manager", person_id=3, rep_ids=frozenset({1}), reps=frozenset({"Ann"}))
    assert [b.name for b in prep.build(org, cfg, 3, WEEK, AS_OF, scope=only_ann).blocks] == ["Ann"]
    ned = prep.build(org, cfg, 5, WEEK, AS_OF)  # one rep, no quota, no session, no commitment
    (cy,) = ned.blocks
    assert (cy.status, cy.commitments, cy.last_session, cy.focus_change) == ("no quota", (), None, None)
    assert cy.status_text == "no quota for Q4 FY2026: $0 won"
    assert cy.questions == questions.for_rep(cy.focus, None, cfg)
    assert prep.build(org, cfg, 1, WEEK, AS_OF).blocks == ()  # a rep manages nobody


# --- the sheet as files ---------------------------------------------------------------------------


def hand_sheet(name: str = "<b>Ann</b> & co", commitment: str = '=HYPERLINK("http://x")') -> prep.Prep:
    from breakthrough.metrics import periods

    block = prep.Block(
        rep_id=1, name=name, team="T", status="behind", status_text="behind: 10% of quota won", pace_text="calls …",
        focus="activity", focus_value=12_500.0, focus_change=2.5, last_session=d("11-13"),
        commitments=(prep.Due(7, commitment, "activity", d("11-20"), "overdue", d("11-13")),),
        cadence=(prep.Cadence("one_on_one", d("11-13"), 14, 7.0, True),),
        deals=(prep.Deal(3, "O3", "<script>x</script>", 5_000.0, "USD", d("11-01"), ("past due",)),),
        dimension="focus", questions=("Why <them>?", "b", "c"),
    )  # fmt: skip
    q4 = periods.period_containing(AS_OF, "quarter", 1)
    return prep.Prep(3, "Max & Co", WEEK, AS_OF, q4, "USD", (block,))


def test_the_printable_sheet_escapes_every_name_and_links_the_views():
    from breakthrough.sharing import prep_export

    page = prep_export.html(hand_sheet(), "https://bt.example.com/", dt.datetime(2026, 11, 27, 9, 0))
    assert "<b>Ann</b>" not in page and "&lt;b&gt;Ann&lt;/b&gt; &amp; co" in page
    assert "<script>x" not in page and "Why &lt;them&gt;?" in page and "Max &amp; Co" in page
    assert "+2.5 calls/wk since the session of 13 Nov 2026" in page and "$12,500" in page
    assert 'href="https://bt.example.com/pipeline?period=Q4+FY2026&amp;asof=2026-11-27&amp;rep=%3Cb%3EAnn' in page
    assert "https://bt.example.com/one_on_one?prep_manager=Max+%26+Co&amp;week=2026-W48" in page
    hidden = prep_export.html(hand_sheet(), "https://bt.example.com", dt.datetime(2026, 11, 27), False)
    assert "HYPERLINK" not in hidden and prep_export.HIDDEN in hidden


def test_the_excel_sheet_neutralises_formulas():
    import io

    from openpyxl import load_workbook

    from breakthrough.sharing import prep_export

    book = load_workbook(io.BytesIO(prep_export.excel(hand_sheet())))
    cells = [c.value for row in book.active.iter_rows() for c in row]  # type: ignore[union-attr]
    assert '\'=HYPERLINK("http://x")' in cells and '=HYPERLINK("http://x")' not in cells
    parts = [r[2].value for r in book.active.iter_rows(min_row=2)]  # type: ignore[union-attr]
    assert parts == ["Status", "Pace", "Focus driver", "Commitment", "Cadence", "Deal to inspect", *["Question"] * 3]
