"""Reading exports as CRMs and Excel write them: encodings, delimiters, quotes, footers, chunks."""

from __future__ import annotations

import codecs
import io
import tracemalloc
from pathlib import Path

import pytest

from breakthrough.importing.read.reading import FileError, Reader, sniff_delimiter, unique_headers

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def read_all(data: bytes, chunk_rows: int = 50_000) -> tuple[Reader, list[list[str]], list[int], list]:
    reader = Reader(data, chunk_rows)
    rows, lines, problems = [], [], []
    for chunk in reader.chunks():
        rows += chunk.rows
        lines += chunk.lines
        problems += chunk.problems
    return reader, rows, lines, problems


ENCODED = [
    # how the text "Renée;Zoë" is written, the encoding the reader reports
    ("utf-8", b"", "utf-8"),
    ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
    ("cp1252", b"", "cp1252"),
]


@pytest.mark.parametrize("encoding, prefix, reported", ENCODED)
def test_each_encoding_reads_the_same_text(encoding, prefix, reported):
    data = prefix + "Name,Note\nRenée,Zoë – naïve\n".encode(encoding)
    reader, rows, _, problems = read_all(data)
    assert reader.headers == ["Name", "Note"]  # the BOM is not part of the first header
    assert rows == [["Renée", "Zoë – naïve"]]
    assert problems == []
    assert reader.stats.encoding == reported


def test_utf16_from_excel_unicode_text_reads():
    data = "Name\tAmount\r\nRenée\t5\r\n".encode("utf-16")
    reader, rows, _, _ = read_all(data)
    assert (reader.headers, reader.delimiter, rows) == (["Name", "Amount"], "\t", [["Renée", "5"]])


def test_a_line_in_another_encoding_is_reported_on_its_line_not_mangled():
    data = (
        "Name,City\nRenée,Paris\n".encode()
        + "Zoë,Köln\n".encode("cp1252")
        + b"Ann,Oslo\n"
        + "Jürgen,Bonn\n".encode("cp1252")
    )
    _, rows, lines, problems = read_all(data)
    assert rows == [["Renée", "Paris"], ["Ann", "Oslo"]]
    assert lines == [2, 4]
    assert [p.line for p in problems] == [3, 5]
    assert all("Windows-1252 but the file is UTF-8" in p.reason for p in problems)
    assert problems[0].value == "Zoë,Köln"  # shown readable, in its own encoding


def test_a_cp1252_file_with_a_utf8_line_reports_that_line():
    data = "Name\nRenée\n".encode("cp1252") + "Zoë\n".encode()
    reader, rows, _, problems = read_all(data)
    assert rows == [["Renée"]]
    assert [(p.line, "UTF-8 but the file is Windows-1252" in p.reason) for p in problems] == [(3, True)]


@pytest.mark.parametrize(
    "header, delimiter",
    [
        ("a,b,c", ","),
        ("a;b;c", ";"),
        ("a\tb\tc", "\t"),
        ('"a,1";"b,2";"c"', ";"),
        ("single", ","),
        ('"Amount, USD",Close Date', ","),
    ],
)
def test_the_delimiter_is_counted_outside_quotes_on_the_header(header, delimiter):
    assert sniff_delimiter(header) == delimiter


def test_a_pipe_delimited_export_reads_with_commas_inside_values():
    reader, rows, _, problems = read_all(b"Opportunity|Amount|Stage\nAcme, Inc|1,500|Won\nBirch|200|Lost\n")
    assert (reader.delimiter, reader.headers) == ("|", ["Opportunity", "Amount", "Stage"])
    assert rows == [["Acme, Inc", "1,500", "Won"], ["Birch", "200", "Lost"]] and problems == []


def test_the_data_lines_settle_a_header_that_holds_as_many_commas_as_semicolons():
    # counted on the header alone, "," and ";" tie (2 each) and "," would win; the rows all agree on ";"
    data = b"Account, name;Amount, USD;Stage\nAcme;5;Won\nBirch;7;Lost\n"
    reader, rows, _, _ = read_all(data)
    assert reader.delimiter == ";"
    assert reader.headers == ["Account, name", "Amount, USD", "Stage"] and rows[0] == ["Acme", "5", "Won"]


@pytest.mark.parametrize(
    "data, delimiter",
    [
        (b"Account\nAcme, Inc\nBirch, Ltd\n", ","),  # one column: Sniffer cannot tell, the header rule says ","
        (b"a;b\n1;2;3\n4;5\n", ";"),  # the lines disagree: the header decides
        (b"Name;Note\nO'Brien;it's, fine\nAnn;ok\n", ";"),  # apostrophes are not quotes
    ],
)
def test_where_sniffer_cannot_tell_the_header_rule_decides(data, delimiter):
    assert Reader(data).delimiter == delimiter


@pytest.mark.parametrize(
    "text, rows",
    [
        ("a;b\n1;2\n", [["1", "2"]]),
        ("a\tb\n1\t2\n", [["1", "2"]]),
        ("sep=;\na;b\n1,5;2\n", [["1,5", "2"]]),  # Excel's sep= line decides
        ('a,b\n"x, y","say ""hi"""\n', [["x, y", 'say "hi"']]),
        ("a,b\r\n1,2\r\n", [["1", "2"]]),
        ("a,b\r1,2\r3,4", [["1", "2"], ["3", "4"]]),  # old Mac line ends, no final newline
        ("a,b,c\n1,2\n", [["1", "2", ""]]),  # missing trailing cells are empty
        ("a,b\n1,2,,\n", [["1", "2"]]),  # empty extra cells are dropped
    ],
)
def test_delimiters_quotes_and_line_ends(text, rows):
    assert read_all(text.encode())[1] == rows


def test_quoted_fields_may_span_lines_and_rows_keep_their_first_line():
    data = b'Owner,Comment,Amount\nAnn,"line one\nline two\nline three",5\nBob,short,7\n'
    _, rows, lines, _ = read_all(data)
    assert rows == [["Ann", "line one\nline two\nline three", "5"], ["Bob", "short", "7"]]
    assert lines == [2, 5]  # Bob's row starts on line 5: Ann's took lines 2–4


def test_salesforce_footer_lines_are_dropped():
    reader, rows, _, problems = read_all((EXPORTS / "salesforce_opportunities.csv").read_bytes())
    assert len(rows) == 6 and problems == []
    assert rows[-1][0] == "José Núñez"
    assert reader.stats.footer_lines == 5  # report name, copyright, confidential, generated by, company
    assert reader.stats.blank_lines == 2


def test_footer_markers_are_dropped_even_without_a_blank_line():
    data = (
        b'"Owner","Amount"\n"Ann","5"\n"Confidential Information - Do Not Distribute"\n"Generated By:  X  1/1/2026"\n'
    )
    reader, rows, _, _ = read_all(data)
    assert rows == [["Ann", "5"]] and reader.stats.footer_lines == 2


def test_single_value_rows_followed_by_data_are_data_not_footer():
    data = b"Owner,Amount\nAnn,5\n\nBob,\nCarl,7\n"
    _, rows, lines, _ = read_all(data)
    assert rows == [["Ann", "5"], ["Bob", ""], ["Carl", "7"]]
    assert lines == [2, 4, 5]


def test_a_one_column_file_keeps_rows_after_a_blank_line():
    _, rows, _, _ = read_all(b"Account\nAcme\n\nBirch\nCedar\n")
    assert rows == [["Acme"], ["Birch"], ["Cedar"]]


def test_a_row_with_more_values_than_headers_is_a_problem_naming_the_delimiter():
    _, rows, _, problems = read_all(b"a;b\n1;2;3\n4;5\n")
    assert rows == [["4", "5"]]
    assert problems[0].line == 2 and "3 values but the header has 2" in problems[0].reason
    assert "“;”" in problems[0].reason


@pytest.mark.parametrize(
    "headers, unique",
    [
        (["Amount", "Amount", "amount"], ["Amount", "Amount (2)", "amount (3)"]),
        (["Name", "", "Stage"], ["Name", "Column 2", "Stage"]),
    ],
)
def test_headers_are_made_unique_and_named(headers, unique):
    assert unique_headers(headers) == unique


def test_headers_are_trimmed_and_blank_lines_before_them_skipped():
    reader = Reader(b"\n\n  Opportunity   Owner , Amount\nAnn,5\n")
    assert reader.headers == ["Opportunity Owner", "Amount"]
    assert reader.header_line == 3


BAD_FILES = [
    (b"", "empty"),
    (b"\n\n  \n", "empty"),
    (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
    (b"a,b\n1,\x002\n", "NUL bytes"),
    (b'a,b\n1,"never closed\n' + b"x" * 200_000 + b"\n", "never ends"),
    (b"a,b\n" + b"x" * (5 << 20), "longer than"),
]


@pytest.mark.parametrize("data, message", BAD_FILES)
def test_files_that_are_not_csv_are_refused_with_a_reason(data, message):
    with pytest.raises(FileError, match=message):
        read_all(data)


def test_rows_come_in_chunks_of_the_size_asked():
    data = b"n\n" + b"".join(b"%d\n" % i for i in range(1, 26))
    reader = Reader(data, chunk_rows=10)
    sizes = [len(c.rows) for c in reader.chunks()]
    assert sizes == [10, 10, 5]
    assert reader.stats.rows == 25


def _peak_reading(path: Path, rows: int, chunk_rows: int) -> int:
    row = b"0055000000ABCDE,Call,2026-11-02 09:30:00,Connected,Acme Corporation International,Intro call\n"
    path.write_bytes(b"Owner,Type,Date,Outcome,Account,Subject\n" + row * rows)
    tracemalloc.start()
    with path.open("rb") as stream:
        reader = Reader(stream, chunk_rows=chunk_rows)
        assert sum(len(c.rows) for c in reader.chunks()) == rows
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_grows_with_the_chunk_not_the_file(tmp_path):
    """Four times the rows (1.4 MB → 5.6 MB on disk) read in the same chunks peak at about the same memory."""
    small = _peak_reading(tmp_path / "small.csv", 15_000, 1_000)
    large = _peak_reading(tmp_path / "large.csv", 60_000, 1_000)
    bigger_chunks = _peak_reading(tmp_path / "large.csv", 60_000, 10_000)
    assert large < small * 1.25, (small, large)
    assert large < (tmp_path / "large.csv").stat().st_size / 2
    assert bigger_chunks > large * 1.5  # it is the chunk that costs memory


def test_a_binary_stream_reads_like_bytes():
    reader, rows, _, _ = read_all(b"a,b\n1,2\n")
    stream_reader = Reader(io.BytesIO(b"a,b\n1,2\n"))
    assert [c.rows for c in stream_reader.chunks()] == [rows]
