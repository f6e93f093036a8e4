"""Diagnosis: what is holding a rep back, and the health of the pipeline.

- `drivers`  the one table of the seven drivers (key, label, unit, better direction, funnel input); imports
             nothing, so every part may read it
- `focus`    the seven drivers, benchmarks per team, each driver's impact, the focus driver, the quadrant
- `hygiene`  pipeline hygiene: stale, past-due and pushed deals
- `pipeline` the stage funnel: deals per stage, step conversion, time in stage

May import: metrics, store, and the top-level `settings` and `formatting`.
"""
