"""The cells of an XLSX file of changes: its first sheet, every row and column, as Excel shows them.

A whole number in a zeros format (``00000``, ``00000-0000``) reads as Excel shows it, leading zeros
included; a formula as the value Excel saved. The sheet's own idea of its size is not trusted: some
programs write a wrong one, and read by it the rows beyond would be gone without a word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .spreadsheet import SpreadsheetError

# Excel's "Zip Code" (00000) and "Zip Code + 4" (00000-0000, its dash written as is, escaped or quoted).
ZEROS_FORMAT = re.compile(r'(0+)(?:(?:-|\\-|"-")(0+))?')


def read_xlsx(path: Path) -> list[Sequence[object]]:
    """Return the cell values of the workbook's first sheet, row by row; a formula gives the value Excel saved.

    A formula saved without its value (a file written by a program, never opened in Excel) is
    refused, naming its cells: read as empty, it would silently leave its field alone.
    """
    cells = sheet_rows(path, data_only=False)
    formulas = [cell for row in cells for cell in row if cell.data_type == "f"]
    if not formulas:
        return [[xlsx_value(cell) for cell in row] for row in cells]
    values = sheet_rows(path, data_only=True)
    # A formula whose saved result is an empty text has no value, but the type "str".
    saved = {cell.coordinate for row in values for cell in row if cell.value is not None or cell.data_type == "str"}
    unsaved = [cell.coordinate for cell in formulas if cell.coordinate not in saved]
    if unsaved:
        raise SpreadsheetError(
            f"{path}: formulas without a saved value in {listed(unsaved)}: open the file in Excel and save it, "
            "or type the values"
        )
    return [[xlsx_value(cell) for cell in row] for row in values]


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


def sheet_names(path: Path) -> list[str]:
    """Return the names of the workbook's sheets, in order."""
    from openpyxl import load_workbook  # there: the workbook was read already

    workbook = load_workbook(path, read_only=True)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def sheet_rows(path: Path, *, data_only: bool) -> list[list[Any]]:
    """Return the cells of the workbook's first sheet, formulas as written or as the values last saved."""
    try:
        from openpyxl import load_workbook
    except ImportError:
        raise SpreadsheetError("Reading .xlsx needs openpyxl: pip install openpyxl (or save the file as CSV)") from None
    try:
        workbook = load_workbook(path, read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many kinds for a file that is no workbook
        raise SpreadsheetError(f"Cannot read {path} as a workbook: {error}") from None
    try:
        sheet = workbook.worksheets[0]
        # Read to its last row and column, whatever the sheet says it spans ("A1" from some exporters).
        sheet.reset_dimensions()
        return [list(row) for row in sheet.iter_rows()]
    finally:
        workbook.close()
