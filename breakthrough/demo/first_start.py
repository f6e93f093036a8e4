"""The app's first start: open the database, migrate it, and fill an empty one with the demo when wanted.

Here rather than in `store.db` because it needs the demo generator, which needs the store.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine

from breakthrough.demo.generate import generate
from breakthrough.store.db import demo_wanted, is_empty, make_engine, migrate, start_lock


def open_app_database(url: str) -> Engine:
    """The app's start: the engine for `url`, migrated; an empty database gets the S demo when wanted."""
    engine = make_engine(url)
    with start_lock(engine):  # app servers started together on one PostgreSQL database take turns
        migrate(engine)
        if is_empty(engine) and demo_wanted(engine):
            generate(engine, scale="S")
    return engine


_OPENED: dict[str, Engine] = {}
_OPENING = threading.Lock()


def app_engine(url: str) -> Engine:
    """The server's one engine for `url`, opened (`open_app_database`) by whoever asks first: the start's warm-up
    thread or the first page. A second caller waits for the first and gets the same engine, so the demo is
    written once."""
    with _OPENING:
        if url not in _OPENED:
            _OPENED[url] = open_app_database(url)
        return _OPENED[url]
