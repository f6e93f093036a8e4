"""What an upload did or would do (`Outcome`), and the import batch a commit writes under (`Batch`): shared by
the pass over the file (`commit`) and the table writers (`tables`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from breakthrough.importing.map.validation import Reject, UnknownOwner

MAX_REJECTS = 20_000  # rejected rows kept for listing; all are counted


@dataclass
class Outcome:
    """What an upload did (commit) or would do (preview)."""

    entity: str
    source: str
    profile: str
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    skipped: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    new_people: list[str] = field(default_factory=list)  # people added because the plan asked for them
    unknown_owners: dict[str, UnknownOwner] = field(default_factory=dict)  # label → owner matching no one
    held: int = 0  # rows rejected (also) because a person cell matches no one
    new_accounts: int = 0
    rejects: list[Reject] = field(default_factory=list)
    examples: list[dict] = field(default_factory=list)  # the first accepted records of a wide quota sheet
    warnings: list[str] = field(default_factory=list)
    footer_lines: int = 0
    blank_lines: int = 0
    encoding: str = "utf-8"
    sha256: str = ""
    batch_id: int | None = None
    headers: list[str] = field(default_factory=list, repr=False)  # the file's columns, as read

    def reject(self, rows: Iterable[Reject]) -> None:
        room = MAX_REJECTS - len(self.rejects)
        rows = list(rows)
        self.rejects.extend(rows[: max(room, 0)])
        held = {(r.line, r.owner) for r in rows if r.owner}
        for _, owner in held:
            self.unknown_owners[owner].rows += 1
        self.held += len({line for line, _ in held})

    def owners_to_add(self) -> list[UnknownOwner]:
        """The unknown owners, the most rows held first (then by name)."""
        return sorted(self.unknown_owners.values(), key=lambda o: (-o.rows, o.label.casefold()))


@dataclass(frozen=True)
class Batch:
    id: int
    now: dt.datetime
