"""Coaching: sessions and commitments, and whether coaching helps.

- `managers` the coaching figures per manager and rep (sessions, commitments, follow-through)
- `cadence`  how often each rep was coached against the cadence the settings ask for
- `sessions` the coaching log: sessions and commitments read and written
- `rubric`   the session scores and what they mean
- `impact`   the change in a rep's figures after coaching on a driver
- `prep`     the one-on-one prep sheet: per manager and week, a block per rep (status, focus and its change,
             commitments to review, cadence, deals to inspect, questions)
- `questions` the questions to ask per focus driver and rubric dimension (defaults; Settings keeps edits)

May import: metrics, diagnosis (the prep sheet's focus driver and deals to inspect; diagnosis imports no
coaching) (among metrics the table of drivers: a session's focus driver), store, access
(`require` before a write), and the top-level `settings` and `formatting`.
"""
