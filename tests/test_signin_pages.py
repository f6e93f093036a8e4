"""Sign-in through the pages (AppTest): open mode says so on every page; with `[auth]` configured, the
sign-in page, the unknown e-mail page, and what each role's filter bar offers and a link narrows to.
The browser test against a real OpenID provider is tests/test_signin_browser.py."""

from __future__ import annotations

import pytest
from conftest import APP
from sqlalchemy import create_engine, insert, select

from breakthrough.store import queries
from breakthrough.store.models import Person

pytestmark = pytest.mark.page  # AppTest is imported inside the tests, where conftest's classifier does not see it

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret",
    "client_id": "breakthrough",
    "client_secret": "test-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
PAGES = ["pages/overview.py", "pages/rep.py", "pages/coaching.py", "pages/pipeline.py", "pages/data.py",
         "pages/settings.py"]  # fmt: skip


def run(url, monkeypatch, page=None, user=None, **params):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=120)
    if user is not False:
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": False} if user is None else {"is_logged_in": True, "email": user}
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at) -> str:
    return " ".join(  # markdown's escapes dropped: `a\\.b` reads `a.b`
        str(e.value).replace("\\", "") for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error",
                                  "success") for e in getattr(at, kind)
    )  # fmt: skip


def demo_teams(url):
    eng = create_engine(url)
    try:
        return queries.teams(eng)
    finally:
        eng.dispose()


def demo_people(url):
    eng = create_engine(url)
    try:
        return queries.people(eng)
    finally:
        eng.dispose()


@pytest.mark.parametrize("page", PAGES)
def test_open_mode_says_on_every_page_that_everyone_sees_everything(demo_url, monkeypatch, page):
    at = run(demo_url, monkeypatch, page=page, user=False)
    assert any("Sign-in is not configured" in w.value and "sees everything" in w.value for w in at.warning)
    assert not [b for b in at.button if b.label in ("Sign in", "Sign out")]


def test_not_signed_in_sees_the_sign_in_page_and_nothing_else(demo_url, monkeypatch):
    at = run(demo_url, monkeypatch)
    assert [b.label for b in at.button] == ["Sign in"]
    assert "Sign in to see your team" in texts(at)
    assert not at.selectbox and not at.dataframe and not at.metric  # no filter bar, no figures
    names = demo_people(demo_url)["name"]
    assert not any(n in texts(at) for n in names)


def test_an_unknown_email_is_asked_to_get_added_and_sees_nothing_else(demo_url, monkeypatch):
    at = run(demo_url, monkeypatch, user="stranger@elsewhere.example", team="Enterprise East")
    assert "Ask your sales ops to add you" in texts(at)
    assert "stranger@elsewhere.example" in texts(at)
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.selectbox and not at.dataframe and not at.metric


def _manager_and_other(people):
    managers = people[people["role"] == "manager"]
    reps = people[people["role"] == "rep"]
    first, second = managers.index[:2]
    own = reps[reps["manager_id"] == first]
    other = reps[reps["manager_id"] == second]
    return managers.loc[first], own, managers.loc[second], other


def test_a_manager_is_offered_only_their_team_and_a_peers_link_opens_their_own(demo_url, monkeypatch):
    people = demo_people(demo_url)
    manager, own, peer, other = _manager_and_other(people)
    at = run(demo_url, monkeypatch, user=manager["email"].upper(), team=peer["team"])  # e-mail in another case
    assert f"Signed in as {manager['name']}" in " ".join(c.value for c in at.sidebar.caption)
    assert at.selectbox(key="team").options == ["All teams", manager["team"]]
    assert at.selectbox(key="team").value == "All teams"
    captions = [c.value for c in at.main.caption]  # the view in words: their own team, not "All teams"
    assert any(f" · {manager['team']} · as of" in c for c in captions), captions
    assert not any("All teams" in c for c in captions), captions
    assert set(at.selectbox(key="rep").options) == {"All reps", *own["name"]} - set()
    assert any("outside what you can see" in w.value for w in at.warning)
    shown = texts(at) + " ".join(str(d.value.to_dict()) for d in at.dataframe)
    assert not any(name in shown for name in other["name"])  # nothing of the other team
    assert any(name in shown for name in own["name"])


def test_a_rep_trying_a_colleagues_rep_link_sees_only_their_own(demo_url, monkeypatch):
    people = demo_people(demo_url)
    _, own, _, _ = _manager_and_other(people)
    me, colleague = own.iloc[0], own.iloc[1]
    at = run(demo_url, monkeypatch, user=me["email"], rep=colleague["name"])
    assert at.selectbox(key="rep").options == ["All reps", me["name"]]
    assert any("outside what you can see" in w.value for w in at.warning)
    overview = texts(at) + " ".join(str(d.value.to_dict()) for d in at.dataframe)
    assert me["name"] in overview
    assert not [n for n in people.loc[people["role"] == "rep", "name"] if n != me["name"] and n in overview]
    at.switch_page("pages/rep.py").run()
    shown = texts(at) + " ".join(str(d.value.to_dict()) for d in at.dataframe)
    assert colleague["name"] not in shown


@pytest.mark.parametrize(
    "role, may_import, may_set, sees_roles",
    [("leader", False, True, True), ("manager", False, False, False), ("rep", False, False, False),
     ("sales_ops", True, True, True)],
)  # fmt: skip
def test_each_role_is_offered_only_the_writes_it_may_make(
    demo_copy, monkeypatch, role, may_import, may_set, sees_roles
):
    url = demo_copy()
    eng = create_engine(url)
    with eng.begin() as conn:
        if role == "sales_ops":
            conn.execute(insert(Person).values(name="Sam Ops", name_key="sam ops", email="sam@ops.example",
                                               role="sales_ops", active=True))  # fmt: skip
            email = "sam@ops.example"
        else:
            email = conn.execute(select(Person.email).where(Person.role == role).order_by(Person.id)).scalars().first()
    eng.dispose()
    data = run(url, monkeypatch, page="pages/data.py", user=email)
    assert bool(data.get("file_uploader")) is may_import
    assert ("Imports are for sales ops" in texts(data)) is not may_import
    settings = run(url, monkeypatch, page="pages/settings.py", user=email)
    save = [b for b in settings.button if b.label == "Save settings"]
    assert save and save[0].disabled is not may_set
    assert ("People and roles" in texts(settings)) is sees_roles


def test_a_leader_assigns_a_role_on_the_people_screen(demo_copy, monkeypatch):
    url = demo_copy()
    people = demo_people(url)
    leader = people[people["role"] == "leader"].iloc[0]
    rep_id = int(people[people["role"] == "rep"].index[0])
    at = run(url, monkeypatch, page="pages/settings.py", user=leader["email"])
    at.selectbox(key="role_person").set_value(rep_id)
    at.selectbox(key="role_pick").set_value("manager")
    at.button(key="role_assign").click().run()
    assert any("is now manager" in s.value for s in at.success)
    assert demo_people(url).loc[rep_id, "role"] == "manager"


@pytest.mark.parametrize("role, sees", [("leader", True), ("manager", True), ("sales_ops", False), (None, True)])
def test_coaching_notes_on_the_coaching_page_only_for_those_who_may_read_them(demo_copy, monkeypatch, role, sees):
    """Sales ops see every manager's sessions but not one note; a leader and the session's own manager do."""
    url = demo_copy()
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(insert(Person).values(name="Sam Ops", name_key="sam ops", email="sam@ops.example",
                                           role="sales_ops", active=True))  # fmt: skip
        email = (
            "sam@ops.example"
            if role == "sales_ops"
            else conn.execute(select(Person.email).where(Person.role == role).order_by(Person.id)).scalars().first()
        )
    eng.dispose()
    at = run(url, monkeypatch, page="pages/coaching.py", user=False if role is None else email)
    sessions = [d.value for d in at.dataframe if "Notes" in d.value.columns and "Minutes" in d.value.columns]
    assert sessions and len(sessions[0])
    notes = [n for n in sessions[0]["Notes"] if isinstance(n, str) and n.strip() not in ("", "–")]
    assert bool(notes) is sees


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/rep.py", "pages/coaching.py", "pages/pipeline.py"])
@pytest.mark.parametrize("who", ["manager", "rep"])
def test_no_page_shows_a_rep_outside_the_viewers_scope(demo_url, monkeypatch, page, who):
    """Every page's text and tables, for a manager and for a rep: no name of a rep outside their scope."""
    people = demo_people(demo_url)
    manager, own, _, _ = _manager_and_other(people)
    viewer = manager if who == "manager" else own.iloc[0]
    allowed = set(own["name"]) if who == "manager" else {viewer["name"]}
    at = run(demo_url, monkeypatch, page=page, user=viewer["email"])
    shown = texts(at) + " ".join(d.value.to_csv() for d in at.dataframe)
    shown += " ".join(str(o) for s in at.selectbox for o in s.options)
    shown += " ".join(str(link.proto.label) for link in at.get("page_link"))
    charts = at.get("plotly_chart")
    shown += " ".join(c.proto.spec for c in charts)  # the figures' data as sent to the browser
    assert any(n in shown for n in allowed)  # the page shows the viewer's own reps: the check below can fail
    outside = [n for n in people.loc[people["role"] == "rep", "name"] if n not in allowed and n in shown]
    assert not outside, outside


@pytest.mark.parametrize("who", ["rep", "manager", "leader"])
def test_managers_and_reps_see_their_peers_as_an_anonymised_distribution(demo_url, monkeypatch, who):
    """A rep's Overview: the teammates' attainment as values without names; a manager's: the reps of the other
    teams of their region; a leader sees everyone by name and has no such section."""
    people = demo_people(demo_url)
    manager, own, _, _ = _manager_and_other(people)
    viewer = {"rep": own.iloc[0], "manager": manager, "leader": people[people["role"] == "leader"].iloc[0]}[who]
    at = run(demo_url, monkeypatch, user=viewer["email"])
    headed = "Among your peers (anonymised)" in texts(at)
    if who == "leader":
        assert not headed
        return
    assert headed
    if who == "rep":
        assert f"Attainment of the {len(own) - 1} reps of your teammates, without names" in texts(at)
    else:
        teams = demo_teams(demo_url).set_index("name")
        region = teams.loc[manager["team"], "parent_id"]
        peer_teams = set(teams.index[(teams["parent_id"] == region) & (teams.index != manager["team"])])
        n = int(((people["role"] == "rep") & people["team"].isin(peer_teams)).sum())
        assert n and f"Attainment of the {n} reps of your peers' teams, without names" in texts(at)


def test_an_email_the_provider_has_not_verified_signs_in_nobody(demo_url, monkeypatch):
    from streamlit.testing.v1 import AppTest

    leader = demo_people(demo_url).query("role == 'leader'").iloc[0]
    monkeypatch.setenv("BREAKTHROUGH_DATABASE_URL", demo_url)
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": leader["email"], "email_verified": False}
    at.run()
    assert "Ask your sales ops to add you" in texts(at) and not at.selectbox


def test_a_rep_acknowledges_an_open_commitment_on_their_own_page(demo_copy, monkeypatch):
    from breakthrough.coaching import sessions
    from breakthrough.store import db

    url = demo_copy()
    eng = db.make_engine(url)
    people = queries.people(eng)
    reps = people[people["role"] == "rep"]
    rep_id = next(int(i) for i in reps.index if len(sessions.open_commitments(eng, int(i))))
    first = int(sessions.open_commitments(eng, rep_id)["id"].iloc[0])
    at = run(url, monkeypatch, user=reps.loc[rep_id, "email"], rep=reps.loc[rep_id, "name"])
    at.switch_page("pages/rep.py").run()
    at.button(key=f"acknowledge_{first}").click().run()
    assert not at.exception
    assert any("Acknowledged" in s.value for s in at.success)
    assert sessions.open_commitments(eng, rep_id).set_index("id").loc[first, "acknowledged_date"] is not None
    eng.dispose()
