"""Coaching: sessions and commitments, and whether coaching helps.

- `managers` the coaching figures per manager and rep (sessions, commitments, follow-through)
- `cadence`  how often each rep was coached against the cadence the settings ask for
- `sessions` the coaching log: sessions and commitments read and written
- `rubric`   the session scores and what they mean
- `impact`   the change in a rep's figures after coaching on a driver

May import: metrics (among it the table of drivers: a session's focus driver), store, access
(`require` before a write), and the top-level `settings` and `formatting`.
"""
