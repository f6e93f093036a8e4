"""Sign-in in a real browser against a real OpenID provider (issue #15).

`oidc-provider-mock` runs a real OpenID Connect provider on a free loopback port (a fixture here, nothing
for CI to start); a Streamlit server reads an `[auth]` block pointing at it (`--secrets.files`, a
secrets.toml in a temporary folder). Chromium signs in on the provider's own form as a leader, a manager,
a rep, sales ops and an unknown e-mail, and checks what each sees and may do — including a manager
opening a link copied by another team's manager and a rep asking for a colleague with `rep=`.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from conftest import OUTPUT, _free_port, drop_database, new_database_url, start_server, stop_server, wait_for_app
from sqlalchemy import insert

from breakthrough.store import db, queries
from breakthrough.store.models import Person

pytestmark = pytest.mark.browser

OPS_EMAIL = "sam.ops@northwind.example"


@pytest.fixture(scope="module")
def provider():
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread() as server:  # port 0: a free one, on localhost
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def org(database_templates, tmp_path_factory):
    """A copy of the demo with a sales ops person added; (URL, people)."""
    from conftest import TODAY

    url = new_database_url(tmp_path_factory.mktemp("signin"), database_templates(("S", 7, TODAY)))
    eng = db.make_engine(url)
    with eng.begin() as conn:
        conn.execute(
            insert(Person).values(name="Sam Ops", name_key="sam ops", email=OPS_EMAIL, role="sales_ops", active=True)
        )
    people = queries.people(eng)
    eng.dispose()
    yield url, people
    drop_database(url)


@pytest.fixture(scope="module")
def app(org, provider, tmp_path_factory):
    port = _free_port()
    folder = tmp_path_factory.mktemp("secrets")
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-test-cookie-secret"\n'
        'client_id = "breakthrough"\n'
        'client_secret = "any-secret-the-mock-accepts"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    proc, _ = start_server(org[0], port=port, extra=("--secrets.files", str(secrets)))
    yield f"http://localhost:{port}"
    stop_server(proc)


def sign_in(pg, app: str, email: str, path: str = "") -> None:
    """Open the app, press Sign in, fill the provider's own form with `email`, come back signed in."""
    pg.goto(f"{app}/{path}")
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_selector("input[name=sub]", timeout=30_000)  # the provider's page
    pg.fill("input[name=sub]", email)
    pg.get_by_role("button", name="Authorize").click()
    pg.wait_for_url(f"{app}/**", timeout=30_000)
    wait_for_app(pg)


def listed_reps(pg, app: str, query: str = "") -> set[str]:
    """The reps the Rep page offers to open (every rep in the viewer's view, as links)."""
    pg.goto(f"{app}/rep{query}")
    wait_for_app(pg)
    return {t.strip() for t in pg.locator("[data-testid=stPageLink] a").all_inner_texts()}


def reps(people, **where) -> set[str]:
    found = people[people["role"] == "rep"]
    for key, value in where.items():
        found = found[found[key] == value]
    return set(found["name"])


def person(people, role: str, n: int = 0):
    return people[people["role"] == role].iloc[n]


def test_not_signed_in_sees_only_the_sign_in_page(page, app):
    page.goto(app)
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "access_sign_in.png"))
    body = page.inner_text("body")
    assert "Sign in to see your team" in body
    assert "Overview" not in body and "Team" not in body  # no menu, no filter bar


def test_an_unknown_email_is_asked_to_get_added(page, app, org):
    page.goto(app)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("input[name=sub]", timeout=30_000)
    page.fill("input[name=sub]", "stranger@elsewhere.example")
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text("Ask your sales ops to add you").wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(OUTPUT / "access_unknown_email.png"))
    body = page.inner_text("body")
    assert "stranger@elsewhere.example" in body
    assert not any(name in body for name in org[1]["name"])


def test_a_leader_sees_every_team_and_signs_out(page, app, org):
    people = org[1]
    leader = person(people, "leader")
    sign_in(page, app, leader["email"])
    assert f"Signed in as {leader['name']} (leader)" in page.inner_text("body")
    here = people[(people["role"] == "rep") & people["active"].astype(bool) & people["end_date"].isna()]
    assert listed_reps(page, app) >= set(here["name"])  # every team's reps
    assert len(set(here["team"])) > 1
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()  # the provider asks to end its session too
    page.goto(app)
    page.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
    assert leader["name"] not in page.inner_text("body")


def test_a_manager_sees_their_team_and_a_peers_link_opens_their_own(page, app, org):
    people = org[1]
    manager, peer = person(people, "manager", 0), person(people, "manager", 1)
    sign_in(page, app, manager["email"])
    page.wait_for_timeout(1500)
    page.screenshot(path=str(OUTPUT / "access_manager_overview.png"))
    assert f"Signed in as {manager['name']} (manager)" in page.inner_text("body")
    own = reps(people, manager_id=manager.name)
    listed = listed_reps(page, app)
    assert listed and listed <= own
    assert not listed & reps(people, manager_id=peer.name)
    # the peer manager's link to their team
    page.goto(f"{app}/overview?team={quote(peer['team'])}&manager={quote(peer['name'])}")
    wait_for_app(page)
    body = page.inner_text("body")
    assert "outside what you can see" in body
    assert peer["team"] not in body.split("outside what you can see")[1]  # the page shows her own view
    assert "team=" not in page.url  # the link's team is dropped from the address
    assert not listed_reps(page, app, f"?team={quote(peer['team'])}") & reps(people, manager_id=peer.name)


def test_a_rep_asking_for_a_colleague_sees_only_their_own(page, app, org):
    people = org[1]
    manager = person(people, "manager", 0)
    mine = people[(people["role"] == "rep") & (people["manager_id"] == manager.name)]
    me, colleague = mine.iloc[0], mine.iloc[1]
    sign_in(page, app, me["email"])
    page.goto(f"{app}/rep?rep={quote(colleague['name'])}")
    wait_for_app(page)
    body = page.inner_text("body")
    assert "outside what you can see" in body
    assert colleague["name"] not in body
    assert listed_reps(page, app) == {me["name"]}
    page.goto(f"{app}/data")
    wait_for_app(page)
    assert "Imports are for sales ops" in page.inner_text("body")


def test_sales_ops_import_and_see_people_and_roles_but_log_no_coaching(page, app, org):
    sign_in(page, app, OPS_EMAIL)
    page.goto(f"{app}/data")
    wait_for_app(page)
    assert page.locator("[data-testid=stFileUploader]").count() == 1
    page.goto(f"{app}/settings")
    wait_for_app(page)
    assert "People and roles" in page.inner_text("body")
    page.goto(f"{app}/coaching")
    wait_for_app(page)
    assert "logged by the rep's manager or a leader" in page.inner_text("body")
