"""Rows of account changes from a CSV or XLSX file, and the results of a run as CSV or JSON.

A file has a ``customer`` column (a company name, or a Microsoft ID) and one column per
billing field to change, named as the REST API names them (``city``, ``postalCode``...), in any
case and with spaces around. An empty cell leaves that field alone. Rows are numbered as a
spreadsheet shows them: the header is row 1.

A CSV is read as Excel saves it as "CSV UTF-8" (with or without BOM) or "Unicode text" (UTF-16 with
a BOM, named .txt; .tsv reads too); its delimiter (comma, semicolon or tab) is the one that splits the header row into a
``customer`` column. An XLSX file is read as ``workbook`` says.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pages import EDITABLE_FIELDS

from .outcomes import RowOutcome

CUSTOMER_COLUMN = "customer"
# A known column's name, from its spelling in any case: Excel users type "Customer" or "City".
KNOWN_COLUMNS = {name.lower(): name for name in (CUSTOMER_COLUMN, *EDITABLE_FIELDS)}
# Excel's CSV, its CSV where the decimal separator is a comma (French, German...), its "Unicode text".
DELIMITERS = (",", ";", "\t")
SAVE_AS_CSV = 'save it from Excel as "CSV UTF-8 (comma delimited)"'
SEP_LINE = re.compile(r"sep=(.)\r?\n")  # Excel's first line naming the delimiter: "sep=;"
# Delimited text: Excel's CSV, and its "Unicode text" as Excel names it (.txt); a .tsv of tabs.
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
# A cell starting so is a formula to Excel and LibreOffice: OWASP's list for CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # a byte order mark, as text
HEADER_LOOKED_FOR = 50  # the rows looked through for a header that is not row 1


class SpreadsheetError(ValueError):
    """The file cannot be read as rows of changes; the message says why."""


@dataclass(frozen=True)
class AccountRow:
    """One row: which customer, and the value of every other column (empty: leave the field alone)."""

    number: int
    customer: str
    cells: Mapping[str, str] = field(default_factory=dict)

    @property
    def changes(self) -> dict[str, str]:
        """Return the non-empty cells: the fields to change and their new values."""
        return {column: value for column, value in self.cells.items() if value}

    def content_hash(self) -> str:
        """Return a digest of what the row asks for, to tell whether it is the row a journal recorded."""
        content = json.dumps([self.customer, sorted(self.changes.items())], ensure_ascii=False)
        return hashlib.sha256(content.encode()).hexdigest()[:16]


def cell_text(value: object) -> str:
    """Return a cell's value as text (composed): a whole number without ``.0``, a date in ISO 8601, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a postal code typed into a spreadsheet becomes a number
    if isinstance(value, datetime | date):
        return value.isoformat()
    # Composed (NFC): text written decomposed (macOS) is the same text, and compares equal to what the portal holds.
    return unicodedata.normalize("NFC", str(value).strip())


def column_name(value: object) -> str:
    """Return a header cell's column name: a known name in any case, with spaces around and invisible characters
    (a second BOM, a zero-width space pasted in: Excel shows "customer") ignored; else the text as is."""
    text = cell_text(value)
    shown = "".join(char for char in text if unicodedata.category(char) != "Cf").strip()
    return KNOWN_COLUMNS.get(shown.lower(), text)


def rows_from_table(header: Sequence[object], records: Iterable[Sequence[object]], first: int = 2) -> list[AccountRow]:
    """Return the rows of a table whose first row is ``header``; blank records are skipped, numbers kept."""
    written = [cell_text(name) or f"(column {index + 1}, no name)" for index, name in enumerate(header)]
    names = [column_name(name) for name in written]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise SpreadsheetError(
            f"Columns named twice: {', '.join(spellings(name, written, names) for name in repeated)}"
        )
    if CUSTOMER_COLUMN not in names:
        raise SpreadsheetError(f"No {CUSTOMER_COLUMN!r} column; the header row has: {', '.join(names) or 'nothing'}")
    rows = []
    for number, record in enumerate(records, start=first):
        values = [cell_text(value) for value in record]
        if not any(values):
            continue
        values += [""] * (len(names) - len(values))
        extra = [f"(column {index + 1}, no name)" for index in range(len(names), len(values))]
        cells = dict(zip([*names, *extra], values, strict=True))
        customer = cells.pop(CUSTOMER_COLUMN)
        # A column without a name and without values is a spreadsheet's leftover, not a field.
        rows.append(AccountRow(number, customer, {k: v for k, v in cells.items() if v or not k.startswith("(")}))
    return rows


def spellings(name: str, written: Sequence[str], names: Sequence[str]) -> str:
    """Return a column name, with the header's spellings of it when they differ (``city (as City and city)``)."""
    spelled = list(dict.fromkeys(text for text, known in zip(written, names, strict=True) if known == name))
    return name if len(spelled) == 1 else f"{name} (as {' and '.join(spelled)})"


def rows_from_mappings(mappings: Iterable[Mapping[str, object]]) -> list[AccountRow]:
    """Return rows from mappings such as ``{"customer": "Contoso", "city": "Shanghai"}``, numbered from 1.

    Keys are read as a file's header is: the API's names in any case, spaces around ignored.
    """
    rows = []
    for number, mapping in enumerate(mappings, start=1):
        cells: dict[str, str] = {}
        for key, value in mapping.items():
            name = column_name(key)
            if name in cells:
                raise SpreadsheetError(f"Row {number} names {name!r} twice")
            cells[name] = cell_text(value)
        rows.append(AccountRow(number, cells.pop(CUSTOMER_COLUMN, ""), cells))
    return rows


def read_rows(path: str | Path) -> list[AccountRow]:
    """Read a CSV (as Excel saves one: see the module's docstring) or XLSX file of changes; raise ``SpreadsheetError``
    (with the file and, where one is at fault, its row) for one that cannot be read as such."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        table: Sequence[Sequence[object]]
        if suffix in TEXT_SUFFIXES:
            table = read_csv(path)
        elif suffix == ".xlsx":
            from .workbook import read_xlsx  # it imports this module's error

            table = read_xlsx(path)
        else:
            raise SpreadsheetError(f"{path} is neither .csv (.txt, .tsv) nor .xlsx: save it from Excel as one")
    except (OSError, csv.Error) as error:
        raise SpreadsheetError(f"Cannot read {path}: {error}") from None
    if not table:
        raise SpreadsheetError(f"{path} is empty: expected a header row with a {CUSTOMER_COLUMN!r} column")
    try:
        return rows_from_table(table[0], table[1:])
    except SpreadsheetError as error:
        if CUSTOMER_COLUMN in map(column_name, table[0]):
            raise
        records = enumerate(table[1:HEADER_LOOKED_FOR], start=2)
        below = next((n for n, record in records if CUSTOMER_COLUMN in map(column_name, record)), 0)
        if below:  # a title or blank rows above the header: the header is not where the job reads it
            raise SpreadsheetError(
                f"{path}: the header (the row with the {CUSTOMER_COLUMN!r} column) is row {below}; it must be row 1: "
                "delete the rows above it"
            ) from None
        if suffix != ".xlsx":
            raise
        # The changes on another sheet than the first shown (a "Read me" before them): say which the job read.
        from .workbook import sheets_said

        raise SpreadsheetError(f"{error} {sheets_said(path)}") from None


def read_csv(path: Path) -> list[list[str]]:
    """Return the records of a CSV file, split at the delimiter that gives its header a ``customer`` column.

    A first line ``sep=;`` names the delimiter, as Excel reads it (and hides it: the header stays row 1).
    """
    data = path.read_bytes()
    text, order = csv_text(data, path), delimiters(data)
    named = SEP_LINE.match(text)
    if named:
        return csv_records(text[named.end() :], named.group(1), path, first_line=2)
    if not text:
        return []  # an empty file, said by the caller
    headers = header_by_delimiter(text, order)
    for delimiter, header in headers.items():  # the comma first, when several would do
        if CUSTOMER_COLUMN in map(column_name, header):
            return csv_records(text, delimiter, path)
    for delimiter, header in headers.items():  # a quote opened in the header took the lines below into one cell
        if any("\n" in cell or "\r" in cell for cell in header):
            csv_records(text, delimiter, path)  # read strictly: raises, naming the line, when it is never closed
    for delimiter in order:  # a title or blank lines above the header: read_rows says where the header is
        with suppress(csv.Error):
            first = itertools.islice(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), HEADER_LOOKED_FOR)
            if any(CUSTOMER_COLUMN in map(column_name, record) for record in first):
                return csv_records(text, delimiter, path)
    cells = max(headers.values(), key=len)  # the most columns a delimiter finds: the likeliest reading of the header
    raise SpreadsheetError(
        f"No {CUSTOMER_COLUMN!r} column in {path}: its header row, split at commas, semicolons or tabs, has: "
        f"{', '.join(map(cell_text, cells)) or 'nothing'}; name the customers' column {CUSTOMER_COLUMN!r}, "
        f"and {SAVE_AS_CSV}"
    )


def delimiters(data: bytes) -> tuple[str, ...]:
    """Return the delimiters a CSV's bytes are tried at, in order: the comma first, the tab for UTF-16 text.

    Excel's "Unicode text" (UTF-16) is always split at tabs: a one-column file of names such as
    "Contoso, Ltd" split at the comma would be half a name and a column without a name.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ("\t", *(delimiter for delimiter in DELIMITERS if delimiter != "\t"))
    return DELIMITERS


def header_by_delimiter(text: str, order: Sequence[str] = DELIMITERS) -> dict[str, list[str]]:
    """Return the header row of a CSV's ``text`` as each delimiter in ``order`` splits it, in that order.

    A header the csv module cannot read (a quote never closed, taking in more than its field limit) is its
    first line split as it is: the records' reading then names the line.
    """
    headers = {}
    for delimiter in order:
        try:
            headers[delimiter] = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error:
            headers[delimiter] = text.splitlines()[0].split(delimiter)
    return headers


def results_dialect(source: str | Path) -> tuple[str, bool]:
    """Return the delimiter results for the changes in ``source`` are written with, and whether a ``sep=`` line names
    it: a CSV's own (a French Excel saves and splits at ";"), as it named it; else the comma."""
    path = Path(source)
    try:
        data = path.read_bytes() if path.suffix.lower() in TEXT_SUFFIXES else b""
        text = csv_text(data, path) if data else ""
    except (OSError, SpreadsheetError):
        return ",", False
    named = SEP_LINE.match(text)
    if named:
        return named.group(1), True
    headers = header_by_delimiter(text, delimiters(data)).items() if text else ()
    found = (delimiter for delimiter, header in headers if CUSTOMER_COLUMN in map(column_name, header))
    return next(found, ","), False


def csv_records(text: str, delimiter: str, path: Path, first_line: int = 1) -> list[list[str]]:
    """Return the records of a CSV text; a quote never closed (which would take the rest of the file as one cell,
    its rows gone unseen) or text after a closing quote is refused, naming the line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    start = 1  # the line the record being read begins at
    try:
        for record in reader:
            records.append(record)
            start = reader.line_num + 1
    except csv.Error as error:
        line = start + first_line - 1
        raise SpreadsheetError(
            f"{path}, line {line}: {error} (a quote opened and never closed, or text after a closing quote?): "
            f"mend the line, or {SAVE_AS_CSV}"
        ) from None
    return records


def csv_text(data: bytes, path: Path) -> str:
    """Return a CSV file's text: UTF-16 (or UTF-32) after its BOM, else UTF-8, its BOM dropped (a second one too:
    text read with its BOM kept and saved with one, whose ``sep=`` line would no longer be the first line's start).

    Other encodings are refused, not guessed: a French Excel's Windows-1252 and a Chinese Excel's
    GBK read each other's bytes as text, and a wrong guess would type garbled names into the portal.
    """
    # UTF-32's little-endian BOM starts as UTF-16's does: read as UTF-16, each character would come with a NUL.
    wide = "utf-32" if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) else "utf-16"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):  # Excel's "Unicode text"
        try:
            return data.decode(wide).removeprefix(BOM)  # the codec takes the byte order from the BOM, and drops it
        except UnicodeDecodeError as error:
            said = f"{path} is not {wide.upper()} text (line {line_of(data, error.start)}): {SAVE_AS_CSV}"
            raise SpreadsheetError(said) from None
    if b"\0" in data and utf_16_unmarked(data):
        raise SpreadsheetError(
            f"{path} is UTF-16 text without its byte order mark (BOM), which tells how to read it: {SAVE_AS_CSV}"
        )
    if b"\0" in data:  # a workbook named .csv, say
        raise SpreadsheetError(f"{path} is not CSV text (it holds NUL bytes): {SAVE_AS_CSV}")
    try:
        return data.decode("utf-8-sig").removeprefix(BOM)
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            f'{path} is not UTF-8 text (line {line_of(data, error.start)}; Excel\'s plain "CSV" is in the '
            f"computer's own encoding, which cannot be told for sure): {SAVE_AS_CSV}"
        ) from None


def utf_16_unmarked(data: bytes) -> bool:
    """Tell whether ``data`` reads as UTF-16 without a BOM: its header's Latin letters (``customer``) each a byte
    beside a NUL, the NULs all on one side of the pairs, as no other file holds them."""
    head = data[:64]
    first, second = head[0::2].count(0), head[1::2].count(0)
    return len(head) % 2 == 0 and min(first, second) == 0 and max(first, second) >= len(head) // 4


def line_of(data: bytes, offset: int) -> int:
    """Return the line, counted from 1, of the byte at ``offset``."""
    return data.count(b"\n", 0, offset) + 1


def inert(value: object) -> str:
    """Return a cell of the results CSV as text Excel shows as it is: a formula's start behind a ``'``.

    A value from the input or the portal (``=HYPERLINK(...)``) would be a live formula in the file
    people open (OWASP: CSV injection). Only the file changes, never what the job compares or journals.
    """
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def write_results(
    path: str | Path, outcomes: Sequence[RowOutcome], delimiter: str = ",", *, sep_line: bool = False
) -> None:
    """Write the outcomes to ``path``: JSON for ``.json``, else CSV with a wanted, before and after column per field.

    The CSV is for Excel: UTF-8 with a BOM (without one, Windows Excel reads it in the computer's own
    code page and garbles Chinese and French names), and no cell that Excel would run as a formula; its
    ``delimiter`` the changes' file's own (``results_dialect``), named on a first ``sep=`` line if that one was.
    Split at tabs and naming no delimiter, it is UTF-16 with a BOM, as Excel's "Unicode text": a ``.csv`` in UTF-8
    is split at the computer's list separator (a comma), each row of tabs one cell.
    """
    path = Path(path)
    temporary = path.with_name(path.name + ".tmp")  # never a half-written results file
    try:
        write_outcomes(temporary, outcomes, delimiter, sep_line=sep_line, as_json=path.suffix.lower() == ".json")
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):  # a full disk, a folder in the way: no stray half-written file either
            temporary.unlink(missing_ok=True)
        raise


def write_outcomes(
    temporary: Path, outcomes: Sequence[RowOutcome], delimiter: str, *, sep_line: bool, as_json: bool
) -> None:
    """Write the outcomes to ``temporary`` as ``write_results`` says."""
    if as_json:
        temporary.write_text(
            json.dumps([o.as_dict() for o in outcomes], ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    else:
        fields = list(dict.fromkeys(name for o in outcomes for name in o.wanted))
        header = ["row", "customer", "outcome", "customer_id"]
        header += [f"{name} {when}" for name in fields for when in ("wanted", "before", "after")]
        header += ["messages", "seconds", "trace"]
        unicode_text = delimiter == "\t" and not sep_line
        with temporary.open("w", newline="", encoding="utf-16" if unicode_text else "utf-8-sig") as file:
            if sep_line:
                file.write(f"sep={delimiter}\r\n")
            writer = csv.writer(file, delimiter=delimiter)
            writer.writerow(map(inert, header))  # a column of the input names a field, wanted or not
            for o in outcomes:
                values = [getattr(o, when).get(name, "") for name in fields for when in ("wanted", "before", "after")]
                writer.writerow(map(inert, [
                    o.row, o.customer, o.outcome, o.customer_id, *values, " | ".join(o.messages), f"{o.seconds:.2f}",
                    o.trace,
                ]))  # fmt: skip
