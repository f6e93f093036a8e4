"""Diagnosis: what is holding a rep back, and the health of the pipeline.

- `focus`    the seven drivers' values (their table is `metrics.drivers`), benchmarks per team, each driver's impact, the focus driver, the quadrant
- `hygiene`  pipeline hygiene: stale, past-due and pushed deals
- `pipeline` the stage funnel: deals per stage, step conversion, time in stage

May import: metrics, store, and the top-level `settings` and `formatting`.
"""
