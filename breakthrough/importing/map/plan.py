"""Everything decided about one upload before it is read: the mapping and the user's answers."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from breakthrough.importing.map.profiles import Profile, duration_unit, mapping_for

ADD_ROLES = ("rep", "manager")  # what an unknown owner can be added as


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
    # Unknown owners (person cells matching no one) are held, never added, unless asked here:
    add_people: dict[str, str] = field(default_factory=dict)  # unknown owner label → "rep" / "manager" to add
    add_unknown_owners: bool = False  # add every unknown owner (rep, or manager for a session's manager)
    empty_is_no: list[str] = field(default_factory=list)  # yes/no fields whose column is check marks: empty = no
    default_currency: str = "USD"
    layout: str = "long"  # "wide": a quota sheet with one column per month or quarter (`wide`)
    periods: dict[str, list[str]] = field(default_factory=dict)  # wide: header → [type, start, currency]

    @staticmethod
    def from_profile(profile: Profile, headers: list[str], default_currency: str = "USD") -> Plan:
        mapping = mapping_for(profile, headers)
        return Plan(
            profile.entity,
            profile.source,
            profile.label,
            mapping,
            dict(profile.constants),
            duration_unit(profile, mapping),
            default_currency=default_currency,
            layout=profile.layout,
        )

    def to_json(self) -> str:
        """A stable text form (a cache key, and what the batch records)."""
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @staticmethod
    def from_json(text: str) -> Plan:
        values = json.loads(text)
        old = values.pop("owners", None) or {}  # plans stored before unknown owners were held
        values.setdefault("add_people", {k: v for k, v in old.items() if v in ADD_ROLES})
        return Plan(**values)

    def column(self, key: str) -> str | None:
        return self.mapping.get(key)
