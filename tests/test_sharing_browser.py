"""Sharing in a real browser: links carry the view, modes for meetings, downloads, the offline meeting pack."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import parse_qs, quote, urlsplit

import openpyxl
import pytest
from conftest import wait_for_app

from breakthrough import demo
from breakthrough import settings as settings_store
from breakthrough.metrics import periods, scorecard
from breakthrough.store import queries

pytestmark = pytest.mark.browser

LOW_ACTIVITY = demo.STORIES["low_activity"]


def card_and_currency(engine):
    cfg = settings_store.load(engine)
    as_of = periods.as_of_date(queries.last_data_day(engine), dt.date.today())
    period = periods.period_containing(as_of, "quarter", cfg.fiscal_year_start_month)
    return scorecard.build(engine, cfg, period, as_of), cfg.reporting_currency


def rep_names(engine) -> list[str]:
    people = queries.people(engine)
    return list(people.loc[people["role"] == "rep", "name"])


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def metric_values(pg) -> list[str]:
    return pg.locator("[data-testid='stMetricValue']").all_inner_texts()


def choose(pg, label: str, option: str) -> None:
    """Pick `option` in the sidebar select box labelled `label`."""
    pg.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text=label).click()
    pg.get_by_role("option", name=option, exact=True).click()


def download(pg, button_name: str):
    with pg.expect_download(timeout=60_000) as info:
        pg.get_by_role("button", name=button_name).first.click()
    return info.value


def test_changing_a_filter_updates_the_url_and_the_link_opens_the_same_view_elsewhere(server, page, browser):
    page.goto(server + "/")
    wait_for_app(page)
    choose(page, "Team", "EMEA")
    page.wait_for_url("**team=EMEA**")
    wait_for_app(page)
    assert params(page.url) == {"team": ["EMEA"]}  # only what differs from the defaults
    shown = metric_values(page)
    page.get_by_role("button", name="Copy link to this view").click()
    copied = page.locator("[data-testid='stCode']").inner_text().strip()
    assert copied == page.url  # the link shown is the address of this view

    other = browser.new_context(viewport={"width": 1400, "height": 1000})  # another machine, no session
    try:
        fresh = other.new_page()
        fresh.goto(copied)
        wait_for_app(fresh)
        assert metric_values(fresh) == shown
        assert "EMEA" in fresh.locator("[data-testid='stCaptionContainer']").filter(has_text="as of").first.inner_text()
    finally:
        other.close()

    page.locator("[data-testid='stSidebarNav'] a", has_text="Rep").first.click()
    page.wait_for_url("**/rep?**")
    assert params(page.url)["team"] == ["EMEA"]  # moving between pages keeps the filters


def test_a_deep_link_to_a_rep_opens_that_rep_in_a_new_browser(server, page, demo_engine):
    card, _ = card_and_currency(demo_engine)
    rep = next(r for r in card.reps.values() if r.name == LOW_ACTIVITY)
    page.goto(f"{server}/rep?rep={quote(LOW_ACTIVITY)}&kind=Quarter")
    wait_for_app(page)
    assert page.locator("[data-testid='stMainBlockContainer'] h2").first.inner_text().strip() == LOW_ACTIVITY
    assert page.get_by_text("Page not found").count() == 0
    quota = page.locator("[data-testid='stMetric']").filter(has_text="Quota").first
    assert f"{rep.quota:,.0f}" in quota.inner_text()


def test_presentation_mode_hides_the_sidebar_and_can_be_left(server, page):
    page.goto(server + "/?present=1&team=EMEA")
    wait_for_app(page)
    assert page.locator("h1").first.is_visible()
    assert page.locator("[data-testid='stSidebar']").is_hidden()
    assert page.locator("header[data-testid='stHeader']").is_hidden()
    assert params(page.url)["present"] == ["true"]
    page.get_by_role("button", name="Leave presentation").click()
    page.locator("[data-testid='stSidebar']").wait_for(state="visible")
    wait_for_app(page)
    assert "present" not in params(page.url) and params(page.url)["team"] == ["EMEA"]


def ytick_labels(pg, chart: int = 0) -> list[str]:
    plot = pg.locator("[data-testid='stPlotlyChart']").nth(chart)
    plot.locator(".ytick").first.wait_for()
    return [t.strip() for t in plot.locator(".ytick").all_text_contents()]


def test_privacy_mode_hides_other_reps_names_in_tables_and_charts(server, page, demo_engine):
    names = set(rep_names(demo_engine))
    page.goto(server + "/")
    wait_for_app(page)
    assert set(ytick_labels(page)) <= names  # without privacy mode the chart names the reps

    page.goto(f"{server}/?anon=1&rep={quote(LOW_ACTIVITY)}")
    wait_for_app(page)
    letters = {f"Rep {c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWX"}  # 24 reps: A … X
    labels = ytick_labels(page)
    assert LOW_ACTIVITY in labels and set(labels) - {LOW_ACTIVITY} <= letters and len(labels) == 24
    rows = list(csv.DictReader(io.StringIO(download(page, "CSV").path().read_text(encoding="utf-8-sig"))))
    assert sorted(r["Rep"] for r in rows) == sorted(labels)  # the table download uses the chart's letters
    assert page.get_by_text("Privacy mode: other reps are shown as Rep A, Rep B").count() == 1


def test_privacy_mode_leaves_no_other_reps_name_anywhere_on_the_overview(server, page, demo_engine):
    """Every section of the page (the diagnosis panel too) goes through components.sharing."""
    page.goto(f"{server}/?anon=1&rep={quote(LOW_ACTIVITY)}")
    wait_for_app(page)
    page.locator(".js-plotly-plot .ytick").first.wait_for()
    page.wait_for_timeout(2000)
    html = page.content()
    assert [n for n in rep_names(demo_engine) if n != LOW_ACTIVITY and n in html] == []
    rep_list = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Rep").last
    rep_list.click(force=True)  # the closed list does not open, so it names nobody
    page.wait_for_timeout(500)
    assert page.locator('[role="option"]').count() == 0


def test_csv_download_has_the_tables_rows(server, page, demo_engine):
    card, currency = card_and_currency(demo_engine)
    emea = {r.name: r for r in card.reps.values() if r.team == "EMEA"}
    page.goto(server + "/?team=EMEA")
    wait_for_app(page)
    got = download(page, "CSV")
    assert got.suggested_filename.startswith("breakthrough-overview-") and got.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(got.path().read_text(encoding="utf-8-sig"))))
    assert sorted(r["Rep"] for r in rows) == sorted(emea)
    for row in rows:
        assert float(row[f"Quota ({currency})"]) == round(emea[row["Rep"]].quota)  # to the unit, as on screen
        assert row["Calls status"] in {"on track", "at risk", "behind"}

    sheet = openpyxl.load_workbook(io.BytesIO(download(page, "Excel").path().read_bytes())).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:4] == ("Rep", "Team", "Manager", f"Quota ({currency})")
    assert sorted(r[0] for r in table[1:]) == sorted(emea)  # the same 6 rows as the CSV


def test_meeting_pack_opens_from_disk_with_no_network_and_draws_its_charts(server, page, tmp_path):
    page.goto(server + "/?team=EMEA")
    wait_for_app(page)
    pack = tmp_path / "pack.html"
    download(page, "Meeting pack").save_as(pack)

    requested = []
    page.context.set_offline(True)
    page.context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.on("request", lambda r: requested.append(r.url))
    page.goto(pack.as_uri())
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    assert page.locator(".js-plotly-plot").count() >= 1
    assert page.locator(".js-plotly-plot").first.locator(".ytick").count() == 6  # the pace chart: one per EMEA rep
    assert "EMEA" in page.locator(".banner").inner_text()
    assert page.locator("table tbody tr").count() >= 6
    assert [u for u in requested if not u.startswith(("file:", "data:", "blob:"))] == []


HOSTILE = {
    "team": "<script>alert(1)</script>",
    "rep": "Zoë 🚀 \u202e مرحبا",
    "asof": "2026-02-30",
    "present": "<img src=x onerror=alert(1)>",
    "junk": "x" * 10_000,
}


def test_a_long_or_hostile_link_never_shows_a_traceback(server, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/?" + "&".join(f"{k}={quote(v)}" for k, v in HOSTILE.items()))
    wait_for_app(page)
    body = page.locator("body").inner_text()
    assert page.locator("[data-testid='stException']").count() == 0 and "Traceback" not in body
    assert dialogs == []  # no script from the link ran
    for key in ("team", "rep", "asof", "present"):
        assert f"link's {key} parameter" in body  # each bad value named in a notice
    assert page.locator("h1").first.inner_text() == "Overview"


def test_an_unknown_page_gives_a_notice_and_opens_the_overview(server, page):
    page.goto(server + "/nowhere?team=EMEA")
    wait_for_app(page)
    assert page.get_by_text("The link's page “nowhere” does not exist; showing Overview instead.").count() == 1
    assert page.locator("h1").first.inner_text() == "Overview"
    assert params(page.url) == {"team": ["EMEA"]}


FORMULA_NAMES = {  # three EMEA reps renamed in a CRM export; what each cell reads in a spreadsheet
    '=HYPERLINK("http://evil.example","click")': '\'=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0": "'@SUM(1+1)*cmd|' /C calc'!A0",
}


@pytest.fixture
def hostile_server(db_url):
    """A dashboard on the S demo in which three EMEA reps' names are spreadsheet formulas."""
    from conftest import TODAY, start_server, stop_server
    from sqlalchemy import select, update

    from breakthrough.store.db import make_engine, migrate
    from breakthrough.store.models import Person, Team

    eng = make_engine(db_url)
    migrate(eng)
    demo.generate(eng, scale="S", seed=7, today=TODAY)
    with eng.begin() as conn:
        emea = (
            conn.execute(
                select(Person.id)
                .join(Team, Team.id == Person.team_id)
                .where(Team.name == "EMEA", Person.role == "rep")
                .order_by(Person.id)
            )
            .scalars()
            .all()
        )
        for person_id, name in zip(emea, FORMULA_NAMES):
            conn.execute(update(Person).where(Person.id == person_id).values(name=name))
    eng.dispose()
    proc, url = start_server(db_url)
    yield url
    stop_server(proc)


def test_table_downloads_neutralise_formulas_and_streamlit_offers_none_of_its_own(hostile_server, page):
    page.goto(hostile_server + "/?team=EMEA")
    wait_for_app(page)
    csv_rows = list(csv.DictReader(io.StringIO(download(page, "CSV").path().read_text(encoding="utf-8-sig"))))
    csv_names = {r["Rep"] for r in csv_rows}
    sheet = openpyxl.load_workbook(io.BytesIO(download(page, "Excel").path().read_bytes())).active
    excel_names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    for name, shown in FORMULA_NAMES.items():
        assert shown in csv_names and name not in csv_names  # a leading ' : shown as text, never run
        assert shown in excel_names and name not in excel_names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula cell at all
    table = page.locator("[data-testid='stDataFrame']").first
    table.hover()
    page.wait_for_timeout(500)
    assert page.get_by_role("button", name="Search").count() >= 1  # the table's own toolbar is there…
    assert page.get_by_role("button", name="Download as CSV").count() == 0  # …without a download of its own


def test_a_deep_link_as_a_new_servers_first_request_opens_inside_the_frame(demo_url, browser):
    # a fresh server process: Streamlit runs the Rep page's script alone for its first request
    from conftest import start_server, stop_server

    proc, url = start_server(demo_url)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        pg = context.new_page()
        pg.goto(f"{url}/rep?rep={quote(LOW_ACTIVITY)}&kind=Quarter")
        wait_for_app(pg)
        assert pg.locator("[data-testid='stMainBlockContainer'] h2").first.inner_text().strip() == LOW_ACTIVITY
        sidebar = pg.locator("[data-testid='stSidebar']")
        assert sidebar.locator("h2").filter(has_text="View").count() == 1  # the filter bar, once
        assert sidebar.get_by_text("Presentation mode").count() == 1
        nav = [a.inner_text().splitlines()[-1].strip() for a in pg.locator("[data-testid='stSidebarNav'] a").all()]
        assert nav == ["Overview", "Rep", "Coaching", "One-on-one prep", "Pipeline", "Talent", "Data", "Settings"]
        assert pg.get_by_text("You are looking at demo data", exact=False).count() == 1
        assert params(pg.url)["rep"] == [LOW_ACTIVITY]  # the link's view is kept
        assert pg.locator("h1").first.inner_text().strip() == "Rep"  # the page drawn once, inside the frame
        assert pg.locator("h1").count() == 1 and pg.title() == "Breakthrough"  # the app's page config
    finally:
        context.close()
        stop_server(proc)
