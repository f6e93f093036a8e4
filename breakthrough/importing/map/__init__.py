"""Mapping an upload: columns → fields, owners → people, a row → a record.

- `profiles`   the fields of each entity and the built-in column mappings per CRM; saved profiles
- `plan`       what an upload will do: entity, profile, column mapping, people to add
- `people`     owner cells → person ids (email, CRM user id, then name); an unknown owner is held
- `wide`       a quota sheet with one column per period → long rows
- `validation` one row → a record or the reasons it is rejected

May import: store, importing.read, the top-level `formatting`.
"""
