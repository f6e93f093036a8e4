"""Fixtures for each configuration.

Database tests run on SQLite by default. Set `BREAKTHROUGH_TEST_DATABASE` to a
PostgreSQL server URL (for example `postgresql+psycopg://postgres@localhost/postgres`)
and the same tests run on a fresh PostgreSQL database instead; tests that need
PostgreSQL itself skip, with that reason, when it is not set.
Browser tests (marker `browser`) run only with `--browser`.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from breakthrough.db import make_engine, migrate

TEST_DATABASE = os.environ.get("BREAKTHROUGH_TEST_DATABASE", "sqlite")
ON_POSTGRES = TEST_DATABASE.startswith("postgresql")
TODAY = dt.date(2026, 11, 27)  # the demo fixture's "today": tests do not drift with the clock


def pytest_addoption(parser):
    parser.addoption("--browser", action="store_true", help="run the Playwright browser tests")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--browser"):
        return
    skip = pytest.mark.skip(reason="browser test: run with --browser (CI does)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def new_database_url(tmp_path: Path) -> str:
    """A URL for an empty database: a SQLite file, or a fresh PostgreSQL database."""
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path / 'test.db'}"
    name = f"bt_{uuid.uuid4().hex[:12]}"
    with _server().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(TEST_DATABASE).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if not ON_POSTGRES:
        return
    name = make_url(url).database
    with _server().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _server():
    return create_engine(TEST_DATABASE, isolation_level="AUTOCOMMIT")


@pytest.fixture
def db_url(tmp_path):
    url = new_database_url(tmp_path)
    yield url
    drop_database(url)


@pytest.fixture
def engine(db_url):
    """A migrated, empty database."""
    eng = make_engine(db_url)
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory):
    """A database holding the S demo generated for TODAY (shared, read-only)."""
    from breakthrough import demo

    url = new_database_url(tmp_path_factory.mktemp("demo"))
    eng = make_engine(url)
    migrate(eng)
    demo.generate(eng, scale="S", seed=7, today=TODAY)
    eng.dispose()
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def demo_engine(demo_url):
    eng = make_engine(demo_url)
    yield eng
    eng.dispose()


@pytest.fixture
def postgres_only():
    if not ON_POSTGRES:
        pytest.skip("needs PostgreSQL: set BREAKTHROUGH_TEST_DATABASE to a PostgreSQL URL")
