"""The weekly digest (docs/coaching.md#the-weekly-digest): what each recipient's says, worked out by hand on
the prep sheet's small company (tests/test_prep.py's `org`), sent to a real SMTP server (`smtp_server`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import func, insert, select

from breakthrough import cli
from breakthrough import settings as settings_store
from breakthrough.coaching import prep
from breakthrough.digest import compose, mail, sent
from breakthrough.formatting import percent
from breakthrough.metrics import periods
from breakthrough.settings import Settings
from breakthrough.store import rollups
from breakthrough.store.models import Activity, DigestSent, Opportunity, Person, Quota
from tests import test_prep
from tests.test_prep import AS_OF, WEEK, d

org = test_prep.org  # the prep sheet's small company, as a fixture here too

BASE = "https://bt.example.com"
Q4 = periods.period_containing(AS_OF, "quarter", 1)


@pytest.fixture
def company(org):
    """`org`, with Bob's 30,000 deal won on Tue 24 Nov (behind a week earlier, quota met now), a leader Lea
    with a name that would be HTML, and a call on Fri 27 Nov (the data's last day, as the CLI reads it)."""
    with org.begin() as conn:
        conn.execute(insert(Opportunity).values(
            source="t", external_id="O99", owner_id=2, name="Big one", created_date=dt.date(2026, 9, 1),
            close_date=d("11-24"), stage="Closed Won", status="won", amount=30_000, currency="USD",
        ))  # fmt: skip
        conn.execute(
            insert(Activity).values(
                source="t",
                external_id="A1",
                rep_id=1,
                ts=dt.datetime(2026, 11, 27, 10),
                day=d("11-27"),
                type="call",
                outcome="connected",
            )
        )  # the data's last day
        conn.execute(insert(Person).values(id=6, name="Lea <b>Boss</b>", name_key="lea", role="leader",
                                           email="lea@example.com"))  # fmt: skip
        rollups.refresh_opportunity_rollups(conn)
        rollups.refresh_activity_daily(conn)
    return org


def week(engine) -> compose.Week:
    return compose.gather(engine, settings_store.load(engine), WEEK, AS_OF, BASE)


def lines(digest: compose.Digest, title: str) -> list[str]:
    return [line.text for s in digest.sections if s.title == title for line in s.lines]


def test_a_managers_digest_by_hand(company):
    w = week(company)
    who = {r.name: r for r in compose.recipients(w.src.people, w.src.as_of)}
    assert sorted(who) == ["Lea <b>Boss</b>", "Max", "Ned"] and who["Max"].kind == "manager"
    max_ = compose.for_recipient(w, who["Max"])
    assert max_.subject == "Your week, 2026-W48: 2 of 2 reps on track"  # Ann and Bob: quota met
    assert lines(max_, "Status changes since last week") == ["Bob: behind → quota met"]  # Ann met it in October
    assert lines(max_, "Commitments due") == [
        "Bob: “Call 50 prospects” (Activity volume), due 20 Nov 2026 — overdue",
        "Bob: “Book 3 meetings” (Activity volume), due 27 Nov 2026 — open",
    ]  # the third is due 4 Dec, after Sunday 29 Nov
    assert (
        lines(max_, "Longest without coaching")
        == [
            "Ann: 2 days since the last session (25 Nov 2026)",
            "Bob: 11 days since the last session (16 Nov 2026)",
        ][::-1]
    )
    changes = next(s for s in max_.sections if s.title == "Status changes since last week").lines
    assert changes[0].link == f"{BASE}/rep?period=Q4+FY2026&asof=2026-11-27&rep=Bob"
    assert max_.intro.link == f"{BASE}/overview?period=Q4+FY2026&asof=2026-11-27&manager=Max"
    ned = compose.for_recipient(w, who["Ned"])
    assert lines(ned, "Longest without coaching") == ["Cy: no session in the look-back window"]
    assert lines(ned, "Commitments due") == [] and lines(ned, "Wins to recognise") == []


def test_a_leaders_digest_names_every_team_and_managers_cadence(company):
    w = week(company)
    lea = next(r for r in compose.recipients(w.src.people, w.src.as_of) if r.kind == "leader")
    digest = compose.for_recipient(w, lea)
    assert digest.subject == "The week, 2026-W48: 2 of 2 reps on track"  # Cy has no quota
    assert lines(digest, "Teams") == [
        "T: 2 of 2 reps on track, 100% of quota won",  # 60,000 won of 60,000
        "U: 0 of 0 reps on track, – of quota won",
    ]
    cadence = lines(digest, "Managers' cadence (last 4 weeks)")
    # Max: one-on-ones Bob 13 Nov and Ann 25 Nov, a joint call 16 Nov = 3 of (4 + 2 + 2) × 2 reps = 16 → 19 %
    # one-on-ones in the 21 days from 7 Nov: both (13 and 25 Nov); Cy none
    assert cadence == [
        "Max: 19% of the cadence target, coverage 100% (14 days), no one-on-one in 21 days: 0 of 2 reps",
        "Ned: 0% of the cadence target, coverage 0% (14 days), no one-on-one in 21 days: 1 of 1 reps",
    ]
    assert lines(digest, "Reps hidden by the total") == []  # T is on track and neither of its reps behind


def test_a_leaders_digest_names_the_reps_a_teams_total_hides(company):
    """Dee joins team T with a quota of 10,000 a month and nothing won: T (60,000 won of 90,000) is still ahead
    of the elapsed share of Q4, so its total hides her."""
    with company.begin() as conn:
        conn.execute(insert(Person).values(id=7, name="Dee", name_key="dee", role="rep", team_id=1, manager_id=3,
                                           hire_date=dt.date(2024, 1, 8)))  # fmt: skip
        conn.execute(insert(Quota), [{"person_id": 7, "period": "month", "period_start": dt.date(2026, m, 1),
                                      "amount": 10_000} for m in (10, 11, 12)])  # fmt: skip
    w = week(company)
    lea = next(r for r in compose.recipients(w.src.people, w.src.as_of) if r.kind == "leader")
    section = next(s for s in compose.for_recipient(w, lea).sections if s.title == "Reps hidden by the total")
    (line,) = section.lines
    pace = (60_000 / 90_000) / w.src.card.elapsed_share
    assert pace >= 1 and line.text == f"Team T at {percent(pace)} of pace, but 1 of 3 reps is behind: Dee (0%)"
    assert line.link == f"{BASE}/overview?period=Q4+FY2026&asof=2026-11-27&team=T"


def test_wins_are_reps_whose_focus_driver_improved():
    w = SimpleNamespace(settings=Settings(), base_url=BASE, src=SimpleNamespace(card=SimpleNamespace(period=Q4),
                                                                              as_of=AS_OF))  # fmt: skip

    def block(name, focus, change):
        return SimpleNamespace(name=name, focus=focus, focus_change=change, last_session=d("11-13"))

    blocks = [block("Ann", "activity", 2.5), block("Bob", "win_rate", -0.05), block("Cy", "cycle", None),
              block("Di", "call_to_meeting", 0.031)]  # fmt: skip
    found = compose._wins(w, blocks)
    assert [x.text for x in found] == [
        "Ann: Activity volume +2.5 calls/wk since the session of 13 Nov 2026",
        "Di: Call → meeting +3.1 pts since the session of 13 Nov 2026",
    ]
    assert found[0].link == f"{BASE}/rep?period=Q4+FY2026&asof=2026-11-27&rep=Ann&driver=Activity+volume"


def test_an_unknown_recipient_says_what_to_do(company):
    w = week(company)
    with pytest.raises(ValueError, match="not the e-mail of a manager with reps or of a leader"):
        compose.recipients(w.src.people, w.src.as_of, "ann@example.com")  # a rep
    assert [r.name for r in compose.recipients(w.src.people, w.src.as_of, " MAX@example.com")] == ["Max"]


def test_the_email_escapes_names_and_has_a_plain_part(company):
    w = week(company)
    lea = next(r for r in compose.recipients(w.src.people, w.src.as_of) if r.kind == "leader")
    msg = mail.message(compose.for_recipient(w, lea), "Breakthrough <digest@example.com>")
    assert msg.get_content_type() == "multipart/alternative"
    text, html = (part.get_content() for part in msg.iter_parts())
    assert "Hello Lea <b>Boss</b>," in text and "Hello Lea &lt;b&gt;Boss&lt;/b&gt;," in html and "<b>Boss" not in html
    assert f'<a href="{BASE}/overview?period=Q4+FY2026&amp;asof=2026-11-27&amp;team=T">' in html
    assert msg["To"] == '"Lea <b>Boss</b>" <lea@example.com>'


@pytest.mark.parametrize(
    "env, said",
    [
        ({}, "BREAKTHROUGH_SMTP_HOST is not set"),
        ({"BREAKTHROUGH_SMTP_HOST": "h"}, "BREAKTHROUGH_SMTP_FROM is not set"),
        ({"BREAKTHROUGH_SMTP_HOST": "h", "BREAKTHROUGH_SMTP_FROM": "f", "BREAKTHROUGH_SMTP_PORT": "x"}, "not a port"),
        (
            {"BREAKTHROUGH_SMTP_HOST": "h", "BREAKTHROUGH_SMTP_FROM": "f", "BREAKTHROUGH_SMTP_SECURITY": "tls"},
            "starttls",
        ),
    ],
)
def test_smtp_settings_that_cannot_work_are_named(env, said):
    with pytest.raises(mail.MailError, match=said):
        mail.Smtp.from_env(env)
    assert mail.Smtp.from_env({"BREAKTHROUGH_SMTP_HOST": "h", "BREAKTHROUGH_SMTP_FROM": "f",
                               "BREAKTHROUGH_SMTP_SECURITY": "ssl"}).port == 465  # fmt: skip


# --- sending, through a real SMTP server ---------------------------------------------------------


def run(db_url: str, *args: str) -> int:
    return cli.main(["digest", "--week", WEEK, "--base-url", BASE, "--database-url", db_url, *args])


def test_sent_once_per_recipient_and_week_and_a_refusal_does_not_stop_the_others(company, db_url, smtp_server,
                                                                                  capsys):  # fmt: skip
    smtp_server.refuse.add("ned@example.com")
    assert run(db_url, "--all", "--send") == 1  # Ned's server refused: exit 1, the others still sent
    out, err = capsys.readouterr()
    assert "FAILED\tmanager\tNed <ned@example.com>" in err and "550" in err
    got = {tuple(m.rcpt): m for m in smtp_server.messages}
    assert set(got) == {("lea@example.com",), ("max@example.com",)}
    assert got[("max@example.com",)]["Subject"] == "Your week, 2026-W48: 2 of 2 reps on track"
    assert got[("max@example.com",)]["From"] == "Breakthrough <digest@example.com>"
    assert sent.already(company, WEEK) == {"lea@example.com", "max@example.com"}
    # a second run sends only to who has not had it yet
    smtp_server.refuse.clear()
    assert run(db_url, "--all", "--send") == 0
    out, _ = capsys.readouterr()
    assert "skipped\tmanager\tMax <max@example.com>: already sent for 2026-W48" in out and "sent\tmanager\tNed" in out
    assert len(smtp_server.messages) == 3
    assert run(db_url, "--manager", "max@example.com", "--send", "--resend") == 0
    assert len(smtp_server.messages) == 4
    with company.connect() as conn:
        assert conn.execute(select(func.count()).select_from(DigestSent)).scalar() == 3  # one row per recipient


def test_the_emails_figure_opens_the_same_view(company, db_url, smtp_server, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    assert run(db_url, "--manager", "max@example.com", "--send") == 0
    (msg,) = smtp_server.messages
    text = msg.get_body(preferencelist=("plain",)).get_content()
    line = next(t for t in text.splitlines() if t.startswith("- Bob: quota met: "))
    link = text.splitlines()[text.splitlines().index(line) + 1].strip()
    attainment = line.split("quota met: ", 1)[1].split(" of quota", 1)[0]
    assert attainment == "100%"  # 30,000 won of 30,000
    parts = urlsplit(link)
    assert parts.path == "/rep"
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", db_url)
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in parse_qsl(parts.query):
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/rep.py").run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown["Attainment"] == attainment == percent(1.0)
    assert any("as of 27 Nov 2026" in c.value for c in at.caption)


def test_out_writes_one_eml_per_recipient_and_sends_nothing(company, db_url, tmp_path: Path, capsys):
    assert run(db_url, "--all", "--out", str(tmp_path)) == 0
    files = sorted(p.name for p in tmp_path.glob("*.eml"))
    assert files == ["2026-w48-leader-lea-example-com.eml", "2026-w48-manager-max-example-com.eml",
                     "2026-w48-manager-ned-example-com.eml"]  # fmt: skip
    assert b"Subject: Your week, 2026-W48: 2 of 2 reps on track" in (tmp_path / files[1]).read_bytes()
    assert sent.already(company, WEEK) == set()


@pytest.mark.parametrize(
    "args, said",
    [
        (["--week", "2026-48"], "--week: “2026-48” is not a week"),
        (["--manager", "nobody@example.com"], "--manager: nobody@example.com is not the e-mail"),
        (["--resend"], "--resend: only with --send"),
        (["--send"], "BREAKTHROUGH_SMTP_HOST is not set"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(company, db_url, monkeypatch, capsys, args, said):
    monkeypatch.delenv("BREAKTHROUGH_SMTP_HOST", raising=False)
    assert cli.main(["digest", "--database-url", db_url, *args]) == 2
    assert said in capsys.readouterr().err


def test_the_default_week_holds_yesterdays_data():
    assert prep.week_of(dt.date(2026, 11, 30) - dt.timedelta(days=1)) == "2026-W48"  # run on Monday: last week
