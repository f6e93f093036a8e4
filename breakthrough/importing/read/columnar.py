"""A plain export read column-wise with pyarrow: the fast path for big files.

Most CRM exports are plain: UTF-8, a header on the first line, every row with as
many values as the header, no blank or footer lines. Such a file is read in Arrow
record batches (a few MB of text at a time) and each mapped column is parsed as a
whole: values that repeat (owners, types, outcomes, durations) once per distinct
value with the very parser the row-by-row path uses, and the columns that hardly
repeat (CRM ids, subjects, ISO dates) with vectorised checks that accept only what
that parser would return unchanged, handing anything else to it.

Two kinds of file that are not quite plain are read this way too, with the
careful reader's rules applied to them as a whole: a Salesforce report (every field
quoted, CRLF, its footer after a blank line) is cut where its footer starts, the
footer found from the tail and judged line by line by the careful reader's own rule
(`Footer`); a Windows-1252 file (as the careful reader decides from its first bytes)
is transcoded by Arrow, after one pass over its bytes proves that no line would be
reported by the careful reader (a line in UTF-8, or bytes Windows-1252 does not define).

Anything that is not plain raises `NotPlain` before a batch is used, and the
caller reads the file the careful way (`reading.Reader`), which knows about
encodings, blank lines, footers and short rows. So both paths give the same
records, rejects and line numbers; only the time differs.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from breakthrough.importing.map.validation import parse_cell
from breakthrough.importing.read import cells as c
from breakthrough.importing.read.reading import FOOTER_MAX, Reader, _filled, decoded, open_source

BLOCK_BYTES = 1 << 20  # text Arrow parses at a time (bigger blocks make its read-ahead hold far more memory)
BATCH_ROWS = 50_000  # rows handed on at a time
MIN_BYTES = 1 << 20  # smaller files are read the careful way (it is quick enough there)
DISTINCT_SHARE = 0.2  # a column with fewer distinct values than this share is parsed per distinct value
# First and last characters that Python's str.strip() never removes, for "already clean" text.
_SOLID = r"[!-~\p{L}\p{N}]"
SIMPLE_TEXT = rf"(?s)^{_SOLID}(.*{_SOLID})?$"
ISO_STAMP = r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?$"
SQLITE_STAMP = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$"


NOT_PLAIN_STARTS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"PK\x03\x04", b"sep=", b"SEP=")
ARROW_ENCODINGS = {None: "utf8", "utf-8": "utf8", "utf-8-sig": "utf8", "cp1252": "cp1252"}  # the reader's → Arrow's
TAIL = 1 << 16  # bytes at the end of a file a footer is looked for in
CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")  # read as U+FFFD: a line the careful reader reports


class NotPlain(Exception):
    """The file needs the careful reader (the message says why, for the logs and tests)."""


@dataclass
class Batch:
    columns: dict[str, pa.Array]  # header → the column's text, empty cells as ""
    lines: np.ndarray  # the file line each row starts on (empty when not asked for)
    end: int  # bytes of the file read so far (for progress)
    rows: int

    def __len__(self) -> int:
        return self.rows

    def cells(self, index: np.ndarray, headers: list[str]) -> list[list[str]]:
        """Rows `index` as lists of cells in header order (for the row-by-row path)."""
        picked = [self.columns[h].take(pa.array(index, pa.int64())).to_pylist() for h in headers]
        return [list(row) for row in zip(*picked)]


def suitable(source) -> bool:
    """Worth trying the fast path: a big file or bytes, not UTF-16, a zip or behind a `sep=` line, with a line end
    in its first 64 kB (whether its footer and encoding can be read this way is for `batches` to prove)."""
    ends = _ends(source)
    if ends is None or ends[2] < MIN_BYTES:
        return False
    head = ends[0]
    return not head.startswith(NOT_PLAIN_STARTS) and b"\n" in head


def _ends(source) -> tuple[bytes | bytearray, bytes | bytearray, int] | None:
    """The first 64 kB, the last 4 kB and the size of a file or of bytes (None for other streams)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source) if isinstance(source, memoryview) else source
        return data[: 1 << 16], data[-4096:], len(data)
    if not isinstance(source, (str, Path)):
        return None
    path = Path(source)
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(1 << 16)
        f.seek(max(size - 4096, 0))
        return head, f.read(), size


def size_of(source) -> int:
    ends = _ends(source)
    return max(ends[2], 1) if ends else 1


def estimated_rows(source) -> int:
    """Rows the file holds, judged from the length of its first lines."""
    ends = _ends(source)
    if not ends:
        return 0
    head, _, size = ends
    return int(size / max(len(head) / max(head.count(b"\n"), 1), 1))


@dataclass
class Footer:
    """Where a file's data ends: its footer and blank lines after the last data row, as the careful reader
    counts them (`Reader._data_rows`)."""

    cut: int  # bytes before the footer (the whole file when it has none)
    blank_lines: int = 0
    footer_lines: int = 0


def footer(source, reader: Reader, size: int) -> Footer:
    """The footer at the end of the file, found from its last `TAIL` bytes; NotPlain when it cannot be proven.

    Lines are taken back from the end while they hold fewer than two values (each parsed on its own, none
    with an odd number of quotes); the line before them is the last data row. Those lines are then judged in
    order by the careful reader's rule: every one must be blank or held as a footer line, or the file is
    read the careful way (a footer-like line followed by another data row is data there, as it is here).
    """
    tail = _tail(source, size)
    parts = tail.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    end, segment = size, list[list[str]]()
    for index in range(len(parts) - 1, -1, -1):
        raw = parts[index] + (b"\n" if index < len(parts) - 1 or tail.endswith(b"\n") else b"")
        if index == 0 and len(tail) < size:
            raise NotPlain("no data row in the last bytes before the footer")
        text = _text(raw)
        if text.count('"') % 2:
            raise NotPlain("a quoted value may span the footer's lines")
        try:
            records = list(csv.reader([text], delimiter=reader.delimiter))
        except csv.Error as err:
            raise NotPlain(f"a footer line that is not CSV ({err})") from None
        if len(records) != 1:
            raise NotPlain("a footer line read as more than one record")
        if _filled(records[0]) > 1:
            break
        if index == 0:
            raise NotPlain("the header and a footer alone")
        segment.insert(0, records[0])
        end -= len(raw)
        if len(segment) > 4 * FOOTER_MAX:
            raise NotPlain("too many lines after the last data row")
    held, blank, after_blank = 0, 0, False
    for cells in segment:  # the careful reader's rule (`Reader._data_rows`), on lines that follow a usual row
        if len(cells) > 1 and cells[0] and cells[1] and not held and not cells[0].isspace():
            raise NotPlain("a data row after the last one with two values")
        filled = _filled(cells)
        if filled == 0:
            blank, after_blank = blank + 1, True
        elif reader._footer_like(cells, filled, after_blank or bool(held)) and held < FOOTER_MAX:
            held += 1
        else:
            raise NotPlain("a line after the data that the careful reader keeps as a row")
    return Footer(end, blank, held)


def _tail(source, size: int) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source[-TAIL:])
    with open(source, "rb") as f:
        f.seek(max(size - TAIL, 0))
        return f.read()


def _text(raw: bytes) -> str:
    """A line decoded as the careful reader decodes it."""
    return decoded(raw)[0]


class _Limited(io.RawIOBase):
    """The first `size` bytes of a stream (the file without its footer)."""

    def __init__(self, stream, size: int) -> None:
        self.stream, self.left = stream, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(min(len(buffer), self.left))
        self.left -= len(data)
        buffer[: len(data)] = data
        return len(data)

    def tell(self) -> int:
        return self.stream.tell()


def batches(source, reader: Reader, only: list[str] | None = None, digest=None) -> Iterator[Batch]:
    """The data rows of a plain file in Arrow batches; raises NotPlain as soon as something is not plain.

    `only`: just these columns (and the first two, which say a row is usual), without line numbers —
    what a survey needs. `digest`: a hashlib object fed the file's bytes on the way. The footer's and
    blank lines are counted in `reader.stats`, as the careful reader counts them.
    """
    if not _plain_header(reader):
        raise NotPlain("header not on the first line alone, a sep= line, or not UTF-8 or Windows-1252")
    encoding = ARROW_ENCODINGS[reader._decoder.encoding]
    end = footer(source, reader, size_of(source))
    _scan(source, digest, encoding == "cp1252")
    headers = reader.headers
    wanted = headers if only is None else list(dict.fromkeys([*headers[:2], *only, headers[-1]]))
    stream = open_source(source)
    last: pa.RecordBatch | None = None
    try:
        csv = _open_csv(_Limited(stream, end.cut), headers, wanted, reader.delimiter, encoding)
        next_line = 2
        for records in _grouped(_read(csv), BATCH_ROWS):
            columns = {h: pa.concat_arrays([r.column(h) for r in records]) for h in wanted}
            _check_plain(columns, headers)
            last = records[-1]
            lines = np.empty(0, np.int64)
            if only is None:
                lines, next_line = _lines(columns, next_line)
            yield Batch(columns, lines, stream.tell(), sum(r.num_rows for r in records))
    finally:
        stream.close()
    if last is not None and end.cut < size_of(source):
        _check_closed(last, wanted)
    reader.stats.blank_lines, reader.stats.footer_lines = end.blank_lines, end.footer_lines


def _check_closed(last: pa.RecordBatch, wanted: list[str]) -> None:
    """The data before the footer ends outside quotes: had a quote been left open, the last value would run
    to the cut and end with its line break (and the careful reader would have read the footer into it)."""
    value = last.column(wanted[-1])[-1].as_py() if last.num_rows else ""
    if value.endswith(("\n", "\r")):
        raise NotPlain("the last value before the footer ends with a line break")


def _plain_header(reader: Reader) -> bool:
    """The header is the whole first line (no `sep=` line, no line break inside it), in UTF-8 so far."""
    one_line = reader.header_line == 1 and max(reader._numbers, default=1) == 1
    return one_line and not reader._forced and reader._decoder.encoding in ARROW_ENCODINGS


def _grouped(records: Iterator[pa.RecordBatch], rows: int) -> Iterator[list[pa.RecordBatch]]:
    group: list[pa.RecordBatch] = []
    for record in records:
        group.append(record)
        if sum(r.num_rows for r in group) >= rows:
            yield group
            group = []
    if group:
        yield group


def _scan(source, digest=None, cp1252: bool = False) -> None:
    """One quick pass over the bytes for what the careful reader reports line by line: NUL bytes, U+FFFD, a lone
    CR (a line end to Arrow, not to it); in a Windows-1252 file, bytes it does not define and lines in UTF-8."""
    stream = open_source(source)
    try:
        tail = b""
        while block := stream.read(1 << 20):
            if digest is not None:
                digest.update(block)
            text = tail + block
            if (
                b"\x00" in text
                or b"\xef\xbf\xbd" in text
                or text.count(b"\r") != text.count(b"\r\n") + text.endswith(b"\r")
            ):
                raise NotPlain("NUL bytes, replacement characters or a lone CR")
            if cp1252:
                cut = text.rfind(b"\n") + 1
                _check_cp1252(text[:cut])
                tail = text[cut:]
            else:
                tail = text[-2:]
        if cp1252:
            _check_cp1252(tail)
    finally:
        if not isinstance(source, (bytes, bytearray, memoryview)):
            stream.close()


def _check_cp1252(text: bytes) -> None:
    """Whole lines of a Windows-1252 file: NotPlain when one would be reported by the careful reader (it decodes
    each line as UTF-8 first: a line that is valid UTF-8 is said to be in the other encoding)."""
    if text.isascii():
        return
    if any(byte in text for byte in CP1252_UNDEFINED):
        raise NotPlain("bytes Windows-1252 does not define")
    data = np.frombuffer(text, np.uint8)
    high = np.flatnonzero(data >= 0x80)
    # A byte that proves its line is not UTF-8: a continuation byte after an ASCII one, a lead byte not followed
    # by a continuation byte, or a byte UTF-8 never uses.
    after = np.append(data[1:], 0)[high]
    before = np.insert(data[:-1], 0, 0)[high]
    value = data[high]
    continuation = (value & 0xC0) == 0x80
    lead = value >= 0xC2
    proof = (
        (continuation & (before < 0x80))
        | (lead & ((after & 0xC0) != 0x80))
        | (value >= 0xF5)
        | (value < 0xC2) & ~continuation
    )
    ends = np.flatnonzero(data == 0x0A)
    unproven = np.setdiff1d(np.searchsorted(ends, high), np.searchsorted(ends, high[proof]))
    starts = np.append(0, ends + 1)
    for line in unproven:
        raw = text[starts[line] : ends[line] + 1 if line < len(ends) else len(text)]
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        raise NotPlain("a line in UTF-8 in a Windows-1252 file")


def _open_csv(stream, headers: list[str], wanted: list[str], delimiter: str, encoding: str = "utf8"):
    try:
        return pv.open_csv(
            stream,
            read_options=pv.ReadOptions(
                column_names=headers, skip_rows=1, block_size=BLOCK_BYTES, use_threads=False, encoding=encoding
            ),
            parse_options=pv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pv.ConvertOptions(
                column_types={h: pa.string() for h in headers},
                include_columns=wanted,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as err:
        raise NotPlain(str(err)) from None


def _read(csv) -> Iterator[pa.RecordBatch]:
    while True:
        try:
            yield csv.read_next_batch()
        except StopIteration:
            return
        except (pa.ArrowInvalid, UnicodeDecodeError) as err:
            raise NotPlain(str(err)) from None


def _check_plain(columns: dict[str, pa.Array], headers: list[str]) -> None:
    """Every row the careful reader would take as it is (its usual row: the first two cells filled)."""
    if len(headers) < 2:
        raise NotPlain("one column")
    first, second = columns[headers[0]], columns[headers[1]]
    usual = pc.and_(pc.match_substring_regex(first, r"^\w"), pc.greater(pc.utf8_length(second), 0))
    if not pc.all(usual).as_py():
        raise NotPlain("a row whose first cells are empty (a blank line or a footer?)")


def _lines(columns: dict[str, pa.Array], first: int) -> tuple[np.ndarray, int]:
    """The line each row starts on: one per row, plus the line breaks inside quoted values."""
    n = len(next(iter(columns.values())))
    broken = [c for c in columns.values() if _has_newline(c)]
    if not broken:
        return np.arange(first, first + n, dtype=np.int64), first + n
    extra = np.ones(n, dtype=np.int64)
    for column in broken:
        extra += np.asarray(pc.count_substring(column, "\n"), dtype=np.int64)
    starts = first + np.concatenate([[0], np.cumsum(extra)[:-1]])
    return starts.astype(np.int64), first + int(extra.sum())


def _has_newline(column: pa.Array) -> bool:
    """A line break anywhere in the column's text (one search over its data buffer)."""
    data = column.buffers()[2]
    return data is not None and data.to_pybytes().find(b"\n") >= 0


# ----------------------------------------------------------------------------- parsing a column


@dataclass
class Parsed:
    """One column parsed: the values (None for empty cells), and the rows whose cell cannot be read."""

    values: np.ndarray  # object array of parsed values (datetime64 for ISO date-times: see `objects`)
    bad: np.ndarray  # bool per row
    stamps: pa.Array | None = None  # for ISO date columns: the cells as timestamps (SQLite text made from them)
    canonical: bool = False  # every cell already written as SQLite stores date-times


def parse_column(column: pa.Array, kind: str, parse: Callable[[str], object], limit: int | None) -> Parsed:
    """A whole column through `parse` (the row path's parser), vectorised where that gives the same values."""
    if kind in ("date", "datetime"):
        fast = _iso_stamps(column, kind)
        if fast is not None:
            return fast
    if kind == "text" and _many(column):
        fast = _clean_text(column, limit)
        if fast is not None:
            return fast
    return _per_distinct(column, parse)


def _many(column: pa.Array, sample: int = 2000) -> bool:
    """Whether a column hardly repeats, judged from its first `sample` cells."""
    head = column.slice(0, sample)
    return len(column) > 1000 and pc.count_distinct(head).as_py() > DISTINCT_SHARE * len(head)


def _per_distinct(column: pa.Array, parse: Callable[[str], object]) -> Parsed:
    encoded = pc.dictionary_encode(column)
    distinct = encoded.dictionary.to_pylist()
    parsed = np.empty(len(distinct), dtype=object)
    parsed[:] = [parse_cell(parse, t) for t in distinct]
    values = parsed[np.asarray(encoded.indices)] if len(column) else np.empty(0, dtype=object)
    failed = np.array([v.__class__ is c.CellError for v in parsed], dtype=bool)
    return Parsed(values, failed[np.asarray(encoded.indices)] if len(column) else np.zeros(0, bool))


def _clean_text(column: pa.Array, limit: int | None) -> Parsed | None:
    """Text that needs no trimming and fits: the cells themselves; None when some cell needs the parser."""
    empty = pc.equal(pc.utf8_length(column), 0)
    simple = pc.or_(empty, pc.match_substring_regex(column, SIMPLE_TEXT))
    if limit:
        simple = pc.and_(simple, pc.less_equal(pc.utf8_length(column), limit))
    if not pc.all(simple).as_py():
        return None
    values = np.asarray(
        pc.if_else(empty, None, column).to_pylist() if pc.any(empty).as_py() else column.to_pylist(), dtype=object
    )
    return Parsed(values, np.zeros(len(column), dtype=bool))


def _iso_stamps(column: pa.Array, kind: str) -> Parsed | None:
    """ISO dates and date-times (what `datetime.fromisoformat` reads), converted in one go; None otherwise."""
    empty = pc.equal(pc.utf8_length(column), 0)
    canonical = pc.all(pc.match_substring_regex(column, SQLITE_STAMP)).as_py()  # SQLite's own form: the commonest
    if not canonical and (
        pc.all(empty).as_py() or not pc.all(pc.or_(empty, pc.match_substring_regex(column, ISO_STAMP))).as_py()
    ):
        return None
    try:
        stamps = pc.cast(pc.if_else(empty, None, column), pa.timestamp("us"))
    except pa.ArrowInvalid:  # a date that does not exist (2026-02-30): the parser says which
        return None
    values = stamps.to_numpy(zero_copy_only=False)  # datetime64[us], NaT for empty cells
    if kind == "date":
        values = np.asarray([v.date() if v is not None else None for v in stamps.to_pylist()], dtype=object)
    return Parsed(values, np.zeros(len(column), dtype=bool), stamps, canonical)


def objects(values: np.ndarray) -> np.ndarray:
    """Values as Python objects (datetime64 → datetime, NaT → None), as the row path has them."""
    if values.dtype.kind != "M":
        return values
    out = values.astype("datetime64[us]").astype(object)
    out[np.isnat(values)] = None
    return out


def sqlite_stamps(stamps: pa.Array, all_canonical: bool, column: pa.Array) -> list:
    """The date-times as SQLite stores them (`2026-04-01 08:00:02.000000`), made without Python datetimes
    (`stamps` and `canonical` as `Parsed` holds them for the column's cells)."""
    if all_canonical:
        return column.to_pylist()
    canonical = pc.match_substring_regex(column, SQLITE_STAMP)
    text = pc.strftime(stamps, format="%Y-%m-%d %H:%M:%S")
    return pc.if_else(canonical, column, text).to_pylist()
