"""Clicks that only a browser can make: a heatmap cell opens the rep's drill-down (and the URL says so);
a funnel stage lists its deals. Plotly is clicked with the mouse at the mark's computed position."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import wait_for_app
from playwright.sync_api import expect

from breakthrough import demo
from breakthrough.metrics import drivers

pytestmark = pytest.mark.browser


def plot(page, title: str):
    """The Plotly chart whose title contains `title`, scrolled into view."""
    chart = page.locator(".js-plotly-plot").filter(has_text=title).first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    return chart


def click(page, x: float, y: float) -> None:
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)


def test_clicking_a_heatmap_cell_opens_the_reps_drilldown_and_the_url_changes(server, page):
    name = demo.STORIES["low_win_rate"]
    page.goto(server + "/")
    wait_for_app(page)
    for attempt in range(3):  # on a loaded machine the chart may still be settling when first clicked
        chart = plot(page, "Each rep's drivers")
        area = chart.locator(".nsewdrag").first.bounding_box()
        column = list(drivers.DRIVERS).index("win_rate")
        x = area["x"] + area["width"] * (column + 0.5) / len(drivers.DRIVERS)
        label = chart.locator(".ytick text", has_text=name).bounding_box()
        click(page, x, label["y"] + label["height"] / 2)
        try:
            page.wait_for_url(re.compile(r"/rep\?"), timeout=30_000)
            break
        except Exception:
            if attempt == 2:
                raise
            wait_for_app(page)
    wait_for_app(page)
    params = parse_qs(urlparse(page.url).query)
    assert params == {"rep": [name], "driver": ["Win rate"]}
    assert page.get_by_role("heading", name=name).count() == 1
    assert page.get_by_text("Records behind Win rate").count() == 1
    # the drilled view is a link: opening it afresh shows the same rep and driver
    page.goto(page.url)
    wait_for_app(page)
    assert page.get_by_text("Records behind Win rate").count() == 1
    assert page.get_by_text("the one thing to coach: Win rate").count() == 1


def test_clicking_a_funnel_stage_lists_its_deals(server, page):
    page.goto(server + "/pipeline")
    wait_for_app(page)
    assert page.get_by_text("Deals that reached Proposal").count() == 0
    tables_before = page.locator("[data-testid='stDataFrame']").count()
    csv_before = page.get_by_role("button", name=re.compile("CSV")).count()
    chart = plot(page, "Stage funnel")
    bar = chart.locator(".bars path").nth(2)  # Prospecting, Qualification, Proposal, …
    box = bar.bounding_box()
    click(page, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    listed = page.get_by_text(re.compile(r"Deals that reached Proposal: [\d,]+"))
    listed.wait_for(timeout=60_000)
    wait_for_app(page)
    count = int(re.search(r": ([\d,]+)", listed.inner_text())[1].replace(",", ""))
    bar_label = chart.locator(".bars text").nth(2).text_content()  # "706 deals · $16.8M"
    assert count == int(bar_label.split(" deals")[0].replace(",", "")) > 0  # the list is the bar's deals
    # the list's table and its download arrive with the rerun's last frames: wait for them, up to 30 s
    expect(page.locator("[data-testid='stDataFrame']")).to_have_count(tables_before + 1, timeout=30_000)
    expect(page.get_by_role("button", name=re.compile("CSV"))).to_have_count(csv_before + 1, timeout=30_000)
