"""A real browser: the digest's link to a prep sheet opens that sheet (a deep link, the first request of a
session), and "Log this one-on-one" opens the Coaching page's form started from it."""

import pytest
from conftest import wait_for_app

from breakthrough import demo

pytestmark = pytest.mark.browser
MANAGER = demo.STORIES["coaches_rarely"]


def test_the_digests_link_opens_the_sheet_and_logging_opens_the_form(server, page):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server}/one_on_one?prep_manager={MANAGER.replace(' ', '+')}&week=2026-W48")
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == "One-on-one prep"
    assert page.get_by_text("Page not found").count() == 0 and page.get_by_text("does not exist").count() == 0
    assert page.url.split("?")[0].endswith("/one_on_one")  # not re-rooted under another page's path
    assert f"prep_manager={MANAGER.replace(' ', '+')}" in page.url  # kept (the week, the default, is dropped)
    assert page.locator("h3").filter(has_text="1. ").count() == 1  # the first rep's block
    assert "2026-W48" in page.get_by_text("figures as of", exact=False).first.inner_text()
    page.get_by_role("button", name="Log this one-on-one").first.click()
    page.wait_for_url("**/coaching**", timeout=60_000)
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == "Coaching"
    assert page.get_by_text("Started from the one-on-one prep").count() == 1
