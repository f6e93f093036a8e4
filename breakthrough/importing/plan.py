"""Everything decided about one upload before it is read: the mapping and the user's answers."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from breakthrough.importing.profiles import Profile, duration_unit, mapping_for

ROLE_CHOICES = {"rep": "create as rep", "manager": "create as manager", "reject": "reject their rows"}


@dataclass
class Plan:
    """How to read one file: entity, source, column per field, and the answers to the questions asked."""

    entity: str
    source: str
    profile: str  # the profile's name, stored on the batch
    mapping: dict[str, str | None]  # field → header (None: not in the file)
    constants: dict[str, str] = field(default_factory=dict)  # field → value for every row (HubSpot calls: type)
    duration_unit: str = "seconds"
    date_orders: dict[str, str] = field(default_factory=dict)  # field → "mdy" / "dmy" where the user chose
    decimal_marks: dict[str, str] = field(default_factory=dict)  # field → "." / "," where the user chose
    stages: dict[str, str] = field(default_factory=dict)  # stage → open / won / lost chosen for this upload
    owners: dict[str, str] = field(default_factory=dict)  # unmatched owner label → "rep" / "manager" / "reject"
    empty_is_no: list[str] = field(default_factory=list)  # yes/no fields whose column is check marks: empty = no
    default_currency: str = "USD"

    @staticmethod
    def from_profile(profile: Profile, headers: list[str], default_currency: str = "USD") -> Plan:
        mapping = mapping_for(profile, headers)
        return Plan(profile.entity, profile.source, profile.label, mapping, dict(profile.constants),
                    duration_unit(profile, mapping), default_currency=default_currency)

    def to_json(self) -> str:
        """A stable text form (a cache key, and what the batch records)."""
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @staticmethod
    def from_json(text: str) -> Plan:
        return Plan(**json.loads(text))

    def column(self, key: str) -> str | None:
        return self.mapping.get(key)
