"""A first quick pass over a file: what its date and amount columns prove, who owns its rows, which stages.

The survey decides nothing silently: a date column whose slashed dates all read
either way (every day ≤ 12), or that mixes day-first and month-first dates,
becomes a question for the user (`questions`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow.compute as pc

from breakthrough.importing.map import wide
from breakthrough.importing.map.people import Directory, owner_label
from breakthrough.importing.map.plan import Plan
from breakthrough.importing.map.profiles import field_map
from breakthrough.importing.map.validation import TOTAL_ROWS
from breakthrough.importing.read import columnar
from breakthrough.importing.read.cells import ISO, ORDER_WORDS, AmountEvidence, DateEvidence, FlagEvidence, amount_mark
from breakthrough.importing.read.reading import CHUNK_ROWS, Reader

PEOPLE_FIELDS = {"owner": "owner_email", "person": "person_email", "manager": None, "rep": None, "scored_by": None}
MAX_DISTINCT = 5_000
ISO_START = r"^\s*\d{4}-\d{1,2}-\d{1,2}"  # what `cells.classify_date` calls ISO (ASCII digits only: a subset)
Progress = Callable[[float, str], None]


@dataclass
class Survey:
    headers: list[str]
    rows: int = 0
    dates: dict[str, DateEvidence] = field(default_factory=dict)
    amounts: dict[str, AmountEvidence] = field(default_factory=dict)
    flags: dict[str, FlagEvidence] = field(default_factory=dict)
    people: Counter = field(default_factory=Counter)  # (field, text, email) → rows
    stages: Counter = field(default_factory=Counter)  # stage → rows
    footer_lines: int = 0
    blank_lines: int = 0
    encoding: str = "utf-8"
    delimiter: str = ","


def survey(
    source: bytes | str | Path | BinaryIO, plan: Plan, progress: Progress | None = None, chunk_rows: int = CHUNK_ROWS
) -> Survey:
    """One pass over the file, collecting evidence for the columns the plan maps."""
    if not plan.periods and columnar.suitable(source):
        try:
            return _survey_columns(source, plan, progress)
        except columnar.NotPlain:
            pass
    reader = wide.reshape(Reader(source, chunk_rows), plan)
    found, targets = _start(reader, wide.long_plan(plan))
    size = _size(reader)
    for chunk in reader.chunks():
        _collect(found, chunk.rows, *targets)
        if progress:
            progress(min(reader.stream.tell() / size, 1.0), f"Reading… {reader.stats.rows:,} rows")
    found.rows, found.footer_lines = reader.stats.rows, reader.stats.footer_lines
    found.blank_lines, found.encoding = reader.stats.blank_lines, reader.stats.encoding
    return found


def _start(reader: Reader | wide.WideRows, plan: Plan) -> tuple[Survey, tuple[dict, dict, dict, dict, dict]]:
    """An empty survey and the columns to look at: (mapped, dates, amounts, people, flags) by field → column index."""
    found = Survey(reader.headers, delimiter=reader.delimiter)
    index = {h: i for i, h in enumerate(reader.headers)}
    fields = field_map(plan.entity)
    mapped = {k: index[h] for k, h in plan.mapping.items() if h in index and k in fields}
    people = {k: e for k, e in PEOPLE_FIELDS.items() if k in mapped and fields[k].kind == "person"}
    dates = {k: i for k, i in mapped.items() if fields[k].kind in ("date", "datetime", "period")}
    amounts = {k: i for k, i in mapped.items() if fields[k].kind == "amount"}
    found.dates = {k: DateEvidence() for k in dates}
    flags = {k: i for k, i in mapped.items() if fields[k].kind == "flag"}
    found.amounts = {k: AmountEvidence() for k in amounts}
    found.flags = {k: FlagEvidence() for k in flags}
    return found, (mapped, dates, amounts, people, flags)


def _survey_columns(source, plan: Plan, progress: Progress | None) -> Survey:
    """The same survey over a plain file read column-wise (see `columnar`); raises NotPlain to fall back."""
    reader = Reader(source)
    found, (mapped, dates, amounts, people, flags) = _start(reader, plan)
    headers, size, rows = reader.headers, columnar.size_of(source), 0
    used = {*dates, *amounts, *people, *(e for e in people.values() if e), *flags, "stage"}
    for part in columnar.batches(source, reader, only=[headers[i] for k, i in mapped.items() if k in used]):
        column = {k: part.columns[headers[i]] for k, i in mapped.items() if headers[i] in part.columns}
        for key in dates:
            _dates(found.dates[key], column[key])
        for key in amounts:
            _amounts(found.amounts[key], column[key])
        for key in flags:
            for text in pc.unique(column[key]).to_pylist()[:50]:
                found.flags[key].add(text)
        for key, email_key in people.items():
            pairs: dict = _counted([column[key], column[email_key]] if email_key in column else [column[key]])
            pairs = {p if len(p) == 2 else (*p, ""): n for p, n in pairs.items()}
            _add_capped(found.people, {(key, *p): n for p, n in pairs.items() if p != ("", "")})
        if "stage" in column:
            _add_capped(found.stages, {s: n for (s,), n in _counted([column["stage"]]).items() if s})
        rows += len(part)
        if progress:
            progress(min(part.end / size, 1.0), f"Reading… {rows:,} rows")
    found.rows, found.encoding = rows, reader._decoder.encoding or "utf-8"
    found.footer_lines, found.blank_lines = reader.stats.footer_lines, reader.stats.blank_lines
    return found


def _dates(evidence: DateEvidence, column) -> None:
    """Every distinct cell as evidence; ISO ones are counted in one go (they prove no order).

    Only whether a kind was seen matters (`DateEvidence.order`), so a column of ISO dates is
    settled without listing its distinct values.
    """
    iso = pc.match_substring_regex(column, ISO_START)
    if pc.all(iso).as_py():
        distinct = column
    else:
        distinct = pc.unique(column)
        iso = pc.match_substring_regex(distinct, ISO_START)
        for text in pc.filter(distinct, pc.invert(iso)).to_pylist():
            evidence.add(text)
    known = pc.filter(distinct, iso)
    if len(known):
        evidence.counts[ISO] += len(known)
        evidence.examples.setdefault(ISO, known[0].as_py().strip())


def _amounts(evidence: AmountEvidence, column) -> None:
    for item in pc.value_counts(column).to_pylist():
        mark = amount_mark(item["values"]) if item["values"] else None
        if mark:
            evidence.counts[mark] += item["counts"]


def _counted(columns: list) -> Counter:
    """Rows per distinct combination of the columns' trimmed cells, in the order they first appear."""
    encoded = [pc.dictionary_encode(c) for c in columns]
    code = np.zeros(len(columns[0]), dtype=np.int64)
    for e in encoded:
        code = code * (len(e.dictionary) + 1) + np.asarray(e.indices, dtype=np.int64)
    _, first, counts = np.unique(code, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    texts = [e.dictionary.to_pylist() for e in encoded]
    out: Counter = Counter()
    for j in order:
        at = first[j]
        out[tuple(t[e.indices[at].as_py()].strip() for t, e in zip(texts, encoded))] += int(counts[j])
    return out


def _size(reader: Reader | wide.WideRows) -> int:
    stream = reader.stream
    here = stream.tell()
    end = stream.seek(0, 2)
    stream.seek(here)
    return max(end, 1)


def _collect(
    found: Survey, rows: list[list[str]], mapped: dict, dates: dict, amounts: dict, people: dict, flags: dict
) -> None:
    for key, i in dates.items():
        evidence = found.dates[key]
        for value in {row[i] for row in rows}:
            evidence.add(value)
    for key, i in amounts.items():
        amount_evidence = found.amounts[key]
        for row in rows:
            amount_evidence.add(row[i])
    for key, i in flags.items():
        for value in list({row[i] for row in rows})[:50]:
            found.flags[key].add(value)
    for key, email_key in people.items():
        if key in mapped:
            j = mapped.get(email_key) if email_key else None
            pairs = Counter((row[mapped[key]].strip(), row[j].strip() if j is not None else "") for row in rows)
            _add_capped(found.people, {(key, *p): n for p, n in pairs.items() if p != ("", "")})
    if "stage" in mapped:
        _add_capped(found.stages, Counter(row[mapped["stage"]].strip() for row in rows if row[mapped["stage"]].strip()))


def _add_capped(counter: Counter, new: dict) -> None:
    for key, n in new.items():
        if key in counter or len(counter) < MAX_DISTINCT:
            counter[key] += n


# ----------------------------------------------------------------------------- what to ask


@dataclass(frozen=True)
class DateQuestion:
    field: str
    header: str
    why: str
    examples: tuple[str, ...]


def date_questions(found: Survey, plan: Plan) -> list[DateQuestion]:
    """Date columns the user must answer (day-first or month-first), unless the plan already says."""
    questions = []
    for key, evidence in found.dates.items():
        if key in plan.date_orders or not (evidence.ambiguous or evidence.mixed):
            continue
        if evidence.ambiguous:
            why = (
                f"Every date in “{plan.mapping[key]}” has a day of 12 or less, so a date like "
                f"{evidence.examples['either']} reads either way. Which order does the export use?"
            )
        else:
            why = (
                f"“{plan.mapping[key]}” has day-first dates ({evidence.examples['dmy']}) and month-first dates "
                f"({evidence.examples['mdy']}). Which order is right? Rows in the other order will be rejected."
            )
        examples = tuple(evidence.examples[k] for k in ("either", "dmy", "mdy") if k in evidence.examples)
        questions.append(DateQuestion(key, plan.mapping[key] or key, why, examples))
    return questions


def decided_orders(found: Survey) -> dict[str, str]:
    """Date orders the values prove (mdy or dmy), to read the columns they were proven for."""
    return {k: order for k, e in found.dates.items() if (order := e.order()) in ORDER_WORDS}


def decided_marks(found: Survey) -> dict[str, str]:
    return {k: mark for k, e in found.amounts.items() if (mark := e.mark())}


def empty_is_no(found: Survey) -> list[str]:
    """Yes/no fields whose column holds only check marks (`x`): there an empty cell means no."""
    return sorted(k for k, e in found.flags.items() if e.empty_is_no)


@dataclass(frozen=True)
class PersonRow:
    label: str  # how the file names them
    field: str
    rows: int
    status: str  # "matched", "new" (matches no one: held unless the plan adds them), "problem"
    detail: str  # the person matched, or the problem


def people_found(found: Survey, directory: Directory) -> list[PersonRow]:
    """Every distinct person cell of the file: matched (to whom), new, or a problem (why)."""
    out = []
    for (key, text, email), n in found.people.most_common():
        if key == "person" and text.casefold() in TOTAL_ROWS:
            continue  # a quota sheet's totals row is skipped, not a person to create
        match = directory.match(text, email)
        label = owner_label(match.name, match.email) or text
        if match.person_id is not None:
            out.append(PersonRow(label, key, n, "matched", str(match.person_id)))
        elif match.problem:
            out.append(PersonRow(text or email, key, n, "problem", match.problem))
        else:
            out.append(PersonRow(label, key, n, "new", ""))
    return out
