"""The Coaching page, the Rep page's coaching section and the coaching settings, through AppTest.

Read-only checks use the shared demo; every test that writes (log, edit, delete, settings)
gets a fresh database with its own demo, generated for today so the session logged
"today" falls inside the view's window.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from breakthrough import demo
from breakthrough import settings as settings_store
from breakthrough.coaching import managers
from breakthrough.formatting import number, percent
from breakthrough.metrics import periods, scorecard
from breakthrough.store import queries
from breakthrough.store.db import make_engine
from breakthrough.store.models import CoachingSession, Commitment
from components.widgets.text import plain

APP = str(Path(__file__).resolve().parent.parent / "app.py")
RARELY, WELL, SHALLOW = (demo.STORIES[k] for k in ("coaches_rarely", "coaches_well", "coaches_often_shallow"))


def assert_ok(at: AppTest) -> None:
    assert not at.exception
    assert not [e.value for e in at.error]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(page).run()


def domain(engine, manager: str) -> managers.ManagerFigures:
    """The figures the page should show for `manager`, worked out by the domain package."""
    cfg = settings_store.load(engine)
    as_of = periods.as_of_date(queries.last_data_day(engine), dt.date.today())
    period = periods.period_containing(as_of, "quarter", cfg.fiscal_year_start_month)
    card = scorecard.build(engine, cfg, period, as_of)
    people = queries.people(engine)
    reps = people[(people["role"] == "rep") & people["active"].astype(bool)].index
    built = managers.build(engine, cfg, card, as_of, reps)
    return next(m for m in built.managers.values() if m.name == manager)


def count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def shared(demo_url, monkeypatch):
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", demo_url)


@pytest.fixture
def fresh(demo_copy, monkeypatch):
    """A database of our own with the S demo for today; the app reads it."""
    url = demo_copy(seed=7, today=dt.date.today())
    eng = make_engine(url)
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", url)
    yield eng
    eng.dispose()


# --- reading the page -------------------------------------------------------------------------


def test_scorecard_makes_the_three_manager_stories_plain(shared):
    at = open_page("pages/coaching.py")
    assert_ok(at)
    table = at.dataframe[0].value.set_index("Manager")
    assert table.loc[SHALLOW, "Reading"] == "often but shallow"
    assert table.loc[RARELY, "Reading"] == "too rarely"
    assert table.loc[WELL, "Reading"] == "coaching well"
    assert len(at.get("plotly_chart")) >= 2  # the frequency × quality map and the tier chart


@pytest.mark.parametrize(
    "picked, extra",
    [
        (None, []),
        ("Cadence", ["Cadence (all)", "One-on-ones", "Joint calls", "Pipeline reviews"]),
        ("Impact", ["Impact"]),
    ],
)
def test_the_scorecard_shows_what_fits_and_the_rest_on_demand(shared, picked, extra):
    at = open_page("pages/coaching.py", **({"coaching_scorecard_cols": picked} if picked else {}))
    grid = at.dataframe[0]
    fits = ["Manager", "Reading", "Reps", "Cadence status", "Hours status", "Quality (0–100)", "Follow-through"]
    assert list(grid.proto.column_order) == [c for c in grid.value.columns if c in {*fits, *extra}]
    assert "Debrief rate" in grid.value.columns  # still sent: sorting, the meeting pack and downloads have it


@pytest.mark.parametrize("manager", [SHALLOW, RARELY, WELL])
def test_manager_figures_shown_equal_the_domain(shared, demo_engine, manager):
    at = open_page("pages/coaching.py", manager=manager)
    assert_ok(at)
    m = domain(demo_engine, manager)
    shown = metrics(at)
    assert shown["Cadence"] == percent(m.frequency["all"].ratio)
    assert shown["Coaching hours per rep"] == f"{number(m.hours_per_rep, 1)} h"
    assert shown["Coverage (14 days)"] == percent(m.coverage)
    assert shown["Debrief rate"] == percent(m.debriefs.rate)
    assert shown[f"Quality (n = {m.quality_n})"] == f"{number(m.quality, 0)}/100"
    assert shown["Follow-through"] == percent(m.follow_through.rate)
    assert shown["Reps on track to quota"] == percent(m.on_track_share)
    assert at.header[0].value == manager


def test_reps_without_a_one_on_one_are_named(shared, demo_engine):
    at = open_page("pages/coaching.py", manager=RARELY)
    m = domain(demo_engine, RARELY)
    people = queries.people(demo_engine)
    assert m.without_one_on_one, "the rare coach leaves reps without one-on-ones"
    flag = next(w.value for w in at.warning if "No one-on-one in 21 days" in w.value)
    assert f"({len(m.without_one_on_one)})" in flag
    for rep_id in m.without_one_on_one:
        assert plain(people.loc[rep_id, "name"]) in flag


def test_rep_page_shows_the_reps_coaching(shared, demo_engine):
    name = demo.STORIES["low_activity"]
    at = open_page("pages/rep.py", rep=name)
    assert_ok(at)
    rep_id = int(queries.people(demo_engine).query("name == @name").index[0])
    as_of = periods.as_of_date(queries.last_data_day(demo_engine), dt.date.today())
    expected = managers.for_rep(demo_engine, settings_store.load(demo_engine), rep_id, as_of)
    timeline = next(df.value for df in at.dataframe if "Quality (0–100)" in df.value.columns)
    assert len(timeline) == len(expected.sessions) > 0
    effects = next(df.value for df in at.dataframe if "Effect (rep's change − team's)" in df.value.columns)
    assert len(effects) == len(expected.effects)
    assert any(b.label == "Log session" for b in at.button)


# --- logging, editing and deleting through the form -------------------------------------------


def fill(at: AppTest, rep_id: int | None = None, key: str = "log_0", **values) -> AppTest:
    if rep_id is not None:
        at.selectbox(key="log_rep").set_value(rep_id).run()
    for name, value in values.items():
        widget = {
            "date": at.date_input,
            "minutes": at.number_input,
            "type": at.selectbox,
            "driver": at.selectbox,
            "c0": at.text_input,
            "d0": at.date_input,
        }.get(name, at.radio)
        widget(key=f"{key}_{name}").set_value(value)
    return next(b for b in at.button if b.label == "Log session").click().run()


def test_logging_a_session_moves_the_managers_figures(fresh):
    at = open_page("pages/coaching.py", manager=RARELY)
    assert_ok(at)
    before = domain(fresh, RARELY)
    rep_id = before.rep_ids[0]
    sessions_before = count(fresh, CoachingSession)

    at = fill(
        at,
        rep_id,
        minutes=60,
        driver="activity",
        c0="Make 60 calls a week",
        d0=dt.date.today() + dt.timedelta(days=7),
        **{dim: 5 for dim in ("preparation", "diagnosis", "focus")},
    )
    assert_ok(at)
    assert any("Session logged" in s.value for s in at.success)
    assert count(fresh, CoachingSession) == sessions_before + 1
    after = domain(fresh, RARELY)
    # one more one-on-one of the same expected number: held + 1
    assert after.frequency["all"].held == before.frequency["all"].held + 1
    assert after.frequency["all"].expected == pytest.approx(before.frequency["all"].expected)
    # quality: one more scored session of 100 (three 5s, the rest unscored)
    total = (before.quality or 0) * before.quality_n + 100
    assert (after.quality_n, after.quality) == (before.quality_n + 1, pytest.approx(total / (before.quality_n + 1)))
    assert after.hours_per_rep == pytest.approx(before.hours_per_rep + 1 / len(before.rep_ids))  # 60 min ÷ 6 reps
    shown = metrics(at)
    assert shown["Cadence"] == percent(after.frequency["all"].ratio) != percent(before.frequency["all"].ratio)
    assert shown[f"Quality (n = {after.quality_n})"] == f"{number(after.quality, 0)}/100"
    assert shown["Coaching hours per rep"] == f"{number(after.hours_per_rep, 1)} h"
    with fresh.connect() as conn:
        assert conn.execute(select(Commitment.text).order_by(Commitment.id.desc())).first()[0] == "Make 60 calls a week"


@pytest.mark.parametrize(
    "values, message",
    [
        ({"date": dt.date.today() + dt.timedelta(days=1)}, "is in the future"),
        ({"c0": "Call back"}, "has no due date"),
    ],
)
def test_a_bad_session_shows_what_to_fix_and_writes_nothing(fresh, values, message):
    at = open_page("pages/coaching.py", manager=WELL)
    before = count(fresh, CoachingSession)
    at = fill(at, **values)
    assert not at.exception
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert count(fresh, CoachingSession) == before


def test_deleting_a_session_needs_the_confirmation(fresh):
    at = open_page("pages/coaching.py", manager=WELL)
    before = count(fresh, CoachingSession)
    session_id = at.selectbox(key="coaching_edit_pick").value
    key = f"edit_{session_id}_0"
    next(b for b in at.button if b.label == "Delete session").click().run()
    assert any("tick" in e.value for e in at.error)
    assert count(fresh, CoachingSession) == before
    at.checkbox(key=f"{key}_confirm").check()
    next(b for b in at.button if b.label == "Delete session").click().run()
    assert any("Session deleted" in s.value for s in at.success)
    assert count(fresh, CoachingSession) == before - 1
    with fresh.connect() as conn:
        assert conn.execute(select(CoachingSession.id).where(CoachingSession.id == session_id)).first() is None


def test_editing_a_session_saves_it(fresh):
    at = open_page("pages/coaching.py", manager=WELL)
    session_id = at.selectbox(key="coaching_edit_pick").value
    at.number_input(key=f"edit_{session_id}_0_minutes").set_value(95)
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert_ok(at)
    with fresh.connect() as conn:
        assert conn.execute(select(CoachingSession.duration_min).where(CoachingSession.id == session_id)).scalar() == 95


def test_logging_from_the_rep_page(fresh):
    name = demo.STORIES["low_activity"]
    at = open_page("pages/rep.py", rep=name)
    before = count(fresh, CoachingSession)
    at = fill(at, key="rep_log_0", minutes=45)
    assert_ok(at)
    with fresh.connect() as conn:
        rep, minutes = conn.execute(
            select(CoachingSession.rep_id, CoachingSession.duration_min).order_by(CoachingSession.id.desc())
        ).first()
    assert count(fresh, CoachingSession) == before + 1
    assert (queries.people(fresh).loc[rep, "name"], minutes) == (name, 45)


def test_coaching_settings_are_saved_and_the_cadence_follows(fresh):
    at = open_page("pages/settings.py")
    assert_ok(at)
    next(n for n in at.number_input if n.label == "One-on-ones per rep per 4 weeks").set_value(8)
    next(n for n in at.number_input if n.label == "Debrief within (working days after a joint call)").set_value(3)
    next(n for n in at.number_input if n.label == "Diagnosis").set_value(2.0)
    next(b for b in at.button if b.label == "Save settings").click().run()
    assert_ok(at)
    cfg = settings_store.load(fresh)
    assert (cfg.cadence_one_on_one, cfg.debrief_window_days, cfg.rubric_weights["diagnosis"]) == (8, 3, 2.0)
    at.switch_page("pages/coaching.py").run()
    cadence_table = next(df.value for df in at.dataframe if "Session type" in df.value.columns).set_index(
        "Session type"
    )
    assert cadence_table.loc["One-on-one", "Target per rep per 4 weeks"] == 8


def test_privacy_mode_hides_notes_and_other_reps_names(shared, demo_engine):
    at = open_page("pages/coaching.py", manager=SHALLOW, anon="1")
    assert_ok(at)
    sessions_table = next(df.value for df in at.dataframe if "Minutes" in df.value.columns)
    assert "Notes" not in sessions_table.columns and len(sessions_table) > 0
    reps = set(queries.people(demo_engine).query("role == 'rep'")["name"])
    assert not reps & set(sessions_table["Rep"])  # "Rep A", "Rep B"… instead
    assert not any(b.label == "Log session" for b in at.button)
    at = open_page("pages/rep.py", rep=demo.STORIES["low_activity"], anon="1")
    timeline = next(df.value for df in at.dataframe if "Quality (0–100)" in df.value.columns)
    assert "Notes" not in timeline.columns and len(timeline) > 0
