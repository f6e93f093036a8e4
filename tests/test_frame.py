"""The frame's facts (people, teams, the data's span, the demo flag), read together in one go."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import insert

from breakthrough.store import queries, rollups
from breakthrough.store.models import Activity, Opportunity, Person, Setting, Team

D = dt.date


def _activity(day):
    return dict(
        source="t",
        external_id=f"A{day}",
        rep_id=1,
        ts=dt.datetime.combine(day, dt.time(9)),
        day=day,
        type="call",
        raw_type="Call",
    )


def _deal(created):
    return dict(
        source="t",
        external_id=f"O{created}",
        owner_id=1,
        name="Deal",
        created_date=created,
        close_date=created,
        stage="Proposal",
        status="open",
        amount=1,
        currency="USD",
    )


@pytest.mark.parametrize("activity_days, created_days, demo, first, last", [
    ([], [], None, None, None),  # nothing loaded yet
    ([D(2026, 3, 2), D(2026, 5, 4)], [], None, D(2026, 3, 2), D(2026, 5, 4)),  # activities only
    ([], [D(2026, 1, 5)], True, D(2026, 1, 5), D(2026, 1, 5)),  # deals only, demo data
    ([D(2026, 3, 2)], [D(2026, 1, 5), D(2026, 6, 1)], False, D(2026, 1, 5), D(2026, 6, 1)),  # span over both
])  # fmt: skip
def test_frame_facts_are_the_single_queries(engine, activity_days, created_days, demo, first, last):
    with engine.begin() as conn:
        conn.execute(insert(Team), [{"id": 1, "name": "North"}])
        conn.execute(insert(Person), [{"id": 1, "name": "Ann", "name_key": "ann", "role": "rep", "team_id": 1}])
        if activity_days:
            conn.execute(insert(Activity), [_activity(d) for d in activity_days])
        if created_days:
            conn.execute(insert(Opportunity), [_deal(d) for d in created_days])
        if demo is not None:
            conn.execute(insert(Setting), [{"key": "demo", "value": demo}])
        rollups.refresh_activity_daily(conn)
    facts = queries.frame_facts(engine)
    assert (facts.first_day, facts.last_day, facts.demo) == (first, last, bool(demo))
    assert (facts.first_day, facts.last_day) == (queries.first_data_day(engine), queries.last_data_day(engine))
    assert facts.demo == queries.is_demo(engine)
    pd.testing.assert_frame_equal(facts.people, queries.people(engine))
    pd.testing.assert_frame_equal(facts.teams, queries.teams(engine))
    assert facts.people.loc[1, "team"] == "North"


# --- every page drawn inside the frame, also when Streamlit runs the page's script alone ----------

PAGES = [
    "pages/overview.py",
    "pages/rep.py",
    "pages/coaching.py",
    "pages/pipeline.py",
    "pages/data.py",
    "pages/settings.py",
]
TITLES = ["Overview", "Rep", "Coaching", "Pipeline", "Data", "Settings"]
FILTERS = {"team", "manager", "rep", "driver"}  # the sidebar's select boxes (by key)
DEMO_NOTICE = "You are looking at **demo data**"


def frame_drawn(at) -> None:
    """The frame's parts on the page: the sidebar's View header and filters, its Share toggles, the demo notice."""
    assert not at.exception, [e.value for e in at.exception]
    assert "View" in [h.value for h in at.sidebar.header]
    assert {s.key for s in at.sidebar.selectbox} >= FILTERS
    assert {"present", "anon"} <= {t.key for t in at.sidebar.toggle}
    assert [i.value for i in at.info if i.value.startswith(DEMO_NOTICE)], "the demo-data notice"
    assert len([h for h in at.sidebar.header if h.value == "View"]) == 1  # drawn once, not twice


@pytest.mark.postgres_pages
@pytest.mark.parametrize("page, title", list(zip(PAGES, TITLES)))
def test_each_page_is_drawn_inside_the_frame_after_switch_page(demo_app, page, title):
    at = demo_app(page)  # app.py, then at.switch_page(page): Streamlit runs the page's script alone
    frame_drawn(at)
    assert [t.value for t in at.title] == [title]  # the page itself, once


def test_the_frame_stays_through_every_page_twice_in_a_row(demo_app):
    # the Rep page with no rep chosen stops early (st.stop): what the frame kept for that run must not stand in
    # for the next run's frame (it did: after Rep, Rep again, every later page lost its sidebar)
    at = demo_app()
    frame_drawn(at)
    order = [1, 0, 2, 3, 4, 5]  # the Rep page first, straight after app.py's first run
    for page, title in [(PAGES[i], TITLES[i]) for i in order for _ in range(2)]:
        at.switch_page(page).run()
        frame_drawn(at)
        assert [t.value for t in at.title] == [title]
    at.run()  # a rerun on the same page (a click)
    frame_drawn(at)
    assert [t.value for t in at.title] == ["Settings"]
