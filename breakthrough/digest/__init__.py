"""The weekly digest by e-mail (docs/coaching.md#the-weekly-digest): `python -m breakthrough digest`.

- `compose` what each recipient's digest says: per manager, their reps' status changes, commitments due, who
            has gone longest without coaching and the wins to recognise; per leader, the teams, the managers'
            cadence and the reps hidden by the total — every figure with the link to its dashboard view
- `mail`    the digest as an e-mail (HTML with a plain-text part), SMTP from the environment, `.eml` files
- `sent`    the record of what was sent per recipient and week, so a second run does not send twice

Every figure is the domain's own (`coaching.prep`, `coaching.managers`, `metrics.scorecard`), kept to the
recipient's scope (`access.people.scope_from`), never worked out again here.

May import: access, coaching, diagnosis, metrics, sharing, store, talent, and the top-level `settings` and `formatting`.
"""
