"""The server's start (components/startup.py): `streamlit run app.py` serves app.py's `st.App`, whose lifespan opens
the database, and on a first start writes the demo, while the browser is still loading; a first page asking at
the same time gets the same engine and the demo is written once."""

from __future__ import annotations

import asyncio
import importlib.util
import threading

import pytest
import streamlit as st
from conftest import ROOT
from sqlalchemy import func, inspect, select

from breakthrough.store import db
from breakthrough.store.models import Person, Setting
from components import cache, startup

DEMO_PEOPLE = 29  # the S demo: 24 reps, their 4 managers and the leader


def test_streamlit_run_serves_app_py_with_the_warm_up():
    """Imported (not run as "__main__"), app.py is the server: an `st.App` of itself (the frame is not drawn)."""
    spec = importlib.util.spec_from_file_location("app", ROOT / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert isinstance(module.app, st.App)
    assert not hasattr(module, "PAGES")


@pytest.mark.parametrize("headless, opened", [(False, ["http://localhost:8765/"]), (True, [])])
def test_on_a_desktop_the_start_opens_the_app_in_the_browser(monkeypatch, headless, opened):
    """As `streamlit run` does for a plain script; never on a server (headless)."""
    seen: list[str] = []
    monkeypatch.setattr(startup, "warm_up", lambda: None)
    monkeypatch.setattr(startup.webbrowser, "open", seen.append)
    options = {"server.headless": headless, "server.port": 8765, "server.baseUrlPath": ""}
    monkeypatch.setattr(startup.st, "get_option", options.__getitem__)

    async def start() -> None:
        async with startup.lifespan(None):
            pass

    asyncio.run(start())
    for thread in threading.enumerate():
        if thread.name == startup.BROWSER:
            thread.join(timeout=5)
    assert seen == opened


def test_the_warm_up_opens_the_database_before_any_page_asks(db_url, monkeypatch):
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", db_url)
    monkeypatch.setenv("BREAKTHROUGH_DEMO", "0")  # migrated only: quick
    cache._engine.clear()
    try:
        startup.warm_up()
        probe = db.make_engine(db_url)
        assert inspect(probe).has_table("alembic_version") and db.is_empty(probe)
        probe.dispose()
    finally:
        cache._engine.clear()


def test_the_warm_up_and_a_first_page_at_once_write_the_demo_once(db_url, monkeypatch):
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", db_url)
    monkeypatch.delenv("BREAKTHROUGH_DEMO", raising=False)
    cache._engine.clear()
    warming = threading.Thread(target=startup.warm_up, name=startup.THREAD)
    try:
        warming.start()
        engine = cache.engine()  # a first page, while the warm-up opens the same database
        warming.join()
        assert cache.engine() is engine  # one engine for the server, whoever made it
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(Person)).scalar() == DEMO_PEOPLE
            demo = conn.execute(select(Setting.value).where(Setting.key == "demo")).all()
        assert len(demo) == 1 and db.data_version(engine) == 1  # written once: one demo mark, one version
        engine.dispose()
    finally:
        cache._engine.clear()
