"""PostgreSQL for the benchmark: a database made fresh for each step that writes, beside the one given.

`bench/run.py --database postgresql+psycopg://user:pw@host/NAME` generates the demo into NAME and imports into
NAME_import, loads the raw yardstick into NAME_raw: each is dropped and created again (so never point it at a
database you want to keep).
"""

from __future__ import annotations

from sqlalchemy.engine import make_url


def sibling(url: str, suffix: str) -> str:
    """`url` with `_suffix` after its database name (the import's and raw load's own databases)."""
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{suffix}").render_as_string(hide_password=False)


def recreate(url: str) -> str:
    """Drop the database `url` names (if it exists) and create it empty; returns `url`."""
    import psycopg
    from psycopg import sql

    parsed = make_url(url)
    name = parsed.database
    if not name or name in ("postgres", "template0", "template1"):
        raise SystemExit(f"--database must name a database of its own to be made fresh (not {name!r})")
    with psycopg.connect(**_connect_args(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url


def connect(url: str):
    """A plain psycopg connection to the database `url` names (the raw-load yardstick)."""
    import psycopg

    return psycopg.connect(**_connect_args(url, make_url(url).database))


def _connect_args(url: str, dbname: str | None) -> dict:
    parsed = make_url(url)
    args = {"host": parsed.host, "port": parsed.port, "user": parsed.username, "password": parsed.password}
    return {k: v for k, v in args.items() if v is not None} | {"dbname": dbname}
