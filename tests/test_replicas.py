"""Two or more app servers on one PostgreSQL database, with no sticky state (issue #18).

Every cache is keyed on the data version read from the database (`components.cache.version`), so a write
through one server shows on any other's next rerun. The browser test starts two Streamlit servers on one
fresh PostgreSQL database, imports deals through server A's Data page (the file chooser, as a sales ops
person would: preview, nothing written, Import, the batch listed — what tests/test_data_browser.py checked on its own
server before, so that file is gone), and reads the Overview's Won on server B before and after, in one session. CI's browser
step runs on SQLite and passes its PostgreSQL server in `BREAKTHROUGH_TEST_POSTGRES`; outside CI the test
skips without it, under CI a missing URL fails.

The database tests below hold what that rests on: two writers never get the same data version, and two
servers starting together on a new database take turns migrating it.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import THIN, TODAY, import_thin, start_server, stop_server, wait_for_app
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from breakthrough.demo.first_start import open_app_database
from breakthrough.store import db
from breakthrough.store.models import ImportBatch

REPLICA_ENV = "BREAKTHROUGH_TEST_POSTGRES"  # a PostgreSQL server URL for the browser step (which runs on SQLite)
DEALS = THIN / "salesforce_opportunities.csv"
# Closed won in 2026-Q4 up to the as-of date 2026-11-27, from the file: Ann Lee 24,000 (10/20), Bob Stone 12,500
# (11/18), Cara Diaz 20,000 (11/12); the other four rows are open or lost.
WON_AFTER = "$56,500"


def test_two_writers_never_get_the_same_data_version(postgres_only, engine):
    """The second writer waits for the first's commit and counts on from its version (`FOR UPDATE`)."""
    before = db.data_version(engine)
    first = engine.connect()
    first.begin()
    mine = db.bump_data_version(first)
    theirs: list[int] = []
    second = threading.Thread(target=lambda: theirs.append(_bump(engine)))
    second.start()
    time.sleep(0.3)
    assert second.is_alive()  # waiting for the first writer's lock, not reading its stale version
    first.commit()
    first.close()
    second.join(10)
    assert (mine, theirs) == (before + 1, [before + 2])
    assert db.data_version(engine) == before + 2


def _bump(engine) -> int:
    with engine.begin() as conn:
        return db.bump_data_version(conn)


def test_servers_starting_together_take_turns_migrating(postgres_only, db_url, monkeypatch):
    """While one server holds the start lock, another's start waits, then finds the database migrated."""
    monkeypatch.setenv(db.DEMO_ENV, "0")
    holder = db.make_engine(db_url)
    with db.start_lock(holder):
        starting = threading.Thread(target=open_app_database, args=(db_url,))
        starting.start()
        time.sleep(0.3)
        assert starting.is_alive()
        assert "alembic_version" not in inspect(holder).get_table_names()  # it has not begun migrating
        db.migrate(holder)  # this server's own start
    starting.join(30)
    assert not starting.is_alive()
    with holder.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    holder.dispose()


@pytest.fixture
def replica_database(tmp_path):
    """A fresh PostgreSQL database on `BREAKTHROUGH_TEST_POSTGRES`, migrated, holding the thin fixtures' people
    and quotas (no deals yet); dropped after."""
    server_url = os.environ.get(REPLICA_ENV)
    if not server_url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{REPLICA_ENV} is not set: CI's browser step must pass its PostgreSQL server URL")
        pytest.skip(f"needs PostgreSQL: set {REPLICA_ENV} to a PostgreSQL server URL")
    server = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"bt_replica_{uuid.uuid4().hex[:12]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    eng = db.make_engine(url)
    db.migrate(eng)
    import_thin(eng, ("people.csv", "quotas.csv"))
    eng.dispose()
    yield url
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.mark.browser
def test_an_import_through_one_server_shows_on_the_others_next_rerun(replica_database, browser):
    with ThreadPoolExecutor(2) as pool:  # both start at once (2–4 s each)
        a, b = pool.map(lambda _: start_server(replica_database), range(2))
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        on_b, on_a = context.new_page(), context.new_page()
        on_b.goto(f"{b[1]}/?asof={TODAY.isoformat()}")  # a leader on server B: the Overview
        on_a.goto(f"{a[1]}/data")  # sales ops on server A: the Data page (both servers' first runs overlap)
        wait_for_app(on_b)
        assert _won(on_b) == "$0"

        wait_for_app(on_a)  # the upload, through the file chooser
        with on_a.expect_file_chooser() as chooser:
            on_a.locator("[data-testid='stFileUploaderDropzone'] button").first.click()
        chooser.value.set_files(str(DEALS))
        on_a.get_by_text("Preview", exact=False).first.wait_for(timeout=60_000)
        assert on_a.get_by_text(DEALS.name).count() > 0
        assert _batches(replica_database) == 2  # the preview writes nothing (the people and quotas are #1, #2)
        on_a.get_by_role("button", name="Import", exact=True).click()
        on_a.get_by_text("Imported as batch #3").wait_for(timeout=60_000)
        assert _batches(replica_database) == 3

        on_b.bring_to_front()  # server B, same session, no reload: its next rerun (Streamlit's R key)
        on_b.locator("h1").first.click()
        on_b.keyboard.press("r")
        on_b.wait_for_function(
            "w => [...document.querySelectorAll('[data-testid=stMetric]')].some("
            "m => m.innerText.startsWith('Won') && m.innerText.includes(w))",
            arg=WON_AFTER,
            timeout=30_000,
        )
        wait_for_app(on_b)
        assert _won(on_b) == WON_AFTER
    finally:
        context.close()
        stop_server(a[0])
        stop_server(b[0])


def _won(pg) -> str:
    metric = pg.locator("[data-testid='stMetric']").filter(has_text="Won").first
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def _batches(url: str) -> int:
    eng = db.make_engine(url)
    try:
        with eng.connect() as conn:
            return conn.execute(select(func.count()).select_from(ImportBatch)).scalar_one()
    finally:
        eng.dispose()
