"""A CRM export uploaded through the browser's file chooser is previewed, imported and listed as a batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import start_server, stop_server, wait_for_app
from sqlalchemy import func, select

from breakthrough.store.db import make_engine
from breakthrough.store.models import ImportBatch, Person

pytestmark = pytest.mark.browser
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "samples" / "template_people.csv"


@pytest.fixture
def own_server(db_url):
    """A dashboard on a database of its own (this test writes to it); empty, so it loads the demo."""
    proc, url = start_server(db_url)
    yield url
    stop_server(proc)


def test_upload_through_the_file_chooser_then_import(own_server, page, db_url):
    page.goto(own_server + "/data")
    wait_for_app(page)
    with page.expect_file_chooser() as chooser:
        page.locator("[data-testid='stFileUploaderDropzone'] button").first.click()
    chooser.value.set_files(str(SAMPLE))
    page.get_by_text("Preview", exact=False).first.wait_for(timeout=60_000)
    assert page.get_by_text("template_people.csv").count() > 0
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ImportBatch)).scalar() == 0  # preview writes nothing
        people_before = conn.execute(select(func.count()).select_from(Person)).scalar()
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Imported as batch #1").wait_for(timeout=60_000)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ImportBatch)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(Person)).scalar() > people_before
    engine.dispose()
