"""Talent (docs/metrics.md#talent): hire well, and do not keep non-performers by default.

- `history`   every rep's figures period by period (quota, won, calls, meetings, new opportunities, pipeline
              created, results pace), read from the rollups in three queries, the rule of `metrics.scorecard`
              and `tenure`
- `ramp`      figures by month of tenure, the cohort's median and top-quartile curve, each new hire's status
- `shortfall` reps behind pace for two or more periods running, with what was done about it
- `hidden`    a team on track as a whole while some of its reps are behind, said by name

Every figure is worked out on everyone (the cohort needs every hire); what leaves a module is kept to the
viewer's `Scope`.

May import: metrics, diagnosis, coaching, store, access, and the top-level `settings` and `formatting`.
"""
