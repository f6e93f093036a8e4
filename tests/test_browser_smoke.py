"""A real browser opens the dashboard on the demo data and the URL carries the filters."""

import pytest
from conftest import wait_for_app

pytestmark = pytest.mark.browser


def test_overview_opens_with_the_reps(server, page):
    page.goto(server + "/")
    wait_for_app(page)
    assert page.locator("h1").first.inner_text() == "Overview"
    assert page.get_by_text("reps", exact=False).count() > 0


def test_a_link_with_a_team_opens_that_team(server, page):
    page.goto(server + "/?team=EMEA")
    wait_for_app(page)
    assert "EMEA" in page.locator("[data-testid='stCaptionContainer']").first.inner_text()
