"""The four roles, the words for them, and what each may change."""

from __future__ import annotations

LEADER, MANAGER, REP, SALES_OPS = "leader", "manager", "rep", "sales_ops"
ROLES = (LEADER, MANAGER, REP, SALES_OPS)
LABELS = {LEADER: "Leader", MANAGER: "Manager", REP: "Rep", SALES_OPS: "Sales ops"}

# what a write is, in words a refusal can use
ACTIONS = {
    "coaching": "log, edit or delete coaching sessions",
    "commitments": "change coaching commitments",
    "acknowledge": "acknowledge commitments",
    "settings": "change the settings",
    "import": "import CRM exports",
    "undo": "undo imports",
    "people": "change people",
    "quotas": "change quotas",
    "roles": "assign roles",
}

# role -> the actions it may take (a manager's coaching and commitments only for their own sessions; a rep's
# acknowledgements only for their own commitments: `scope.require` checks whose)
MAY = {
    LEADER: frozenset({"coaching", "commitments", "settings", "roles"}),
    MANAGER: frozenset({"coaching", "commitments"}),
    REP: frozenset({"acknowledge"}),
    SALES_OPS: frozenset({"import", "undo", "people", "quotas", "settings", "roles"}),
}

# how people tables and imports spell a role -> the role
SPELLINGS = {
    "leader": LEADER,
    "manager": MANAGER,
    "rep": REP,
    "sales ops": SALES_OPS,
    "sales_ops": SALES_OPS,
    "salesops": SALES_OPS,
    "sales operations": SALES_OPS,
    "revops": SALES_OPS,
    "revenue operations": SALES_OPS,
    "rev ops": SALES_OPS,
}


class NotAllowed(PermissionError):
    """A write the signed-in person's role does not allow; nothing was changed."""


def role_of(raw: str | None) -> str:
    """The role a person table's `role` holds (rep when empty or unknown: only reps are counted in figures,
    and a rep sees the least)."""
    key = " ".join(str(raw or "").lower().replace("-", " ").split())
    return SPELLINGS.get(key, REP)


def may(role: str | None, action: str) -> bool:
    """Whether `role` may take `action` at all (None: open mode, everything)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return role is None or action in MAY.get(role, frozenset())
