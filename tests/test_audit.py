"""The audit log (docs/access.md#the-audit-log): every write leaves exactly one entry, in its own transaction.

Each write path runs on a real database (SQLite, or PostgreSQL with BREAKTHROUGH_TEST_DATABASE) holding the
demo; the table below says what entry it must leave. A write that fails leaves no entry and the database as
it was. The Data page shows the log (AppTest); `python -m breakthrough audit` prints it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from breakthrough import cli
from breakthrough import settings as settings_store
from breakthrough.access.scope import OPEN, Scope
from breakthrough.coaching import sessions
from breakthrough.coaching.sessions import CommitmentInput, SessionInput
from breakthrough.importing import upload
from breakthrough.importing.write import batches, commit, undo
from breakthrough.store import audit, db
from breakthrough.store.models import AuditEntry, Base, Commitment, Person

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ROOT / "tests" / "fixtures" / "exports"
APP = str(ROOT / "app.py")
DAY = dt.date(2026, 11, 20)
SALES_OPS = Scope(role="sales_ops", person_id=7, email="ops@example.com")  # imports, undo, settings, the demo
LEADER = Scope(role="leader", person_id=8, email="lead@example.com")  # the coaching log


@pytest.fixture
def demo_db(demo_copy):
    """A writable copy of the demo, and its engine."""
    url = demo_copy()
    engine = db.make_engine(url)
    yield url, engine
    engine.dispose()


def log_rows(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(AuditEntry).order_by(AuditEntry.id)).all()


def first_session(engine) -> tuple[int, int, int]:
    """(manager id, rep id, a session id) of the demo's first stored session with a commitment."""
    from breakthrough.store.models import CoachingSession as S

    with engine.connect() as conn:
        row = conn.execute(
            select(S.manager_id, S.rep_id, S.id).join(Commitment, Commitment.session_id == S.id).order_by(S.id)
        ).first()
    return int(row.manager_id), int(row.rep_id), int(row.id)


def names(engine, *ids: int) -> list[str]:
    with engine.connect() as conn:
        found = dict(conn.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())
    return [found[i] for i in ids]


def a_session(engine) -> SessionInput:
    manager, rep, _ = first_session(engine)
    return SessionInput(
        manager_id=manager,
        rep_id=rep,
        date=DAY,
        type="one_on_one",
        duration_min=45,
        notes="Private: worried about the divorce",  # never in the log
        commitments=(CommitmentInput("Secret plan for Acme", DAY + dt.timedelta(days=7)),),
    )


def do_import(engine, actor):
    raw = (EXPORTS / "hubspot_deals.csv").read_bytes()
    return commit.commit(engine, raw, upload.inspect(engine, raw).plan, "hubspot_deals.csv", scope=actor)


def do_undo(engine, actor):
    out = do_import(engine, OPEN)
    with engine.begin() as conn:  # the import's own entry, so only the undo's is counted
        conn.execute(AuditEntry.__table__.delete())
    return undo.undo(engine, out.batch_id, scope=actor)


def do_settings(engine, actor):
    cfg = settings_store.load(engine)
    new = settings_store.Settings(**{**cfg.__dict__, "on_track_threshold": 0.85, "fixed_coverage": 4.0})
    settings_store.save(engine, new, scope=actor)


def do_log(engine, actor):
    return sessions.log(engine, a_session(engine), DAY, scope=actor)


def do_edit(engine, actor):
    manager, rep, session_id = first_session(engine)
    old = sessions.session_input(engine, session_id)
    dated = tuple(dataclasses.replace(c, due_date=c.due_date or DAY) for c in old.commitments)  # the form asks
    sessions.edit(engine, session_id, dataclasses.replace(old, duration_min=50, commitments=dated), DAY, scope=actor)


def do_delete(engine, actor):
    sessions.delete_session(engine, first_session(engine)[2], scope=actor)


def do_commitment(engine, actor):
    with engine.connect() as conn:
        cid = conn.execute(select(func.min(Commitment.id)).where(Commitment.status == "open")).scalar_one()
    sessions.set_commitment_status(engine, cid, "done", DAY, scope=actor)


def do_remove_demo(engine, actor):
    batches.remove_demo(engine, scope=actor)


# write → (action, object starts with, words the summary holds; ids: the demo's first session with a commitment)
WRITES = {
    "import": (do_import, "import", "hubspot_deals.csv (batch #", ["deals", "rows read", "accepted"]),
    "undo": (do_undo, "undo", "hubspot_deals.csv (batch #", ["undone"]),
    "settings": (do_settings, "settings", "settings", ["fixed_coverage", "on_track_threshold"]),
    "session add": (do_log, "session add", "coaching session #", ["One-on-one on 2026-11-20", "45 min", "MANAGER",
                                                                  "REP", "1 commitment"]),
    "session edit": (do_edit, "session edit", "coaching session #SESSION", ["50 min", "MANAGER", "REP"]),
    "session delete": (do_delete, "session delete", "coaching session #SESSION", ["MANAGER", "REP", "commitment"]),
    "commitment change": (do_commitment, "commitment change", "commitment #", ["open → done", "2026-11-20"]),
    "demo remove": (do_remove_demo, "demo remove", "demo data", ["every demo record deleted", "people"]),
}  # fmt: skip


COACHING_WRITES = {"session add", "session edit", "session delete", "commitment change"}  # a leader's


@pytest.mark.parametrize("signed_in", [False, True], ids=["open mode", "signed in"])
@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_leaves_exactly_one_entry(demo_db, write, signed_in):
    _, engine = demo_db
    run, action, obj, words = WRITES[write]
    actor = (LEADER if write in COACHING_WRITES else SALES_OPS) if signed_in else OPEN
    manager, rep, session_id = first_session(engine)
    manager_name, rep_name = names(engine, manager, rep)
    before = audit.now_utc()
    run(engine, actor)
    after = audit.now_utc()
    (entry,) = log_rows(engine)
    assert entry.action == action
    assert entry.object.startswith(obj.replace("SESSION", str(session_id)))
    for word in words:
        assert word.replace("MANAGER", manager_name).replace("REP", rep_name) in entry.summary
    assert before <= entry.at <= after  # UTC, to the second
    assert (entry.person_id, entry.email) == (actor.person_id, actor.email)
    assert audit.who(entry.person_id, entry.email, entry.via) == (actor.email if signed_in else audit.OPEN_MODE)
    assert "divorce" not in entry.summary and "Secret plan" not in entry.summary  # no note, no commitment text


def test_settings_entries_hold_the_changed_values_before_and_after(demo_db):
    _, engine = demo_db
    old = settings_store.load(engine)
    do_settings(engine, OPEN)
    (entry,) = log_rows(engine)
    assert entry.before == {"fixed_coverage": old.fixed_coverage, "on_track_threshold": old.on_track_threshold}
    assert entry.after == {"fixed_coverage": 4.0, "on_track_threshold": 0.85}
    assert entry.summary == "fixed_coverage, on_track_threshold"


def everything(engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {
            t.name: sorted((tuple(r) for r in conn.execute(select(t))), key=repr) for t in Base.metadata.sorted_tables
        }


def _fail(*args, **kwargs):
    raise RuntimeError("the disk is full")


@pytest.mark.parametrize("write", ["import", "settings", "session add", "session delete", "demo remove"])
def test_a_write_that_fails_leaves_no_entry_and_the_database_as_it_was(demo_db, monkeypatch, write):
    """The entry is written before the data version is bumped, the last step of each write: failing there
    proves the entry goes (or stays) with the write's own transaction."""
    _, engine = demo_db
    run = WRITES[write][0]
    kept = everything(engine)
    for module in (commit, settings_store, sessions, batches):
        if hasattr(module, "bump_data_version"):
            monkeypatch.setattr(module, "bump_data_version", _fail)
    monkeypatch.setattr(db, "bump_data_version", _fail)  # settings imports it when it saves
    with pytest.raises(RuntimeError, match="disk is full"):
        run(engine, LEADER if write in COACHING_WRITES else SALES_OPS)
    assert everything(engine) == kept
    assert log_rows(engine) == []


def test_a_rejected_session_leaves_no_entry(demo_db):
    _, engine = demo_db
    bad = SessionInput(**{**a_session(engine).__dict__, "duration_min": 0})
    with pytest.raises(sessions.SessionError):
        sessions.log(engine, bad, DAY, scope=LEADER)
    assert log_rows(engine) == []


def test_the_log_survives_removing_the_demo_and_reads_newest_first(demo_db):
    _, engine = demo_db
    do_settings(engine, SALES_OPS)
    do_remove_demo(engine, OPEN)
    log = audit.entries(engine)
    assert list(log["action"]) == ["demo remove", "settings"]
    assert list(audit.entries(engine, action="settings")["action"]) == ["settings"]
    assert audit.entries(engine, since=audit.now_utc() + dt.timedelta(days=1)).empty


def test_an_unknown_action_is_refused(engine):
    with engine.begin() as conn, pytest.raises(ValueError, match="unknown audit action"):
        audit.record(conn, None, "drop everything", "x", "y")


@pytest.mark.parametrize("role, reads", [(None, True), ("leader", True), ("sales_ops", True), ("manager", False),
                                         ("rep", False)])  # fmt: skip
def test_who_reads_the_log(role, reads):
    assert audit.may_read(role) is reads


# --- the command line ---------------------------------------------------------------------------


def test_the_cli_prints_the_log_as_json_lines_and_as_a_table(demo_db, capsys):
    url, engine = demo_db
    do_settings(engine, SALES_OPS)
    raw = EXPORTS / "hubspot_deals.csv"
    assert cli.main(["import", str(raw), "--add-unknown-owners", "--database-url", url]) == 0
    capsys.readouterr()
    assert cli.main(["audit", "--json", "--database-url", url]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["action"] for e in lines] == ["import", "settings"]  # newest first
    assert lines[0]["who"] == "command line (no sign-in)" and lines[0]["via"] == "command line"
    assert (lines[1]["email"], lines[1]["person_id"], lines[1]["who"]) == ("ops@example.com", 7, "ops@example.com")
    assert lines[1]["after"] == {"fixed_coverage": 4.0, "on_track_threshold": 0.85}
    assert lines[0]["at"].endswith("Z")
    assert cli.main(["audit", "--action", "settings", "--database-url", url]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split("\t") == audit.COLUMNS and len(table) == 2
    assert cli.main(["audit", "--since", "2999-01-01", "--json", "--database-url", url]) == 0
    assert capsys.readouterr().out == ""
    assert cli.main(["audit", "--since", "yesterday", "--database-url", url]) == 2  # bad usage, one line


# --- the Data page ------------------------------------------------------------------------------


def data_page(url, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


def audit_table(at: AppTest):
    return next((df.value for df in at.dataframe if "Summary" in df.value.columns), None)


def test_the_data_page_shows_the_log_newest_first_and_filters_it(demo_db, monkeypatch):
    url, engine = demo_db
    do_settings(engine, OPEN)
    do_log(engine, LEADER)
    at = data_page(url, monkeypatch)
    shown = audit_table(at)
    assert list(shown["Action"]) == ["Coaching session logged", "Settings saved"]
    assert list(shown["Who"]) == ["lead@example.com", "open mode (no sign-in)"]
    assert json.loads(shown["After"].iloc[1]) == {"fixed_coverage": 4.0, "on_track_threshold": 0.85}
    assert {b.key for b in at.download_button} >= {"audit_log_csv", "audit_log_xlsx"}
    at.selectbox(key="audit").set_value("settings").run()
    assert list(audit_table(at)["Action"]) == ["Settings saved"]


def test_the_data_page_hides_the_log_in_privacy_mode(demo_db, monkeypatch):
    url, engine = demo_db
    do_log(engine, OPEN)
    at = data_page(url, monkeypatch, anon="1")
    assert audit_table(at) is None
    assert any("not shown in privacy mode" in i.value for i in at.info)


def test_the_log_download_neutralises_formulas(demo_db):
    from breakthrough.sharing import exports

    _, engine = demo_db
    with engine.begin() as conn:
        audit.record(conn, Scope(role="sales_ops", email="=cmd|' /C calc'!A0"), "import", '=HYPERLINK("x")', "+1")
    table = audit.for_people(audit.entries(engine))
    text = exports.csv_bytes(table).decode("utf-8-sig")
    assert "'=cmd" in text and "'=HYPERLINK" in text and ",'+1," in text
