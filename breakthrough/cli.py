"""The command line: `python -m breakthrough COMMAND …` (`main` is ready to be a console script).

    python -m breakthrough import FILE... [--profile NAME] [--dry-run] [--json] [--date-order dmy|mdy] [--strict]
    python -m breakthrough figures --period 2025-Q1|2025-03|FY2025 --as-of YYYY-MM-DD [--team NAME]
                                   [--manager NAME] [--format csv|json]
    python -m breakthrough migrate
    python -m breakthrough demo [--scale S|M|L] [--seed N] [--replace] [--today YYYY-MM-DD] | --remove
    python -m breakthrough audit [--since YYYY-MM-DD] [--action ACTION] [--json]
    python -m breakthrough digest [--manager EMAIL | --all] [--week YYYY-Www] [--send | --out DIR] [--resend]

Every command takes `--database-url URL` (default: `BREAKTHROUGH_DATABASE_URL`, else data/breakthrough.db).
A thin layer over the domain: `import` runs the Data page's own path (`importing.upload.detect_file` →
`upload.inspect` → `commit.preview` → `commit.commit`), `figures` the Overview's (`scorecard_export`,
made from `scorecard.build`). Exit codes: 0 done, 1 a file not written (nothing of it was), 2 bad usage
(one line on stderr, never a traceback). docs/importing.md documents both outputs as stable interfaces.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import smtplib
import sys
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import Engine, exc, func, select
from sqlalchemy.engine import make_url
from tqdm import tqdm

from breakthrough import demo
from breakthrough import settings as settings_store
from breakthrough.importing import upload
from breakthrough.importing.map import profiles
from breakthrough.importing.map.plan import Plan
from breakthrough.importing.read.reading import ENCODING_NAMES, FileError
from breakthrough.importing.write import batches, commit
from breakthrough.metrics import periods
from breakthrough.sharing import exports, scorecard_export
from breakthrough.store import audit, db, models, queries

OK, NOT_WRITTEN, USAGE = 0, 1, 2
DATE_ORDERS = {"dmy": "day first", "mdy": "month first"}
FORMATS = ("csv", "json")
QUARTER = re.compile(r"(?:FY)?(\d{4})-Q(\d+)", re.IGNORECASE)  # 2025-Q1 (or the app's own FY2025-Q1)
SHOWN_REJECTS = 50  # rejected rows listed per file in the table (all of them with --json)


class Usage(Exception):
    """Bad usage: the message (one line) names the parameter and what to do; exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage block
        raise Usage(f"{self.prog}: {message} (see --help)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; return the process exit code (0 done, 1 a file not written, 2 bad usage)."""
    try:
        args = _parser().parse_args(argv)
    except Usage as err:
        return _usage(err)
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else OK
    try:
        engine = _open(args.database_url or db.database_url())
    except Usage as err:
        return _usage(err)
    try:
        return args.run(engine, args)
    except Usage as err:
        return _usage(err)
    except BrokenPipeError:  # the reader went away (`… | head`): stop quietly, as the Python docs advise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return NOT_WRITTEN
    finally:
        engine.dispose()


def _usage(err: Exception) -> int:
    print(f"error: {err}", file=sys.stderr)
    return USAGE


def _open(url: str) -> Engine:
    """The migrated database at `url`; Usage when it cannot be opened."""
    try:
        engine = db.make_engine(url)
        db.migrate(engine)
    except (exc.ArgumentError, exc.NoSuchModuleError, exc.OperationalError, exc.InterfaceError) as err:
        first = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        raise Usage(f"--database-url: cannot open the database {_hidden(url)}: {first}") from None
    return engine


def _hidden(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return repr(url)


# ----------------------------------------------------------------------------- the parser


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m breakthrough",
        description="Breakthrough from the command line: scripted imports, figures, maintenance.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    commands = [_import_parser(sub), _figures_parser(sub), _migrate_parser(sub), _demo_parser(sub), _audit_parser(sub)]
    commands.append(_digest_parser(sub))
    for command in commands:
        command.add_argument(
            "--database-url",
            metavar="URL",
            help="SQLAlchemy URL (default: BREAKTHROUGH_DATABASE_URL, else data/breakthrough.db)",
        )
    return parser


def _import_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "import",
        help="check and import CRM exports, as the Data page does",
        description="Detect, check and import each file in one transaction (all of it or "
        "nothing), as the Data page does; print what each did. Exit code 0 when every "
        "file was written (with --dry-run: would be), 1 when a file was not, 2 for "
        "bad usage.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="CSV or TSV exports, imported in this order")
    p.add_argument(
        "--profile",
        metavar="NAME",
        help="read every file with this profile (a built-in key such as salesforce_opportunities, "
        "or a profile saved on the Data page) instead of the detected one",
    )
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    p.add_argument(
        "--date-order",
        choices=sorted(DATE_ORDERS),
        help="how to read date columns whose dates read either way (02/03/2026): dmy (day first) or "
        "mdy (month first); without it such a file is not imported",
    )
    p.add_argument("--strict", action="store_true", help="write nothing of a file with any rejected row")
    p.add_argument(
        "--add-unknown-owners",
        action="store_true",
        help="add every owner that matches no person as a new person (a rep; a coaching log's "
        "manager as a manager). Without it their rows are held as rejected, “unknown owner”",
    )
    p.set_defaults(run=_import)
    return p


def _figures_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "figures",
        help="print the scorecard per rep, as the Overview shows it",
        description="Every active rep's figures for a period as of a day: the Overview's own numbers, as CSV or JSON.",
    )
    p.add_argument(
        "--period",
        required=True,
        metavar="PERIOD",
        help="fiscal quarter 2025-Q1, month 2025-03 or fiscal year FY2025 (fiscal years start in the "
        "month set in Settings)",
    )
    p.add_argument(
        "--as-of", required=True, type=_day, metavar="YYYY-MM-DD", help="work the figures out as if today were this day"
    )
    p.add_argument("--team", metavar="NAME", help="only the reps of this team")
    p.add_argument("--manager", metavar="NAME", help="only the reps of this manager")
    p.add_argument("--format", choices=FORMATS, default="csv", help="csv (default) or json")
    p.set_defaults(run=_figures)
    return p


def _migrate_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("migrate", help="bring the database schema up to date (a new database stays empty)")
    p.set_defaults(run=_migrate)
    return p


def _demo_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("demo", help="fill an empty database with the demo company, or remove it (--remove)")
    p.add_argument(
        "--scale",
        choices=sorted(demo.SCALES, key="SML".index),
        default="S",
        help="S: 24 reps (default); M: 200 reps, ~1M activities; L: 1,000 reps, ~5M activities",
    )
    p.add_argument("--seed", type=int, default=7, help="random seed (same seed and date: same data)")
    p.add_argument("--today", type=_day, default=None, help="the demo's today as YYYY-MM-DD (default: the real today)")
    p.add_argument("--replace", action="store_true", help="delete all existing data first")
    p.add_argument(
        "--remove",
        action="store_true",
        help="remove the demo data (settings kept) and start empty: the app will not load the demo "
        "again, even after a restart",
    )
    p.set_defaults(run=_demo)
    return p


def _audit_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "audit",
        help="print the audit log: every write, who made it and when (newest first)",
        description="The audit log as the Data page shows it, newest first: when (UTC), who, action, object, "
        "summary and, for settings, the values before and after. Tab-separated, or one JSON object per line.",
    )
    p.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="only entries from this day on (UTC)")
    p.add_argument("--action", choices=sorted(audit.ACTIONS), help="only entries of this action")
    p.add_argument("--json", action="store_true", help="one JSON object per line instead of a table")
    p.set_defaults(run=_audit)
    return p


def _digest_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "digest",
        help="the weekly digest by e-mail: one per manager and one per leader",
        description="Build the week's digest for every manager (their reps) and leader (teams, managers' cadence): "
        "HTML with a plain-text part, every figure linking to its dashboard view. Without --send or --out, print "
        "the plain-text parts. SMTP comes from BREAKTHROUGH_SMTP_HOST, _PORT, _SECURITY, _USER, _PASSWORD, _FROM.",
    )
    who = p.add_mutually_exclusive_group()
    who.add_argument("--manager", metavar="EMAIL", help="only the digest of the manager (or leader) with this e-mail")
    who.add_argument("--all", action="store_true", help="every manager and leader (the default)")
    p.add_argument("--week", metavar="YYYY-Www", help="the ISO week (default: the week holding yesterday's data)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--send", action="store_true", help="send over SMTP (once per recipient and week)")
    how.add_argument("--out", metavar="DIR", type=Path, help="write one .eml file per recipient into DIR instead")
    p.add_argument("--resend", action="store_true", help="with --send: send again to who already had this week's")
    p.add_argument("--base-url", metavar="URL", help="the dashboard's address for the links (default: Settings)")
    p.set_defaults(run=_digest)
    return p


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a date: write it as YYYY-MM-DD") from None


# ----------------------------------------------------------------------------- import


@dataclass
class FileReport:
    """What one file did (or, with --dry-run, would do): the `--json` object, field for field."""

    file: str
    profile: str | None = None
    profile_label: str | None = None
    entity: str | None = None
    source: str | None = None
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    duplicates: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    new_people: list[str] = field(default_factory=list)
    unknown_owners: list[str] = field(default_factory=list)  # held: rows whose owner matches no person
    written: bool = False
    dry_run: bool = False
    batch: int | None = None
    encoding: str | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)

    @property
    def code(self) -> int:
        return OK if self.error is None else NOT_WRITTEN


def _import(engine: Engine, args: argparse.Namespace) -> int:
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise Usage(f"import: no such file: {missing[0]} (nothing was imported)")
    profile_key = _profile_key(engine, args.profile) if args.profile else None
    codes = []
    for path in args.files:
        report = import_file(
            engine, Path(path), profile_key, args.date_order, args.dry_run, args.strict, args.add_unknown_owners
        )
        print(json.dumps(asdict(report), ensure_ascii=False) if args.json else _table(report), flush=True)
        if report.error:
            print(f"{_shown(path)}: {report.error}", file=sys.stderr)
        codes.append(report.code)
    return max(codes)


def _profile_key(engine: Engine, name: str) -> str:
    """The key of the profile named `name` (a built-in key, or a saved profile's name or key)."""
    saved = {p.label.casefold(): p.key for p in profiles.saved_profiles(engine)}
    known = {**{k.casefold(): k for k in profiles.PROFILES}, **{k.casefold(): k for k in saved.values()}, **saved}
    found = known.get(name.strip().casefold())
    if found is None:
        choices = ", ".join([*profiles.PROFILES, *(f"“{p.label}”" for p in profiles.saved_profiles(engine))])
        raise Usage(f"--profile: no profile named “{_shown(name)}”. Choose one of: {choices}.")
    return found


def import_file(
    engine: Engine,
    path: Path,
    profile_key: str | None = None,
    date_order: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    add_unknown_owners: bool = False,
) -> FileReport:
    """Check one file as the Data page does and, unless `dry_run`, write it in one transaction.

    Not written (the report's `error` says why): a file that cannot be read, lacks a required column,
    has date columns whose order is open (unless `date_order` answers), has no row to import, or has a
    rejected row when `strict`.
    """
    report = FileReport(str(path), dry_run=dry_run)
    try:
        plan = _plan(engine, path, profile_key, date_order, report)
        if plan is None:
            return report
        plan.add_unknown_owners = add_unknown_owners
        outcome = commit.preview(engine, path, plan)
        _count(report, outcome)
        report.error = _blocked(outcome, strict)
        if report.error or dry_run:
            return report
        outcome = commit.commit(engine, path, plan, path.name, via="command line")
        _count(report, outcome)
        report.written, report.batch = True, outcome.batch_id
    except FileError as err:
        report.error = f"this file cannot be read: {err} Nothing was written."
    except Exception as err:  # a script gets a line, never a traceback
        report.error = f"the import failed and nothing was written ({type(err).__name__}: {err})."
    return report


def _plan(
    engine: Engine, path: Path, profile_key: str | None, date_order: str | None, report: FileReport
) -> Plan | None:
    """The plan the Data page would make, accepting what it proposes; None (and `report.error`) when the
    page would stop: a required column missing, or a date question left open."""
    detected = upload.detect_file(engine, path)
    chosen = next((d for d in detected.detections if d.profile.key == profile_key), detected.detections[0])
    report.profile, report.profile_label = chosen.profile.key, chosen.profile.label
    report.entity, report.source = chosen.profile.entity, chosen.profile.source
    if chosen.matched == 0 and profile_key is None:
        report.profile = report.profile_label = report.entity = report.source = None
        report.error = (
            f"no profile knows this file's columns ({_shown(', '.join(detected.headers[:8]), 200)}). "
            "Map them once on the Data page and save a profile, or use a Breakthrough template "
            "(docs/importing.md). Nothing was written."
        )
        return None
    if chosen.missing:
        report.error = (
            f"read as {chosen.profile.label}, the file has no column for {', '.join(chosen.missing)}, "
            f"which {chosen.profile.entity} need. Map the columns once on the Data page and save them "
            "as a profile (files with the same columns then use it), or pass --profile NAME. "
            "Nothing was written."
        )
        return None
    found = upload.inspect(engine, path, chosen.profile.key)
    report.encoding = found.survey.encoding
    plan = Plan.from_json(found.plan.to_json())
    open_questions = [q for q in found.questions if q.field not in plan.date_orders]
    if open_questions and date_order is None:
        columns = ", ".join(f"“{q.header}”" for q in open_questions)
        report.error = (
            f"the dates of {columns} can be read day first or month first"
            f"{_examples(open_questions[0].examples)}, and dates are never guessed. "
            "Say which with --date-order dmy (day first) or --date-order mdy (month first). "
            "Nothing was written."
        )
        return None
    for question in open_questions:
        assert date_order is not None  # asked above when a question is open
        plan.date_orders[question.field] = date_order
    return plan


def _examples(examples: tuple[str, ...]) -> str:
    return f" (e.g. {_shown(', '.join(examples), 80)})" if examples else ""


def _count(report: FileReport, out: commit.Outcome) -> None:
    report.rows, report.accepted, report.rejected = out.rows_read, out.accepted, out.rejected
    report.skipped, report.duplicates = out.skipped, out.duplicates
    report.inserted, report.updated, report.unchanged = out.inserted, out.updated, out.unchanged
    report.new_people, report.encoding, report.warnings = list(out.new_people), out.encoding, list(out.warnings)
    report.unknown_owners = sorted(out.unknown_owners)
    report.rejects = [{"row": r.line, "column": r.column, "value": r.value, "reason": r.reason} for r in out.rejects]


def _blocked(out: commit.Outcome, strict: bool) -> str | None:
    """Why the file is not written (None: it is)."""
    if out.accepted == 0:
        return "no row of the file can be imported (see the rejected rows). Nothing was written."
    if strict and out.rejected:
        return f"{out.rejected:,} rows rejected and --strict: nothing was written."
    return None


# ----------------------------------------------------------------------------- the table


def _table(r: FileReport) -> str:
    """One file's report for people: what it was read as, the counts, what was written, the rejected rows."""
    lines = [_shown(r.file)]
    if r.profile:
        read_as = f"  read as   {_shown(r.profile_label)} ({r.profile})"
        if r.encoding:
            read_as += f", {ENCODING_NAMES.get(r.encoding, r.encoding)}"
        lines.append(read_as)
    if r.entity and (r.rows or not r.error):
        lines.append(
            f"  rows {r.rows:,} · accepted {r.accepted:,} · rejected {r.rejected:,} · "
            f"skipped {r.skipped:,} · duplicates {r.duplicates:,}"
        )
    if r.written:
        lines.append(
            f"  written   yes, batch #{r.batch}: {r.inserted:,} new, {r.updated:,} updated, {r.unchanged:,} unchanged"
        )
    elif r.error:
        lines.append(f"  written   no: {_shown(r.error)}")
    else:
        lines.append(
            f"  written   no (dry run): would write {r.inserted:,} new, {r.updated:,} updated, "
            f"{r.unchanged:,} unchanged"
        )
    if r.new_people:
        lines.append(
            f"  new people {len(r.new_people):,}: "
            + ", ".join(_shown(p, 60) for p in r.new_people[:10])
            + (" …" if len(r.new_people) > 10 else "")
        )
    if r.unknown_owners:
        lines.append(
            f"  unknown owners {len(r.unknown_owners):,} (rows held; add them with --add-unknown-owners "
            "or import them in a people roster first): "
            + ", ".join(_shown(o, 60) for o in r.unknown_owners[:10])
            + (" …" if len(r.unknown_owners) > 10 else "")
        )
    lines.extend(f"  warning   {_shown(w, 200)}" for w in r.warnings[:10])
    if r.rejects:
        lines.append("  rejected rows (line numbers count from the header, line 1):")
        lines.extend(
            "    " + line
            for line in _columns(
                [
                    ("line", "column", "value", "reason"),
                    *(
                        (str(x["row"]), _shown(x["column"], 30), _shown(x["value"], 30), _shown(x["reason"], 120))
                        for x in r.rejects[:SHOWN_REJECTS]
                    ),
                ]
            )
        )
        if r.rejected > SHOWN_REJECTS:
            lines.append(f"    … the first {SHOWN_REJECTS} of {r.rejected:,} (all of them with --json)")
    return "\n".join(lines)


def _columns(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]).rstrip() for row in rows]


def _shown(text: object, limit: int = 500) -> str:
    """Text from a file made safe for a terminal: control characters (escape sequences) shown as `?`, cut."""
    cleaned = "".join("?" if unicodedata.category(c) in ("Cc", "Cf") and c != "\u200d" else c for c in str(text))
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


# ----------------------------------------------------------------------------- figures


def _figures(engine: Engine, args: argparse.Namespace) -> int:
    cfg = settings_store.load(engine)
    period = parse_period(args.period, cfg.fiscal_year_start_month)
    try:
        found = scorecard_export.records(engine, cfg, period, args.as_of, args.team, args.manager)
    except scorecard_export.UnknownScope as err:
        raise Usage(str(err)) from None
    if args.format == "json":
        print(json.dumps(found, ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(scorecard_export.csv_text(found))
    if not found:
        print("No active reps in this view.", file=sys.stderr)
    return OK


def parse_period(text: str, fy_start_month: int) -> periods.Period:
    """`2025-Q1` (fiscal quarter), `2025-03` (month) or `FY2025` (fiscal year); Usage naming --period."""
    value = text.strip()
    if m := QUARTER.fullmatch(value):
        value = f"FY{m[1]}-Q{m[2]}"
    try:
        return periods.parse_period(value, fy_start_month)
    except ValueError:
        raise Usage(
            f"--period: “{_shown(text, 40)}” is not a period: write a fiscal quarter as 2025-Q1, a month as "
            "2025-03 or a fiscal year as FY2025."
        ) from None


# ----------------------------------------------------------------------------- migrate, demo


def _migrate(engine: Engine, args: argparse.Namespace) -> int:
    print(f"Database {_hidden(str(engine.url))} is up to date.")
    return OK


def _demo(engine: Engine, args: argparse.Namespace) -> int:
    """Generate the demo (after clearing, with --replace) in one transaction; or remove it (--remove)."""
    if args.remove:
        return _remove_demo(engine)
    people = _people(engine)
    if people and not args.replace:
        print(
            f"Refusing to write demo data: the database {_hidden(str(engine.url))} already holds {people} people.\n"
            "Use --replace to delete ALL existing data first, or point --database-url at an empty database.",
            file=sys.stderr,
        )
        return NOT_WRITTEN
    started = time.perf_counter()
    with demo.transaction(engine) as conn, _progress_bar() as progress:
        if args.replace:
            demo.clear(conn)
        counts = demo.write_demo(conn, args.scale, args.seed, args.today or dt.date.today(), progress)
    _report(counts, time.perf_counter() - started)
    return OK


@contextmanager
def _progress_bar() -> Iterator[demo.Progress]:
    """A progress bar on standard error (none when it is not a terminal), as a `demo.Progress`."""
    with tqdm(total=1, unit=" rows", unit_scale=True, disable=None, file=sys.stderr) as bar:

        def show(what: str, done: int, expected: int) -> None:
            bar.total, bar.n = expected, done
            bar.set_description(what, refresh=False)
            bar.refresh()

        yield show


def _remove_demo(engine: Engine) -> int:
    """Remove the demo (settings kept) and start empty; refuse for data that is not the demo."""
    if _people(engine) and not queries.is_demo(engine):
        print(
            "Refusing to remove anything: the database holds data that is not the demo. "
            "Undo import batches on the Data page instead.",
            file=sys.stderr,
        )
        return NOT_WRITTEN
    batches.remove_demo(engine, via="command line")  # also records "start empty": a restart does not bring it back
    print(
        f"The database {_hidden(str(engine.url))} is empty and stays so: the app will not load the demo again. "
        "Import your CRM exports on the Data page or with `python -m breakthrough import`."
    )
    return OK


# ----------------------------------------------------------------------------- audit


def _audit(engine: Engine, args: argparse.Namespace) -> int:
    """The audit log, newest first, as a tab-separated table or JSON lines (stable fields: docs/access.md)."""
    since = dt.datetime.combine(args.since, dt.time()) if args.since else None
    log = audit.entries(engine, since, args.action)
    if args.json:
        for row in log.itertuples(index=False):
            entry = {
                "at": row.at.isoformat() + "Z",
                "person_id": None if row.person_id is None or row.person_id != row.person_id else int(row.person_id),
                "email": row.email if isinstance(row.email, str) else None,
                "who": audit.who(row.person_id, row.email, row.via),
                "via": row.via,
                "action": row.action,
                "object": row.object,
                "summary": row.summary,
                "before": row.before,
                "after": row.after,
            }
            print(json.dumps(entry, ensure_ascii=False, default=str))
        return OK
    table = audit.for_people(log)
    print("\t".join(table.columns))
    for values in table.itertuples(index=False):
        print("\t".join(_cell(v) for v in values))
    if log.empty:
        print("(no entries)", file=sys.stderr)
    return OK


def _cell(value: object) -> str:
    """A table cell on one line (tabs and line breaks as spaces), formulas neutralised as in every download."""
    return str(exports.neutralise(" ".join(str(value).split())))


def _people(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(models.Person)).scalar() or 0


def _report(counts: dict[str, int], seconds: float) -> None:
    width = max(map(len, counts))
    for table, n in counts.items():
        print(f"{table:<{width}}  {n:>10,}")
    print(f"Demo data written in {seconds:.1f} s.")


# ----------------------------------------------------------------------------- digest


def _digest(engine: Engine, args: argparse.Namespace) -> int:
    """Build, then print, write or send each recipient's digest; a failed send is said per recipient (exit 1)
    and the others are still sent."""
    from breakthrough.coaching import prep
    from breakthrough.digest import compose, mail, sent

    cfg = settings_store.load(engine)
    latest = periods.as_of_date(queries.last_data_day(engine), dt.date.today())
    try:
        week = (
            prep.week_of(latest - dt.timedelta(days=1))
            if args.week is None
            else prep.week_of(prep.parse_week(args.week)[0])
        )
    except ValueError as err:
        raise Usage(f"--week: {err}") from None
    smtp = None
    if args.send:
        try:
            smtp = mail.Smtp.from_env()
        except mail.MailError as err:
            raise Usage(str(err)) from None
    if args.resend and not args.send:
        raise Usage("--resend: only with --send")
    w = compose.gather(engine, cfg, week, latest, args.base_url)
    try:
        chosen = compose.recipients(w.src.people, w.src.as_of, args.manager)
    except ValueError as err:
        raise Usage(str(err)) from None
    done = sent.already(engine, week) if smtp else set()
    failed = 0
    sender = smtp.sender if smtp else (os.environ.get(mail.ENV["sender"]) or "breakthrough@localhost")
    for r in chosen:
        who = f"{r.name} <{r.email}>" if r.email else r.name
        if not r.email:
            print(f"skipped\t{r.kind}\t{who}: no e-mail on their person record (add it on the Data page)")
            continue
        d = compose.for_recipient(w, r)
        if args.out is not None:
            print(f"written\t{r.kind}\t{who}\t{mail.write(d, args.out, sender)}")
        elif smtp is None:
            print(mail.plain_text(d))
        elif r.email.lower() in done and not args.resend:
            print(f"skipped\t{r.kind}\t{who}: already sent for {week} (--resend to send again)")
        else:
            try:
                smtp.send(mail.message(d, smtp.sender))
            except (OSError, smtplib.SMTPException) as err:
                failed += 1
                print(f"FAILED\t{r.kind}\t{who}: {str(err).strip() or type(err).__name__}", file=sys.stderr)
                continue
            sent.record(engine, week, r.email, r.kind)
            print(f"sent\t{r.kind}\t{who}")
    return NOT_WRITTEN if failed else OK
