"""Issue #18: the browser benchmark's own pieces (bench/browser.py, bench/floor/): its arithmetic, its count of
script runs off the websocket, the floor page drawing what it is asked, and the targets it prints."""

from __future__ import annotations

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.testing.v1 import AppTest

from bench import browser as timing
from bench import run
from bench.floor.shapes import MAX_ELEMENTS, counts, table_rows


@pytest.mark.parametrize(
    ("values", "median", "p95"),
    [
        ([0.5], 0.5, 0.5),
        ([3, 1, 2], 2, 3),
        ([4, 1, 3, 2], 2.5, 4),
        (list(range(1, 21)), 10.5, 19),  # 20 sessions: the 19th (ceil(0.95 × 20) = 19)
        (list(range(1, 11)), 5.5, 10),  # ceil(9.5) = 10: the slowest of 10
    ],
)
def test_median_and_p95_by_nearest_rank(values, median, p95):
    assert timing.median(values) == median
    assert timing.p95(values) == p95


@pytest.mark.parametrize(("value", "floor", "expected"), [(900, 300, 3.0), (250, 1000, 0.25), (None, 300, None),
                                                          (900, 0, None), (1, 3, 0.33)])  # fmt: skip
def test_ratio_to_the_floor(value, floor, expected):
    assert timing.ratio(value, floor) == expected


def test_many_at_once_limit_is_twice_the_p95_of_the_pages_opened():
    single = {"Overview": 400.0, "Rep": 200.0, "Data": 1000.0}
    assert timing.at_once_limit(single, ["Overview", "Rep", "Rep"]) == 800.0  # 2 × 400: Data not opened
    assert timing.at_once_limit(single, ["Rep", "Data"]) == 2000.0


def test_the_wire_counts_script_runs_and_bytes_and_knows_when_a_run_finished():
    wire = timing.Wire()
    started = ForwardMsg(new_session={}).SerializeToString()
    rerun = ForwardMsg(script_finished=ForwardMsg.FINISHED_EARLY_FOR_RERUN).SerializeToString()
    finished = ForwardMsg(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY).SerializeToString()
    for frame in (started, rerun, started):
        wire.frame(frame)
    assert (wire.runs, wire.finished, wire.done.is_set()) == (2, 0, False)  # a rerun is not the end
    wire.frame(finished)
    assert (wire.runs, wire.finished, wire.done.is_set()) == (2, 1, True)
    assert wire.bytes == 2 * len(started) + len(rerun) + len(finished)
    wire.mark()
    assert (wire.runs, wire.bytes, wire.done.is_set()) == (0, 0, False)


@pytest.mark.parametrize(
    ("charts", "tables", "expected"),
    [("3", "2", (3, 2)), (None, None, (0, 0)), ("two", "-1", (0, 0)), ("999", "1", (MAX_ELEMENTS, 1))],
)
def test_floor_counts_from_the_link(charts, tables, expected):
    assert counts(charts, tables) == expected


def test_the_floor_page_draws_the_charts_and_tables_asked_and_the_bare_page_none():
    at = AppTest.from_file(str(timing.FLOOR_APP), default_timeout=30)
    at.query_params["charts"] = "3"
    at.query_params["tables"] = "2"
    at.run()
    assert not at.exception
    assert (len(at.get("plotly_chart")), len(at.dataframe)) == (3, 2)
    assert at.dataframe[0].value.equals(table_rows(0))  # fixed data: the same on every run
    bare = AppTest.from_file(str(timing.FLOOR_APP), default_timeout=30)
    bare.run()
    assert (len(bare.get("plotly_chart")), len(bare.dataframe), bare.title[0].value) == (0, 0, "Floor")


FIGURES = {
    "browser_pages": {},
    "browser_fresh_max_ms": 900,
    "browser_sidebar_max_ms": 600,
    "browser_filter_max_ms": 500,
    "browser_at_once_p95_ms": 1900,
    "browser_at_once_limit_ms": 1800,
    "browser_during_import_p95_ms": 1700,
    "browser_at_once_errors": [],
    "browser_database_locked": True,
    "browser_import_ok": True,
}


def test_browser_targets_say_met_or_not_met_for_each_limit():
    checks = run.browser_targets(FIGURES)
    met = {name: value <= limit for name, (value, limit) in checks.items()}
    assert met == {
        "browser_fresh_max_ms ≤ 1000": True,
        "browser_sidebar_max_ms ≤ 500": False,
        "browser_filter_max_ms ≤ 500": True,  # at the limit is met
        "browser_at_once_p95_ms ≤ 2 × single session": False,
        "browser_during_import_p95_ms ≤ 2 × single": True,
        "browser_at_once_errors = 0": True,
        "browser_database_locked = 0": False,
        "browser_import_failed = 0": True,
    }
    assert run.browser_targets({}) == {}  # a run without the browser step prints no browser targets


# --- what the browser benchmark found and removed ----------------------------------------------------------


def _shown(styler) -> list[list[str]]:
    body = styler._translate(False, False)["body"]
    return [[cell["display_value"] for cell in row if cell.get("type") == "td"] for row in body]


def test_a_table_shows_a_dash_for_each_blank_and_its_numbers_formatted():
    import pandas as pd

    from components.widgets import tables

    frame = pd.DataFrame(
        {"Rep": ["Ann", None], "Won": [1200.0, 80.5], "Score": [None, 3.0], "Calls": [3, 4], "Note": ["x", "y"]}
    )
    formats = {"Won": lambda v: f"${v:,.0f}", "Score": lambda v: f"{v:.1f}"}
    styler = tables._displayed(frame, formats)
    assert _shown(styler) == [["Ann", "$1,200", "–", "3", "x"], ["–", "$80", "3.0", "4", "y"]]
    assert styler.data["Won"].tolist() == [1200.0, 80.5]  # numbers stay numbers: the column sorts by value


def test_the_same_table_makes_the_same_message_so_the_browser_is_not_sent_it_twice():
    """Streamlit sends a message the browser already holds as its hash only; pandas' random Styler id would make
    every rerun's table a new message (the id is in what Streamlit sends, as in the Styler's HTML)."""
    import pandas as pd

    from components.widgets import tables

    frame = pd.DataFrame({"Rep": ["Ann", None], "Won": [1200.0, 80.5]})
    first, second = (tables._displayed(frame, {"Won": lambda v: f"${v:,.0f}"}) for _ in range(2))
    assert first.to_html() == second.to_html()


def _kind(ms: int, charts: int = 3, tables: int = 2) -> dict:
    return {"ms": ms, "run_ms": ms // 2, "runs": 1, "kb": 10.0, "charts": charts, "tables": tables}


def test_the_report_puts_each_page_against_the_floor_of_its_shape():
    pages = {
        "Overview": {"fresh": _kind(900), "sidebar": _kind(600), "filter": _kind(400)},
        "Data": {"fresh": _kind(500, 0, 8), "sidebar": _kind(300, 0, 8), "filter": _kind(200, 0, 8)},
        "Talent": {"fresh": _kind(700, 1, 3)},  # the smoke test: fresh only, and no floor of its shape
    }
    floors = {
        (0, 0): {"fresh": _kind(250, 0, 0), "sidebar": _kind(100, 0, 0), "rerun": _kind(100, 0, 0)},
        (3, 2): {"fresh": _kind(600), "sidebar": _kind(200), "rerun": _kind(160)},
        (0, 8): {"fresh": _kind(400, 0, 8)},  # the smoke test: fresh only
    }
    together = {"titles": ["Overview", "Data", "Overview"], "s": [1.0, 2.5, 1.2], "errors": []}
    during = {"titles": together["titles"], "s": [1.1, 1.3, 1.9], "errors": ["database is locked"]}
    r = timing.report(pages, floors, together, during, "", True, 0, "written yes\n", 1)
    overview, data = r["browser_pages"]["Overview"], r["browser_pages"]["Data"]
    assert (overview["fresh_to_floor"], overview["sidebar_to_floor"], overview["filter_to_floor"]) == (1.5, 3.0, 2.5)
    assert overview["fresh_to_bare"] == 3.6
    assert (data["fresh_to_floor"], data["sidebar_to_floor"], data["filter_to_floor"]) == (1.25, None, None)
    talent = r["browser_pages"]["Talent"]
    assert (talent["fresh_ms"], talent["sidebar_ms"], talent["fresh_to_floor"], talent["fresh_to_bare"]) == (
        700,
        None,
        None,
        2.8,
    )
    assert (r["browser_fresh_max_ms"], r["browser_sidebar_max_ms"], r["browser_filter_max_ms"]) == (900, 600, 400)
    assert (r["browser_at_once_p95_ms"], r["browser_during_import_p95_ms"]) == (2500, 1900)
    assert r["browser_at_once_limit_ms"] == 1800  # 2 × the p95 of (900, 500, 900)
    assert r["browser_database_locked"] and r["browser_at_once_errors"] == ["database is locked"]
    assert r["browser_import_ok"] and r["browser_import_output"] == ["written yes"]
    timing.print_pages(r)  # a page without a floor ratio prints "–"
