"""On PostgreSQL a test's migrated database is emptied and given to the next test rather than dropped
(tests/conftest.py, `_emptied`): it must then be as the template's copy was, or not be reused at all."""

from __future__ import annotations

import conftest
import pytest
from sqlalchemy import func, insert, select, text

from breakthrough.store.models import Base, Team


def _rows(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in Base.metadata.sorted_tables
        }


def _teams(engine, *names: str) -> list[int]:
    with engine.begin() as conn:
        return [conn.execute(insert(Team).values(name=n).returning(Team.id)).scalar_one() for n in names]


def test_an_emptied_copy_has_no_rows_and_its_ids_start_again(postgres_only, engine, db_url):
    first, second = _teams(engine, "North", "South")
    with engine.begin() as conn:
        conn.execute(insert(Team).values(name="North East", parent_id=first))
    engine.dispose()
    assert conftest._emptied(db_url)
    assert set(_rows(engine).values()) == {0}
    assert _teams(engine, "West") == [1]  # as in a new copy of the template
    assert (first, second) == (1, 2)


@pytest.mark.parametrize(
    "change",
    [
        "ALTER TABLE team ADD COLUMN colour text",
        "CREATE INDEX team_name_lower ON team (lower(name))",
        "UPDATE alembic_version SET version_num = 'elsewhere'",
        "CREATE TABLE scratch (x int)",
    ],
)
def test_a_copy_whose_schema_or_migration_changed_is_not_reused(postgres_only, engine, db_url, change):
    with engine.begin() as conn:
        conn.execute(text(change))
    engine.dispose()
    assert not conftest._emptied(db_url)


def test_a_copy_someone_is_still_connected_to_is_not_reused(postgres_only, engine, db_url):
    _teams(engine, "North")
    with engine.connect():
        assert not conftest._emptied(db_url)
    assert _rows(engine)["team"] == 1  # left as it was, to be dropped
