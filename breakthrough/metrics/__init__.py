"""Metrics: the figures a page shows about a rep or a team, worked out from what the store reads.

- `drivers`   the one table of the seven drivers (key, label, unit, better direction, funnel input);
              imports nothing, so every part may read it
- `periods`   months, quarters and fiscal years; working days elapsed and left
- `money`     amounts in the reporting currency (the exchange rates in settings)
- `inputs`    the per-rep inputs of the funnel (activity, conversions, deal size, cycles)
- `funnel`    what a rep needs to hit quota, stage by stage, and the projected revenue
- `rates`     conversion rates and cycle times with shrinkage towards the team
- `scorecard` every rep's figures for a period (attainment, pace, coverage…)
- `tenure`    starts and leavings inside a period (prorated quotas)
- `missing`   what the data in view lacks, said plainly (the empty states)
- `view`      what a page shows: the resolved filters, independent of Streamlit

May import: store, and the top-level `settings` and `formatting`.
"""
