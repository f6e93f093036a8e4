"""Signed-in e-mails → people → scopes; the scoped reads the pages call; role and e-mail alias writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from breakthrough.access.roles import LABELS, LEADER, MANAGER, REP, ROLES, SALES_OPS, role_of
from breakthrough.access.scope import OPEN, Scope, require
from breakthrough.store import audit, queries, records
from breakthrough.store.db import bump_data_version
from breakthrough.store.models import Opportunity, Person, PersonEmail

F = TypeVar("F")


def clean_email(email: str | None) -> str:
    return (email or "").strip().lower()


def identify(engine: Engine, email: str | None, today: dt.date | None = None) -> Person | None:
    """The person a signed-in e-mail names (case-insensitive; their e-mail or an alias), else None; a person
    marked inactive, or whose last day was before `today`, signs in nobody."""
    address = clean_email(email)
    if not address:
        return None
    today = today or dt.date.today()
    with Session(engine) as s:
        found = s.scalars(
            select(Person).where(func.lower(Person.email) == address, Person.active.is_not(False))
        ).first()
        if found is None:
            found = s.scalars(
                select(Person)
                .join(PersonEmail, PersonEmail.person_id == Person.id)
                .where(PersonEmail.email == address, Person.active.is_not(False))
            ).first()
    return None if found is None or (found.end_date is not None and found.end_date < today) else found


def scope_of(engine: Engine, person: Person | Any) -> Scope:
    """The scope of `person` (an identified `Person`): leader and sales ops every team; a manager their team,
    the teams below it and the reps reporting to them (directly or through their managers); a rep themselves."""
    return scope_from(queries.people(engine), queries.teams(engine), person)


def scope_from(people: pd.DataFrame, teams: pd.DataFrame, person: Any) -> Scope:
    """`scope_of` on frames already read (`queries.people`, `queries.teams`)."""
    role = role_of(person.role)
    who = {"role": role, "person_id": int(person.id), "email": person.email, "name": person.name}
    if role in (LEADER, SALES_OPS):
        return Scope(**who)
    reps = people[people["role"] == REP]
    if role == MANAGER:
        team_ids = _below(teams, person.team_id) if person.team_id is not None else set()
        chain = _reports(people, int(person.id))
        mine = reps[reps["team_id"].isin(team_ids) | reps.index.isin(chain)]
        own_parent = _parent(teams, person.team_id)
        peer_teams = {int(t) for t in teams.loc[teams["parent_id"] == own_parent, "id"]} if own_parent else set()
        peers = reps[reps["team_id"].isin(peer_teams) & ~reps.index.isin(mine.index)]
    else:
        mine = reps[reps.index == int(person.id)]
        own = reps.loc[reps.index == int(person.id), "team_id"].dropna()
        peers = reps[reps["team_id"].isin(own) & (reps.index != int(person.id))] if len(own) else reps.iloc[0:0]
        team_ids = set()
    team_ids = set(team_ids) | {int(t) for t in mine["team_id"].dropna()}
    names = set(teams.loc[teams["id"].isin(team_ids), "name"]) if len(teams) else set()
    own_id = getattr(person, "team_id", None)
    own = teams.loc[teams["id"] == own_id, "name"] if len(teams) and own_id is not None else ()
    return Scope(
        **who,
        team_ids=frozenset(team_ids),
        teams=frozenset(str(n) for n in names),
        rep_ids=frozenset(int(i) for i in mine.index),
        reps=frozenset(str(n) for n in mine["name"]),
        managers=frozenset(str(n) for n in mine["manager"].dropna()),
        peer_rep_ids=frozenset(int(i) for i in peers.index),
        own_team=str(own.iloc[0]) if isinstance(own, pd.Series) and len(own) else None,
    )


def _below(teams: pd.DataFrame, team_id: int) -> set[int]:
    """`team_id` and every team under it."""
    found, todo = {int(team_id)}, [int(team_id)]
    while todo:
        children = teams.loc[teams["parent_id"] == todo.pop(), "id"]
        for child in (int(c) for c in children):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _parent(teams: pd.DataFrame, team_id: int | None) -> int | None:
    if team_id is None or not len(teams):
        return None
    parent = teams.loc[teams["id"] == team_id, "parent_id"]
    return None if parent.empty or pd.isna(parent.iloc[0]) else int(parent.iloc[0])


def _reports(people: pd.DataFrame, manager_id: int) -> set[int]:
    """Everyone reporting to `manager_id`, directly or through their managers."""
    managed = people["manager_id"]
    found, todo = set(), [manager_id]
    while todo:
        boss = todo.pop()
        for pid in (int(i) for i in people.index[managed == boss]):
            if pid not in found and pid != manager_id:
                found.add(pid)
                todo.append(pid)
    return found


# --- scoped reads ------------------------------------------------------------------------------


def visible_people(people: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """`people` (as `queries.people` reads them) less the reps outside `scope`."""
    if scope.rep_ids is None:
        return people
    inside = (people["role"] != REP) | people.index.isin(list(scope.rep_ids))
    return people[inside]


def people(engine: Engine, scope: Scope) -> pd.DataFrame:
    """Everyone the scope shows: every non-rep, and only the reps inside it."""
    return visible_people(queries.people(engine), scope)


def rep_activity(engine: Engine, scope: Scope, rep_id: int, start: dt.date, end: dt.date) -> pd.DataFrame:
    """`queries.weekly_activity` of a rep inside the scope; no rows for a rep outside it."""
    found = queries.weekly_activity(engine, rep_id, start, end)
    return found if scope.sees_rep(rep_id) else found.iloc[0:0]


def rep_deals(engine: Engine, scope: Scope, rep_id: int) -> pd.DataFrame:
    """`queries.opportunity_records` of a rep inside the scope; no rows for a rep outside it."""
    found = queries.opportunity_records(engine, rep_id)
    return found if scope.sees_rep(rep_id) else found.iloc[0:0]


def figures(found: F, scope: Scope) -> F:
    """A scorecard or diagnosis (a frozen dataclass with `reps` by rep id) kept to the reps inside `scope`
    (the same object for a scope that sees everyone). The arrays a scorecard was worked out from are left
    behind: they hold every rep."""
    if scope.rep_ids is None:
        return found
    reps = {i: r for i, r in found.reps.items() if i in scope.rep_ids}  # type: ignore[attr-defined]
    changes: dict[str, Any] = {"reps": reps}
    names = {f.name for f in dataclasses.fields(found)}  # type: ignore[arg-type]
    if "columns" in names:
        changes["columns"] = None
    if "won_cycles" in names and found.won_cycles is not None:  # type: ignore[attr-defined]
        cycles = found.won_cycles  # type: ignore[attr-defined]
        changes["won_cycles"] = cycles[cycles["rep_id"].isin(list(scope.rep_ids))]
    return dataclasses.replace(found, **changes)  # type: ignore[type-var]


def keep_rows(frame: pd.DataFrame, scope: Scope, column: str = "rep_id") -> pd.DataFrame:
    """The rows of `frame` whose `column` is a rep inside `scope` (every row for a scope that sees everyone):
    for figures worked out on everyone (a hygiene rule's team percentile) whose rows are then kept to the scope."""
    if scope.rep_ids is None:
        return frame
    return frame[frame[column].isin(list(scope.rep_ids))]


def every_team(found: F, scope: Scope) -> F:
    """`found` (a frame or a list) for a scope that sees every team, else none of it: for lists that are every
    team's by nature (data health: records of no one, of leavers, of every team)."""
    return found if scope.sees_everyone else found[0:0]  # type: ignore[index]


def deal_records(engine: Engine, scope: Scope, rep_ids: Iterable[int], **filters: Any) -> pd.DataFrame:
    """`records.deal_records` of the reps of `rep_ids` inside `scope` (a drill-down's deals)."""
    return records.deal_records(engine, scope.keep(rep_ids), **filters)


def activity_records(
    engine: Engine, scope: Scope, rep_ids: Iterable[int], start: dt.date, end: dt.date, kind: str = "call"
) -> pd.DataFrame:
    """`records.activity_records` of the reps of `rep_ids` inside `scope`."""
    return records.activity_records(engine, scope.keep(rep_ids), start, end, kind)


def deal_details(engine: Engine, scope: Scope, ids: Iterable[int]) -> pd.DataFrame:
    """`records.deal_details` of the deals (opportunity ids) owned by reps inside `scope`."""
    wanted = [int(i) for i in ids]
    if scope.rep_ids is not None and wanted:
        owned: set[int] = set()
        reps = list(scope.rep_ids)
        with engine.connect() as conn:
            for i in range(0, len(wanted), records.CHUNK):
                stmt = select(Opportunity.id).where(
                    Opportunity.id.in_(wanted[i : i + records.CHUNK]), Opportunity.owner_id.in_(reps)
                )
                owned.update(int(x) for x in conn.execute(stmt).scalars())
        wanted = [i for i in wanted if i in owned]
    return records.deal_details(engine, wanted)


# --- writes ------------------------------------------------------------------------------------


def set_role(engine: Engine, person_id: int, role: str, scope: Scope = OPEN) -> None:
    """Give a person a role (leaders and sales ops; `NotAllowed` otherwise, nothing changed)."""
    require(scope, "roles")
    if role not in ROLES:
        raise ValueError(f"“{role}” is not a role: use one of {', '.join(LABELS[r] for r in ROLES)}.")
    with engine.begin() as conn:
        old = conn.execute(select(Person.name, Person.role).where(Person.id == person_id)).first()
        if old is None:
            raise ValueError(f"There is no person with id {person_id}.")
        conn.execute(update(Person).where(Person.id == person_id).values(role=role))
        said = f"role {LABELS.get(role_of(old.role), old.role)} → {LABELS[role]}"
        audit.record(conn, scope, "person edit", old.name, said, before={"role": old.role}, after={"role": role})
        bump_data_version(conn)  # scopes and figures are worked out again


def add_email(engine: Engine, person_id: int, email: str, scope: Scope = OPEN) -> None:
    """Let a person sign in with another e-mail too (sales ops: people)."""
    require(scope, "people")
    address = clean_email(email)
    if "@" not in address:
        raise ValueError(f"“{email}” is not an e-mail address.")
    with engine.begin() as conn:
        owner = conn.execute(select(PersonEmail.person_id).where(PersonEmail.email == address)).scalar()
        if owner is not None and owner != person_id:
            raise ValueError(f"“{address}” already signs in another person.")
        if owner is None:
            conn.execute(insert(PersonEmail).values(person_id=person_id, email=address))
            name = conn.execute(select(Person.name).where(Person.id == person_id)).scalar()
            audit.record(conn, scope, "person edit", str(name), f"may also sign in as {address}")
            bump_data_version(conn)


def remove_email(engine: Engine, email: str, scope: Scope = OPEN) -> None:
    require(scope, "people")
    """Stop a person signing in with `email` (sales ops: people)."""
    address = clean_email(email)
    with engine.begin() as conn:
        owner = conn.execute(select(PersonEmail.person_id).where(PersonEmail.email == address)).scalar()
        if owner is None:
            return
        conn.execute(delete(PersonEmail).where(PersonEmail.email == address))
        name = conn.execute(select(Person.name).where(Person.id == owner)).scalar()
        audit.record(conn, scope, "person edit", str(name), f"may no longer sign in as {address}")
        bump_data_version(conn)


def emails(engine: Engine) -> pd.DataFrame:
    """Every other e-mail people sign in with: `person_id`, `email`."""
    with engine.connect() as conn:
        rows = conn.execute(select(PersonEmail.person_id, PersonEmail.email).order_by(PersonEmail.email)).all()
    return pd.DataFrame(rows, columns=["person_id", "email"])


def peer_distribution(card: Any, scope: Scope) -> tuple[float, ...]:
    """The attainment of the reps `scope` may see only as an anonymised distribution (a manager: the reps of
    the peers' teams; a rep: their teammates), sorted: the values alone, never who. `card` is a scorecard
    (`reps` by id, each with `funnel.attainment`); reps without a quota have no attainment and are left out."""
    values = (card.reps[i].funnel.attainment for i in scope.peer_rep_ids if i in card.reps)
    return tuple(sorted(float(v) for v in values if v is not None and math.isfinite(v)))
