"""The demo generator: structure, calendar, determinism and the planted stories.

Story checks read the shared S demo (`demo_engine`, seed 7, TODAY) with their own
GROUP BY queries, so they test the data, not the generator's parameters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import statistics

import numpy as np
import pytest
from conftest import TODAY, drop_database, new_database_url
from sqlalchemy import insert, text
from sqlalchemy import inspect as sa_inspect

from breakthrough import demo
from breakthrough.__main__ import main
from breakthrough.settings import Settings
from breakthrough.store import models
from breakthrough.store.db import data_version, make_engine, migrate

LAST_4_WEEKS = TODAY - dt.timedelta(days=28)
QUARTER_START = dt.date(2026, 10, 1)


def rows(engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def scalar(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def day(value) -> dt.date | None:
    """A date from a raw query (SQLite returns ISO text, PostgreSQL a date)."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value.date() if isinstance(value, dt.datetime) else value


def moment(value) -> dt.datetime:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def person_id(engine, story: str) -> int:
    return scalar(engine, "SELECT id FROM person WHERE name = :n", n=demo.STORIES[story])


def per_rep(engine, sql: str, **params) -> dict[int, float]:
    """{rep id: value} from a query returning (rep_id, value)."""
    return {rep: float(v or 0) for rep, v in rows(engine, sql, **params)}


def reps(engine) -> dict[int, int]:
    """{rep id: team id}."""
    return dict(rows(engine, "SELECT id, team_id FROM person WHERE role = 'rep'"))


@pytest.fixture
def other_engine(tmp_path_factory, database_templates):
    """A second fresh, migrated database."""
    url = new_database_url(tmp_path_factory.mktemp("other"))
    eng = make_engine(url)
    migrate(eng)
    yield eng
    eng.dispose()
    drop_database(url)


def fingerprint(engine) -> tuple:
    """Counts per table plus sums that change with almost any row."""
    counts = tuple(
        scalar(engine, f"SELECT COUNT(*) FROM {t}")
        for t in ("person", "account", "activity", "opportunity", "quota", "coaching_session", "commitment")
    )
    amount = scalar(engine, "SELECT SUM(amount) FROM opportunity")
    seconds = scalar(engine, "SELECT SUM(duration_s) FROM activity")
    names = tuple(r[0] for r in rows(engine, "SELECT name FROM person ORDER BY id"))
    return counts, round(amount, 2), seconds, names


# ----------------------------------------------------------------------------- organisation


def test_roles_and_reporting_lines(demo_engine):
    roles = dict(rows(demo_engine, "SELECT role, COUNT(*) FROM person GROUP BY role"))
    assert roles == {"rep": 24, "manager": 4, "leader": 1}
    bad = rows(
        demo_engine,
        """SELECT r.name FROM person r LEFT JOIN person m ON m.id = r.manager_id
                                WHERE r.role = 'rep' AND (m.role IS NULL OR m.role <> 'manager'
                                                          OR m.team_id <> r.team_id)""",
    )
    assert bad == []
    assert rows(
        demo_engine,
        """SELECT DISTINCT l.role FROM person m JOIN person l ON l.id = m.manager_id
                                 WHERE m.role = 'manager'""",
    ) == [("leader",)]
    assert rows(demo_engine, "SELECT team_id FROM person WHERE role = 'leader'") == [(None,)]


def test_teams_regions_and_six_reps_each(demo_engine):
    tree = rows(
        demo_engine,
        """SELECT p.name, t.name FROM team t JOIN team p ON p.id = t.parent_id
                                 ORDER BY t.id""",
    )
    assert tree == [
        ("Americas", "Enterprise East"),
        ("Americas", "Enterprise West"),
        ("Americas", "Mid-Market"),
        ("Europe", "EMEA"),
    ]
    sizes = rows(demo_engine, "SELECT team_id, COUNT(*) FROM person WHERE role = 'rep' GROUP BY team_id")
    assert sorted(n for _, n in sizes) == [6, 6, 6, 6]


def test_names_emails_and_name_keys(demo_engine):
    people = rows(demo_engine, "SELECT name, name_key, email, hire_date FROM person")
    assert len({e for _, _, e, _ in people}) == len(people)
    for _name, key, email, hired in people:
        assert re.fullmatch(r"[a-z]+\.[a-z]+@northwind\.example", email), email
        assert key == " ".join(key.split()) and key == key.lower() and key.isascii()
        assert day(hired) <= TODAY
    assert ("Sofía Álvarez", "sofia alvarez", "sofia.alvarez@northwind.example") in {p[:3] for p in people}


def test_story_people_have_their_roles_in_different_teams(demo_engine):
    found = dict(rows(demo_engine, "SELECT name, role FROM person"))
    for story, name in demo.STORIES.items():
        assert found[name] == ("manager" if story.startswith("coaches") else "rep"), story
    teams = dict(rows(demo_engine, "SELECT name, team_id FROM person"))
    assert len({teams[n] for s, n in demo.STORIES.items() if not s.startswith("coaches")}) == 4


def test_shallow_coach_manages_the_low_activity_rep(demo_engine):
    manager = scalar(demo_engine, "SELECT manager_id FROM person WHERE name = :n", n=demo.STORIES["low_activity"])
    assert manager == person_id(demo_engine, "coaches_often_shallow")


# ----------------------------------------------------------------------------- calendar and data health


def test_activity_only_on_weekdays_up_to_today(demo_engine):
    days = [day(d) for (d,) in rows(demo_engine, "SELECT DISTINCT day FROM activity")]
    assert min(days) == dt.date(2026, 4, 1)  # start of the quarter two quarters before today's
    assert max(days) <= TODAY
    assert all(d.weekday() < 5 for d in days)


def test_activity_day_matches_timestamp_and_working_hours(demo_engine):
    sample = rows(demo_engine, "SELECT ts, day FROM activity WHERE id % 97 = 0")
    assert sample
    for ts, d in sample:
        assert moment(ts).date() == day(d) and 8 <= moment(ts).hour < 18


def test_nothing_dated_after_today(demo_engine):
    checks = [
        "SELECT MAX(date) FROM coaching_session",
        "SELECT MAX(created_date) FROM opportunity",
        "SELECT MAX(stage_since) FROM opportunity",
        "SELECT MAX(reviewed_date) FROM commitment",
        "SELECT MAX(close_date) FROM opportunity WHERE status <> 'open'",
    ]
    for sql in checks:
        assert day(scalar(demo_engine, sql)) <= TODAY, sql


def test_activity_types_labels_and_missing_outcomes(demo_engine):
    pairs = set(rows(demo_engine, "SELECT DISTINCT type, raw_type FROM activity"))
    assert pairs == {("call", "Call"), ("email", "Email"), ("meeting", "Meeting"), ("demo", "Demo")}
    total = scalar(demo_engine, "SELECT COUNT(*) FROM activity")
    missing = scalar(demo_engine, "SELECT COUNT(*) FROM activity WHERE outcome IS NULL")
    assert 40_000 <= total <= 80_000
    assert 0.01 < missing / total < 0.03
    outcomes = set(rows(demo_engine, "SELECT DISTINCT type, outcome FROM activity WHERE outcome IS NOT NULL"))
    assert outcomes == {
        ("call", "connected"),
        ("call", "no answer"),
        ("call", "left voicemail"),
        ("meeting", "held"),
        ("meeting", "no show"),
        ("demo", "held"),
        ("email", "sent"),
    }


def test_external_ids_and_sources(demo_engine):
    for table, prefix in (("activity", "A"), ("opportunity", "O")):
        n, distinct, bad = rows(
            demo_engine,
            f"""SELECT COUNT(*), COUNT(DISTINCT external_id),
            SUM(CASE WHEN source = 'demo' AND external_id LIKE '{prefix}%' THEN 0 ELSE 1 END) FROM {table}""",
        )[0]
        assert n == distinct and bad == 0
    assert scalar(demo_engine, "SELECT MIN(external_id) FROM activity") == "A000001"


def test_activity_daily_matches_the_raw_rows(demo_engine):
    assert scalar(demo_engine, "SELECT SUM(n) FROM activity_daily") == scalar(
        demo_engine, "SELECT COUNT(*) FROM activity"
    )
    calls = rows(demo_engine, "SELECT rep_id, COUNT(*) FROM activity WHERE type = 'call' GROUP BY rep_id")
    rolled = rows(demo_engine, "SELECT rep_id, SUM(n) FROM activity_daily WHERE type = 'call' GROUP BY rep_id")
    assert sorted(calls) == sorted(rolled)


def test_accounts_targets_and_links(demo_engine):
    n, targets, tier_a = rows(
        demo_engine,
        """SELECT COUNT(*), SUM(CASE WHEN is_target THEN 1 ELSE 0 END),
                                               SUM(CASE WHEN tier = 'A' THEN 1 ELSE 0 END) FROM account""",
    )[0]
    assert n == 300 and targets == tier_a == 100
    with_account = scalar(demo_engine, "SELECT COUNT(*) FROM activity WHERE account_id IS NOT NULL")
    assert 0.5 < with_account / scalar(demo_engine, "SELECT COUNT(*) FROM activity") < 1
    dangling = scalar(
        demo_engine,
        """SELECT COUNT(*) FROM activity a LEFT JOIN opportunity o
        ON o.source = a.source AND o.external_id = a.opportunity_ref
        WHERE a.opportunity_ref IS NOT NULL AND o.id IS NULL""",
    )
    assert dangling == 0


def test_setting_marks_demo_and_data_version(demo_engine):
    value = scalar(demo_engine, "SELECT value FROM setting WHERE key = 'demo'")
    assert value in (True, "true", 1)
    assert data_version(demo_engine) >= 1


# ----------------------------------------------------------------------------- opportunities and quotas


def test_opportunity_states_are_consistent(demo_engine):
    stages = dict(rows(demo_engine, "SELECT stage, MIN(status) FROM opportunity GROUP BY stage"))
    assert stages == {
        "Prospecting": "open",
        "Qualification": "open",
        "Proposal": "open",
        "Negotiation": "open",
        "Closed Won": "won",
        "Closed Lost": "lost",
    }
    broken = scalar(
        demo_engine,
        """SELECT COUNT(*) FROM opportunity WHERE close_date < created_date
        OR stage_since < created_date OR stage_since > :today OR (status <> 'open' AND close_date > :today)""",
        today=TODAY,
    )
    assert broken == 0


def test_some_open_deals_are_past_due(demo_engine):
    due = scalar(demo_engine, "SELECT COUNT(*) FROM opportunity WHERE close_date <= :t", t=TODAY)
    past_due = scalar(
        demo_engine, "SELECT COUNT(*) FROM opportunity WHERE status = 'open' AND close_date < :t", t=TODAY
    )
    assert 0.02 < past_due / due < 0.12


def test_first_quarter_closes_deals(demo_engine):
    won = scalar(
        demo_engine,
        """SELECT COUNT(*) FROM opportunity WHERE status = 'won'
                                  AND close_date BETWEEN '2026-04-01' AND '2026-04-30'""",
    )
    assert won >= 24


def test_emea_deals_and_quotas_in_euro(demo_engine):
    for table, owner in (("opportunity", "owner_id"), ("quota", "person_id")):
        found = set(
            rows(
                demo_engine,
                f"""SELECT t.name, x.currency FROM {table} x
            JOIN person p ON p.id = x.{owner} JOIN team t ON t.id = p.team_id""",
            )
        )
        assert found == {("EMEA", "EUR"), ("Enterprise East", "USD"), ("Enterprise West", "USD"), ("Mid-Market", "USD")}


def test_amounts_rounded_to_hundreds(demo_engine):
    amounts = [a for (a,) in rows(demo_engine, "SELECT amount FROM opportunity WHERE amount IS NOT NULL")]
    assert all(a % 100 == 0 and a > 0 for a in amounts)


def test_monthly_quotas_cover_three_quarters_and_the_next(demo_engine):
    months = rows(
        demo_engine,
        """SELECT period_start, COUNT(*) FROM quota WHERE period = 'month'
                                   GROUP BY period_start ORDER BY period_start""",
    )
    assert [day(m) for m, _ in months] == [dt.date(2026 + (3 + k) // 12, (3 + k) % 12 + 1, 1) for k in range(12)]
    # a rep has quotas from the month of their hire date (the new hire and the Talent stories' hires: none before)
    hires = [day(h) for (h,) in rows(demo_engine, "SELECT hire_date FROM person WHERE role = 'rep'")]
    assert [n for _, n in months] == [sum(h < nxt for h in hires) for nxt in [day(m) for m, _ in months[1:]] + [
        dt.date(2099, 1, 1)]]  # fmt: skip
    assert months[-1][1] == 24 and months[0][1] == 20  # April: 5 of the 24 were hired later
    per_team = rows(
        demo_engine,
        """SELECT p.team_id, COUNT(DISTINCT q.amount) FROM quota q
        JOIN person p ON p.id = q.person_id WHERE p.hire_date < :first GROUP BY p.team_id""",
        first=day(months[0][0]),
    )
    assert {n for _, n in per_team} == {1}


def test_new_hire_is_recent_and_ramps(demo_engine):
    hired = day(scalar(demo_engine, "SELECT hire_date FROM person WHERE name = :n", n=demo.STORIES["new_hire"]))
    assert 30 <= (TODAY - hired).days <= 60
    first = day(
        scalar(demo_engine, "SELECT MIN(day) FROM activity WHERE rep_id = :r", r=person_id(demo_engine, "new_hire"))
    )
    assert first >= hired
    quotas = rows(
        demo_engine,
        """SELECT q.period_start, q.amount, f.amount FROM quota q
        JOIN person p ON p.id = q.person_id
        JOIN quota f ON f.period_start = q.period_start AND f.person_id = (
            SELECT MIN(o.id) FROM person o WHERE o.team_id = p.team_id AND o.role = 'rep' AND o.id <> p.id)
        WHERE p.name = :n ORDER BY q.period_start""",
        n=demo.STORIES["new_hire"],
    )
    shares = [round(mine / full, 2) for _, mine, full in quotas]
    assert hired.month == 10 and shares == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]


# ----------------------------------------------------------------------------- rep stories


def test_low_activity_rep_makes_under_half_the_team_median_calls(demo_engine):
    calls = per_rep(
        demo_engine,
        """SELECT rep_id, COUNT(*) / 4.0 FROM activity WHERE type = 'call'
                                     AND day > :since GROUP BY rep_id""",
        since=LAST_4_WEEKS,
    )
    rep = person_id(demo_engine, "low_activity")
    team = [calls.get(r, 0) for r, t in reps(demo_engine).items() if t == reps(demo_engine)[rep]]
    assert calls[rep] < statistics.median(team) / 2


def test_poor_call_to_meeting_rep(demo_engine):
    held = per_rep(
        demo_engine,
        """SELECT rep_id, COUNT(*) FROM activity WHERE type IN ('meeting', 'demo')
                                    AND outcome = 'held' GROUP BY rep_id""",
    )
    calls = per_rep(demo_engine, "SELECT rep_id, COUNT(*) FROM activity WHERE type = 'call' GROUP BY rep_id")
    ratio = {r: held.get(r, 0) / calls[r] for r in calls}
    rep = person_id(demo_engine, "poor_call_to_meeting")
    assert ratio[rep] < statistics.median(ratio.values()) / 2
    assert calls[rep] > statistics.median(calls.values())  # plenty of calls


def test_low_win_rate_rep_has_the_lowest_win_rate_and_many_opportunities(demo_engine):
    closed = rows(
        demo_engine,
        """SELECT owner_id, SUM(CASE WHEN status = 'won' THEN 1 ELSE 0 END), COUNT(*)
                                   FROM opportunity WHERE status <> 'open' GROUP BY owner_id""",
    )
    rates = {rep: won / n for rep, won, n in closed if n >= 20}
    rep = person_id(demo_engine, "low_win_rate")
    assert min(rates, key=rates.get) == rep
    created = per_rep(demo_engine, "SELECT owner_id, COUNT(*) FROM opportunity GROUP BY owner_id")
    assert created[rep] > statistics.median(created.values())


def test_small_deals_rep_has_the_lowest_average_won_amount(demo_engine):
    won = rows(
        demo_engine,
        """SELECT owner_id, AVG(amount), COUNT(*) FROM opportunity
                                WHERE status = 'won' GROUP BY owner_id""",
    )
    averages = {rep: float(avg) for rep, avg, n in won if n >= 5}
    assert min(averages, key=averages.get) == person_id(demo_engine, "small_deals")


def test_ahead_rep_is_well_ahead_of_the_elapsed_share(demo_engine):
    won = per_rep(
        demo_engine,
        """SELECT owner_id, SUM(amount) FROM opportunity WHERE status = 'won'
                                   AND close_date BETWEEN :q AND :t GROUP BY owner_id""",
        q=QUARTER_START,
        t=TODAY,
    )
    quota = per_rep(
        demo_engine,
        """SELECT person_id, SUM(amount) FROM quota WHERE period_start >= :q
                                     AND period_start < '2027-01-01' GROUP BY person_id""",
        q=QUARTER_START,
    )
    elapsed = np.busday_count(QUARTER_START, TODAY + dt.timedelta(days=1)) / np.busday_count(
        QUARTER_START, dt.date(2027, 1, 1)
    )
    pace = {rep: won.get(rep, 0) / quota[rep] / elapsed for rep in quota}
    rep = person_id(demo_engine, "ahead")
    assert pace[rep] > 1.2
    assert pace[rep] > statistics.median(pace.values())


# ----------------------------------------------------------------------------- manager stories


def manager_sessions(engine) -> dict[int, tuple[int, float]]:
    """{manager id: (sessions, mean rubric score over scored dimensions)}."""
    dims = models.RUBRIC
    total = " + ".join(f"COALESCE({d}, 0)" for d in dims)
    scored = " + ".join(f"CASE WHEN {d} IS NULL THEN 0 ELSE 1 END" for d in dims)
    found = rows(
        engine, f"SELECT manager_id, COUNT(*), SUM({total}), SUM({scored}) FROM coaching_session GROUP BY manager_id"
    )
    return {mgr: (n, s / k) for mgr, n, s, k in found}


def test_shallow_coach_has_most_sessions_and_lowest_scores(demo_engine):
    stats = manager_sessions(demo_engine)
    shallow = person_id(demo_engine, "coaches_often_shallow")
    assert max(stats, key=lambda m: stats[m][0]) == shallow
    assert min(stats, key=lambda m: stats[m][1]) == shallow
    assert stats[shallow][1] <= 2


def test_rare_coach_has_fewest_sessions(demo_engine):
    stats = manager_sessions(demo_engine)
    rare = person_id(demo_engine, "coaches_rarely")
    assert min(stats, key=lambda m: stats[m][0]) == rare
    months = (TODAY - dt.date(2026, 4, 1)).days / 30.4
    assert stats[rare][0] / 6 / months <= 1.2  # about one session per rep per month, or less


def test_good_coach_scores_high_names_focus_and_debriefs(demo_engine):
    stats = manager_sessions(demo_engine)
    good = person_id(demo_engine, "coaches_well")
    assert max(stats, key=lambda m: stats[m][1]) == good and stats[good][1] >= 4
    focus = dict(
        rows(
            demo_engine,
            """SELECT manager_id, AVG(CASE WHEN focus_driver IS NULL THEN 0.0 ELSE 1.0 END)
                                       FROM coaching_session GROUP BY manager_id""",
        )
    )
    assert focus[good] > 0.8 > 0.3 > focus[person_id(demo_engine, "coaches_often_shallow")]
    assert debrief_rate(demo_engine, good) > 0.8


def debrief_rate(engine, manager: int) -> float:
    """Joint calls followed by a debrief with the same rep within 2 working days (4 calendar days)."""
    sql = "SELECT rep_id, date FROM coaching_session WHERE manager_id = :m AND type = :t"
    joint = [(rep, day(d)) for rep, d in rows(engine, sql, m=manager, t="joint_call")]
    debriefs = {(rep, day(d)) for rep, d in rows(engine, sql, m=manager, t="debrief")}
    within = [d for d in range(1, 5)]
    followed = [
        any(
            (rep, when + dt.timedelta(days=k)) in debriefs and np.busday_count(when, when + dt.timedelta(days=k)) <= 2
            for k in within
        )
        for rep, when in joint
    ]
    return sum(followed) / len(followed)


def test_commitments_by_style(demo_engine):
    found = rows(
        demo_engine,
        """SELECT s.manager_id, COUNT(*),
        SUM(CASE WHEN c.due_date IS NULL THEN 0 ELSE 1 END),
        SUM(CASE WHEN c.due_date <= :t THEN 1 ELSE 0 END),
        SUM(CASE WHEN c.due_date <= :t AND c.reviewed_date <= c.due_date THEN 1 ELSE 0 END)
        FROM commitment c JOIN coaching_session s ON s.id = c.session_id GROUP BY s.manager_id""",
        t=TODAY,
    )
    stats = {mgr: (n, with_due / n, on_time / due) for mgr, n, with_due, due, on_time in found}
    good, shallow = person_id(demo_engine, "coaches_well"), person_id(demo_engine, "coaches_often_shallow")
    assert stats[good][1] > 0.9 and stats[good][2] > 0.7
    assert stats[shallow][1] < 0.4 and stats[shallow][2] < 0.2


def test_commitment_status_and_reviews_are_consistent(demo_engine):
    bad = scalar(
        demo_engine,
        """SELECT COUNT(*) FROM commitment c
        JOIN coaching_session s ON s.id = c.session_id
        LEFT JOIN coaching_session r ON r.id = c.reviewed_session_id
        WHERE c.rep_id <> s.rep_id OR (r.id IS NOT NULL AND (r.rep_id <> c.rep_id OR r.date <= s.date
              OR r.date <> c.reviewed_date))
           OR (c.status = 'missed' AND (c.due_date IS NULL OR c.due_date > :t))
           OR (c.status = 'open' AND c.due_date <= :t)""",
        t=TODAY,
    )
    assert bad == 0


def test_sessions_use_known_types_and_ranges(demo_engine):
    kinds = {k for (k,) in rows(demo_engine, "SELECT DISTINCT type FROM coaching_session")}
    assert kinds <= set(models.SESSION_TYPES) and {"one_on_one", "joint_call", "debrief"} <= kinds
    lo, hi = rows(demo_engine, "SELECT MIN(duration_min), MAX(duration_min) FROM coaching_session")[0]
    assert lo >= 15 and hi <= 60
    drivers = {d for (d,) in rows(demo_engine, "SELECT DISTINCT focus_driver FROM coaching_session")}
    assert drivers - {None} <= set(demo.DRIVERS)


# ----------------------------------------------------------------------------- determinism and API


def test_same_seed_same_rows_other_seed_other_rows(demo_engine, engine, other_engine):
    demo.generate(engine, scale="S", seed=7, today=TODAY)
    assert fingerprint(engine) == fingerprint(demo_engine)
    told = []
    with demo.transaction(other_engine) as conn:  # as the command line writes it, with a progress bar
        counts = demo.write_demo(conn, "S", 8, TODAY, lambda *step: told.append(step))
    assert fingerprint(other_engine) != fingerprint(demo_engine)
    # progress: the rows written so far, counting up to about all of them, then the indexes and the rollups
    stages = list(dict.fromkeys(what for what, _, _ in told))
    assert stages[0] == "drawing the company" and stages[-2:] == ["building indexes", "counting the rollups"]
    assert {"writing person", "writing activity", "writing opportunity"} <= set(stages)
    done = [n for _, n, _ in told]
    assert done == sorted(done) and done[-1] == told[-1][2]
    written = sum(n for table, n in counts.items() if table != "activity_daily")
    assert written <= told[-1][2] < written * 1.1  # expected before the Talent stories take a few rows out
    assert set(demo.STORIES.values()) <= set(fingerprint(other_engine)[3])
    # the demo writes explicit ids: later inserts (e.g. a session logged in the app) still get free ones
    manager, rep = rows(engine, "SELECT manager_id, id FROM person WHERE role = 'rep' ORDER BY id")[0]
    with engine.begin() as conn:
        conn.execute(insert(models.Team).values(name="New team"))
        session = conn.execute(
            insert(models.CoachingSession).values(manager_id=manager, rep_id=rep, date=TODAY, type="one_on_one")
        ).inserted_primary_key[0]
        conn.execute(insert(models.Commitment).values(session_id=session, rep_id=rep, text="Call back"))
    assert session == scalar(engine, "SELECT COUNT(*) FROM coaching_session")


def test_the_demo_has_every_index_the_schema_declares(demo_engine):
    """The big tables' indexes are set aside while the demo writes them and built at the end: all there."""
    found = sa_inspect(demo_engine)
    for name, table in models.Base.metadata.tables.items():
        assert {i["name"] for i in found.get_indexes(name)} >= {i.name for i in table.indexes}, name


def test_generate_returns_counts_per_table(demo_engine):
    counts = {
        t: scalar(demo_engine, f"SELECT COUNT(*) FROM {t}")
        for t in (
            "team",
            "person",
            "activity",
            "opportunity",
            "quota",
            "coaching_session",
            "commitment",
            "activity_daily",
        )
    }
    assert counts["team"] == 6 and counts["person"] == 29 and counts["activity_daily"] > 0


def test_generate_refuses_a_database_with_people(engine):
    with engine.begin() as conn:
        conn.execute(insert(models.Person).values(name="Someone", name_key="someone", role="rep"))
    with pytest.raises(ValueError, match="already holds people"):
        demo.generate(engine, today=TODAY)
    with pytest.raises(ValueError, match="unknown scale"):
        demo.generate(engine, scale="XL", today=TODAY)


def test_fiscal_quarters_follow_the_fiscal_year_start():
    frame = demo.Frame.make(TODAY, dataclasses.replace(Settings(), fiscal_year_start_month=2))
    assert frame.start == dt.date(2026, 5, 1)  # FY from February: today's quarter starts in November
    assert frame.months[-1] == dt.date(2027, 4, 1)


@pytest.mark.parametrize(("scale", "n_reps"), [("M", 200), ("L", 1000)])
def test_bigger_scales_keep_the_story_people(scale, n_reps):
    frame = demo.Frame.make(TODAY, Settings())
    org = demo.Org.make(np.random.default_rng(1), demo.SCALES[scale], frame)
    assert org.n == n_reps
    names = {p["name"] for p in org.people}
    assert set(demo.STORIES.values()) <= names and len(names) == len(org.people)


# ----------------------------------------------------------------------------- command line


@pytest.fixture
def tiny_scale(monkeypatch):
    """Scale S with 2 reps per team and 60 accounts, to keep command-line tests quick."""
    monkeypatch.setitem(demo.SCALES, "S", dataclasses.replace(demo.SCALES["S"], reps_per_team=2, accounts=60))


def test_cli_refuses_a_database_with_people_unless_replace(engine, db_url, tiny_scale, capsys):
    with engine.begin() as conn:
        conn.execute(insert(models.Person).values(name="Old Rep", name_key="old rep", role="rep"))
        conn.execute(insert(models.Setting).values(key="data_version", value=5))
    assert main(["demo", "--database-url", db_url, "--today", TODAY.isoformat()]) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["demo", "--database-url", db_url, "--today", TODAY.isoformat(), "--replace"]) == 0
    assert "activity" in capsys.readouterr().out
    assert scalar(engine, "SELECT COUNT(*) FROM person WHERE name = 'Old Rep'") == 0
    assert scalar(engine, "SELECT COUNT(*) FROM person WHERE role = 'rep'") == 8
    assert data_version(engine) == 6  # counts on, so no cached page survives the replacement


def test_cli_migrate(db_url, capsys):
    assert main(["migrate", "--database-url", db_url]) == 0
    assert "up to date" in capsys.readouterr().out


# ----------------------------------------------------------------------------- the Talent stories


def test_the_talent_stories_hold(demo_engine):
    from breakthrough import settings as settings_store
    from breakthrough.access import OPEN
    from breakthrough.metrics import periods, scorecard
    from breakthrough.store import queries
    from breakthrough.talent import hidden, ramp, shortfall

    cfg = settings_store.load(demo_engine)
    as_of = periods.as_of_date(queries.last_data_day(demo_engine), TODAY)
    found = ramp.build(demo_engine, cfg, as_of)
    assert found.cohort >= 5
    statuses = {h.name: (h.tenure_month, h.status) for h in found.new_hires.values()}
    assert "ahead" in {s for _, s in statuses.values()}  # one hire ramping like the top quartile
    assert 3 in {t for t, s in statuses.values() if s == "behind"}  # one behind the cohort in month 3
    rows = {r.name: r for r in shortfall.build(demo_engine, cfg, as_of, OPEN)}
    little, plenty = rows[demo.STORIES["small_deals"]], rows[demo.STORIES["low_activity"]]
    assert little.count >= 3 and plenty.count >= 2  # behind three quarters, and behind for long too
    assert 5 * sum(little.sessions.values()) < sum(plenty.sessions.values())  # little coaching, and plenty…
    assert plenty.improved is False  # …that did not help
    period = periods.period_containing(as_of, "quarter", cfg.fiscal_year_start_month)
    teams = hidden.by_team(scorecard.build(demo_engine, cfg, period, as_of), cfg)
    assert [len(h.behind) for h in teams] == [4]  # a team on track hiding four reps behind
