"""Fixtures for each configuration.

Database tests run on SQLite by default. Set `BREAKTHROUGH_TEST_DATABASE` to a
PostgreSQL server URL (for example `postgresql+psycopg://postgres@localhost/postgres`)
and the same tests run on a fresh PostgreSQL database instead; tests that need
PostgreSQL itself skip, with that reason, when it is not set.
Browser tests (marker `browser`) run only with `--browser`.
Each test's database is its own (safe under pytest-xdist, whose workers are separate sessions); a migrated
or demo database is copied from one built once per session (`database_templates`), not built per test.
Every test is marked `unit` or `db` (and `page`, `browser`) from the fixtures it uses: see `classify`.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bench.server import free_port as _free_port
from bench.server import start_server, stop_server  # noqa: F401 (the browser tests import them from here)
from breakthrough.store.db import make_engine, migrate

TEST_DATABASE = os.environ.get("BREAKTHROUGH_TEST_DATABASE", "sqlite")
ON_POSTGRES = TEST_DATABASE.startswith("postgresql")
TODAY = dt.date(2026, 11, 27)  # the demo fixture's "today": tests do not drift with the clock


def pytest_addoption(parser):
    parser.addoption("--browser", action="store_true", help="run the Playwright browser tests")


# --- markers: each test is classified by the fixtures it uses, so a new test needs no marker by hand -----
# `unit`: touches no database, so it runs once (CI: on SQLite's step only); `db`: uses a database through
# these fixtures, so it runs on SQLite and on PostgreSQL; `page`: runs app.py through AppTest (also `db`);
# `browser`: drives Chromium (also `db`). A marker written on a test or module wins over the fixtures.
DB_FIXTURES = {"db_url", "engine", "database_templates", "demo_url", "demo_engine", "demo_copy", "postgres_only"}
BROWSER_FIXTURES = {"browser", "server"}
KIND_ENV = "BREAKTHROUGH_TEST_KIND"  # set while a test runs; new_database_url refuses a database to a unit test


def classify(item) -> set[str]:
    """The markers `item` gets: `unit` or `db`, plus `page` and `browser` where they apply."""
    names = set(getattr(item, "fixturenames", ()))
    marked = {m.name for m in item.iter_markers()}
    kinds = set()
    if "browser" in marked or names & BROWSER_FIXTURES:
        kinds |= {"browser", "db"}
    uses_apptest = getattr(getattr(item, "module", None), "AppTest", None) and names & DB_FIXTURES
    if "page" in marked or "demo_app" in names or uses_apptest:  # a page module's database tests run app.py
        kinds |= {"page", "db"}
    if "db" in marked or names & DB_FIXTURES:
        kinds.add("db")
    return kinds or {"unit"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for kind in sorted(classify(item) - {m.name for m in item.iter_markers()}):
            item.add_marker(kind)
    if ON_POSTGRES:  # not collected, rather than skipped: SQLite's own machinery, and most page tests
        left_out = [item for item in items if not on_postgres(item)]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if on_postgres(item)]
    if config.getoption("--browser"):
        return
    skip = pytest.mark.skip(reason="browser test: run with --browser (CI does)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def on_postgres(item) -> bool:
    """Whether `item` runs on PostgreSQL too. SQLite's own machinery does not. A page draws what the domain
    package returns, and every domain test runs on both; so of the page tests only those marked
    `postgres_pages` run there: every page drawn on the demo, on an empty period and on an empty database, and
    the pages' figures checked against the domain's (PostgreSQL's own types, such as `numeric`, reach a page)."""
    if "sqlite_only" in item.keywords:
        return False
    return "page" not in item.keywords or "postgres_pages" in item.keywords


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    unit = item.get_closest_marker("unit") and not item.get_closest_marker("db")
    os.environ[KIND_ENV] = "unit" if unit else "db"
    try:
        return (yield)
    finally:
        os.environ.pop(KIND_ENV, None)


def new_database_url(tmp_path: Path, template: str | None = None) -> str:
    """A URL for an empty database: a SQLite file, or a fresh PostgreSQL database. With `template` (the URL
    of a database nothing is connected to), a copy of it: the SQLite file copied, or PostgreSQL's
    `CREATE DATABASE … TEMPLATE …`."""
    if os.environ.get(KIND_ENV) == "unit":
        raise RuntimeError(
            "this test was classified `unit` (no database fixture) but asks for a database, so it "
            "would never run on PostgreSQL: use a database fixture (db_url, engine, demo_url…) "
            "or mark it `pytest.mark.db`"
        )
    if not ON_POSTGRES:
        path = tmp_path / "test.db"
        if template:
            for suffix in ("", "-wal"):  # a closed database has no -wal file left; copy it if one is
                if Path(make_url(template).database + suffix).exists():
                    shutil.copyfile(make_url(template).database + suffix, str(path) + suffix)
        return f"sqlite:///{path}"
    name = f"bt_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
    with _server().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}{_file_copy(conn) if template else ""}'))
    return make_url(TEST_DATABASE).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if not ON_POSTGRES:
        return
    name = make_url(url).database
    with _server().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@functools.cache
def _file_copy(conn) -> str:
    """PostgreSQL 15's copy of a small template as files: a third of the time of its default, WAL_LOG (34 → 11 ms)."""
    return " STRATEGY FILE_COPY" if int(conn.execute(text("SHOW server_version_num")).scalar_one()) >= 150000 else ""


def _server():
    return create_engine(TEST_DATABASE, isolation_level="AUTOCOMMIT", poolclass=NullPool)


# --- PostgreSQL: a test's migrated database emptied for the next test, not dropped --------------------------
# A copy of the template costs PostgreSQL a checkpoint of the whole server (100-300 ms with the other worker
# writing), a drop ~30 ms; emptying the copy ~10 ms. A copy is only reused when it is again exactly as copied:
# nobody else connected, the same schema and migration (its fingerprint, taken before its first test), and
# every row deleted, every sequence back at its start. Anything else, or any error: it is dropped, as before.
# Autovacuum is off in the template (so in the copies): no statistics left behind by an earlier test.
_EMPTIED: list[str] = []  # this worker's emptied copies of the migrated template, free for the next test
_SHAPES: dict[str, str] = {}  # each copy's fingerprint when it was made

SHAPE_SQL = """SELECT md5(string_agg(x, E'\\n' ORDER BY x)) FROM (
  SELECT 'c ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' '
         || a.attnotnull::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS x
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL SELECT 'i ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL SELECT 'k ' || conrelid::regclass::text || ' ' || pg_get_constraintdef(oid)
            FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL SELECT 'o ' || relname || ' ' || relkind::text || ' ' || coalesce(array_to_string(reloptions, ','), '')
            FROM pg_class WHERE relnamespace = 'public'::regnamespace
  UNION ALL SELECT 'v ' || version_num FROM alembic_version) shape"""
# who else is connected, and the fingerprint, in one round trip
CHECK_SQL = f"""SELECT (SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()), ({SHAPE_SQL})"""
RESTART_SQL = """SELECT setval((quote_ident(schemaname) || '.' || quote_ident(sequencename))::regclass, start_value, false)
  FROM pg_sequences WHERE schemaname = 'public'"""


def _shape(conn) -> str:
    return conn.execute(text(SHAPE_SQL)).scalar_one()


def _migrated_copy(tmp_path: Path, template: str) -> str:
    if _EMPTIED:
        return _EMPTIED.pop()
    from breakthrough.store.models import Base

    url = new_database_url(tmp_path, template)
    eng = create_engine(url, poolclass=NullPool)
    with eng.connect() as conn:
        tables = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
        if tables <= {*Base.metadata.tables, "alembic_version"}:  # else a table `_emptied` would not empty: no reuse
            _SHAPES[url] = _shape(conn)
    eng.dispose()
    return url


def _give_back(url: str) -> None:
    if _emptied(url):
        _EMPTIED.append(url)
    else:
        _SHAPES.pop(url, None)
        drop_database(url)


def _emptied(url: str) -> bool:
    """Delete every row of the copy at `url` and restart its sequences; False (nothing promised) if it is not
    the copy it was: someone still connected, another schema or migration, or anything failed."""
    from breakthrough.store.models import Base

    eng = create_engine(url, poolclass=NullPool)
    try:
        with eng.begin() as conn:
            others, shape = conn.execute(text(CHECK_SQL)).one()
            if others or shape != _SHAPES.get(url):
                return False
            deletes = [f'DELETE FROM "{t.name}"' for t in reversed(Base.metadata.sorted_tables)]  # referencing first
            conn.exec_driver_sql("; ".join(["SET LOCAL lock_timeout = '2s'", *deletes, RESTART_SQL]))
        return True
    except Exception:
        return False
    finally:
        eng.dispose()


def _no_autovacuum(url: str) -> None:
    eng = create_engine(url, poolclass=NullPool)
    with eng.begin() as conn:
        names = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        for name in names:
            conn.execute(text(f'ALTER TABLE "{name}" SET (autovacuum_enabled = false)'))
    eng.dispose()


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory):
    """`database_templates(key=None)`: the URL of a database built once per session (so once per xdist worker)
    and only ever copied with `new_database_url(folder, template=…)`, never connected to: the migrated empty
    schema for key None, the demo for key (scale, seed, today)."""
    built: dict = {}

    def get(key=None) -> str:
        if key not in built:
            url = new_database_url(tmp_path_factory.mktemp("template"))
            eng = make_engine(url)
            migrate(eng)
            if key is None and ON_POSTGRES:
                _no_autovacuum(url)
            if key is not None:
                from breakthrough import demo

                scale, seed, today = key
                demo.generate(eng, scale=scale, seed=seed, today=today)
            eng.dispose()
            built[key] = url
        return built[key]

    yield get
    for url in [*built.values(), *_EMPTIED]:
        drop_database(url)
    _EMPTIED.clear()


@pytest.fixture
def db_url(request, tmp_path):
    """An empty database of the test's own; if the test also uses `engine`, this same database migrated
    (copied from the session's migrated template rather than migrated again; on PostgreSQL, an earlier test's
    copy emptied again, see `_emptied`)."""
    template = request.getfixturevalue("database_templates")() if "engine" in request.fixturenames else None
    if template and ON_POSTGRES:
        url = _migrated_copy(tmp_path, template)
        yield url
        _give_back(url)
        return
    url = new_database_url(tmp_path, template)
    yield url
    drop_database(url)


@pytest.fixture
def engine(db_url):
    """A migrated, empty database."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def demo_copy(database_templates, tmp_path):
    """`demo_copy(seed=7, today=TODAY, scale="S")`: the URL of a database of this test's own (it may write)
    holding that demo, copied from one generated once per session rather than generated again."""
    urls = []

    def make(seed: int = 7, today: dt.date = TODAY, scale: str = "S") -> str:
        folder = tmp_path / f"demo_copy_{len(urls)}"
        folder.mkdir()
        urls.append(new_database_url(folder, database_templates((scale, seed, today))))
        return urls[-1]

    yield make
    for url in urls:
        drop_database(url)


@pytest.fixture(scope="session")
def demo_url(database_templates, tmp_path_factory):
    """A database holding the S demo generated for TODAY (shared, read-only)."""
    url = new_database_url(tmp_path_factory.mktemp("demo"), database_templates(("S", 7, TODAY)))
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


# --- browser tests: a real Streamlit server and Debian's Chromium -------------------------------

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def server(demo_url):
    """Base URL of a dashboard serving the session's demo database (read-only: do not write to it)."""
    proc, url = start_server(demo_url)
    yield url
    stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser page (1400×1000); a screenshot is saved under test-output/ after the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    yield pg
    OUTPUT.mkdir(exist_ok=True)
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in request.node.name)
    try:
        pg.screenshot(path=str(OUTPUT / f"{name}.png"))
    finally:
        context.close()


def wait_for_app(pg, timeout_ms: int = 60_000) -> None:
    """Wait until the page has a title and Streamlit has finished running the script."""
    pg.wait_for_selector("h1", timeout=timeout_ms)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')"
        " && !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')",
        timeout=timeout_ms,
    )
    pg.wait_for_timeout(500)


# --- pages through AppTest ------------------------------------------------------------------------

APP = str(ROOT / "app.py")


@pytest.fixture
def demo_app(demo_url, monkeypatch):
    """`demo_app(page=None, **query_params)`: app.py run through AppTest on the shared demo (then `page`)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", demo_url)

    def make(page: str | None = None, **params):
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        if page:  # opened at its own address, as a shared link is (the pages' url paths are their file names)
            at.switch_page(page)
        return at.run()

    return make


# --- imports: a database holding a people roster ---------------------------------------------------

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


@pytest.fixture
def roster_engine(engine):
    """A migrated database holding the template people roster (Maria Keller, manager; reps Ann Lee,
    Bob Stone and José Núñez; Ann's and Maria's CRM user ids), imported as a user would."""
    from breakthrough.importing import upload
    from breakthrough.importing.write import commit

    raw = (EXPORTS / "template_people.csv").read_bytes()
    commit.commit(engine, raw, upload.inspect(engine, raw).plan, "template_people.csv")
    return engine


@pytest.fixture
def people(roster_engine):
    """`roster_engine` by the name the import-format tests give it (the reps their exports name)."""
    return roster_engine


# --- thin real data: small exports imported through the real write path ---------------------------
#
# tests/fixtures/thin/ holds a small company's exports (a roster, a quota sheet, a Salesforce
# opportunity report and activity report with their footers, a coaching log kept in a form). Each
# configuration below imports some of those files and leaves some rows out, the way a new user's
# first week of data is thin in one way or another. The data ends on 20 Nov 2026, so the view is
# Q4 FY2026 as of that day whatever the clock says.

THIN = ROOT / "tests" / "fixtures" / "thin"
THIN_FILES = (
    "people.csv",
    "quotas.csv",
    "salesforce_opportunities.csv",
    "salesforce_activities.csv",
    "coaching_sessions.csv",
)
OPEN_STAGES = ("Negotiation/Review", "Prospecting", "Proposal/Price Quote")


def _without(*words: str, only: str | None = None):
    """Leave out the lines naming any of `words` (of the file `only`, or of every file)."""
    return lambda name, line: (only is None or name == only) and any(w in line for w in words)


# name → (files imported, in order; leave a line of a file out when `drop(file, line)` holds)
THIN_CONFIGS = {
    "no commitments": (THIN_FILES, None),  # coaching imported from a log: commitments only come from the app
    "no coaching": (tuple(f for f in THIN_FILES if f != "coaching_sessions.csv"), None),
    "no quotas": (tuple(f for f in THIN_FILES if f != "quotas.csv"), None),
    "quotas for some reps": (THIN_FILES, _without("bob.stone@", "cara.diaz@", only="quotas.csv")),
    "one rep": (THIN_FILES, _without("Bob Stone", "Cara Diaz", "bob.stone@", "cara.diaz@")),
    "no activities": (tuple(f for f in THIN_FILES if f != "salesforce_activities.csv"), None),
    "no open deals": (THIN_FILES, _without(*OPEN_STAGES, only="salesforce_opportunities.csv")),
    "rep with deals but no activities": (THIN_FILES, _without("Cara Diaz", only="salesforce_activities.csv")),
    "roster only": (("people.csv",), None),
    "deals in other currencies": (("people.csv", "template_opportunities_currencies.csv"), None),
}


def import_thin(engine, files, drop=None) -> None:
    """Import `files` of tests/fixtures/thin/ (without the lines `drop` holds for) as the Data page does."""
    from breakthrough.importing import upload
    from breakthrough.importing.write import commit

    for name in files:
        lines = (THIN / name).read_text(encoding="utf-8").splitlines(keepends=True)
        data = "".join(line for i, line in enumerate(lines) if i == 0 or drop is None or not drop(name, line)).encode()
        found = upload.inspect(engine, data)
        assert not found.questions, f"{name}: {[q.header for q in found.questions]}"
        outcome = commit.commit(engine, data, found.plan, name)
        assert outcome.rows_read > 0 and outcome.accepted == outcome.rows_read, (
            name,
            outcome.rows_read,
            outcome.accepted,
            [(r.line, r.column, r.reason) for r in outcome.rejects],
        )


@pytest.fixture(scope="session")
def thin_databases(tmp_path_factory, database_templates):  # a database fixture: its tests are `db`
    """`thin_databases(name)`: the URL of a database holding THIN_CONFIGS[name] (built once, shared read-only)."""
    built: dict[str, str] = {}

    def get(name: str) -> str:
        if name not in built:
            url = new_database_url(tmp_path_factory.mktemp("thin"))
            eng = make_engine(url)
            migrate(eng)
            import_thin(eng, *THIN_CONFIGS[name])
            eng.dispose()
            built[name] = url
        return built[name]

    yield get
    for url in built.values():
        drop_database(url)


@pytest.fixture
def thin_app(thin_databases, monkeypatch):
    """`thin_app(config, page=None, **query_params)`: app.py through AppTest on a thin database (then `page`)."""
    from streamlit.testing.v1 import AppTest

    def make(config: str, page: str | None = None, **params):
        monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", thin_databases(config))
        at = AppTest.from_file(APP, default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        if page:  # opened at its own address, as a shared link is (the pages' url paths are their file names)
            at.switch_page(page)
        return at.run()

    return make


# --- shared by the import and rollup tests ------------------------------------------------------------

PEOPLE = (("Ann Lee", "ann@example.com"), ("Bob Stone", "bob@example.com"))  # in every `fresh` database
IMPORTED_AT = dt.datetime(2026, 11, 27, 9, 0)  # when `paths` imports (test_import's NOW)


@pytest.fixture
def reps(engine):
    """Ann Lee and Bob Ray in `engine`: their ids by letter (None → None, an activity with no owner)."""
    from sqlalchemy import insert

    from breakthrough.store.models import Person

    def add(name: str) -> int:
        with engine.begin() as conn:
            return conn.execute(
                insert(Person).values(name=name, name_key=name.lower(), email=None).returning(Person.id)
            ).scalar_one()

    return {"A": add("Ann Lee"), "B": add("Bob Ray"), None: None}


@pytest.fixture
def small_blocks(monkeypatch):
    """Arrow blocks of ~16 kB grouped into batches of ~1,200 rows: a few thousand rows make several batches."""
    from breakthrough.importing.read import columnar

    monkeypatch.setattr(columnar, "BLOCK_BYTES", 1 << 14)
    monkeypatch.setattr(columnar, "BATCH_ROWS", 1200)


@pytest.fixture
def fresh(tmp_path, database_templates):
    """Makes migrated empty databases (with Ann and Bob) on demand; drops them afterwards."""
    from sqlalchemy import insert

    from breakthrough.importing.map.people import name_key
    from breakthrough.store.models import Person

    urls = []

    def make(name: str):
        folder = tmp_path / name
        folder.mkdir()
        urls.append(new_database_url(folder, database_templates()))
        engine = make_engine(urls[-1])
        with engine.begin() as conn:
            for person, email in PEOPLE:
                conn.execute(insert(Person).values(name=person, name_key=name_key(person), email=email, role="rep"))
        return engine

    yield make
    for url in urls:
        drop_database(url)


class Paths:
    """Import bytes on one path or the other (and say whether the fast path ran)."""

    def __init__(self, monkeypatch) -> None:
        from breakthrough.importing.read import columnar
        from breakthrough.importing.write import bulk

        self.monkeypatch, self.chunks = monkeypatch, 0
        original = bulk.Bulk.chunk

        def counted(this, batch):
            self.chunks += 1
            return original(this, batch)

        monkeypatch.setattr(bulk.Bulk, "chunk", counted)
        self.suitable = columnar.suitable

    def use(self, fast: bool) -> None:
        from breakthrough.importing.read import columnar

        self.monkeypatch.setattr(columnar, "MIN_BYTES", 0)
        self.monkeypatch.setattr(columnar, "suitable", self.suitable if fast else (lambda source: False))

    def load(self, engine, raw: bytes, fast: bool, orders: dict | None = None):
        """(what upload.inspect found, commit's Outcome) for `raw` imported on the fast path or the other."""
        from breakthrough.importing import upload
        from breakthrough.importing.write import commit

        self.use(fast)
        found = upload.inspect(engine, raw)
        found.plan.date_orders.update(orders or {})
        out = commit.commit(engine, raw, found.plan, "upload.csv", now=IMPORTED_AT)
        return found, out


@pytest.fixture
def paths(monkeypatch):
    return Paths(monkeypatch)


# --- e-mail: a real SMTP server on a free loopback port ----------------------------------------------


@pytest.fixture
def smtp_server(monkeypatch):
    """An aiosmtpd server on 127.0.0.1 (no TLS), with the digest's SMTP variables pointing at it.

    `smtp_server.messages` holds what arrived (`email.message.EmailMessage`, with its envelope recipients in
    `rcpt`); an address in `smtp_server.refuse` is refused at RCPT TO (550), as a real server refuses a
    mailbox that does not exist."""
    from email import message_from_bytes, policy
    from types import SimpleNamespace

    from aiosmtpd.controller import Controller

    state = SimpleNamespace(messages=[], refuse=set())

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.lower() in state.refuse:
                return "550 5.1.1 no such mailbox here"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            msg = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
            msg.rcpt = list(envelope.rcpt_tos)  # type: ignore[attr-defined]
            state.messages.append(msg)
            return "250 Message accepted"

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    for key, value in {
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "SECURITY": "none",
        "FROM": "Breakthrough <digest@example.com>",
    }.items():
        monkeypatch.setenv(f"BREAKTHROUGH_SMTP_{key}", value)
    monkeypatch.delenv("BREAKTHROUGH_SMTP_USER", raising=False)
    monkeypatch.delenv("BREAKTHROUGH_SMTP_PASSWORD", raising=False)
    state.port = port
    yield state
    controller.stop()
