"""Owner cells → people: by email, then CRM user id (person_alias), then name.

Names are compared by `name_key`: case-, accent- and whitespace-insensitive,
with invisible characters (zero-width spaces, soft hyphens, direction marks, a
stray BOM) ignored. Every writer of `person.name_key` uses this function, so a
name typed in a CRM matches the person however it was spelt.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Connection, select

from breakthrough.models import Person, PersonAlias

_EMAIL = re.compile(r"[^\s<>()\[\],;:\"@]+@[^\s<>()\[\],;:\"@]+\.[A-Za-z]{2,}")
ANY_SOURCE = "any"  # aliases from a people file: a CRM user id valid for every source
_ID_LIKE = re.compile(r"(?=.*\d)[A-Za-z0-9_\-]{4,40}")


def name_key(name: str) -> str:
    """Lower-cased, accent-stripped, whitespace-collapsed name with invisible characters removed."""
    decomposed = unicodedata.normalize("NFKD", name)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
    return " ".join(kept.lower().split())


def split_owner(text: str, email: str = "") -> tuple[str, str]:
    """(name, email) from cells like `Ann Lee`, `ann@x.com`, `Ann Lee (ann@x.com)`, `Ann Lee <ann@x.com>`."""
    text = text.strip()
    found = _EMAIL.search(email.strip()) or _EMAIL.search(text)
    address = found.group(0).lower() if found else ""
    name = text
    if found and found.group(0) in text:
        name = text.replace(found.group(0), " ").strip(" <>()[]-,;\"'")
    return " ".join(name.split()), address


@dataclass(frozen=True)
class Match:
    person_id: int | None  # None: no person (see `problem`)
    problem: str | None = None  # why there is no match; None when matched
    name: str = ""  # the owner's name as written (for creating the person)
    email: str = ""


class Directory:
    """Everyone in the database, indexed for matching; `match` is cached per distinct cell."""

    def __init__(self, conn: Connection, source: str) -> None:
        rows = conn.execute(select(Person.id, Person.name_key, Person.email, Person.role)).all()
        self.role = {pid: role for pid, _, _, role in rows}
        self.by_email = {email.lower(): pid for pid, _, email, _ in rows if email}
        self.by_key: dict[str, list[int]] = {}
        for pid, key, _, _ in rows:
            self.by_key.setdefault(key, []).append(pid)
        aliases = conn.execute(select(PersonAlias.alias, PersonAlias.person_id).where(
            PersonAlias.source.in_((source, ANY_SOURCE))))
        self.by_alias = {alias.strip().lower(): pid for alias, pid in aliases}
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
        alias = text.strip().lower()
        if alias in self.by_alias:
            return Match(self.by_alias[alias], name=name, email=address)
        ids = self.by_key.get(name_key(name), []) if name else []
        if len(ids) == 1:
            return Match(ids[0], name=name, email=address)
        if len(ids) > 1:
            return Match(None, f"{len(ids)} people are called “{name}”: give owners' emails to tell them apart",
                         name, address)
        if not address and _ID_LIKE.fullmatch(text.strip()) and " " not in text.strip():
            return Match(None, f"“{text.strip()}” looks like a CRM user id that no person has: import people "
                               "with their CRM user id first", "", "")
        return Match(None, None, name, address)  # unknown: may be created

    def add(self, person_id: int, name: str, email: str, role: str) -> None:
        """Make a person created during an import findable by the rest of it."""
        self.role[person_id] = role
        if email:
            self.by_email[email.lower()] = person_id
        self.by_key.setdefault(name_key(name), []).append(person_id)
        self._cache.clear()


def owner_label(name: str, email: str) -> str:
    """How an unmatched owner is listed: `Ann Lee <ann@x.com>`, or either part alone."""
    if name and email:
        return f"{name} <{email}>"
    return name or email
