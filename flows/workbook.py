"""The cells of an XLSX file of changes: its first visible sheet, every row and column, as Excel shows them.

A hidden sheet (hidden or "very hidden") is never read: Excel does not show it, and what it holds (last
month's changes, a list for a drop-down) is not what the user checked. A workbook whose every sheet is
hidden is refused, naming them.

A whole number in a zeros format (``00000``, ``00000-0000``) reads as Excel shows it, leading zeros
included; a formula as the value Excel saved. The sheet's own idea of its size is not trusted: some
programs write a wrong one, and read by it the rows beyond would be gone without a word.

Refused, naming the cells: cells merged below the header (Excel shows the value across them, the
file holds it in the first only: the others would leave their fields alone), cells Excel holds
as a date, a time or TRUE/FALSE (what was typed, "3-4" say, is gone; no billing field is one), and
rows or columns hidden (filtered out) that hold values: the job applies every row and column, and the user
checked only those shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

from .spreadsheet import CUSTOMER_COLUMN, SpreadsheetError, column_name

# Excel's "Zip Code" (00000) and "Zip Code + 4" (00000-0000, its dash written as is, escaped or quoted).
ZEROS_FORMAT = re.compile(r'(0+)(?:(?:-|\\-|"-")(0+))?')
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
MERGE_CELL, ROW, COLUMNS = f"{MAIN}mergeCell", f"{MAIN}row", f"{MAIN}col"
Mark = tuple[str, dict[str, str]]  # an element of the sheet's XML that the checks read: its tag, its attributes


def read_xlsx(path: Path) -> list[Sequence[object]]:
    """Return the cell values of the workbook's first visible sheet, row by row; a formula gives the value Excel saved.

    A formula saved without its value (a file written by a program, never opened in Excel) is
    refused, naming its cells: read as empty, it would silently leave its field alone.
    """
    cells = sheet_rows(path, data_only=False)
    formulas = [cell for row in cells for cell in row if cell.data_type == "f"]
    if not formulas:
        return checked_values(path, cells)
    values = sheet_rows(path, data_only=True)
    # A formula whose saved result is an empty text has no value, but the type "str".
    saved = {cell.coordinate for row in values for cell in row if cell.value is not None or cell.data_type == "str"}
    unsaved = [cell.coordinate for cell in formulas if cell.coordinate not in saved]
    if unsaved:
        raise SpreadsheetError(
            f"{path}: formulas without a saved value in {listed(unsaved)}: open the file in Excel and save it, "
            "or type the values"
        )
    return checked_values(path, values)


def checked_values(path: Path, cells: list[list[Any]]) -> list[Sequence[object]]:
    """Return the cells' values (``xlsx_value``); raise ``SpreadsheetError`` for merged cells and cells typed as a
    date, a time or TRUE/FALSE below the header. A sheet whose first row is no header (notes before the changes' sheet,
    a title above the header) is returned as it is: where the changes are is what the reader says of it."""
    values: list[Sequence[object]] = [[xlsx_value(cell) for cell in row] for row in cells]
    if not values or CUSTOMER_COLUMN not in map(column_name, values[0]):
        return values
    marks = list(sheet_elements(path))  # the sheet's XML read once for the three checks below
    hidden = hidden_rows_with_values(marks, values)
    if hidden:
        raise SpreadsheetError(
            f"{path}: rows {listed([str(row) for row in hidden])} are hidden (filtered out, say), yet the job "
            "applies every row, shown or not: show them and check them, or delete the rows not to apply"
        )
    columns = hidden_columns_with_values(marks, values)
    if columns:
        raise SpreadsheetError(
            f"{path}: columns {listed(columns)} are hidden, yet the job applies every column, shown or not: show them "
            "and check them, or delete the columns not to apply"
        )
    merged = merged_below_header(marks)
    if merged:
        raise SpreadsheetError(
            f"{path}: merged cells in {listed(merged)}: Excel shows a merged cell's value across it, but only its "
            "first cell holds the value: unmerge them and fill each cell (its field is left alone where it is empty)"
        )
    typed = [f"{cell.coordinate} ({kind})" for row in cells[1:] for cell in row if (kind := typed_as(cell.value))]
    if typed:
        raise SpreadsheetError(
            f"{path}: cells Excel holds as a date, a time or TRUE/FALSE, not as the text a billing field takes, "
            f"in {listed(typed)}: format their column as Text and type the values again"
        )
    return values


def typed_as(value: object) -> str | None:
    """Say what a cell holds when it is a date, a time or TRUE/FALSE; None for text, numbers and nothing."""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, datetime | date):
        return f"a date: {value}"
    if isinstance(value, time | timedelta):
        return f"a time: {value}"
    return None


def merged_below_header(marks: list[Mark]) -> list[str]:
    """Return the ranges of merged cells of the sheet read (``marks``) that reach below its header row (``B2:B3``)."""
    from openpyxl.utils.cell import range_boundaries

    ranges = [found.get("ref", "") for tag, found in marks if tag == MERGE_CELL]
    bounds = {cells: range_boundaries(cells) for cells in ranges}  # columns, then rows: first, last
    below = [cells for cells, (_, _, _, last_row) in bounds.items() if last_row is None or last_row > 1]
    return sorted(below, key=lambda cells: (bounds[cells][1] or 0, bounds[cells][0] or 0))  # as the sheet reads


def hidden_rows_with_values(marks: list[Mark], values: list[Sequence[object]]) -> list[int]:
    """Return the numbers of the rows below the header that the sheet hides (``marks``, ``hidden="1"``: by hand, or
    filtered out) and that hold a value (``values``: the sheet's, row 1 first)."""
    hidden = [int(found.get("r") or 0) for tag, found in marks if tag == ROW]
    return [r for r in hidden if 1 < r <= len(values) and any(cell not in (None, "") for cell in values[r - 1])]


def hidden_columns_with_values(marks: list[Mark], values: list[Sequence[object]]) -> list[str]:
    """Return the columns the sheet hides (``marks``) that hold a value below the header, as ``C (city)``."""
    from openpyxl.utils.cell import get_column_letter

    spans = [(int(found.get("min") or 0), int(found.get("max") or 0)) for tag, found in marks if tag == COLUMNS]
    header = values[0]
    return [
        f"{get_column_letter(number)} ({header[number - 1] or 'no name'})"
        for first, last in spans
        for number in range(first, min(last, len(header)) + 1)
        if any(len(row) >= number and row[number - 1] not in (None, "") for row in values[1:])
    ]


def sheet_elements(path: Path) -> Iterator[Mark]:
    """Yield the sheet read's merged cells, hidden rows and hidden columns, as its XML lists them: the tag, the
    attributes."""
    from openpyxl import load_workbook  # there: the workbook was read already

    workbook = load_workbook(path, read_only=True)
    try:
        # The read-only sheet keeps none of them: they are read from its XML, streamed (a sheet may be large).
        with sheet_read(workbook, path)._get_source() as source:
            for _, element in iterparse(source):
                if element.tag == MERGE_CELL or (
                    element.tag in (ROW, COLUMNS) and element.get("hidden") in ("1", "true")
                ):
                    yield element.tag, dict(element.attrib)
                element.clear()
    finally:
        workbook.close()


def listed(coordinates: list[str]) -> str:
    """Return cells' coordinates as a message lists them: the first ten, then how many more."""
    return ", ".join(coordinates[:10]) + (f" and {len(coordinates) - 10} more" if len(coordinates) > 10 else "")


def xlsx_value(cell: Any) -> object:
    """Return a cell's value; a whole number in a zeros format (``00000``, ``00000-0000``) as text, as Excel shows it.

    A postal code typed as a number keeps the leading zeros its format shows: 1000 in ``00000`` is
    ``01000``, 21341234 in ``00000-0000`` is ``02134-1234``.
    """
    value = cell.value
    number = int(value) if isinstance(value, float) and value.is_integer() else value
    zeros = ZEROS_FORMAT.fullmatch(cell.number_format or "")
    if zeros is None or isinstance(number, bool) or not isinstance(number, int) or number < 0:
        return value
    first, last = zeros.group(1, 2)
    digits = str(number).zfill(len(first) + len(last or ""))
    return f"{digits[: -len(last)]}-{digits[-len(last) :]}" if last else digits


def sheet_read(workbook: Any, path: Path) -> Any:
    """Return the sheet the changes are read from: the first one Excel shows (not hidden, nor "very hidden")."""
    shown = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    if not workbook.worksheets:  # a chart sheet alone, or the sheet's part lost from the file
        raise SpreadsheetError(f"{path} holds no worksheet: save the changes in one")
    if not shown:
        names = ", ".join(sheet.title for sheet in workbook.worksheets)
        raise SpreadsheetError(f"{path}: every sheet is hidden ({names}): unhide the one with the changes")
    return shown[0]


def sheets_said(path: Path) -> str:
    """Say which sheet of the workbook was read, among its sheets (a hidden one marked so), and where the changes
    belong: ``(in book.xlsx's first sheet, 'Read me', the one read; its sheets: Read me, Changes): move ...``."""
    from openpyxl import load_workbook  # there: the workbook was read already

    workbook = load_workbook(path, read_only=True)
    try:
        read = sheet_read(workbook, path)
        first = "first sheet" if read is workbook.worksheets[0] else "first visible sheet"
        names = ", ".join(f"{s.title}{'' if s.sheet_state == 'visible' else ' (hidden)'}" for s in workbook.worksheets)
        return (
            f"(in {path}'s {first}, {read.title!r}, the one read; its sheets: {names}): move the changes to the {first}"
        )
    finally:
        workbook.close()


def sheet_rows(path: Path, *, data_only: bool) -> list[list[Any]]:
    """Return the cells of the workbook's first visible sheet, formulas as written or as the values last saved."""
    try:
        from openpyxl import load_workbook
    except ImportError:
        raise SpreadsheetError("Reading .xlsx needs openpyxl: pip install openpyxl (or save the file as CSV)") from None
    try:
        workbook = load_workbook(path, read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many kinds for a file that is no workbook
        raise SpreadsheetError(f"Cannot read {path} as a workbook: {error}") from None
    try:
        sheet = sheet_read(workbook, path)
        try:  # read only now, row by row: a sheet cut short or damaged is found here, not at the load
            # Read to its last row and column, whatever the sheet says it spans ("A1" from some exporters).
            sheet.reset_dimensions()
            return [list(row) for row in sheet.iter_rows()]
        except Exception as error:  # the XML parser's, or openpyxl's for a cell it cannot convert
            raise SpreadsheetError(
                f"Cannot read {path} as a workbook: its sheet {sheet.title!r} is damaged ({error})"
            ) from None
    finally:
        workbook.close()
