"""Sign-in e-mails, roles and scope (issue #15): who is who, what each role sees of every query the pages
call, which writes each role may make (and that a refused write changes nothing), and links that only narrow.

The organisation (`org`): a region North (manager Nora) over Team A (manager Mia: reps Ann, Ben and Ola, who
left) and Team B (manager Max: rep Bea); Team C on its own (manager Cem, reporting to the leader: rep Cal);
Lea the leader and Olga in sales ops. Every expected set below is worked out by hand from that chart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, insert, select

from breakthrough import access
from breakthrough import settings as settings_store
from breakthrough.access import OPEN, NotAllowed, Scope, narrow
from breakthrough.access import people as who
from breakthrough.coaching import sessions
from breakthrough.coaching.sessions import SessionInput
from breakthrough.importing import upload
from breakthrough.importing.write import commit, undo
from breakthrough.metrics import periods, scorecard
from breakthrough.store import db
from breakthrough.store.models import CoachingSession, Person, PersonEmail, Team

TEAMS = [(1, "North", None), (2, "Team A", 1), (3, "Team B", 1), (4, "Team C", None)]
# id, name, e-mail, role, team, manager, active
PEOPLE = [
    (1, "Lea Leader", "lea@corp.example", "leader", None, None, True),
    (2, "Olga Ops", "Olga.Ops@Corp.example", "sales_ops", None, None, True),
    (3, "Nora North", "nora@corp.example", "manager", 1, 1, True),
    (4, "Mia Alder", "mia@corp.example", "manager", 2, 3, True),
    (5, "Max Birch", "max@corp.example", "manager", 3, 3, True),
    (6, "Cem Cedar", "cem@corp.example", "manager", 4, 1, True),
    (10, "Ann Lee", "ann@corp.example", "rep", 2, 4, True),
    (11, "Ben Ash", "ben@corp.example", "rep", 2, 4, True),
    (12, "Bea Bay", "bea@corp.example", "rep", 3, 5, True),
    (13, "Cal Cole", "cal@corp.example", "rep", 4, 6, True),
    (14, "Ola Old", "ola@corp.example", "rep", 2, 4, False),
]
EVERY_REP = {10, 11, 12, 13, 14}
NAMES = {pid: name for pid, name, *_ in PEOPLE}
TODAY_ID = dt.date(2026, 11, 27)


@pytest.fixture
def org(engine):
    with engine.begin() as conn:
        conn.execute(insert(Team), [{"id": i, "name": n, "parent_id": p} for i, n, p in TEAMS])
        for pid, name, email, role, team, manager, active in PEOPLE:  # one by one: managers before their reps
            conn.execute(
                insert(Person).values(
                    id=pid,
                    name=name,
                    name_key=name.lower(),
                    email=email,
                    role=role,
                    team_id=team,
                    manager_id=manager,
                    active=active,
                )
            )
        conn.execute(insert(PersonEmail).values(person_id=10, email="ann.private@home.example"))
    return engine


def scope(engine, email: str) -> Scope:
    person = who.identify(engine, email)
    assert person is not None, email
    return who.scope_of(engine, person)


# --- who signs in ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email, person",
    [
        ("lea@corp.example", 1),
        ("LEA@CORP.EXAMPLE", 1),  # case-insensitive
        ("  olga.ops@corp.example ", 2),  # the stored e-mail's case and the spaces around do not matter
        ("ann.private@home.example", 10),  # an alias
        ("Ann.Private@Home.Example", 10),
        ("ola@corp.example", None),  # inactive: no longer signs in
        ("stranger@corp.example", None),
        ("", None),
        (None, None),
    ],
)
def test_an_email_names_its_person_case_insensitively_and_through_aliases(org, email, person):
    found = who.identify(org, email)
    assert (found.id if found else None) == person


@pytest.mark.parametrize(
    "last_day, signs_in", [(None, True), (TODAY_ID, True), (TODAY_ID - dt.timedelta(days=1), False)]
)
def test_a_leaver_signs_in_until_their_last_day(org, last_day, signs_in):
    from sqlalchemy import update

    with org.begin() as conn:
        conn.execute(update(Person).where(Person.id == 11).values(end_date=last_day))
    assert (who.identify(org, "ben@corp.example", today=TODAY_ID) is not None) is signs_in


# --- role x query → the rows allowed ----------------------------------------------------------

# e-mail → (reps seen in full, teams offered, managers offered, reps seen only as an anonymised distribution)
SCOPES = {
    "lea@corp.example": (None, None, None, set()),
    "olga.ops@corp.example": (None, None, None, set()),
    "nora@corp.example": ({10, 11, 12, 14}, {"North", "Team A", "Team B"}, {"Mia Alder", "Max Birch"}, set()),
    "mia@corp.example": ({10, 11, 14}, {"Team A"}, {"Mia Alder"}, {12}),
    "cem@corp.example": ({13}, {"Team C"}, {"Cem Cedar"}, set()),
    "ann@corp.example": ({10}, {"Team A"}, {"Mia Alder"}, {11, 14}),
}


@pytest.mark.parametrize("email", SCOPES)
def test_each_role_sees_the_reps_and_teams_of_its_scope(org, email):
    reps, teams, managers, peers = SCOPES[email]
    found = scope(org, email)
    assert found.rep_ids == (None if reps is None else frozenset(reps))
    assert found.teams == (None if teams is None else frozenset(teams))
    assert found.managers == (None if managers is None else frozenset(managers))
    assert found.peer_rep_ids == frozenset(peers)
    assert found.reps == (None if reps is None else frozenset(NAMES[i] for i in reps))
    assert found.anonymised_peers == (found.role in ("manager", "rep"))


@pytest.mark.parametrize("email", [*SCOPES, None])
def test_the_people_query_returns_only_the_reps_in_scope(org, email):
    seen = OPEN if email is None else scope(org, email)
    reps = SCOPES[email][0] if email else None
    found = who.people(org, seen)
    assert set(found.index[found["role"] == "rep"]) == (EVERY_REP if reps is None else reps)
    assert {1, 2, 3, 4, 5, 6} <= set(found.index)  # leaders, sales ops and managers are not figures


@pytest.fixture(scope="module")
def demo_card(demo_engine):
    cfg = settings_store.load(demo_engine)
    as_of = periods.as_of_date(None, dt.date(2025, 3, 31))
    from breakthrough.store import queries

    period = periods.period_containing(queries.last_data_day(demo_engine) or as_of, "quarter", 1)
    return scorecard.build(demo_engine, cfg, period, min(queries.last_data_day(demo_engine), period.end))


def demo_people(demo_engine):
    from breakthrough.store import queries

    return queries.people(demo_engine)


@pytest.mark.parametrize("role", ["leader", "manager", "rep", "open"])
def test_figures_rep_activity_and_deals_return_only_rows_in_scope(demo_engine, demo_card, role):
    """On the demo: a manager's figures hold exactly the reps who report to them; a rep's only their own; a rep
    outside the scope has no activity and no deals, one inside has theirs."""
    folks = demo_people(demo_engine)
    reps = folks[folks["role"] == "rep"]
    if role == "open":
        seen, expected = OPEN, set(demo_card.reps)
    else:
        person = folks[folks["role"] == role].index[0 if role != "rep" else 3]
        seen = who.scope_of(demo_engine, who.identify(demo_engine, folks.loc[person, "email"]))
        expected = (
            set(demo_card.reps)
            if role == "leader"
            else set(reps.index[reps["manager_id"] == person])
            if role == "manager"
            else {int(person)}
        ) & set(demo_card.reps)
    kept = who.figures(demo_card, seen)
    assert set(kept.reps) == expected and expected
    assert (kept is demo_card) == (seen.rep_ids is None)
    outsider = next((i for i in demo_card.reps if i not in expected), None)
    inside = sorted(expected)[0]
    start, end = demo_card.period.start, demo_card.as_of
    assert len(who.rep_deals(demo_engine, seen, inside)) > 0
    assert len(who.rep_activity(demo_engine, seen, inside, start, end)) > 0
    if outsider is not None:
        assert len(who.rep_deals(demo_engine, seen, outsider)) == 0
        assert len(who.rep_activity(demo_engine, seen, outsider, start, end)) == 0


# --- coaching notes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email, session, sees",
    [
        ("lea@corp.example", {"manager_id": 4, "rep_id": 10}, True),  # leaders read every note
        ("olga.ops@corp.example", {"manager_id": 4, "rep_id": 10}, False),  # sales ops never
        ("mia@corp.example", {"manager_id": 4, "rep_id": 10}, True),  # the session's manager
        ("nora@corp.example", {"manager_id": 4, "rep_id": 10}, False),  # another manager, even above
        ("max@corp.example", {"manager_id": 4, "rep_id": 10}, False),
        ("ann@corp.example", {"manager_id": 4, "rep_id": 10}, True),  # the rep coached
        ("ben@corp.example", {"manager_id": 4, "rep_id": 10}, False),  # a colleague
        (None, {"manager_id": 4, "rep_id": 10}, True),  # open mode, as before
    ],
)
def test_coaching_notes_are_seen_by_the_sessions_manager_the_rep_and_leaders(org, email, session, sees):
    seen = OPEN if email is None else scope(org, email)
    assert seen.sees_notes(session) is sees
    assert seen.sees_notes(type("S", (), session)()) is sees  # an object with the fields works too


# --- links only narrow ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email, asked, applied, noticed",
    [
        ("mia@corp.example", {"team": "Team A"}, {"team": "Team A"}, False),
        ("mia@corp.example", {"team": "Team B"}, {}, True),  # another manager's link: own scope
        ("mia@corp.example", {"manager": "Max Birch"}, {}, True),
        ("mia@corp.example", {"rep": "Bea Bay"}, {}, True),
        ("mia@corp.example", {"team": "Team A", "rep": "Ben Ash"}, {"team": "Team A", "rep": "Ben Ash"}, False),
        ("nora@corp.example", {"team": "Team B"}, {"team": "Team B"}, False),  # a team below her
        ("nora@corp.example", {"team": "Team C"}, {}, True),
        ("ann@corp.example", {"rep": "Ben Ash"}, {}, True),  # a colleague's figures
        ("ann@corp.example", {"rep": "Ann Lee"}, {"rep": "Ann Lee"}, False),
        ("lea@corp.example", {"team": "Team C", "rep": "Cal Cole"}, {"team": "Team C", "rep": "Cal Cole"}, False),
        (None, {"team": "Anything"}, {"team": "Anything"}, False),  # open mode: the filter bar checks names
    ],
)
def test_url_parameters_only_narrow_the_scope(org, email, asked, applied, noticed):
    seen = OPEN if email is None else scope(org, email)
    got, notice = narrow(seen, **asked)
    assert got == {"team": None, "manager": None, "rep": None} | applied
    assert (notice is not None) is noticed
    if notice:
        assert "outside what you can see" in notice and "your own view" in notice
        assert not any(v in notice for v in asked.values())  # the other team's names are not repeated


# --- role x write → allowed or refused, the database unchanged when refused ---------------------


def everything(engine) -> dict[str, list]:
    from breakthrough.store.models import Base

    with engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(select(t))), key=repr) for t in Base.metadata.sorted_tables}


def session(manager: int, rep: int) -> SessionInput:
    return SessionInput(manager_id=manager, rep_id=rep, date=dt.date(2026, 11, 20), type="one_on_one", duration_min=30)


TODAY = dt.date(2026, 11, 27)
WRITES = {
    "settings": lambda e, s: settings_store.save(e, settings_store.Settings(lookback_days=90), scope=s),
    "log own session": lambda e, s: sessions.log(e, session(4, 10), TODAY, scope=s),
    "log another manager's session": lambda e, s: sessions.log(e, session(5, 12), TODAY, scope=s),
    "delete Max's session": lambda e, s: sessions.delete_session(e, MAXS_SESSION, scope=s),
    "assign a role": lambda e, s: who.set_role(e, 11, "manager", scope=s),
    "add an e-mail": lambda e, s: who.add_email(e, 11, "ben@home.example", scope=s),
    "undo": lambda e, s: undo.undo(e, 1, scope=s),
    "import": lambda e, s: commit.commit(e, PEOPLE_FILE, upload.inspect(e, PEOPLE_FILE).plan, "people.csv", scope=s),
}
MAXS_SESSION = 900
PEOPLE_FILE = b"name,email,role,team\nBen Ash,ben@corp.example,manager,Team A\n"
# the signed-in e-mail → the writes it may make (Mia logs for her own reps as herself; a leader for anyone)
ALLOWED = {
    "lea@corp.example": {"settings", "log own session", "log another manager's session", "delete Max's session",
                         "assign a role"},
    "olga.ops@corp.example": {"settings", "assign a role", "add an e-mail", "undo", "import"},
    "mia@corp.example": {"log own session"},
    "max@corp.example": {"log another manager's session", "delete Max's session"},
    "ann@corp.example": set(),
}  # fmt: skip


@pytest.mark.parametrize("email", ALLOWED)
@pytest.mark.parametrize("write", WRITES)
def test_each_role_may_make_only_its_writes_and_a_refusal_changes_nothing(org, email, write):
    with org.begin() as conn:
        conn.execute(insert(CoachingSession).values(id=MAXS_SESSION, **_session_row(5, 12)))
    seen = scope(org, email)
    before, version = everything(org), db.data_version(org)
    if write in ALLOWED[email]:
        if write == "undo":  # something to undo: sales ops' own import first
            commit.commit(org, PEOPLE_FILE, upload.inspect(org, PEOPLE_FILE).plan, "people.csv", scope=seen)
        WRITES[write](org, seen) if write != "undo" else undo.undo(org, _last_batch(org), scope=seen)
        assert everything(org) != before or write == "undo"
        return
    with pytest.raises(NotAllowed) as refused:
        WRITES[write](org, seen)
    message = str(refused.value)
    assert "may" in message and ("ask" in message or "only" in message), message
    assert everything(org) == before
    assert db.data_version(org) == version


def _session_row(manager: int, rep: int) -> dict:
    return {"manager_id": manager, "rep_id": rep, "date": dt.date(2026, 11, 1), "type": "one_on_one",
            "duration_min": 30, "notes": "private"}  # fmt: skip


def _last_batch(engine) -> int:
    from breakthrough.store.models import ImportBatch

    with engine.connect() as conn:
        return conn.execute(select(func.max(ImportBatch.id))).scalar_one()


def test_sales_ops_set_roles_by_importing_the_people_template(org):
    """A people file with a `role` column changes the roles of the people it names (sales ops import it)."""
    ops = scope(org, "olga.ops@corp.example")
    raw = b"name,email,role,team\nBen Ash,ben@corp.example,Sales Ops,Team A\nBea Bay,bea@corp.example,manager,Team B\n"
    outcome = commit.commit(org, raw, upload.inspect(org, raw).plan, "people.csv", scope=ops)
    assert outcome.accepted == 2, [(r.line, r.column, r.reason) for r in outcome.rejects]
    with org.connect() as conn:
        roles = dict(conn.execute(select(Person.id, Person.role).where(Person.id.in_((11, 12)))).all())
    assert roles == {11: "sales_ops", 12: "manager"}


def test_a_manager_may_not_log_a_session_for_a_rep_outside_the_team(org):
    before = everything(org)
    with pytest.raises(NotAllowed, match="only for reps in your team"):
        sessions.log(org, session(4, 13), TODAY, scope=scope(org, "mia@corp.example"))
    assert everything(org) == before


def test_a_refused_write_says_what_and_what_to_do(org):
    with pytest.raises(NotAllowed, match=r"As a rep you may not import CRM exports: ask your sales ops\."):
        access.require(scope(org, "ann@corp.example"), "import")
    with pytest.raises(NotAllowed, match=r"only for your own sessions"):
        access.require(scope(org, "mia@corp.example"), "coaching", manager_id=5, rep_id=10)
    with pytest.raises(NotAllowed, match=r"As a sales ops you may not log"):
        access.require(scope(org, "olga.ops@corp.example"), "coaching")


@pytest.mark.parametrize("action", sorted(access.ACTIONS))
def test_open_mode_may_do_everything_as_before(action):
    assert OPEN.may(action) and OPEN.is_open and OPEN.person_id is None and OPEN.email is None
    access.require(OPEN, action, rep_id=1, manager_id=2)


def test_a_scope_is_frozen_and_hashable():
    found = Scope(role="rep", person_id=1, rep_ids=frozenset({1}))
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.role = "leader"  # type: ignore[misc]
    assert hash(found) == hash(Scope(role="rep", person_id=1, rep_ids=frozenset({1})))


def test_the_peer_distribution_holds_the_peers_attainment_and_nothing_else():
    """Values only, sorted, of the peers alone (never the viewer's own reps), reps without a quota left out."""
    rep = lambda a: type("R", (), {"funnel": type("F", (), {"attainment": a})()})()  # noqa: E731
    card = type("C", (), {"reps": {1: rep(0.5), 2: rep(0.9), 3: rep(None), 4: rep(0.2), 5: rep(1.4)}})()
    seen = Scope(role="rep", person_id=1, rep_ids=frozenset({1}), peer_rep_ids=frozenset({2, 3, 4, 9}))
    assert who.peer_distribution(card, seen) == (0.2, 0.9)
    assert who.peer_distribution(card, OPEN) == ()


@pytest.mark.parametrize(
    "email, allowed",
    [("ann@corp.example", True), ("ben@corp.example", False), ("mia@corp.example", False),
     ("lea@corp.example", False), ("olga.ops@corp.example", False)],
)  # fmt: skip
def test_only_the_rep_acknowledges_their_own_commitment(org, email, allowed):
    from breakthrough.store.models import Commitment

    with org.begin() as conn:
        conn.execute(insert(CoachingSession).values(id=901, **_session_row(4, 10)))
        conn.execute(insert(Commitment).values(id=77, session_id=901, rep_id=10, text="60 calls a week"))
    before = everything(org)
    seen = scope(org, email)
    if not allowed:
        with pytest.raises(NotAllowed):
            sessions.acknowledge(org, 77, TODAY, scope=seen)
        assert everything(org) == before
        return
    sessions.acknowledge(org, 77, TODAY, scope=seen)
    found = sessions.open_commitments(org, 10)
    assert found.set_index("id").loc[77, "acknowledged_date"] == TODAY


# --- every scoped read the pages' cache calls: role x read → the rows allowed -----------------------
# On the demo, each read kept to a viewer's scope returns exactly the rows of the same read for everyone whose
# rep is inside the scope (nothing more, nothing less); figures that need the whole team (the diagnosis'
# benchmarks, a hygiene rule's team percentile) are the same values as among everyone.


def _demo_scope(demo_engine, demo_card, role):
    """(the scope of the demo's first person of `role`, the reps of the card inside it), worked out from the
    people table: a manager's reps report to them, a rep is themselves, the others see everyone."""
    folks = demo_people(demo_engine)
    reps = folks[folks["role"] == "rep"]
    if role in ("open", "sales_ops"):  # the demo has no sales ops: their scope is every team's, as a leader's
        return (OPEN if role == "open" else Scope(role="sales_ops", person_id=-1)), set(demo_card.reps)
    person = folks[folks["role"] == role].index[0 if role != "rep" else 3]
    seen = who.scope_of(demo_engine, who.identify(demo_engine, folks.loc[person, "email"]))
    expected = {
        "leader": set(demo_card.reps),
        "manager": set(reps.index[reps["manager_id"] == person]),
        "rep": {int(person)},
    }[role] & set(demo_card.reps)
    return seen, expected


def _rep_ids_of_names(demo_engine, names) -> set[int]:
    folks = demo_people(demo_engine)
    by_name = {name: int(i) for i, name in folks["name"].items()}
    return {by_name[n] for n in names}


def _read_deals(engine, card, seen):
    found = who.deal_records(engine, seen, list(card.reps), status="open")
    return _rep_ids_of_names(engine, found["Rep"])


def _read_calls(engine, card, seen):
    found = who.activity_records(engine, seen, list(card.reps), card.as_of - dt.timedelta(days=6), card.as_of)
    return _rep_ids_of_names(engine, found["Rep"])


def _read_details(engine, card, seen):
    from breakthrough.store import records

    deals = records.open_deals(engine, card.as_of)
    owner = dict(zip(deals["id"], deals["rep_id"]))
    return {int(owner[i]) for i in who.deal_details(engine, seen, deals["id"].tolist())["id"]}


def _read_hygiene(engine, card, seen):
    from breakthrough.diagnosis import hygiene
    from breakthrough.store import records

    everyone = hygiene.flag(records.open_deals(engine, card.as_of), records.close_date_history(engine, card.as_of),
                            card.as_of)  # fmt: skip
    kept = who.keep_rows(everyone, seen)
    limits = everyone.set_index("id")["stall_limit"]  # the team's percentile, among everyone's open deals
    assert kept.set_index("id")["stall_limit"].equals(limits.loc[kept["id"]])
    return {int(i) for i in kept["rep_id"]}


def _read_diagnosis(engine, card, seen):
    from breakthrough.diagnosis import focus

    cfg = settings_store.load(engine)
    everyone = focus.build(card, card.won_cycles, cfg.shrinkage_k, "top quartile", cfg.on_track_threshold)
    kept = who.figures(everyone, seen)
    assert all(kept.reps[i] is everyone.reps[i] for i in kept.reps)  # benchmarked among everyone
    return set(kept.reps)


def _read_coaching(engine, card, seen):
    from breakthrough.coaching import managers

    cfg = settings_store.load(engine)
    found = set()
    for rep_id in sorted(card.reps)[:: max(1, len(card.reps) // 6)]:  # a handful, inside and outside a scope
        mine = managers.for_rep(engine, cfg, rep_id, card.as_of, seen)
        if len(mine.sessions) or len(mine.commitments):
            found.add(rep_id)
        if len(sessions.open_commitments(engine, rep_id, seen)):
            found.add(rep_id)
    return found


READS = {
    "people": lambda engine, card, seen: {int(i) for i, r in who.people(engine, seen)["role"].items() if r == "rep"}
    & set(card.reps),
    "scorecard": lambda engine, card, seen: set(who.figures(card, seen).reps),
    "diagnosis": _read_diagnosis,
    "open deals (drill-down)": _read_deals,
    "calls (drill-down)": _read_calls,
    "deal details (hygiene listing)": _read_details,
    "hygiene flags": _read_hygiene,
    "coaching sessions, commitments": _read_coaching,
}


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize("role", ["leader", "sales_ops", "manager", "rep", "open"])
def test_every_scoped_read_returns_the_rows_of_the_reps_in_scope_and_no_others(demo_engine, demo_card, role, read):
    seen, inside = _demo_scope(demo_engine, demo_card, role)
    everyone = READS[read](demo_engine, demo_card, OPEN)
    found = READS[read](demo_engine, demo_card, seen)
    assert everyone, f"the demo has rows for {read}"  # else the test could not fail
    assert found == everyone & inside
    if role in ("manager", "rep"):
        assert found < everyone  # others' rows exist and are left out


@pytest.mark.parametrize("role, listed", [("leader", True), ("sales_ops", True), ("open", True), ("manager", False),
                                          ("rep", False)])  # fmt: skip
def test_data_health_lists_every_teams_records_only_to_those_who_see_every_team(demo_engine, demo_card, role, listed):
    from breakthrough.importing import data_health

    seen, _ = _demo_scope(demo_engine, demo_card, role)
    cfg = settings_store.load(demo_engine)
    records = data_health.records(demo_engine, "past_due", cfg, demo_card.as_of)
    checks = data_health.checks(demo_engine, cfg, demo_card.as_of)
    assert len(records) and checks
    assert len(who.every_team(records, seen)) == (len(records) if listed else 0)
    assert who.every_team(checks, seen) == (checks if listed else [])


@pytest.mark.parametrize(
    "email, words",
    [("lea@corp.example", "All teams"), ("olga.ops@corp.example", "All teams"),
     ("nora@corp.example", "North and its teams"), ("mia@corp.example", "Team A"), ("max@corp.example", "Team B"),
     ("cem@corp.example", "Team C"), ("ann@corp.example", "your own figures"), (None, "All teams")],
)  # fmt: skip
def test_a_view_with_no_team_chosen_reads_as_the_viewers_own_teams(org, email, words):
    seen = OPEN if email is None else scope(org, email)
    assert seen.teams_in_words() == words
