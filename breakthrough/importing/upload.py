"""One uploaded file from bytes to a plan: detect the profile, survey the columns, list the questions.

The Data page, the tests and scripts share this path:
`inspect(engine, data)` → an `Upload` with the detected profile, a plan whose
proven date orders and decimal marks are filled in, the date questions still
open, and every person the file names (matched, new, or a problem).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from breakthrough import settings as settings_store
from breakthrough.importing.map import headings, profiles, wide
from breakthrough.importing.map.people import Directory
from breakthrough.importing.map.plan import Plan
from breakthrough.importing.read import survey as surveying
from breakthrough.importing.read.reading import Reader
from breakthrough.importing.read.survey import DateQuestion, PersonRow, Survey


@dataclass
class Upload:
    headers: list[str]
    delimiter: str
    detections: list[profiles.Detection]
    plan: Plan
    survey: Survey
    questions: list[DateQuestion] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)

    @property
    def profile(self) -> profiles.Profile:
        return self.detections[0].profile

    _map: dict = field(init=False, default_factory=dict, repr=False, compare=False)  # the source's stage map

    def stages(self) -> dict[str, str]:
        """Every stage in the file with the status it would get (saved map, source defaults, then its words)."""
        return {s: self.plan.stages.get(s) or profiles.stage_status(s, self._map) for s in self.survey.stages}


@dataclass(frozen=True)
class Detected:
    headers: list[str]
    delimiter: str
    detections: list[profiles.Detection]


def detect_file(engine, data: bytes | Path) -> Detected:
    """The file's headers and every profile scored against them, best first (reads the header only)."""
    reader = Reader(data)
    return Detected(reader.headers, reader.delimiter, profiles.detect(reader.headers, profiles.saved_profiles(engine)))


def inspect(
    engine, data: bytes | Path, profile_key: str | None = None, plan: Plan | None = None, progress=None
) -> Upload:
    """Detect (or use `profile_key` / `plan`), survey the file and match its people."""
    detected = detect_file(engine, data)
    headers, delimiter, detections = detected.headers, detected.delimiter, detected.detections
    if profile_key:
        detections.sort(key=lambda d: d.profile.key != profile_key)
    settings = settings_store.load(engine)
    plan = plan or Plan.from_profile(detections[0].profile, headers, settings.reporting_currency)
    if plan.layout == wide.WIDE:  # its period columns, read with the fiscal year the figures use
        plan.periods = headings.period_columns(headers, settings.fiscal_year_start_month)
    found = surveying.survey(data, plan, progress)
    plan.date_orders = {**surveying.decided_orders(found), **plan.date_orders}
    plan.decimal_marks = {**surveying.decided_marks(found), **plan.decimal_marks}
    plan.empty_is_no = sorted({*surveying.empty_is_no(found), *plan.empty_is_no})
    with engine.connect() as conn:
        directory = Directory(conn, plan.source)
        stage_map = profiles.stage_map(conn, plan.source)
    upload = Upload(
        headers,
        delimiter,
        detections,
        plan,
        found,
        surveying.date_questions(found, plan),
        surveying.people_found(found, directory),
    )
    upload._map = stage_map
    return upload


def import_file(
    engine,
    path,
    file_name: str | None = None,
    date_orders: dict[str, str] | None = None,
    progress=None,
    add_unknown_owners: bool = False,
    add_people: dict[str, str] | None = None,
):
    """Detect, survey and commit one export from disk (scripts and benchmarks): the page's path without the page.

    Rows whose owner matches no person are held (rejected, listed in `Outcome.unknown_owners`) unless
    `add_people` names them (label → "rep" / "manager") or `add_unknown_owners` adds every one of them.
    `date_orders` answers the date questions (field → "mdy" / "dmy"); a question left unanswered raises,
    since dates are never guessed.
    """
    from pathlib import Path

    from breakthrough.importing.write import commit

    found = inspect(engine, path, progress=progress)
    found.plan.date_orders.update(date_orders or {})
    found.plan.add_people.update(add_people or {})
    found.plan.add_unknown_owners = add_unknown_owners
    open_questions = [q.header for q in found.questions if q.field not in found.plan.date_orders]
    if open_questions:
        raise ValueError(f"Say whether these date columns are day-first or month-first: {', '.join(open_questions)}")
    return commit.commit(engine, path, found.plan, file_name or Path(path).name, progress)
