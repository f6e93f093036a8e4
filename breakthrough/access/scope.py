"""The scope of a signed-in person: what they see in full, whose coaching notes they read, what they may
change; `OPEN`, the scope of open mode; `narrow`, which lets a link's filters only narrow a scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from breakthrough.access.roles import ACTIONS, LABELS, LEADER, MANAGER, REP, SALES_OPS, NotAllowed
from breakthrough.access.roles import may as role_may


@dataclass(frozen=True)
class Scope:
    """What one viewer sees and may change. A None set means every one (leaders, sales ops, open mode).

    `rep_ids`/`reps` are the reps whose figures are shown in full (ids, and their names for the filter bar);
    `team_ids`/`teams` the teams the filter bar offers; `managers` the managers it offers.
    `peer_rep_ids` are the reps whose figures a manager or rep may see only as an anonymised
    distribution (the peers' teams, the rep's own team), never by name.
    """

    role: str | None = None  # None: open mode
    person_id: int | None = None
    email: str | None = None
    name: str | None = None
    team_ids: frozenset[int] | None = None
    teams: frozenset[str] | None = None
    rep_ids: frozenset[int] | None = None
    reps: frozenset[str] | None = None
    managers: frozenset[str] | None = None
    peer_rep_ids: frozenset[int] = frozenset()
    own_team: str | None = None  # the team a manager or rep belongs to (the teams below it are in `teams`)

    @property
    def is_open(self) -> bool:
        """Open mode: no sign-in configured, everyone who reaches the address sees everything."""
        return self.role is None

    @property
    def sees_everyone(self) -> bool:
        return self.rep_ids is None

    @property
    def anonymised_peers(self) -> bool:
        """Whether others' figures beyond the scope may be shown only as an anonymised distribution
        (a manager: the peers' teams; a rep: their own team)."""
        return self.role in (MANAGER, REP)

    def sees_rep(self, rep_id: int | None) -> bool:
        return rep_id is not None and (self.rep_ids is None or int(rep_id) in self.rep_ids)

    def sees_team(self, team: str | None) -> bool:
        return team is not None and (self.teams is None or team in self.teams)

    def keep(self, rep_ids: Iterable[int]) -> list[int]:
        """`rep_ids` less the reps outside the scope, in their order."""
        return [int(i) for i in rep_ids if self.rep_ids is None or int(i) in self.rep_ids]

    def sees_notes(self, session: Any) -> bool:
        """Whether this viewer may read the coaching notes of `session` (a mapping or an object with
        `manager_id` and `rep_id`): the session's manager, the rep and leaders; never sales ops."""
        if self.is_open or self.role == LEADER:
            return True
        if self.role == SALES_OPS or self.person_id is None:
            return False
        who = _field(session, "manager_id") if self.role == MANAGER else _field(session, "rep_id")
        return who is not None and int(who) == self.person_id

    def may(self, action: str) -> bool:
        """Whether this viewer's role may take `action` (a key of `roles.ACTIONS`) at all; whose sessions
        and commitments is `require`'s to check."""
        return role_may(self.role, action)

    def teams_in_words(self) -> str:
        """What a view with no team chosen shows this viewer, for its caption: "All teams" for those who see
        every team; a manager's own teams ("Enterprise East and its teams", "Enterprise East", "your 3 teams");
        a rep's own figures."""
        if self.teams is None:
            return "All teams"
        if self.role == REP:
            return "your own figures"
        names = sorted(self.teams)
        if self.own_team in self.teams:
            return self.own_team if len(names) == 1 else f"{self.own_team} and its teams"
        if len(names) == 1:
            return names[0]
        return f"your {len(names)} teams" if names else "your teams"

    def describe(self) -> str:
        """Who is signed in and what they see, in words: `Signed in as Ann Lee (manager): …`."""
        if self.is_open:
            return "Open mode: sign-in is not configured; everyone who reaches this address sees everything."
        label = LABELS.get(self.role or "", self.role or "")
        sees = {
            LEADER: "every team",
            SALES_OPS: "every team's figures (not coaching notes)",
            MANAGER: "your team and the teams below it",
            REP: "your own figures",
        }.get(self.role or "", "")
        return f"Signed in as {self.name or self.email} ({label.lower()}): you see {sees}."


OPEN = Scope()


def _field(obj: Any, name: str) -> Any:
    if isinstance(obj, dict) or hasattr(obj, "keys"):
        return obj.get(name)
    return getattr(obj, name, None)


def narrow(
    scope: Scope, team: str | None = None, rep: str | None = None, manager: str | None = None
) -> tuple[dict[str, str | None], str | None]:
    """The filters a link asks for, kept to `scope`: (the filters applied, a notice or None).

    A URL parameter can only narrow what the viewer sees: a team, manager or rep outside the scope is dropped
    (the viewer's own scope is shown instead) and the notice says so, without any of the other team's data.
    """
    applied: dict[str, str | None] = {"team": team, "manager": manager, "rep": rep}
    dropped = []
    for key, value, inside in (
        ("team", team, scope.teams),
        ("manager", manager, scope.managers),
        ("rep", rep, scope.reps),
    ):
        if value is not None and inside is not None and value not in inside:
            applied[key] = None
            dropped.append(key)
    if not dropped:
        return applied, None
    names = " and ".join(f"`{k}`" for k in dropped)
    return applied, (
        f"This link's {names} {'is' if len(dropped) == 1 else 'are'} outside what you can see, so it opens your "
        "own view instead. Ask whoever shared it for a link within your team."
    )


HINT = {
    "import": "ask your sales ops",
    "undo": "ask your sales ops",
    "people": "ask your sales ops",
    "quotas": "ask your sales ops",
    "roles": "ask a leader or your sales ops",
    "settings": "ask a leader or your sales ops",
    "coaching": "ask the rep's manager or a leader",
    "commitments": "ask the rep's manager or a leader",
    "acknowledge": "only the rep can acknowledge their commitments",
}


def require(scope: Scope, action: str, *, rep_id: int | None = None, manager_id: int | None = None) -> None:
    """Raise `NotAllowed` (with what and what to do) unless `scope` may take `action`; for a manager's
    coaching and commitments, the session must be theirs and its rep in their scope; for a rep's
    acknowledgement, the commitment must be their own. Call it before writing anything."""
    what = ACTIONS[action]
    if not scope.may(action):
        label = LABELS.get(scope.role or "", "")
        raise NotAllowed(f"As {_article(label)} {label.lower()} you may not {what}: {HINT[action]}.")
    if scope.is_open or scope.role in (LEADER, SALES_OPS):
        return
    if scope.role == MANAGER and action in ("coaching", "commitments"):
        if manager_id is not None and int(manager_id) != scope.person_id:
            raise NotAllowed(
                f"You may {what} only for your own sessions: this one is another manager's ({HINT[action]})."
            )
        if rep_id is not None and not scope.sees_rep(rep_id):
            raise NotAllowed(f"You may {what} only for reps in your team: {HINT[action]}.")
    if scope.role == REP and action == "acknowledge" and (rep_id is None or int(rep_id) != scope.person_id):
        raise NotAllowed(f"You may {what} only for your own commitments.")


def _article(label: str) -> str:
    return "an" if label[:1].lower() in "aeiou" else "a"
