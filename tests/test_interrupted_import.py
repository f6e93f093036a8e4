"""An import stopped while it is being written (issue #19, item 9): its browser tab closed, the page left or rerun
(Streamlit raises its StopException or RerunException in the script at the next progress update), or Ctrl+C on
the command line. Nothing of it is written, and the import history says so — on the Data page at the next visit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.testing.v1 import AppTest

from breakthrough.importing import upload
from breakthrough.importing.write import batches, commit, undo
from breakthrough.store import audit
from breakthrough.store.db import make_engine, migrate
from breakthrough.store.models import Base, ImportBatch

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
APP = str(Path(__file__).resolve().parent.parent / "app.py")
ACTIVITIES = "hubspot_calls.csv"  # chunks of 3 rows: the first written before the first progress update


def data(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


def dump(engine, skip=()) -> dict[str, list]:
    with engine.connect() as conn:
        return {
            t.name: sorted((tuple(r) for r in conn.execute(select(t))), key=repr)
            for t in Base.metadata.sorted_tables
            if t.name not in skip
        }


def stopped_by(error: BaseException):
    """A progress callback that raises `error` at its first call: after the first chunk was written."""
    calls = []

    def progress(fraction: float, text: str) -> None:
        calls.append(fraction)
        raise error

    return progress, calls


def with_people(engine) -> None:
    migrate(engine)
    raw = data("template_people.csv")
    commit.commit(engine, raw, upload.inspect(engine, raw).plan, "template_people.csv")


STOPS = [
    # what stops the import, whether the history records it as interrupted, on which path
    pytest.param(StopException(), True, False, id="tab closed (Streamlit's StopException)"),
    pytest.param(StopException(), True, True, id="tab closed, column-wise path"),
    pytest.param(RerunException(RerunData()), True, False, id="page rerun (Streamlit's RerunException)"),
    pytest.param(KeyboardInterrupt(), True, False, id="Ctrl+C"),
    pytest.param(BaseException("stopped"), True, True, id="any BaseException, column-wise path"),
    pytest.param(RuntimeError("disk full"), False, False, id="an error (the page says so at once)"),
    pytest.param(RuntimeError("disk full"), False, True, id="an error, column-wise path"),
]


@pytest.mark.parametrize(("error", "recorded", "fast"), STOPS)
def test_an_import_stopped_while_writing_writes_nothing_and_the_history_says_so(engine, paths, error, recorded, fast):
    with_people(engine)
    before = dump(engine)
    paths.use(fast)
    raw = data(ACTIVITIES)
    plan = upload.inspect(engine, raw).plan
    progress, calls = stopped_by(error)
    with pytest.raises(type(error)):
        commit.commit(engine, raw, plan, "calls.csv", progress=progress, chunk_rows=3)
    assert len(calls) == 1  # stopped part-way, after something had been written in the transaction
    assert (paths.chunks > 0) == fast  # the path asked for is the one that was stopped
    bookkeeping = {"import_batch", "audit_log"}
    assert dump(engine, skip=bookkeeping) == {k: v for k, v in before.items() if k not in bookkeeping}
    with engine.connect() as conn:
        rows = conn.execute(select(ImportBatch.file_name, ImportBatch.status, ImportBatch.rows_accepted)).all()
    if not recorded:
        assert dump(engine) == before  # exactly as it was
        assert batches.interrupted_last(engine) is None
        return
    assert sorted(rows) == [("calls.csv", "interrupted", 0), ("template_people.csv", "committed", 4)]
    batch_id, name, _ = batches.interrupted_last(engine)
    assert name == "calls.csv"
    assert batches.batches(engine).loc[0, ["Batch", "Status", "Accepted"]].tolist() == [batch_id, "interrupted", 0]
    assert batch_id not in dict(batches.committed(engine))
    with pytest.raises(undo.UndoError, match="interrupted"):
        undo.undo(engine, batch_id)
    log = audit.entries(engine)
    assert log.iloc[0]["action"] == "import interrupted"
    assert "nothing was written" in log.iloc[0]["summary"]


def test_the_next_import_clears_the_interrupted_notice(engine):
    with_people(engine)
    raw = data(ACTIVITIES)
    plan = upload.inspect(engine, raw).plan
    with pytest.raises(StopException):
        commit.commit(engine, raw, plan, "calls.csv", progress=stopped_by(StopException())[0], chunk_rows=3)
    assert batches.interrupted_last(engine) is not None
    out = commit.commit(engine, raw, plan, "calls.csv", chunk_rows=3)
    assert out.inserted == out.rows_read == 4  # the whole file (4 calls), as if the first try had never been
    assert batches.interrupted_last(engine) is None


def test_the_data_page_says_an_import_was_interrupted_at_the_next_visit(db_url, monkeypatch):
    engine = make_engine(db_url)
    with_people(engine)
    raw = data(ACTIVITIES)
    with pytest.raises(StopException):
        commit.commit(
            engine, raw, upload.inspect(engine, raw).plan, "calls.csv", progress=stopped_by(StopException())[0]
        )
    engine.dispose()
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", db_url)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    notice = [w.value for w in at.warning if "interrupted" in w.value]
    assert len(notice) == 1
    assert "calls\\.csv" in notice[0] and "Nothing of it was written" in notice[0] and "again" in notice[0]
    listed = next(d.value for d in at.dataframe if "File" in d.value.columns)
    assert listed["Status"].tolist()[:2] == ["interrupted, nothing written", "imported"]
