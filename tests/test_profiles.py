"""Profiles: each CRM's export detected from its headers, mappings, saved profiles, stage maps."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert

from bench.databases import ACTIVITY_COLUMNS
from breakthrough.importing.map import profiles as p
from breakthrough.importing.read.reading import Reader
from breakthrough.store.models import StageMap

EXPORTS = Path(__file__).parent / "fixtures" / "exports"

DETECTED = [
    # fixture file, profile detected, {field: header it maps to}
    (
        "salesforce_opportunities.csv",
        "salesforce_opportunities",
        {
            "owner": "Opportunity Owner",
            "name": "Opportunity Name",
            "account": "Account Name",
            "stage": "Stage",
            "amount": "Amount",
            "close_date": "Close Date",
            "created_date": "Created Date",
            "probability": "Probability (%)",
            "type": "Type",
            "lead_source": "Lead Source",
            "crm_id": None,
        },
    ),
    (
        "(bench/run.py's activity export)",
        "salesforce_activities",
        {
            "crm_id": "Activity ID",
            "owner": "Assigned",
            "owner_email": "Assigned Email",
            "date": "Date",
            "type": "Type",
            "outcome": "Outcome",
            "duration": "Duration (s)",
            "subject": "Subject",
            "opportunity": "Opportunity ID",
        },
    ),
    (
        "salesforce_activities.csv",
        "salesforce_activities",
        {
            "owner": "Assigned",
            "subject": "Subject",
            "date": "Date",
            "type": "Type",
            "subtype": "Task Subtype",
            "outcome": "Call Result",
            "done": "Status",
            "account": "Company / Account",
        },
    ),
    (
        "hubspot_deals.csv",
        "hubspot_deals",
        {
            "crm_id": "Record ID",
            "name": "Deal Name",
            "stage": "Deal Stage",
            "pipeline": "Pipeline",
            "amount": "Amount",
            "close_date": "Close Date",
            "created_date": "Create Date",
            "owner": "Deal owner",
        },
    ),
    (
        "hubspot_calls.csv",
        "hubspot_calls",
        {
            "crm_id": "Record ID",
            "date": "Activity date",
            "owner": "Activity assigned to",
            "outcome": "Call outcome",
            "duration": "Call duration",
        },
    ),
    (
        "hubspot_meetings.csv",
        "hubspot_meetings",
        {"crm_id": "Record ID", "date": "Activity date", "owner": "Activity assigned to", "outcome": "Meeting outcome"},
    ),
    (
        "pipedrive_deals.csv",
        "pipedrive_deals",
        {
            "name": "Deal - Title",
            "owner": "Deal - Owner",
            "amount": "Deal - Value",
            "currency": "Deal - Currency",
            "status": "Deal - Status",
            "stage": "Deal - Stage",
            "won_time": "Deal - Won time",
            "close_date": "Deal - Expected close date",
            "created_date": "Deal - Deal created",
        },
    ),
    (
        "pipedrive_activities.csv",
        "pipedrive_activities",
        {
            "type": "Activity - Type",
            "done": "Activity - Done",
            "date": "Activity - Due date",
            "owner": "Activity - Assigned to user",
            "time": "Activity - Due time",
        },
    ),
    (
        "template_opportunities_cp1252.csv",
        "template_opportunities",
        {"crm_id": "crm_id", "owner": "owner", "owner_email": "owner_email", "amount": "amount"},
    ),
    ("template_activities_bom_tab.csv", "template_activities", {"crm_id": "crm_id", "date": "date", "type": "type"}),
    ("template_people.csv", "template_people", {"name": "name", "manager": "manager", "crm_user_id": "crm_user_id"}),
    ("template_accounts.csv", "template_accounts", {"name": "name", "tier": "tier", "is_target": "is_target"}),
    ("template_quotas.csv", "template_quotas", {"person": "person", "period_start": "period_start"}),
    ("template_coaching_sessions.csv", "template_coaching_sessions", {"manager": "manager", "rep": "rep"}),
]


BENCH_ACTIVITY_HEADERS = ACTIVITY_COLUMNS  # the export bench/run.py writes: detected as our template


def headers(name: str) -> list[str]:
    if name.startswith("(bench"):
        return BENCH_ACTIVITY_HEADERS
    return Reader((EXPORTS / name).read_bytes()).headers


@pytest.mark.parametrize("name, key, mapped", DETECTED)
def test_each_export_is_detected_with_its_columns_mapped(name, key, mapped):
    best = p.detect(headers(name))[0]
    assert best.profile.key == key
    assert best.complete, best.missing
    for field, header in mapped.items():
        assert best.mapping[field] == header, field


@pytest.mark.parametrize("profile", p.BUILT_IN, ids=lambda pr: pr.key)
def test_every_built_in_profile_maps_only_its_entitys_fields(profile):
    known = {f.key for f in p.FIELDS[profile.entity]}
    assert set(profile.columns) <= known
    assert set(profile.constants) <= known
    assert profile.source in p.SOURCES


@pytest.mark.parametrize("entity", p.ENTITIES)
def test_every_field_says_what_it_means(entity):
    for field in p.FIELDS[entity]:
        assert field.label and len(field.meaning) > 15, field.key


def test_headers_match_whatever_their_case_and_spacing():
    mapping = p.mapping_for(p.PROFILES["salesforce_opportunities"], ["OPPORTUNITY  OWNER", " close date "])
    assert mapping["owner"] == "OPPORTUNITY  OWNER" and mapping["close_date"] == " close date "


@pytest.mark.parametrize(
    "dropped, label",
    [
        ("Opportunity Owner", "Owner"),
        ("Created Date", "Created date"),
        ("Stage", "Stage"),
    ],
)
def test_a_missing_required_column_is_named(dropped, label):
    cols = [h for h in headers("salesforce_opportunities.csv") if h != dropped]
    best = next(d for d in p.detect(cols) if d.profile.key == "salesforce_opportunities")
    assert label in best.missing


def test_the_hubspot_calls_profile_gives_every_row_the_call_type():
    assert p.PROFILES["hubspot_calls"].constants == {"type": "Call"}
    assert p.missing_fields("activities", {"owner": "x", "date": "y"}, {"type": "Call"}) == ()


def test_a_saved_profile_is_offered_first_for_files_with_the_same_headers(engine):
    cols = ["Rep", "When", "What", "Result"]
    base = p.PROFILES["template_activities"]
    saved = p.save_profile(
        engine, "Our dialer", base, {"owner": "Rep", "date": "When", "type": "What", "outcome": "Result"}, cols
    )
    assert [s.label for s in p.saved_profiles(engine)] == ["Our dialer"]
    best = p.detect(["result", "Rep", "When", "What"], p.saved_profiles(engine))[0]  # same headers, any order
    assert best.profile.label == "Our dialer" and best.mapping["owner"] == "Rep" and best.complete
    other = p.detect(["Rep", "When", "What", "Result", "Extra"], p.saved_profiles(engine))[0]
    assert other.matched < 1000  # different headers: the saved profile gets no precedence
    assert saved.source == "template" and saved.entity == "activities"


def test_saving_a_profile_again_replaces_it_and_it_can_be_deleted(engine):
    base = p.PROFILES["template_activities"]
    p.save_profile(engine, "Dialer", base, {"owner": "Rep"}, ["Rep"])
    p.save_profile(engine, "Dialer", base, {"owner": "Agent"}, ["Agent"])
    (only,) = p.saved_profiles(engine)
    assert only.columns == {"owner": ("Agent",)}
    p.delete_profile(engine, "Dialer")
    assert p.saved_profiles(engine) == []


@pytest.mark.parametrize("name", ["", "   "])
def test_a_profile_needs_a_name(engine, name):
    with pytest.raises(ValueError, match="name"):
        p.save_profile(engine, name, p.PROFILES["template_activities"], {}, [])


STAGES = [
    ("Closed Won", "won"),
    ("Closed Lost", "lost"),
    ("closedwon", "won"),
    ("Renewed", "won"),
    ("Won", "won"),
    ("Closed - Not Won", "lost"),
    ("Disqualified", "lost"),
    ("Prospecting", "open"),
    ("Negotiation/Review", "open"),
    ("Contract signed", "won"),
    ("Cancelled", "lost"),
]


@pytest.mark.parametrize("stage, status", STAGES)
def test_a_stage_s_words_give_its_default_status(stage, status):
    assert p.guess_status(stage) == status


def test_the_stage_map_saved_for_a_source_wins_over_defaults(engine):
    with engine.begin() as conn:
        conn.execute(
            insert(StageMap),
            [
                {"source": "hubspot", "stage": "Renewed", "status": "open"},
                {"source": "hubspot", "stage": "Verbal commit", "status": "won"},
                {"source": "salesforce", "stage": "Verbal commit", "status": "open"},
            ],
        )
        hubspot = p.stage_map(conn, "hubspot")
    assert p.stage_status("renewed", hubspot) == "open"
    assert p.stage_status("Verbal Commit", hubspot) == "won"
    assert p.stage_status("Closed won", hubspot) == "won"  # a source default
    assert p.stage_status("Qualified", hubspot) == "open"  # the words
