"""Sharing on the pages (AppTest on the demo data): link, banner, presentation and privacy modes,
downloads, the meeting pack, and links that are stale or hostile."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from breakthrough import demo
from breakthrough import settings as settings_store
from breakthrough.formatting import money
from breakthrough.metrics import periods, scorecard
from breakthrough.metrics.view import View
from breakthrough.sharing import anonymise
from breakthrough.store import queries
from components import sharing

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LETTERS = [f"Rep {c}" for c in string.ascii_uppercase]
LOW_ACTIVITY = demo.STORIES["low_activity"]


@pytest.fixture
def app(demo_app):
    return demo_app


def assert_ok(at: AppTest) -> None:
    """No traceback and no "something went wrong" message on the page."""
    assert not at.exception
    assert not [e.value for e in at.error]


def share(at: AppTest) -> sharing.Share:
    return at.session_state[sharing.SHARE_KEY]


def expected_card(engine):
    cfg = settings_store.load(engine)
    as_of = periods.as_of_date(queries.last_data_day(engine), dt.date.today())
    period = periods.period_containing(as_of, "quarter", cfg.fiscal_year_start_month)
    return scorecard.build(engine, cfg, period, as_of), cfg


def rep_names(engine) -> dict[int, str]:
    people = queries.people(engine)
    return {int(i): n for i, n in people.loc[people["role"] == "rep", "name"].items()}


def downloads(at: AppTest) -> list[str]:
    return [d.key for d in at.download_button]


# --- links and banner ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, []),
        ({"team": "EMEA"}, [("team", "EMEA")]),
        ({"team": "EMEA", "kind": "Month"}, [("team", "EMEA"), ("kind", "Month")]),
        ({"team": "All teams", "kind": "Quarter"}, []),  # defaults are left out of the link
        ({"rep": LOW_ACTIVITY, "anon": "1"}, [("rep", LOW_ACTIVITY), ("anon", "true")]),
    ],
)
def test_copy_link_shows_the_views_parameters(app, params, expected):
    at = app(**params)
    assert_ok(at)
    link = at.code[0].value  # inside the "Copy link to this view" popover
    query = link.split("?", 1)[1] if "?" in link else ""
    assert sorted(parse_qsl(query)) == sorted(expected)
    assert share(at).link == link


@pytest.mark.parametrize("page", [None, "pages/rep.py", "pages/settings.py"])
def test_every_page_offers_the_share_controls(app, page):
    at = app(page, rep=LOW_ACTIVITY)
    assert_ok(at)
    assert "_meeting_pack" in downloads(at)
    assert [t.key for t in at.toggle if t.key in ("present", "anon")] == ["present", "anon"]
    assert len(at.code) == 1


@pytest.mark.parametrize(
    "bench, expected",
    [
        ("top quartile", "Q4 FY2026 · EMEA · as of 27 Nov 2026 · benchmark: top quartile"),
        ("median", "Q4 FY2026 · EMEA · as of 27 Nov 2026 · benchmark: median"),
    ],
)
def test_banner_says_what_the_view_shows(bench, expected):
    period = periods.period_containing(dt.date(2026, 11, 27), "quarter", 1)
    view = View(period=period, as_of=dt.date(2026, 11, 27), team="EMEA", benchmark=bench)
    assert view.describe() == expected


def test_overview_banner_is_on_the_page(app):
    at = app(team="EMEA")
    assert "Q4 FY2026 · EMEA · as of 27 Nov 2026 · benchmark: top quartile" in [c.value for c in at.caption]


# --- presentation mode --------------------------------------------------------------------------


def present_css(at: AppTest) -> bool:
    return any('data-testid="stSidebar"' in h.value for h in at.get("html"))


@pytest.mark.parametrize("value", ["1", "true", "yes", "on", "TRUE"])
def test_presentation_mode_from_the_link(app, value):
    at = app(present=value)
    assert_ok(at)
    assert share(at).view.present
    assert present_css(at)  # hides the sidebar and the toolbar, enlarges the type
    assert at.query_params["present"].lower() == "true"  # what the toggle reads and writes
    assert downloads(at) == []  # no download buttons on a projector
    assert at.button(key="_leave_present").label == "Leave presentation"


def test_leaving_presentation_mode_brings_the_controls_back(app):
    at = app(present="1")
    at.button(key="_leave_present").click().run()
    assert_ok(at)
    assert not share(at).view.present
    assert not present_css(at)
    assert "_meeting_pack" in downloads(at) and "overview_table_csv" in downloads(at)


@pytest.mark.parametrize("value", ["0", "false", "no", "off"])
def test_presentation_mode_off_values(app, value):
    at = app(present=value)
    assert_ok(at)
    assert not share(at).view.present and not present_css(at)
    assert not [w.value for w in at.warning if "`present`" in w.value]  # (the demo's example-rates notice stays)


@pytest.mark.parametrize("param", ["present", "anon"])
def test_a_bad_mode_value_gives_a_notice_and_the_mode_stays_off(app, param):
    at = app(**{param: "maybe"})
    assert_ok(at)
    notices = [w.value for w in at.warning]
    assert any(f"`{param}`" in n and "maybe" in n and "instead" in n for n in notices), notices
    assert not getattr(share(at).view, param)


# --- privacy mode -------------------------------------------------------------------------------


def test_privacy_mode_names_every_rep_by_letter_with_their_own_figures(app, demo_engine):
    at = app(anon="1")
    assert_ok(at)
    card, cfg = expected_card(demo_engine)
    shown = at.dataframe[0].value.set_index("Rep")
    assert sorted(shown.index) == LETTERS[:24]  # 24 reps in view → Rep A … Rep X, none named
    aliases = anonymise.aliases(rep_names(demo_engine), card.reps, None)
    for rep in card.reps.values():
        # the table holds whole amounts: a new hire's prorated quota (the month they start) is rounded
        assert shown.loc[aliases[rep.name], "Quota"] == pytest.approx(round(rep.quota))
        assert shown.loc[aliases[rep.name], "Won"] == pytest.approx(rep.won)


def test_privacy_mode_keeps_the_selected_reps_name(app, demo_engine):
    at = app(anon="1", rep=LOW_ACTIVITY)
    assert_ok(at)
    reps = list(at.dataframe[0].value["Rep"])
    assert LOW_ACTIVITY in reps
    others = [r for r in reps if r != LOW_ACTIVITY]
    assert len(others) == 23 and set(others) < set(LETTERS[:24])  # one letter (theirs) unused


def test_privacy_mode_hides_names_in_the_chart_and_the_meeting_pack(app, demo_engine):
    at = app(anon="1", rep=LOW_ACTIVITY)
    s = share(at)
    chart = next(sec.figure for sec in s.sections if sec.figure is not None)
    assert set(chart.data[0].y) == set(at.dataframe[0].value["Rep"])  # the same letters as the table
    pack = sharing.pack_html(s)
    hidden = [n for n in rep_names(demo_engine).values() if n != LOW_ACTIVITY]
    assert [n for n in hidden if n in pack] == []
    assert LOW_ACTIVITY in pack
    assert "Privacy mode: other reps are shown as Rep A, Rep B" in pack


@pytest.mark.parametrize("params, shown", [
    ({"anon": "1"}, "All reps"),
    ({"anon": "1", "rep": LOW_ACTIVITY}, LOW_ACTIVITY),  # the chosen rep keeps their name, as on the page
    ({"anon": "1", "team": "EMEA"}, "All reps"),
])  # fmt: skip
def test_privacy_mode_keeps_the_sidebars_rep_list_closed(app, params, shown):
    at = app(**params)
    assert_ok(at)
    rep = at.selectbox(key="rep")
    assert rep.disabled and rep.value == shown  # it cannot be opened, so it names nobody else
    assert "Privacy mode keeps the rep list closed" in rep.help


def test_the_rep_list_opens_again_when_privacy_mode_is_off(app):
    at = app(anon="1", rep=LOW_ACTIVITY)
    at.toggle(key="anon").set_value(False).run()
    assert_ok(at)
    assert not at.selectbox(key="rep").disabled and at.selectbox(key="rep").value == LOW_ACTIVITY


def test_privacy_mode_off_shows_names(app, demo_engine):
    at = app()
    card, _ = expected_card(demo_engine)
    assert sorted(at.dataframe[0].value["Rep"]) == sorted(r.name for r in card.reps.values())
    assert not share(at).names


def test_privacy_mode_offers_no_rep_links_on_the_rep_page(app, demo_engine):
    """A link per rep would carry the rep's name in its address (tests/test_privacy.py searches for it)."""
    at = app("pages/rep.py", anon="1", team="EMEA")
    assert_ok(at)
    assert [link.proto.label for link in at.get("page_link")] == []
    assert any("choose a rep in the sidebar *before* switching it on" in i.value for i in at.info)
    at = app("pages/rep.py", team="EMEA")
    assert len(at.get("page_link")) == 6  # without privacy mode: one link per EMEA rep


def test_privacy_mode_carries_to_other_pages(app):
    at = app("pages/rep.py", anon="1", rep=LOW_ACTIVITY)
    assert_ok(at)
    assert share(at).view.anon and at.toggle(key="anon").value
    assert any("Privacy mode" in c.value for c in at.caption)


# --- downloads and the meeting pack -------------------------------------------------------------


def test_overview_table_downloads_as_csv_and_excel(app):
    at = app()
    keys = downloads(at)
    assert {"overview_table_csv", "overview_table_xlsx"} <= set(keys)
    csv_button = at.download_button(key="overview_table_csv")
    assert csv_button.proto.deferred_file_id  # made only when clicked


def test_rep_page_tables_download(app):
    at = app("pages/rep.py", rep=LOW_ACTIVITY)
    keys = set(downloads(at))
    for table in ("rep_stages", "rep_rates", "rep_levers", "rep_open_deals", "rep_past_due"):
        assert {f"{table}_csv", f"{table}_xlsx"} <= keys, table


def test_meeting_pack_holds_what_the_overview_shows(app, demo_engine):
    at = app(team="EMEA")
    s = share(at)
    titles = [sec.title for sec in s.sections]
    assert titles[:2] == ["Every rep against the pace quota needs", "Weekly pace against what quota needs, by rep"]
    card, cfg = expected_card(demo_engine)
    emea = [r for r in card.reps.values() if r.team == "EMEA"]
    packed = s.sections[0].table.set_index("Rep")
    assert sorted(packed.index) == sorted(r.name for r in emea)
    for rep in emea:
        assert packed.loc[rep.name, "Quota ($)"] == money(rep.quota, cfg.reporting_currency)
    html = sharing.pack_html(s, created=dt.datetime(2026, 11, 27, 10, 0))
    assert "<h1>Overview</h1>" in html and s.view.describe() in html
    assert html.count("Plotly.newPlot") == sum(sec.figure is not None for sec in s.sections)


def test_meeting_pack_of_the_rep_page_has_its_charts(app):
    s = share(app("pages/rep.py", rep=LOW_ACTIVITY))
    titles = [sec.title for sec in s.sections]
    assert s.title == "Rep"
    assert "Reverse funnel: weekly activity needed to hit quota vs actual" in titles
    assert "Weekly activity against the pace quota needs" in titles
    assert "Rep stages" in titles


# --- stale and hostile links --------------------------------------------------------------------

JUNK = "x" * 10_000


@pytest.mark.parametrize(
    "params, named",
    [
        ({"team": JUNK}, "team"),
        ({"rep": "<script>alert(1)</script>"}, "rep"),
        ({"manager": "Zoë 🚀 \u202e مرحبا \u0000"}, "manager"),
        ({"asof": "9" * 10_000}, "asof"),
        ({"period": "'; DROP TABLE person; --"}, "period"),
        ({"kind": "%00%ff"}, "kind"),
        ({"present": "<img src=x onerror=alert(1)>"}, "present"),
        ({"anon": JUNK}, "anon"),
        ({"junk": JUNK, "utm_source": "mail"}, None),  # unknown parameters are ignored
        ({"team": "<b>x</b>", "rep": JUNK, "asof": "yesterday", "present": "2", "anon": "-1"}, "asof"),
    ],
)
def test_a_long_or_hostile_link_never_shows_a_traceback(app, params, named):
    at = app(**params)
    assert_ok(at)
    notices = [w.value for w in at.warning]
    if named:
        assert any(f"`{named}`" in n for n in notices), notices
    for text in notices:
        assert len(text) < 400  # a 10 kB value is cut in the notice
        assert not re.search(r"(?<!\\)[<>]", text)  # every < and > escaped: shown as text, never markup
    assert len(at.dataframe[0].value) == 24  # fell back to the whole view


def test_a_mode_notice_drops_invisible_and_direction_changing_characters(app):
    at = app(present="on\u202e\u200bx\x07")  # right-to-left override, zero-width space, bell
    notice = next(w.value for w in at.warning if "`present`" in w.value)
    assert "“onx”" in notice  # shown as typed, minus what would flip or hide the text


def test_a_bad_value_is_dropped_from_the_copied_link(app):
    at = app(team="<script>alert(1)</script>")
    link = at.code[0].value  # st.code shows text, never HTML
    assert "<script>" not in link  # the bad team value was dropped from the URL
