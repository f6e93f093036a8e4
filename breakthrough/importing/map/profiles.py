"""What each entity's fields mean, and the built-in column mappings of each CRM's exports.

A `Profile` maps an entity's fields to the header names one source uses; the
best profile for a file is detected from its headers (`detect`). Headers are
compared in one place, `norm` (case, accents, spaces, punctuation and a trailing
unit in brackets do not count). A mapping the user corrects is kept in the
`setting` table (key `import_profile:<name>`): under a name they give
(`save_profile`), or by itself on commit, keyed by the file's header set
(`remember`). Either is offered first for files with the same headers.
Stages map to open / won / lost per source (`stage_status`): the `stage_map`
table first, then the source's defaults, then the words in the stage name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, delete, insert, select

from breakthrough.importing.map.headings import period_headers
from breakthrough.store.models import RUBRIC, Setting, StageMap

ENTITIES = ("opportunities", "activities", "people", "accounts", "quotas", "coaching sessions")
SOURCES = {
    "salesforce": "Salesforce report",
    "hubspot": "HubSpot export",
    "pipedrive": "Pipedrive export",
    "template": "Breakthrough template",
    "spreadsheet": "spreadsheet",
}
PROFILE_PREFIX = "import_profile:"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    meaning: str
    kind: str = "text"
    required: bool = False


F = Field
CRM_ID = F("crm_id", "CRM id", "The record's id in the CRM. Without one, a key is made from the row's content.")
OWNER = F(
    "owner", "Owner", "Who owns the record: a name, an email or a CRM user id. Matched to a person.", "person", True
)
OWNER_EMAIL = F("owner_email", "Owner email", "The owner's email, matched before the owner's name.", "email")

FIELDS: dict[str, tuple[Field, ...]] = {
    "opportunities": (
        CRM_ID,
        OWNER,
        OWNER_EMAIL,
        F("name", "Deal name", "The opportunity's name.", "text", True),
        F("account", "Account", "The customer's account name (created when new).", "account"),
        F("stage", "Stage", "The sales stage; mapped to open, won or lost by the stage map.", "stage", True),
        F(
            "status",
            "Status",
            "open / won / lost when the CRM gives it (Pipedrive); overrides the stage map.",
            "status",
        ),
        F("amount", "Amount", "The deal's value; a currency code or symbol in it is kept.", "amount"),
        F("currency", "Currency", "Three-letter currency code of the amount.", "currency"),
        F("close_date", "Close date", "Expected close date (open deals) or the date it closed.", "date"),
        F("created_date", "Created date", "When the opportunity was created.", "date", True),
        F("won_time", "Won date", "When a won deal was won (used as its close date).", "date"),
        F("lost_time", "Lost date", "When a lost deal was lost (used as its close date).", "date"),
        F("probability", "Probability (%)", "The CRM's win probability, 0–100.", "percent"),
        F("lead_source", "Lead source", "Where the lead came from.", "text"),
        F("type", "Type", "Deal type (new business, renewal…): read, not stored.", "info"),
        F("pipeline", "Pipeline", "The CRM pipeline: read, not stored (map its stages in the stage map).", "info"),
    ),
    "activities": (
        CRM_ID,
        OWNER,
        OWNER_EMAIL,
        F("date", "Date", "When the activity happened (a date, or a date and time).", "datetime", True),
        F("time", "Time", "The time of day, when the export puts it in its own column.", "time"),
        F("type", "Type", "Call, email, meeting, demo; anything else is kept as “other” with its label.", "type"),
        F("subtype", "Subtype", "Used as the type when Type is empty (Salesforce Task Subtype).", "type"),
        F("outcome", "Outcome", "What happened: connected, no answer, held, no show…", "outcome"),
        F("duration", "Duration", "How long it took (0:05:23, 5m 23s, or a number).", "duration"),
        F("done", "Done", "Whether it happened; activities not done yet (To do, Not Started) are skipped.", "flag"),
        F("account", "Account", "The customer's account name (created when new).", "account"),
        F("opportunity", "Opportunity", "The deal it belongs to (its name or id), kept as a reference.", "text"),
        F("subject", "Subject", "The activity's subject line.", "text"),
    ),
    "people": (
        F("name", "Name", "The person's full name.", "text", True),
        F("email", "Email", "Work email: the surest way to match owners.", "email"),
        F(
            "role",
            "Role",
            "rep, manager, leader or sales ops (rep when empty). Only reps are counted in figures.",
            "role",
        ),
        F("team", "Team", "The team's name (created when new).", "text"),
        F("manager", "Manager", "The manager's name or email (a person in the database or in this file).", "text"),
        F(
            "hire_date",
            "Hire date",
            "When the person started: they are in the figures from that day, their "
            "quota prorated in the month they start.",
            "date",
        ),
        F(
            "end_date",
            "End date",
            "A leaver's last day: they stay in the figures of the periods they worked "
            "(quota prorated), and leave the “now” lists after it.",
            "date",
        ),
        F(
            "active",
            "Active",
            "yes / no (when empty: no end date, or one not yet past). Someone inactive "
            "without an end date is left out of every period.",
            "flag",
        ),
        F(
            "crm_user_id",
            "CRM user id",
            "The person's user id in the CRM, so exports naming owners by id match.",
            "text",
        ),
    ),
    "accounts": (
        F("name", "Account", "The account's name.", "text", True),
        F("tier", "Tier", "Account tier, such as A, B, C.", "text"),
        F("is_target", "Target account", "yes / no: a target account for the right-prospects figure.", "flag"),
    ),
    "quotas": (
        F("person", "Person", "Whose quota: a name or email (or leave empty and give a team).", "person"),
        F("person_email", "Person email", "The person's email, matched before the name.", "email"),
        F("team", "Team", "A team's quota, when the row is for a team.", "text"),
        F(
            "period_start",
            "Period",
            "The month (2026-11, Nov 2026 or its first day) or the quarter's first day.",
            "period",
            True,
        ),
        F("period", "Period type", "month or quarter (month when empty).", "period_type"),
        F("amount", "Amount", "The quota amount; a currency code or symbol in it is kept.", "amount", True),
        F("currency", "Currency", "Three-letter currency code of the amount.", "currency"),
    ),
    "coaching sessions": (
        F(
            "session_id",
            "Session ID",
            "The row's own id in the log or form export (Session ID, Response ID, "
            "Submission ID, ID). A session is recognised by it; without one, by the whole row.",
            "text",
        ),
        F(
            "submitted",
            "Submitted",
            "When the form was filled in (a form's Timestamp): part of the row, "
            "so two sessions logged separately stay two. Not stored.",
            "text",
        ),
        F("manager", "Manager", "Who coached: a name or email.", "person", True),
        F("rep", "Rep", "Who was coached: a name or email.", "person", True),
        F("date", "Date", "The day of the session.", "date", True),
        F(
            "type",
            "Type",
            "one-on-one, joint call, debrief, pipeline review, deal review or other.",
            "session_type",
            True,
        ),
        F("duration_min", "Minutes", "How long it lasted, in minutes (30 when empty).", "count"),
        F(
            "focus_driver",
            "Focus driver",
            "The one driver worked on: activity, call_to_meeting, meeting_to_opp, "
            "win_rate, deal_size, coverage or cycle.",
            "driver",
        ),
        F("focus_text", "Focus", "The focus in words.", "text"),
        *(
            F(
                d,
                d.replace("_", " ").capitalize(),
                f"Rubric score 1–5 for {d.replace('_', ' ')} (empty: unscored).",
                "score",
            )
            for d in ("preparation", "diagnosis", "focus", "accountability", "follow_through", "development")
        ),
        F("scored_by", "Scored by", "Who scored the session (name or email).", "person"),
        F("notes", "Notes", "Free text, shown as text only.", "text"),
    ),
}


def field_map(entity: str) -> dict[str, Field]:
    return {f.key: f for f in FIELDS[entity]}


@dataclass(frozen=True)
class Profile:
    """A source's header names for an entity's fields (first name found in the file wins)."""

    key: str
    label: str
    source: str
    entity: str
    columns: dict[str, tuple[str, ...]]
    constants: dict[str, str] = field(default_factory=dict)  # field → value when no column gives it
    duration_unit: str = "seconds"
    saved: bool = False
    headers: tuple[str, ...] = ()  # a saved profile: the headers of the file it was made for
    layout: str = "long"  # "wide": one column per month or quarter, each filled cell a row (`wide`)


# Spellings of the template's columns met in spreadsheets kept by hand (rosters, coaching logs from a form).
# Compared by `norm`, so case, punctuation and a trailing unit in brackets need no entry of their own.
TEMPLATE_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "people": {
        "name": ("Full Name", "Employee name", "Employee", "Person", "Rep name", "Sales rep"),
        "email": ("Email address", "Work email", "Business email", "Mail"),
        "role": ("Sales role", "Position type"),
        "team": ("Sales team", "Team name", "Squad", "Pod"),
        "manager": ("Reports to", "Line manager", "Manager name", "Manager email", "Direct manager"),
        "active": ("Is active", "Active?", "Currently active"),
        "crm_user_id": (
            "User ID",
            "CRM ID",
            "CRM user",
            "Salesforce User ID",
            "HubSpot Owner ID",
            "Owner ID",
            "Pipedrive User ID",
        ),
        "hire_date": ("Start Date", "Hire date", "Date hired", "Hired on", "Joining date"),
        "end_date": (
            "End Date",
            "Termination date",
            "Leaving date",
            "Last day",
            "Left on",
            "Leave date",
            "Last working day",
        ),
    },
    "accounts": {
        "name": ("Account name", "Company", "Company name", "Organization", "Organization - Name"),
        "tier": ("Account tier", "Segment tier"),
        "is_target": ("Target", "Is target", "Target account?", "Named account"),
    },
    "coaching sessions": {
        "session_id": ("ID", "Response ID", "Submission ID", "Entry ID"),
        "submitted": ("Timestamp", "Submitted at", "Submission Date", "Completion time"),
        "manager": ("Coach", "Manager name", "Manager email", "Coached by"),
        "rep": ("Rep name", "Sales rep", "Coachee", "Rep email", "Who was coached"),
        "date": ("Session date", "Date of session", "Coaching date", "Meeting date"),
        "type": ("Session type", "Type of session", "Coaching type", "Kind of session"),
        "duration_min": ("Duration", "Duration (minutes)", "Duration min", "Length", "Session length", "Minutes"),
        "focus_driver": ("Driver", "Focus driver", "Driver worked on"),
        "focus_text": ("Focus", "Focus area", "Focus text", "Focus topic", "What did you focus on"),
        **{
            d: (f"{d.replace('_', ' ')} score", f"{d.replace('_', ' ')} rating", f"{d.replace('_', ' ')} scored")
            for d in RUBRIC
        },
        "scored_by": ("Scored by", "Scorer", "Rated by"),
        "notes": ("Notes", "Note", "Comments", "Comment", "Session notes"),
    },
}


FIELDS_BY_KEY = {f.key: f for f in FIELDS["coaching sessions"]}


def _template(entity: str) -> Profile:
    extra = TEMPLATE_NAMES.get(entity, {})
    columns = {f.key: (f.key, f.label, *extra.get(f.key, ())) for f in FIELDS[entity]}
    for d in RUBRIC if entity == "coaching sessions" else ():  # `Focus score` before a bare `Focus`
        columns[d] = (*extra[d], d, FIELDS_BY_KEY[d].label)
    return Profile(
        f"template_{entity.replace(' ', '_')}", f"Breakthrough template — {entity}", "template", entity, columns
    )


BUILT_IN: tuple[Profile, ...] = (
    Profile(
        "salesforce_opportunities",
        "Salesforce report — opportunities",
        "salesforce",
        "opportunities",
        {
            "crm_id": ("Opportunity ID", "Opportunity Id", "Opportunity ID (18)", "Id"),
            "owner": (
                "Opportunity Owner",
                "Owner Name",
                "Opportunity Owner: Full Name",
                "Owner",
                "Opportunity Owner Name",
                "OwnerId",
            ),
            "owner_email": ("Opportunity Owner Email", "Owner Email", "Opportunity Owner: Email"),
            "name": ("Opportunity Name", "Opportunity", "Name"),
            "account": ("Account Name", "Account", "Account: Account Name"),
            "stage": ("Stage", "Opportunity Stage", "StageName"),
            "amount": ("Amount", "Opportunity Amount", "Amount (converted)"),
            "currency": ("Amount Currency", "Opportunity Currency", "Currency", "CurrencyIsoCode"),
            "close_date": ("Close Date", "Opportunity Close Date", "CloseDate"),
            "created_date": ("Created Date", "Opportunity Created Date", "Create Date", "CreatedDate"),
            "probability": ("Probability (%)", "Probability"),
            "type": ("Type", "Opportunity Type"),
            "lead_source": ("Lead Source", "Opportunity Lead Source", "LeadSource"),
        },
    ),
    Profile(
        "salesforce_activities",
        "Salesforce report — activities",
        "salesforce",
        "activities",
        {
            "crm_id": ("Activity ID", "Task ID", "Event ID", "Task/Event ID", "Id"),
            "owner": ("Assigned", "Assigned To", "Assigned: Full Name", "Assigned To: Full Name", "OwnerId"),
            "owner_email": ("Assigned Email", "Assigned: Email", "Assigned To: Email"),
            "subject": ("Subject",),
            "date": ("Date", "Activity Date", "Due Date", "Start Date Time", "ActivityDate"),
            "type": ("Type",),
            "subtype": ("Task Subtype", "Task/Event Subtype", "Activity Subtype", "TaskSubtype"),
            "outcome": ("Call Result", "Outcome", "CallDisposition"),
            "done": ("Status", "Task Status", "Completed"),
            "duration": (
                "Call Duration",
                "Call Duration (seconds)",
                "Duration (s)",
                "Call Duration In Seconds",
                "CallDurationInSeconds",
                "Duration",
            ),
            "account": ("Company / Account", "Account Name", "Account"),
            "opportunity": ("Opportunity", "Opportunity Name", "Opportunity ID"),
        },
    ),
    Profile(
        "hubspot_deals",
        "HubSpot export — deals",
        "hubspot",
        "opportunities",
        {
            "crm_id": ("Record ID", "Deal ID"),
            "name": ("Deal Name",),
            "stage": ("Deal Stage",),
            "pipeline": ("Pipeline",),
            "amount": ("Amount", "Amount in company currency"),
            "currency": ("Currency", "Deal currency code"),
            "close_date": ("Close Date",),
            "created_date": ("Create Date", "Created Date", "Deal create date"),
            "owner": ("Deal owner", "Deal Owner", "HubSpot Owner", "Owner"),
            "account": ("Associated Company", "Associated Company (Primary)", "Company name"),
            "type": ("Deal Type",),
            "lead_source": ("Original Source", "Original Traffic Source"),
        },
    ),
    Profile(
        "hubspot_calls",
        "HubSpot export — calls",
        "hubspot",
        "activities",
        {
            "crm_id": ("Record ID",),
            "date": ("Activity date",),
            "owner": ("Activity assigned to",),
            "outcome": ("Call outcome",),
            "duration": ("Call duration",),
            "subject": ("Call title",),
            "account": ("Associated Company", "Associated Company (Primary)"),
        },
        constants={"type": "Call"},
        duration_unit="ms",
    ),
    Profile(
        "hubspot_meetings",
        "HubSpot export — meetings",
        "hubspot",
        "activities",
        {
            "crm_id": ("Record ID",),
            "date": ("Activity date", "Meeting start time"),
            "owner": ("Activity assigned to",),
            "outcome": ("Meeting outcome",),
            "subject": ("Meeting name",),
            "account": ("Associated Company", "Associated Company (Primary)"),
        },
        constants={"type": "Meeting"},
    ),
    Profile(
        "hubspot_tasks",
        "HubSpot export — tasks",
        "hubspot",
        "activities",
        {
            "crm_id": ("Record ID", "Task ID"),
            "subject": ("Task Title", "Task title", "Task subject"),
            "done": ("Task Status",),
            "type": ("Task Type",),
            "date": ("Due date", "Activity date", "Task due date"),
            "owner": ("Activity assigned to", "Assigned to", "Task owner"),
            "account": ("Associated Company", "Associated Company (Primary)"),
            "opportunity": ("Associated Deal",),
        },
    ),
    Profile(
        "pipedrive_deals",
        "Pipedrive export — deals",
        "pipedrive",
        "opportunities",
        {
            "crm_id": ("Deal - ID",),
            "name": ("Deal - Title",),
            "owner": ("Deal - Owner", "Deal - Owner name"),
            "amount": ("Deal - Value",),
            "currency": ("Deal - Currency", "Deal - Currency of Value"),
            "status": ("Deal - Status",),
            "stage": ("Deal - Stage", "Deal - Stage (pipeline)"),
            "won_time": ("Deal - Won time", "Won time"),
            "lost_time": ("Deal - Lost time", "Lost time"),
            "close_date": (
                "Deal - Expected close date",
                "Expected close date",
                "Deal - Deal closed on",
                "Deal - Closed on",
            ),
            "created_date": (
                "Deal - Deal created",
                "Deal - Add time",
                "Deal created",
                "Deal - Creation date",
                "Deal - Created",
                "Deal - Deal creation date",
            ),
            "account": ("Deal - Organization", "Organization - Name", "Deal - Organization name"),
            "probability": ("Deal - Probability",),
            "pipeline": ("Deal - Pipeline",),
        },
    ),
    Profile(
        "pipedrive_activities",
        "Pipedrive export — activities",
        "pipedrive",
        "activities",
        {
            "crm_id": ("Activity - ID",),
            "subject": ("Activity - Subject",),
            "type": ("Activity - Type",),
            "done": ("Activity - Done", "Activity - Status"),
            "date": ("Activity - Due date", "Activity - Date"),
            "time": ("Activity - Due time",),
            "duration": ("Activity - Duration",),
            "owner": ("Activity - Assigned to user", "Activity - Owner", "Activity - User"),
            "account": ("Activity - Organization", "Organization - Name"),
            "opportunity": ("Activity - Deal",),
        },
        duration_unit="minutes",
    ),
    *(_template(entity) for entity in ENTITIES),
    Profile(
        "quota_sheet",
        "Quota sheet — one column per month or quarter",
        "spreadsheet",
        "quotas",
        {
            "person": (
                "Sales Rep",
                "Rep",
                "Rep Name",
                "Sales Rep Name",
                "Salesperson",
                "Account Executive",
                "Name",
                "Full Name",
                "Person",
                "Owner",
                "Quota Owner",
                "Employee",
            ),
            "person_email": (
                "Email",
                "E-mail",
                "Email Address",
                "Rep Email",
                "Sales Rep Email",
                "Work Email",
                "Owner Email",
            ),
            "team": ("Team", "Sales Team"),
            "currency": ("Currency", "Currency Code", "Quota Currency", "Curr"),
        },
        constants={key: "one row per filled month or quarter column" for key in ("period_start", "period", "amount")},
        layout="wide",
    ),
)
PROFILES = {p.key: p for p in BUILT_IN}


_BRACKET = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*$")
_PUNCTUATION = re.compile(r"[\W_]+")
_EMAIL = re.compile(r"\be[-‐ ]mail\b")  # E-mail is Email
TIME_UNITS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "seconds"),
    **dict.fromkeys(("ms", "msec", "millisecond", "milliseconds"), "ms"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minutes"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
}


def _fold(text: str) -> str:
    """NFKC, case-folded, accents dropped, the BOM and zero-width characters removed."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch) and ch not in "\ufeff\u200b\u200c\u200d\u2060")


def norm(header: str) -> str:
    """A header as compared with a profile's names — the one place headers are matched.

    Case, accents, extra spaces and punctuation do not count, nor does a trailing unit in brackets:
    `Deal - Creation date`, `deal creation DATE`, `Duration (minutes)` ~ `Duration`, `Focus (1-5)` ~ `Focus`,
    `Follow-through` ~ `follow_through`, `E-mail` ~ `Email`.
    """
    text = _BRACKET.sub("", _fold(header)) or _fold(header)
    return " ".join(_PUNCTUATION.sub(" ", _EMAIL.sub("email", text)).split())


def header_unit(header: str) -> str | None:
    """The time unit a header names in trailing brackets (`Call Duration (seconds)` → seconds), if any."""
    found = _BRACKET.search(_fold(header))
    return TIME_UNITS.get(" ".join(found.group(1).split()).rstrip(".")) if found else None


_SCORE_RANGE = re.compile(r"\d+\s*[-–/]\s*\d+|/\s*\d+|out of \d+")


def _fits(field: Field, profile: Profile, header: str) -> bool:
    """Whether what a header says in trailing brackets suits the field: a time unit must agree with the field's
    (`Duration (hours)` is not a coaching session's minutes), and a score range (`Focus (1-5)`) is never text."""
    found = _BRACKET.search(_fold(header))
    if not found:
        return True
    inside = " ".join(found.group(1).split())
    if field.kind == "text" and _SCORE_RANGE.fullmatch(inside):
        return False
    unit = TIME_UNITS.get(inside.rstrip("."))
    if unit is None or field.kind not in ("duration", "count"):
        return True
    return unit in UNITS_READ if field.kind == "duration" else unit == "minutes"


UNITS_READ = ("seconds", "minutes", "ms")  # what an activity's duration column may be written in


def mapping_for(profile: Profile, headers: list[str]) -> dict[str, str | None]:
    """Field → the file's header for it (the first of the profile's names present), or None.

    Each header is read for one field at most. A bare `Focus` is the rubric score when the file has columns
    for at least three other rubric dimensions, else the session's focus in words.
    """
    present: dict[str, str] = {}
    for written in headers:
        present.setdefault(norm(written), written)
    fields = list(FIELDS[profile.entity])
    if profile.entity == "coaching sessions" and _rubric_columns(profile, present) >= 3:
        fields.sort(key=lambda f: f.key != "focus")  # the rubric's Focus takes its header before the focus text
    taken: set[str] = set()
    found: dict[str, str | None] = {}
    for f in fields:
        names = (norm(n) for n in profile.columns.get(f.key, ()))
        header = next(
            (present[n] for n in names if n in present and present[n] not in taken and _fits(f, profile, present[n])),
            None,
        )
        found[f.key] = header
        if header:
            taken.add(header)
    return {f.key: found[f.key] for f in FIELDS[profile.entity]}


def _rubric_columns(profile: Profile, present: dict[str, str]) -> int:
    """How many rubric dimensions other than Focus the file has a column for."""
    return sum(1 for d in RUBRIC if d != "focus" and any(norm(n) in present for n in profile.columns.get(d, ())))


def duration_unit(profile: Profile, mapping: dict[str, str | None]) -> str:
    """The unit of the duration column: what its header names in brackets, else the profile's."""
    unit = header_unit(mapping.get("duration") or "")
    return unit if unit in UNITS_READ else profile.duration_unit


@dataclass(frozen=True)
class Detection:
    profile: Profile
    mapping: dict[str, str | None]
    matched: int  # headers of the file the profile knows
    missing: tuple[str, ...]  # required fields with no column

    @property
    def complete(self) -> bool:
        return not self.missing


def missing_fields(
    entity: str, mapping: dict[str, str | None], constants: dict[str, str] | None = None
) -> tuple[str, ...]:
    """Labels of the required fields with no column (or constant)."""
    constants = constants or {}
    return tuple(f.label for f in FIELDS[entity] if f.required and not mapping.get(f.key) and f.key not in constants)


def detect(headers: list[str], saved: Sequence[Profile] = ()) -> list[Detection]:
    """Every profile scored against the headers, best first (a saved profile with the same headers leads)."""
    found, by_period = [], len(period_headers(headers))
    for profile in [*saved, *BUILT_IN]:
        if profile.layout == "wide" and not by_period:
            continue  # a quota sheet names its periods in its headers
        mapping = mapping_for(profile, headers)
        matched = len({h for h in mapping.values() if h}) + (by_period if profile.layout == "wide" else 0)
        missing = missing_fields(profile.entity, mapping, profile.constants)
        bonus = 1000 if profile.saved and _signature(headers) == _signature(profile.headers) else 0
        found.append(Detection(profile, mapping, matched + bonus, missing))
    return sorted(found, key=lambda d: (-d.matched, bool(d.missing), d.profile.source == "template"))


def _signature(headers) -> tuple[str, ...]:
    return tuple(sorted(norm(h) for h in headers))


# ----------------------------------------------------------------------------- saved profiles


def save_profile(
    engine: Engine, name: str, base: Profile, mapping: dict[str, str | None], headers: list[str]
) -> Profile:
    """Store a corrected mapping under `name` (replacing one of that name); return it as a profile."""
    name = " ".join(name.split())[:60]
    if not name:
        raise ValueError("Give the profile a name.")
    columns = {k: (v,) for k, v in mapping.items() if v}
    constants = {k: v for k, v in base.constants.items() if k not in columns}
    value = {
        "name": name,
        "base": base.key,
        "source": base.source,
        "entity": base.entity,
        "columns": columns,
        "constants": constants,
        "duration_unit": base.duration_unit,
        "headers": list(headers),
        "layout": base.layout,
    }
    key = PROFILE_PREFIX + name
    with engine.begin() as conn:
        conn.execute(delete(Setting).where(Setting.key == key))
        conn.execute(insert(Setting).values(key=key, value=value))
    return _from_stored(value)


def saved_profiles(engine: Engine) -> list[Profile]:
    """Every saved profile (named, or remembered from a hand-made mapping), by name."""
    with engine.connect() as conn:
        return stored_profiles(conn)


def stored_profiles(conn: Connection) -> list[Profile]:
    rows = conn.execute(select(Setting.value).where(Setting.key.startswith(PROFILE_PREFIX))).scalars().all()
    return sorted((_from_stored(v) for v in rows if isinstance(v, dict)), key=lambda p: p.label)


REMEMBERED = "your mapping"


def remember(
    conn: Connection,
    entity: str,
    source: str,
    label: str,
    mapping: dict[str, str | None],
    constants: dict[str, str],
    unit: str,
    headers: list[str],
) -> Profile | None:
    """Keep a mapping chosen by hand for files with exactly these headers, so it is offered first next time.

    Nothing is kept when the mapping is what detection offers for these headers anyway. It is stored
    (in the caller's transaction) under a key made from the header set, replacing what was kept for it.
    """
    offered = detect(headers, stored_profiles(conn))[0]
    chosen = {k: v for k, v in mapping.items() if v}
    if (offered.profile.entity, offered.profile.source) == (entity, source) and {
        k: v for k, v in offered.mapping.items() if v
    } == chosen:
        return None
    digest = hashlib.blake2b("\x1f".join(_signature(headers)).encode("utf-8"), digest_size=4).hexdigest()
    base = label.split(f" — {REMEMBERED} ")[0]
    value = {
        "name": f"{base} — {REMEMBERED} #{digest}",
        "base": base,
        "source": source,
        "entity": entity,
        "columns": {k: [v] for k, v in chosen.items()},
        "constants": {k: v for k, v in constants.items() if k not in chosen},
        "duration_unit": unit,
        "headers": list(headers),
        "remembered": True,
    }
    key = f"{PROFILE_PREFIX}{REMEMBERED} #{digest}"
    conn.execute(delete(Setting).where(Setting.key == key))
    conn.execute(insert(Setting).values(key=key, value=value))
    return _from_stored(value)


def delete_profile(engine: Engine, name: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(Setting).where(Setting.key == PROFILE_PREFIX + name))


def _from_stored(value: dict) -> Profile:
    columns = {k: tuple(v) for k, v in value.get("columns", {}).items()}
    return Profile(
        f"saved:{value['name']}",
        value["name"],
        value["source"],
        value["entity"],
        columns,
        dict(value.get("constants", {})),
        value.get("duration_unit", "seconds"),
        saved=True,
        headers=tuple(value.get("headers", ())),
        layout=value.get("layout", "long"),
    )


# ----------------------------------------------------------------------------- stages

STATUSES = ("open", "won", "lost")
DEFAULT_STAGES: dict[str, dict[str, str]] = {
    "salesforce": {"closed won": "won", "closed lost": "lost"},
    "hubspot": {"closed won": "won", "closed lost": "lost", "closedwon": "won", "closedlost": "lost"},
    "pipedrive": {},
    "template": {"closed won": "won", "closed lost": "lost", "won": "won", "lost": "lost"},
}
_LOST = re.compile(r"\b(lost|not won|disqualified|dead|cancell?ed|churned)\b|closedlost", re.IGNORECASE)
_WON = re.compile(r"\b(won|signed|renewed)\b|closedwon", re.IGNORECASE)


def stage_key(stage: str) -> str:
    return " ".join(stage.lower().split())


def guess_status(stage: str) -> str:
    """open / won / lost from the words of a stage name (the default the user can change)."""
    if _LOST.search(stage):
        return "lost"
    return "won" if _WON.search(stage) else "open"


def stage_map(conn: Connection, source: str) -> dict[str, str]:
    """Stage (compared case-insensitively) → status: the source's defaults, then what the user saved."""
    saved = conn.execute(select(StageMap.stage, StageMap.status).where(StageMap.source == source)).all()
    return {**DEFAULT_STAGES.get(source, {}), **{stage_key(s): st for s, st in saved}}


def stage_status(stage: str, mapping: dict[str, str]) -> str:
    return mapping.get(stage_key(stage)) or guess_status(stage)
