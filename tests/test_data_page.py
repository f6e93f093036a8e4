"""The Data page through AppTest: upload, preview counts, import, batches, undo, cancel, data health."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from breakthrough import settings as settings_store
from breakthrough.importing import data_health, upload
from breakthrough.importing.write import commit
from breakthrough.store.db import make_engine, migrate
from breakthrough.store.models import Activity, ImportBatch, Opportunity, Person

APP = str(Path(__file__).resolve().parent.parent / "app.py")
EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def data(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


@pytest.fixture
def people_db(db_url, monkeypatch):
    """A database holding the template people (not the demo), served to the app."""
    eng = make_engine(db_url)
    migrate(eng)
    raw = data("template_people.csv")
    commit.commit(eng, raw, upload.inspect(eng, raw).plan, "template_people.csv")
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", db_url)
    yield eng
    eng.dispose()


def data_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/data.py").run()
    assert_ok(at)
    return at


def assert_ok(at: AppTest) -> None:
    assert not at.exception
    assert not [e.value for e in at.error]


def uploaded(at: AppTest, *names: str, raw: bytes | None = None) -> AppTest:
    files = [(n, raw if raw is not None else data(n), "text/csv") for n in names]
    at.file_uploader[0].set_value(files).run()
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar()


def test_the_preview_shows_what_the_import_would_do_and_writes_nothing(people_db):
    at = uploaded(data_page(), "salesforce_opportunities.csv")
    assert_ok(at)
    assert (
        at.selectbox(key=next(s.key for s in at.selectbox if s.key.startswith("profile:"))).value
        == "salesforce_opportunities"
    )
    shown = metrics(at)
    # 6 deals in the report (5 footer lines left out); owners Ann, Bob and José are already people
    assert {
        k: shown[k]
        for k in (
            "Rows read",
            "Accepted",
            "Rejected",
            "Duplicates",
            "New people",
            "New records",
            "Updated",
            "Unchanged",
            "Skipped",
            "New accounts",
        )
    } == {
        "Rows read": "6",
        "Accepted": "6",
        "Rejected": "0",
        "Duplicates": "0",
        "New people": "0",
        "New records": "6",
        "Updated": "0",
        "Unchanged": "0",
        "Skipped": "0",
        "New accounts": "5",
    }
    assert any("5 report footer lines left out" in c.value for c in at.caption)
    assert count(people_db, Opportunity) == 0


def test_import_writes_the_file_then_the_batch_is_listed_and_undo_removes_it(people_db):
    at = uploaded(data_page(), "salesforce_opportunities.csv")
    button(at, "Import").click().run()
    assert_ok(at)
    assert any("Imported as batch #2: 6 new, 0 updated, 0 unchanged, 0 rejected" in s.value for s in at.success)
    assert count(people_db, Opportunity) == 6
    batches = next(d.value for d in at.dataframe if "File" in d.value.columns)
    assert list(batches["File"]) == ["salesforce_opportunities.csv", "template_people.csv"]
    assert list(batches["Status"]) == ["imported", "imported"]
    assert next(s for s in at.selectbox if s.label == "Batch to undo").value == 2  # the newest
    at.button(key="undo_button").click().run()
    assert_ok(at)
    assert any("salesforce\\_opportunities" in s.value and "was undone" in s.value for s in at.success)  # escaped
    assert count(people_db, Opportunity) == 0
    batches = next(d.value for d in at.dataframe if "File" in d.value.columns)
    assert list(batches["Status"]) == ["undone", "imported"]


def test_cancel_writes_nothing(people_db):
    at = uploaded(data_page(), "hubspot_calls.csv")
    button(at, "Cancel").click().run()
    assert_ok(at)
    assert any("Cancelled: nothing from this file was written." in i.value for i in at.info)
    assert count(people_db, Activity) == 0 and count(people_db, ImportBatch) == 1


def test_an_ambiguous_date_column_is_asked_before_the_import_is_allowed(people_db):
    at = uploaded(data_page(), "template_activities_bom_tab.csv")
    question = next(r for r in at.radio if r.key.startswith("date:"))
    assert "reads either way" in question.label and question.value is None
    assert any("dates are never guessed" in w.value for w in at.warning)
    assert button(at, "Import").disabled
    question.set_value("dmy").run()
    assert_ok(at)
    assert metrics(at)["Accepted"] == "4" and not button(at, "Import").disabled
    button(at, "Import").click().run()
    with people_db.connect() as conn:
        days = sorted(conn.execute(select(Activity.day)).scalars())
    assert days == [dt.date(2026, 11, 2), dt.date(2026, 11, 3), dt.date(2026, 11, 4), dt.date(2026, 11, 5)]


def test_rejected_rows_are_listed_and_downloadable(people_db):
    from tests.test_import import BROKEN

    at = uploaded(data_page(), "broken.csv", raw=BROKEN.encode())
    shown = metrics(at)
    # 10 rows; rejected: bad date, negative, garbled, backwards, Ghost Person (an unknown owner, held),
    # duplicate, empty name, unknown CRM id = 8: 10 − 8 = 2 accepted
    assert (shown["Rows read"], shown["Accepted"], shown["Rejected"], shown["Duplicates"]) == ("10", "2", "8", "1")
    assert shown["Unknown owner"] == "1"
    rejects = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert list(rejects["Line"]) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert rejects.loc[rejects["Line"] == 4, "Reason"].item() == "“-100” is negative: an amount cannot be below zero"
    download = next(d for d in at.get("download_button") if d.proto.label.startswith("Download the rejected rows"))
    assert download is not None
    button(at, "Add Ghost Person as a person").click().run()
    assert_ok(at)
    assert (metrics(at)["Rejected"], metrics(at)["New people"]) == ("7", "1")  # Ghost Person's row accepted now


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"PK\x03\x04\x14\x00", "Excel workbook"),
        (b"", "empty"),
    ],
)
def test_an_unreadable_file_is_explained_not_a_traceback(people_db, raw, message):
    at = uploaded(data_page(), "bad.csv", raw=raw)
    assert not at.exception
    assert any(message in e.value for e in at.error)


def test_a_file_without_an_owner_column_is_refused_naming_it(people_db):
    raw = data("hubspot_deals.csv").replace(b"Deal owner", b"Sales person")
    at = uploaded(data_page(), "deals.csv", raw=raw)
    assert not at.exception
    assert any("no column for **Owner**" in e.value and "Nothing is guessed" in e.value for e in at.error)
    assert not [b for b in at.button if b.label == "Import"]


def test_choosing_the_owner_column_in_the_mapping_makes_it_importable(people_db):
    raw = data("hubspot_deals.csv").replace(b"Deal owner", b"Sales person")
    at = uploaded(data_page(), "deals.csv", raw=raw)
    owner = next(s for s in at.selectbox if s.key.endswith(":owner") and s.key.startswith("map:"))
    owner.set_value("Sales person").run()
    assert_ok(at)
    assert metrics(at)["Accepted"] == "5"


def test_several_files_are_previewed_each_on_their_own(people_db):
    at = uploaded(data_page(), "hubspot_calls.csv", "hubspot_meetings.csv")
    assert_ok(at)
    accepted = [m.value for m in at.metric if m.label == "Accepted"]
    assert accepted == ["4", "3"]


def test_the_data_health_panel_shows_the_domains_counts(people_db):
    raw = data("salesforce_opportunities.csv")
    commit.commit(people_db, raw, upload.inspect(people_db, raw).plan, "sf.csv")
    at = data_page()
    table = next(d.value for d in at.dataframe if "Check" in d.value.columns).set_index("Check")
    expected = data_health.checks(people_db, settings_store.load(people_db), dt.date(2026, 11, 27))
    for check in expected:
        assert table.loc[check.label, "Records"] == check.count
    assert table.loc["Opportunities without an amount", "Records"] == 1  # Delta Inc's add-on has no amount


def test_removing_the_demo_data_leaves_an_empty_database(demo_copy, monkeypatch):
    url = demo_copy(seed=3, today=dt.date(2026, 11, 27))
    eng = make_engine(url)
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", url)
    at = data_page()
    assert at.button(key="demo_remove").disabled
    at.checkbox(key="demo_sure").check().run()
    at.button(key="demo_remove").click().run()
    assert not at.exception
    assert count(eng, Person) == 0 and count(eng, Activity) == 0
    assert not any("demo data" in i.value for i in at.info)
    eng.dispose()


def test_a_stage_mapped_to_won_on_the_page_is_imported_won_and_kept_for_the_next_file(people_db):
    from breakthrough.store.models import StageMap

    at = uploaded(data_page(), "hubspot_deals.csv")
    stage = next(s for s in at.selectbox if s.key.endswith(":Contract sent") and s.key.startswith("stage:"))
    assert stage.value == "open"
    stage.set_value("won").run()
    button(at, "Import").click().run()
    assert_ok(at)
    with people_db.connect() as conn:
        status = conn.execute(select(Opportunity.status).where(Opportunity.external_id == "9003")).scalar()
        kept = conn.execute(select(StageMap.source, StageMap.stage, StageMap.status)).all()
    assert status == "won"
    assert [tuple(k) for k in kept] == [("hubspot", "Contract sent", "won")]  # only the stage that was changed


def test_a_corrected_mapping_saved_as_a_profile_is_offered_for_the_same_headers(people_db):
    raw = data("hubspot_deals.csv").replace(b"Deal owner", b"Sales person")
    at = uploaded(data_page(), "deals.csv", raw=raw)
    next(s for s in at.selectbox if s.key.startswith("map:") and s.key.endswith(":owner")).set_value(
        "Sales person"
    ).run()
    next(t for t in at.text_input if t.key.startswith("profile_name:")).input("HubSpot with sales person").run()
    button(at, "Save profile").click().run()
    assert_ok(at)
    again = uploaded(data_page(), "deals_next_week.csv", raw=raw)
    profile = next(s for s in again.selectbox if s.key.startswith("profile:"))
    assert profile.value == "saved:HubSpot with sales person"
    assert metrics(again)["Accepted"] == "5"


def test_many_unknown_owners_are_listed_and_the_chosen_ones_added(people_db):
    owners = [f"Rep {i:02d}" for i in range(15)]
    raw = (
        "Record ID,Activity date,Activity assigned to,Call outcome\n"
        + "".join(f"{7100 + i},2026-11-02 09:00,{o},Connected\n" for i, o in enumerate(owners))
    ).encode()
    at = uploaded(data_page(), "calls.csv", raw=raw)
    assert not [b for b in at.button if b.key.startswith("add:")]  # no 15 separate buttons
    assert (metrics(at)["Unknown owner"], metrics(at)["New people"], metrics(at)["Accepted"]) == ("15", "0", "0")
    next(m for m in at.multiselect if m.key.startswith("add_pick:")).set_value(["Rep 03", "Rep 07"]).run()
    at.button(key=next(b.key for b in at.button if b.key.startswith("add_chosen:"))).click().run()
    assert_ok(at)
    assert (metrics(at)["New people"], metrics(at)["Accepted"], metrics(at)["Unknown owner"]) == ("2", "2", "13")


def test_text_from_the_file_is_shown_as_text_never_as_markup(people_db):
    raw = (
        b"Record ID,Activity date,Activity assigned to,Call outcome\n"
        b"7001,2026-11-02 09:00,<b>**Eve**</b> [x](javascript:alert(1)),Connected\n"
    )
    at = uploaded(data_page(), "<img src=x onerror=alert(1)>.csv", raw=raw)
    assert_ok(at)
    assert any(h.value == ":material/description: \\<img src=x onerror=alert\\(1\\)\\>\\.csv" for h in at.subheader)
    owner = next(b for b in at.button if b.key.startswith("add:"))
    assert "\\*\\*Eve\\*\\*" in owner.label and "\\[x\\]" in owner.label  # escaped, shown literally
