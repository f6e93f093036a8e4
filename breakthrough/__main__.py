"""Command line: `python -m breakthrough migrate` and `python -m breakthrough demo`.

    python -m breakthrough demo [--scale S|M|L] [--seed N] [--database-url URL] [--replace] [--today YYYY-MM-DD]
    python -m breakthrough migrate [--database-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from breakthrough import demo, models
from breakthrough.db import database_url, make_engine, migrate


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand; return the process exit code."""
    args = _parser().parse_args(argv)
    engine = make_engine(args.database_url or database_url())
    try:
        migrate(engine)
        return args.run(engine, args)
    finally:
        engine.dispose()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m breakthrough", description="Breakthrough maintenance commands.")
    sub = parser.add_subparsers(dest="command", required=True)
    mig = sub.add_parser("migrate", help="bring the database schema up to date")
    mig.set_defaults(run=_migrate)
    dem = sub.add_parser("demo", help="fill an empty database with the deterministic demo company")
    dem.add_argument("--scale", choices=sorted(demo.SCALES, key="SML".index), default="S",
                     help="S: 24 reps (default); M: 200 reps, ~1M activities; L: 1,000 reps, ~5M activities")
    dem.add_argument("--seed", type=int, default=7, help="random seed (same seed and date: same data)")
    dem.add_argument("--today", type=dt.date.fromisoformat, default=None,
                     help="the demo's today as YYYY-MM-DD (default: the real today)")
    dem.add_argument("--replace", action="store_true", help="delete all existing data first")
    dem.set_defaults(run=_demo)
    for p in (mig, dem):
        p.add_argument("--database-url", help="SQLAlchemy URL (default: BREAKTHROUGH_DATABASE_URL or data/)")
    return parser


def _migrate(engine: Engine, args: argparse.Namespace) -> int:
    print(f"Database {_shown(engine)} is up to date.")
    return 0


def _demo(engine: Engine, args: argparse.Namespace) -> int:
    """Generate the demo (after clearing, with --replace) in one transaction; print the counts."""
    people = _people(engine)
    if people and not args.replace:
        print(f"Refusing to write demo data: the database {_shown(engine)} already holds {people} people.\n"
              "Use --replace to delete ALL existing data first, or point --database-url at an empty database.",
              file=sys.stderr)
        return 1
    started = time.perf_counter()
    with engine.begin() as conn:
        if args.replace:
            demo.clear(conn)
        counts = demo.write_demo(conn, args.scale, args.seed, args.today or dt.date.today())
    _report(counts, time.perf_counter() - started)
    return 0


def _people(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(models.Person)).scalar() or 0


def _report(counts: dict[str, int], seconds: float) -> None:
    width = max(map(len, counts))
    for table, n in counts.items():
        print(f"{table:<{width}}  {n:>10,}")
    print(f"Demo data written in {seconds:.1f} s.")


def _shown(engine: Engine) -> str:
    """The engine's URL with any password hidden."""
    return make_url(engine.url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
