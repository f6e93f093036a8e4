"""The One-on-one prep page through AppTest: the figures are the domain's, and a one-on-one logged from it
lands on the Coaching page."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from breakthrough import settings as settings_store
from breakthrough.coaching import prep
from breakthrough.formatting import money
from breakthrough.metrics import periods
from breakthrough.store import queries
from breakthrough.store.db import make_engine
from breakthrough.store.models import CoachingSession
from components.widgets.text import plain

pytestmark = pytest.mark.page  # AppTest is imported inside the tests, where conftest's classifier does not see it

WEEK = "2026-W48"  # the shared demo's data ends Fri 27 Nov 2026


def manager_with_most_reps(engine) -> tuple[int, str]:
    people = queries.people(engine)
    reps = people[(people["role"] == "rep") & people["active"].astype(bool)]
    manager_id = int(reps["manager_id"].value_counts().idxmax())
    return manager_id, str(people.loc[manager_id, "name"])


def test_the_page_shows_the_domains_sheet(demo_app, demo_engine):
    manager_id, name = manager_with_most_reps(demo_engine)
    cfg = settings_store.load(demo_engine)
    latest = periods.as_of_date(queries.last_data_day(demo_engine), dt.date.today())
    expected = prep.build(demo_engine, cfg, manager_id, WEEK, latest)
    at = demo_app("pages/one_on_one.py", prep_manager=name, week=WEEK)
    assert not at.exception and not [e.value for e in at.error]
    assert at.title[0].value == "One-on-one prep"
    assert at.selectbox(key="prep_manager").value == name and at.selectbox(key="week").value == WEEK
    shown = [s.value for s in at.subheader if s.value[:1].isdigit()]
    assert shown == [f"{n}. {plain(b.name)}" for n, b in enumerate(expected.blocks, start=1)] and len(shown) >= 3
    text = " ".join(m.value for m in at.markdown)
    first = expected.blocks[0]
    assert plain(first.status_text, 300) in text
    if first.focus:
        assert money(first.focus_value, cfg.reporting_currency) in text
    questions = [t.value for t in at.text]
    assert questions[:3] == [f"{i}. {q}" for i, q in enumerate(first.questions, start=1)]
    labels = {b.label for b in at.get("download_button")}
    assert {"Printable sheet (HTML)", "Excel"} <= labels
    assert sum(b.label == "Log this one-on-one" for b in at.button) == len(expected.blocks)


def test_a_one_on_one_logged_from_the_sheet_appears_on_the_coaching_page(demo_copy, monkeypatch):
    url = demo_copy(seed=7, today=dt.date.today())
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", url)
    engine = make_engine(url)
    manager_id, name = manager_with_most_reps(engine)
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["manager"] = name
    at.query_params["prep_manager"] = name
    at.run()
    at.switch_page("pages/one_on_one.py").run()
    assert not at.exception
    rep = at.subheader[0].value.split(". ", 1)[1]
    next(b for b in at.button if b.label == "Log this one-on-one").click().run()
    assert not at.exception and at.title[0].value == "Coaching"
    at.switch_page("pages/coaching.py").run()  # AppTest's next runs follow its own page, not the script's switch
    assert any("Started from the one-on-one prep" in c.value for c in at.caption)
    form = next(k for k in (w.key for w in at.selectbox) if k and k.endswith("_driver"))
    driver = at.selectbox(key=form).value
    latest = periods.as_of_date(queries.last_data_day(engine), dt.date.today())
    first = prep.build(engine, settings_store.load(engine), manager_id, prep.week_of(latest), latest).blocks[0]
    assert (plain(first.name), driver) == (rep, first.focus)  # the sheet's first rep, on their focus driver
    assert at.selectbox(key=form.replace("_driver", "_type")).value == "one_on_one"
    next(b for b in at.button if b.label == "Log session").click().run()
    assert not at.exception and not [e.value for e in at.error]
    assert any("Session logged" in s.value and plain(rep) in s.value for s in at.success)
    with engine.connect() as conn:
        row = conn.execute(
            select(CoachingSession.manager_id, CoachingSession.type, CoachingSession.focus_driver)
            .order_by(CoachingSession.id.desc())
            .limit(1)
        ).one()
    assert tuple(row) == (manager_id, "one_on_one", driver)
    table = next(df.value for df in at.dataframe if "Quality (0–100)" in df.value.columns and "Rep" in df.value.columns)
    assert rep in set(table["Rep"])  # the manager's sessions of the last 4 weeks, on the Coaching page
    assert not any("Started from the one-on-one prep" in c.value for c in at.caption)  # the next form starts empty
    engine.dispose()


def test_the_questions_and_the_address_are_edited_in_settings(demo_copy, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from breakthrough.coaching import questions
    from tests.conftest import APP

    url = demo_copy(seed=7)
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", url)
    engine = make_engine(url)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/settings.py").run()
    address = next(t for t in at.text_input if t.label == "The dashboard's address")
    assert address.value == "http://localhost:8501"
    address.set_value("bt.example.com")
    at.text_area(key="questions_activity").set_value("Who did you call first on Monday?\n\nWhy them?")
    next(b for b in at.button if b.label == "Save settings").click().run()
    assert any("start it with https://" in e.value for e in at.error)  # nothing saved
    assert settings_store.load(engine).app_base_url == "http://localhost:8501"
    next(t for t in at.text_input if t.label == "The dashboard's address").set_value("https://bt.example.com/")
    next(b for b in at.button if b.label == "Save settings").click().run()
    assert not at.exception and not [e.value for e in at.error]
    cfg = settings_store.load(engine)
    assert cfg.app_base_url == "https://bt.example.com"
    assert cfg.prep_questions == {"activity": ["Who did you call first on Monday?", "Why them?"]}  # only the edited row
    assert questions.for_rep("activity", None, cfg)[:2] == ("Who did you call first on Monday?", "Why them?")
    engine.dispose()


def test_a_signed_in_manager_opens_on_their_own_sheet_and_a_rep_is_sent_to_the_rep_page(demo_url, demo_engine,
                                                                                          monkeypatch):  # fmt: skip
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP
    from tests.test_signin_pages import AUTH

    people = queries.people(demo_engine)
    managers = people[people["role"] == "manager"].sort_values("name")
    own = managers.iloc[-1]  # not the first in the list: the default is who signed in, not the list's first
    rep = people[(people["role"] == "rep") & (people["manager_id"] == own.name)].iloc[0]
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", demo_url)
    for email in (own["email"], rep["email"]):
        at = AppTest.from_file(APP, default_timeout=120)
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "email": email}
        at.run()
        at.switch_page("pages/one_on_one.py").run()
        assert not at.exception
        if email == own["email"]:
            assert at.selectbox(key="prep_manager").value == own["name"]
            names = set(people.loc[people["manager_id"] == own.name, "name"])
            shown = {s.value.split(". ", 1)[1] for s in at.subheader if s.value[:1].isdigit()}
            assert shown and shown <= {plain(n) for n in names}  # only their reps
        else:
            assert any("your manager's sheet" in i.value for i in at.info)
            assert not [s for s in at.subheader if s.value[:1].isdigit()]


@pytest.mark.parametrize("config", ["no commitments", "no coaching", "one rep", "no quotas", "roster only"])
def test_the_page_draws_on_imported_thin_data(thin_app, config):
    at = thin_app(config, "pages/one_on_one.py")
    assert not at.exception and not [e.value for e in at.error]
    assert at.title[0].value == "One-on-one prep"
    blocks = [s.value for s in at.subheader if s.value[:1].isdigit()]
    if config == "one rep":
        assert len(blocks) == 1
    assert blocks or at.info  # a block per rep, or what to do


def test_a_links_unknown_manager_or_week_is_said_and_the_default_shown(demo_app):
    at = demo_app("pages/one_on_one.py", prep_manager="<b>Nobody</b>", week="2020-W01")
    assert not at.exception and not [e.value for e in at.error]
    said = " ".join(w.value for w in at.warning)
    assert "`prep_manager` parameter" in said and "`week` parameter" in said and "<b>" not in said
    assert at.selectbox(key="week").value == WEEK and [s for s in at.subheader if s.value[:1].isdigit()]
