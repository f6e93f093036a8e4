"""Owner cells → people: by email, then CRM user id (person_alias), then name.

Every cell is first `clean`ed: Unicode NFKC (full-width letters, ligatures and
no-break spaces become their plain forms), invisible characters (zero-width
spaces and joiners, soft hyphens, direction marks, a stray BOM) and control
characters removed, whitespace collapsed. Names are then compared by `name_key`,
which also ignores case and accents; CRM user ids by `alias_key` (case ignored).
Every writer of `person.name_key` uses `name_key`, and the directory recomputes
keys from the stored names, so a name typed in a CRM matches the person however
it was spelt.

A cell that matches no one is an *unknown owner*: its rows are held, never
turned into a new person, unless the caller asks for that person explicitly
(`Plan.add_people`, or `Plan.add_unknown_owners` for all of them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Connection, select

from breakthrough.store.models import Person, PersonAlias

_EMAIL = re.compile(r"[^\s<>()\[\],;:\"@]+@[^\s<>()\[\],;:\"@]+\.[A-Za-z]{2,}")
ANY_SOURCE = "any"  # aliases from a people file: a CRM user id valid for every source
_ID_LIKE = re.compile(r"(?=.*\d)[A-Za-z0-9_\-]{4,40}")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>|&[A-Za-z]+;|&#\d+;")
_FORMULA = ("=", "+", "@")  # what a spreadsheet runs as a formula (a leading "-" is too common in text)
_HIDDEN = ("Cc", "Cf")  # control and format (invisible) characters


def clean(text: str) -> str:
    """`text` in NFKC with invisible and control characters removed and whitespace collapsed (case kept)."""
    normal = unicodedata.normalize("NFKC", text)
    kept = "".join(" " if c.isspace() else c for c in normal if c.isspace() or unicodedata.category(c) not in _HIDDEN)
    return " ".join(kept.split())


def name_key(name: str) -> str:
    """A name compared case- and accent-insensitively: `clean`, accents stripped, case folded."""
    decomposed = unicodedata.normalize("NFKD", clean(name))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", kept.casefold())


def alias_key(alias: str) -> str:
    """A CRM user id compared case-insensitively, invisible characters ignored."""
    return clean(alias).casefold()


def visible(text: str) -> str:
    """A cell as written, its invisible and control characters shown as ⟨U+200B⟩ so a look-alike can be seen."""
    return "".join(
        f"⟨U+{ord(c):04X}⟩" if not c.isspace() and unicodedata.category(c) in _HIDDEN else c for c in text.strip()
    )


def unknown_reason(text: str) -> str:
    """Why a row is held for its owner: the cell as written (quoted, invisible characters shown) and what to do."""
    shown = visible(text)
    cell = text.strip()
    if cell.startswith(_FORMULA):
        hint = "it looks like a spreadsheet formula, not a name. Fix the export, or add it as a person"
    elif _MARKUP.search(cell):
        hint = "it carries markup, not just a name. Fix the export, or add it as a person"
    else:
        hint = "add them as a person on the Data page (or import your people roster first)"
    return f"“{shown}” is not a known person (rows held as unknown owner): {hint}"


def split_owner(text: str, email: str = "") -> tuple[str, str]:
    """(name, email) from cells like `Ann Lee`, `ann@x.com`, `Ann Lee (ann@x.com)`, `Ann Lee <ann@x.com>`."""
    text, email = clean(text), clean(email)
    found = _EMAIL.search(email) or _EMAIL.search(text)
    address = found.group(0).lower() if found else ""
    name = text
    if found and found.group(0) in text:
        name = text.replace(found.group(0), " ").strip(" <>()[]-,;\"'")
    return " ".join(name.split()), address


@dataclass(frozen=True)
class Match:
    person_id: int | None  # None: no person (see `problem`)
    problem: str | None = None  # why there is no match that adding a person would not fix; None otherwise
    name: str = ""  # the owner's name as written (cleaned), for adding the person
    email: str = ""

    @property
    def unknown(self) -> bool:
        """No one matches, and adding a person would: an unknown owner."""
        return self.person_id is None and self.problem is None


class Directory:
    """Everyone in the database, indexed for matching; `match` is cached per distinct cell."""

    def __init__(self, conn: Connection, source: str) -> None:
        rows = conn.execute(select(Person.id, Person.name, Person.email, Person.role)).all()
        self.role = {pid: role for pid, _, _, role in rows}
        self.by_email = {clean(email).lower(): pid for pid, _, email, _ in rows if email}
        self.by_key: dict[str, list[int]] = {}
        for pid, name, _, _ in rows:  # keys from the names: a key stored by an older normaliser still matches
            self.by_key.setdefault(name_key(name), []).append(pid)
        aliases = conn.execute(
            select(PersonAlias.alias, PersonAlias.person_id).where(PersonAlias.source.in_((source, ANY_SOURCE)))
        )
        self.by_alias = {alias_key(alias): pid for alias, pid in aliases}
        self._cache: dict[tuple[str, str], Match] = {}

    def match(self, text: str, email: str = "") -> Match:
        """The person an owner cell names (cached: owner cells repeat)."""
        key = (text, email)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._match(text, email)
        return found

    def _match(self, text: str, email: str) -> Match:
        name, address = split_owner(text, email)
        if address and address in self.by_email:
            return Match(self.by_email[address], name=name, email=address)
        alias = alias_key(text)
        if alias in self.by_alias:
            return Match(self.by_alias[alias], name=name, email=address)
        ids = self.by_key.get(name_key(name), []) if name else []
        if len(ids) == 1:
            return Match(ids[0], name=name, email=address)
        if len(ids) > 1:
            return Match(
                None, f"{len(ids)} people are called “{name}”: give owners' emails to tell them apart", name, address
            )
        cell = clean(text)
        if not address and _ID_LIKE.fullmatch(cell):
            return Match(
                None,
                f"“{cell}” looks like a CRM user id that no person has: import people with their CRM user id first",
                "",
                "",
            )
        return Match(None, None, name, address)  # unknown: held unless the caller adds the person

    def add(self, person_id: int, name: str, email: str, role: str) -> None:
        """Make a person created during an import findable by the rest of it."""
        self.role[person_id] = role
        if email:
            self.by_email[clean(email).lower()] = person_id
        self.by_key.setdefault(name_key(name), []).append(person_id)
        self._cache.clear()


def owner_label(name: str, email: str) -> str:
    """How an unmatched owner is listed: `Ann Lee <ann@x.com>`, or either part alone."""
    if name and email:
        return f"{name} <{email}>"
    return name or email
