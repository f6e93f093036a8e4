"""Header spellings: common exports map without hand-mapping, and a mapping made by hand is remembered.

Headers are compared in one place (`profiles.norm`): case, accents, extra spaces, punctuation and a
trailing unit in brackets do not count. Fixtures: tests/fixtures/exports/pipedrive_deals_export.csv
(a Pipedrive deals export with `Deal - …` headers), coaching_log_google_forms.csv (a Google-Forms
coaching log with rubric columns), hubspot_tasks.csv, people_roster_de_ja_nein.csv.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from breakthrough.importing import upload
from breakthrough.importing.map import profiles as p
from breakthrough.importing.map.plan import Plan
from breakthrough.importing.read.reading import FileError, Reader
from breakthrough.importing.write import commit
from breakthrough.store.models import CoachingSession, Opportunity, Person, Setting

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
APP = str(Path(__file__).resolve().parent.parent / "app.py")


def data(name: str) -> bytes:
    return (EXPORTS / name).read_bytes()


SAME = [
    # two spellings of one header
    ("Deal - Creation date", "deal creation DATE"),
    ("Deal - Creation date", "  Deal  -  Creation   date "),
    ("Duration (minutes)", "Duration"),
    ("Duration [min]", "duration"),
    ("Focus (1-5)", "Focus"),
    ("Follow-through", "follow_through"),
    ("Follow through", "FOLLOW-THROUGH"),
    ("Follow-through score (1–5)", "follow through score"),
    ("\ufeffFull Name", "full name"),
    ("Full\u200bName", "Fullname"),  # a zero-width space is no space
    ("Probability (%)", "probability"),
    ("Company / Account", "company account"),
    ("Opportunity Owner: Full Name", "Opportunity Owner Full Name"),
    ("Créé le", "cree le"),
    ("Ｓｅｓｓｉｏｎ ｄａｔｅ", "session date"),  # full-width letters (NFKC)
    ("Deal - Stage (pipeline)", "Deal - Stage"),
]
DIFFERENT = [
    ("Deal - Currency of Value", "Deal - Currency of Weighted value"),
    ("Deal - Value", "Deal - Weighted value"),
    ("Focus", "Focus area"),
    ("Close Date", "Created Date"),
]


@pytest.mark.parametrize("one, other", SAME)
def test_spellings_of_one_header_compare_equal(one, other):
    assert p.norm(one) == p.norm(other)


@pytest.mark.parametrize("one, other", DIFFERENT)
def test_different_headers_stay_different(one, other):
    assert p.norm(one) != p.norm(other)


def headers(name: str) -> list[str]:
    return Reader(data(name)).headers


COACHING = ["Manager", "Rep", "Session date", "Session type"]
DETECTED = [
    # headers, the profile detected, {field: the header it reads (None: none)}
    (
        headers("pipedrive_deals_export.csv"),
        "pipedrive_deals",
        {
            "crm_id": "Deal - ID",
            "owner": "Deal - Owner",
            "amount": "Deal - Value",
            "currency": "Deal - Currency of Value",
            "created_date": "Deal - Creation date",
            "won_time": "Deal - Won time",
            "lost_time": "Deal - Lost time",
            "close_date": "Deal - Expected close date",
            "status": "Deal - Status",
            "stage": "Deal - Stage",
            "pipeline": "Deal - Pipeline",
        },
    ),
    (
        [
            "Deal - ID",
            "Deal - Title",
            "Deal - Owner",
            "Deal - Value",
            "Deal - Currency of Value",
            "Deal - Status",
            "Deal - Stage (pipeline)",
            "Deal - Deal created",
            "Organization - Name",
        ],
        "pipedrive_deals",
        {
            "stage": "Deal - Stage (pipeline)",
            "currency": "Deal - Currency of Value",
            "account": "Organization - Name",
            "created_date": "Deal - Deal created",
        },
    ),
    (
        headers("coaching_log_google_forms.csv"),
        "template_coaching_sessions",
        {
            "manager": "Manager",
            "rep": "Rep",
            "date": "Session date",
            "type": "Session type",
            "duration_min": "Duration (minutes)",
            "focus_text": "Focus area",
            "preparation": "Preparation (1-5)",
            "diagnosis": "Diagnosis (1-5)",
            "focus": "Focus (1-5)",
            "accountability": "Accountability (1-5)",
            "follow_through": "Follow-through (1-5)",
            "development": "Development (1-5)",
            "notes": "Notes",
        },
    ),
    # the rubric's dimensions as bare column names: "Focus" among them is the rubric's score
    (
        [*COACHING, "Preparation", "Diagnosis", "Focus", "Accountability", "Follow through", "Development"],
        "template_coaching_sessions",
        {"focus": "Focus", "focus_text": None, "follow_through": "Follow through"},
    ),
    (
        [
            *COACHING,
            "Preparation score",
            "Diagnosis score",
            "Focus score",
            "Accountability score",
            "Follow-through score",
            "Development score",
            "Focus",
        ],
        "template_coaching_sessions",
        {"focus": "Focus score", "focus_text": "Focus", "development": "Development score"},
    ),
    ([*COACHING, "Prep", "Focus"], "template_coaching_sessions", {"focus_text": "Focus", "focus": None}),
    (
        [*COACHING, "Focus", "Focus rating"],
        "template_coaching_sessions",
        {"focus_text": "Focus", "focus": "Focus rating"},
    ),
    ([*COACHING, "Focus (1-5)"], "template_coaching_sessions", {"focus": "Focus (1-5)", "focus_text": None}),
    ([*COACHING, "Duration (hours)"], "template_coaching_sessions", {"duration_min": None}),
    ([*COACHING, "Length (min)"], "template_coaching_sessions", {"duration_min": "Length (min)"}),
    (
        ["Coach", "Coachee", "Coaching date", "Type of session", "Comments"],
        "template_coaching_sessions",
        {"manager": "Coach", "rep": "Coachee", "date": "Coaching date", "type": "Type of session", "notes": "Comments"},
    ),
    (
        ["Full Name", "Email", "Role", "Team", "Manager", "Active"],
        "template_people",
        {"name": "Full Name", "email": "Email", "manager": "Manager", "active": "Active"},
    ),
    (
        ["FULL NAME", "E-mail address", "Reports to", "Sales team", "Salesforce User ID"],
        "template_people",
        {
            "name": "FULL NAME",
            "email": "E-mail address",
            "manager": "Reports to",
            "team": "Sales team",
            "crm_user_id": "Salesforce User ID",
        },
    ),
    (
        headers("people_roster_de_ja_nein.csv"),
        "template_people",
        {"name": "Full Name", "email": "E-mail", "role": "Role", "active": "Active"},
    ),
    (
        headers("hubspot_tasks.csv"),
        "hubspot_tasks",
        {
            "crm_id": "Record ID",
            "subject": "Task Title",
            "done": "Task Status",
            "type": "Task Type",
            "date": "Due date",
            "owner": "Activity assigned to",
            "account": "Associated Company",
        },
    ),
    (
        [
            "Opportunity ID",
            "Opportunity Owner",
            "Opportunity Name",
            "Account Name",
            "Stage",
            "Amount",
            "Close Date",
            "Created Date",
            "Probability (%)",
            "Amount Currency",
        ],
        "salesforce_opportunities",
        {"probability": "Probability (%)", "currency": "Amount Currency"},
    ),
    (
        ["opportunity owner", "OPPORTUNITY NAME", "account name", "stage", "amount", "close date", "created date"],
        "salesforce_opportunities",
        {"owner": "opportunity owner", "created_date": "created date"},
    ),
    # Salesforce Data Loader / Data Export files name the columns by their API names
    (
        [
            "Id",
            "AccountId",
            "Name",
            "StageName",
            "Amount",
            "CloseDate",
            "CreatedDate",
            "OwnerId",
            "CurrencyIsoCode",
            "IsWon",
            "IsClosed",
        ],
        "salesforce_opportunities",
        {
            "crm_id": "Id",
            "owner": "OwnerId",
            "name": "Name",
            "stage": "StageName",
            "close_date": "CloseDate",
            "created_date": "CreatedDate",
            "currency": "CurrencyIsoCode",
            "account": None,
        },
    ),
    (
        [
            "Id",
            "OwnerId",
            "Subject",
            "ActivityDate",
            "Status",
            "TaskSubtype",
            "Type",
            "CallDurationInSeconds",
            "CallDisposition",
        ],
        "salesforce_activities",
        {
            "owner": "OwnerId",
            "date": "ActivityDate",
            "done": "Status",
            "subtype": "TaskSubtype",
            "duration": "CallDurationInSeconds",
            "outcome": "CallDisposition",
        },
    ),
    (
        ["Assigned", "Subject", "Date", "Type", "Call Duration (minutes)", "Status"],
        "salesforce_activities",
        {"duration": "Call Duration (minutes)", "done": "Status"},
    ),
    (
        ["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Create Date", "Deal owner", "Currency"],
        "hubspot_deals",
        {"currency": "Currency", "owner": "Deal owner", "created_date": "Create Date"},
    ),
    (
        ["Account name", "Tier", "Target account"],
        "template_accounts",
        {"name": "Account name", "tier": "Tier", "is_target": "Target account"},
    ),
]


@pytest.mark.parametrize("found, key, mapped", DETECTED)
def test_common_header_spellings_map_without_help(found, key, mapped):
    best = p.detect(found)[0]
    assert best.profile.key == key
    assert best.complete, best.missing
    for field, header in mapped.items():
        assert best.mapping[field] == header, field


def test_each_header_is_read_for_one_field_only():
    for found, _, _ in DETECTED:
        mapping = p.detect(found)[0].mapping
        read = [h for h in mapping.values() if h]
        assert len(read) == len(set(read)), mapping


@pytest.mark.parametrize(
    "header, unit",
    [
        ("Call Duration (minutes)", "minutes"),
        ("Call Duration (seconds)", "seconds"),
        ("Call duration (s)", "seconds"),
        ("Call duration (ms)", "ms"),
        ("Call duration", "ms"),  # HubSpot's own unit when the header says none
    ],
)
def test_a_unit_in_the_duration_header_sets_how_it_is_read(header, unit):
    found = p.detect(["Record ID", "Activity date", "Activity assigned to", header])
    profile = next(d.profile for d in found if d.profile.key == "hubspot_calls")
    assert (
        Plan.from_profile(profile, ["Record ID", "Activity date", "Activity assigned to", header]).duration_unit == unit
    )


# ----------------------------------------------------------------------------- imported as they are


def test_a_pipedrive_deals_export_with_deal_headers_imports_without_mapping(people):
    raw = data("pipedrive_deals_export.csv")
    found = upload.inspect(people, raw)
    assert found.profile.key == "pipedrive_deals" and not found.questions
    out = commit.commit(people, raw, found.plan, "pipedrive_deals_export.csv")
    # 5 deals: 201 won, 202 open, 203 lost; 204 won without any date (rejected); 205 deleted (skipped)
    assert (out.rows_read, out.accepted, out.rejected, out.skipped) == (5, 3, 1, 1)
    assert [(r.line, r.column) for r in out.rejects] == [(5, "Deal - Won time")]
    with people.connect() as conn:
        deals = conn.execute(
            select(
                Opportunity.external_id,
                Opportunity.status,
                Opportunity.amount,
                Opportunity.currency,
                Opportunity.created_date,
                Opportunity.close_date,
            ).order_by(Opportunity.external_id)
        ).all()
    assert [tuple(d) for d in deals] == [
        ("201", "won", 12500.0, "EUR", dt.date(2026, 8, 14), dt.date(2026, 10, 20)),  # closes on its won time
        ("202", "open", 4300.5, "EUR", dt.date(2026, 10, 2), dt.date(2026, 12, 18)),
        ("203", "lost", 2000.0, "USD", dt.date(2026, 7, 1), dt.date(2026, 9, 12)),
    ]


def test_a_google_forms_coaching_log_imports_its_rubric_without_mapping(people):
    raw = data("coaching_log_google_forms.csv")
    found = upload.inspect(people, raw)
    assert found.profile.key == "template_coaching_sessions"
    assert not found.questions  # 11/18/2026 proves the dates month-first
    out = commit.commit(people, raw, found.plan, "coaching_log_google_forms.csv")
    assert (out.rows_read, out.accepted, out.rejected) == (3, 3, 0)
    with people.connect() as conn:
        names = dict(conn.execute(select(Person.id, Person.name)).all())
        s = CoachingSession
        rows = conn.execute(
            select(
                s.manager_id,
                s.rep_id,
                s.date,
                s.type,
                s.duration_min,
                s.focus_text,
                s.preparation,
                s.diagnosis,
                s.focus,
                s.accountability,
                s.follow_through,
                s.development,
            ).order_by(s.date)
        ).all()
        got = [(names[r[0]], names[r[1]], *r[2:6], tuple(r[6:])) for r in rows]
    assert got == [
        (
            "Maria Keller",
            "Ann Lee",
            dt.date(2026, 11, 18),
            "one_on_one",
            45,
            "Discovery questions on enterprise calls",
            (4, 3, 5, 4, 3, 4),
        ),
        (
            "Maria Keller",
            "Bob Stone",
            dt.date(2026, 11, 19),
            "joint_call",
            60,
            "Multi-threading at Cedar",
            (3, 2, 3, None, None, None),
        ),
        (
            "Maria Keller",
            "Ann Lee",
            dt.date(2026, 11, 24),
            "debrief",
            30,
            "Why Birch slipped",  # no minutes: 30
            (None, None, None, None, None, None),
        ),
    ]


# ----------------------------------------------------------------------------- a hand-made mapping is remembered

# A Salesforce report whose owner column was renamed by the admin: detection cannot know it is the owner.
RENAMED = (
    b'"Account Executive","Opportunity Name","Account Name","Stage","Amount","Close Date","Created Date"\n'
    b'"Ann Lee","Acme Corp - Platform","Acme Corp","Closed Won","$12,345.00","10/15/2026","8/3/2026"\n'
    b'"Bob Stone","Cedar GmbH - Services","Cedar GmbH","Closed Lost","$5,500.50","11/2/2026","7/21/2026"\n'
)


def remembered(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(Setting.value).where(Setting.key.startswith(p.PROFILE_PREFIX))).scalars().all()


def test_a_mapping_chosen_by_hand_is_remembered_on_commit_and_offered_first(people):
    first = upload.inspect(people, RENAMED)
    assert first.profile.key == "salesforce_opportunities" and first.plan.mapping["owner"] is None
    with pytest.raises(FileError, match="Owner"):  # a failed import remembers nothing
        commit.commit(people, RENAMED, first.plan, "renamed.csv")
    assert remembered(people) == []
    first.plan.mapping["owner"] = "Account Executive"
    commit.commit(people, RENAMED, first.plan, "renamed.csv")
    assert len(remembered(people)) == 1

    again = upload.inspect(people, RENAMED)  # next week's export: same headers
    assert again.profile.saved and again.profile.label.startswith("Salesforce report — opportunities — your mapping")
    assert again.plan.mapping["owner"] == "Account Executive" and again.detections[0].complete
    assert (again.plan.entity, again.plan.source) == ("opportunities", "salesforce")
    out = commit.commit(people, RENAMED, again.plan, "renamed.csv")
    assert (out.accepted, out.unchanged) == (2, 2)
    assert len(remembered(people)) == 1  # offered and taken as it is: nothing more to remember

    other = upload.inspect(people, RENAMED.replace(b'"Created Date"', b'"Created Date","Type"'))
    assert not other.detections[0].profile.headers or other.detections[0].matched < 1000  # another shape: no bonus


def test_a_mapping_taken_as_detected_is_not_stored(people):
    raw = data("pipedrive_deals_export.csv")
    commit.commit(people, raw, upload.inspect(people, raw).plan, "pipedrive_deals_export.csv")
    assert remembered(people) == []


def test_remembering_again_replaces_what_was_kept_for_those_headers(people):
    plan = upload.inspect(people, RENAMED).plan
    plan.mapping["owner"] = "Account Executive"
    commit.commit(people, RENAMED, plan, "renamed.csv")
    plan = upload.inspect(people, RENAMED).plan
    plan.mapping["account"] = None  # corrected again: the account is not to be read
    commit.commit(people, RENAMED, plan, "renamed.csv")
    kept = remembered(people)
    assert (
        len(kept) == 1 and "account" not in kept[0]["columns"] and kept[0]["columns"]["owner"] == ["Account Executive"]
    )
    assert upload.inspect(people, RENAMED).plan.mapping["account"] is None


def test_the_data_page_remembers_a_hand_mapping_for_the_next_upload(people, db_url, monkeypatch):
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", db_url)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/data.py").run()
    at.file_uploader[0].set_value([("renamed.csv", RENAMED, "text/csv")]).run()
    assert any("no column for **Owner**" in e.value for e in at.error)
    owner = next(s for s in at.selectbox if s.key.startswith("map:") and s.key.endswith(":owner"))
    owner.set_value("Account Executive").run()
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception and any("Imported as batch" in s.value for s in at.success)

    at = AppTest.from_file(APP, default_timeout=120).run()  # a later session, the same export again
    at.switch_page("pages/data.py").run()
    at.file_uploader[0].set_value([("renamed_next_week.csv", RENAMED, "text/csv")]).run()
    assert not at.exception and not at.error
    kind = next(s for s in at.selectbox if s.key.startswith("profile:"))
    assert kind.value.startswith("saved:Salesforce report — opportunities — your mapping")
    owner = next(s for s in at.selectbox if s.key.startswith("map:") and s.key.endswith(":owner"))
    assert owner.value == "Account Executive"
    assert {m.label: m.value for m in at.metric}["Unchanged"] == "2"
    with people.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Opportunity)).scalar() == 2
